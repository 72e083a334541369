"""Amounts as written in seven languages' conventions, as Decimal with ISO currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parsers.money import find_amounts, parse_number


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("1.250,00 €", "1250.00", "EUR"),
    ("1 250,00 EUR", "1250.00", "EUR"),
    ("1\u00a0386,00\u00a0€", "1386.00", "EUR"),
    ("$1,250", "1250.00", "USD"),
    ("£500 now and the rest in January", "500.00", "GBP"),
    ("€4,140.00", "4140.00", "EUR"),
    ("€ 500 per maand", "500.00", "EUR"),
    ("CHF 1'250.50", "1250.50", "CHF"),
    ("500 euros", "500.00", "EUR"),
    ("USD 1,000", "1000.00", "USD"),
    ("Total paid (USD) 4,320.00", "4320.00", "USD"),
    ("€2.500", "2500.00", "EUR"),
])
def test_amounts(text: str, amount: str, currency: str) -> None:
    found = find_amounts(text)
    assert found, text
    assert found[0].amount == Decimal(amount)
    assert found[0].currency == currency


@pytest.mark.parametrize("text", ["PO 4500127733", "1,450", "call 0161 555 0199", "INV-2026-4502"])
def test_no_currency_no_amount(text: str) -> None:
    assert find_amounts(text) == []


def test_dollar_sign_is_flagged_for_the_caller() -> None:
    assert find_amounts("$12.00")[0].dollar_sign
    assert not find_amounts("US$12.00")[0].dollar_sign


def test_parse_number() -> None:
    assert parse_number("1.234.567,89") == Decimal("1234567.89")
    assert parse_number("1,234,567.89") == Decimal("1234567.89")
    assert parse_number("12,5") == Decimal("12.5")
    assert parse_number("") is None


def test_whole_units_dash() -> None:
    assert find_amounts("1.250,- EUR")[0].amount == Decimal("1250.00")


def test_bare_amounts_need_a_money_phrase_and_cents() -> None:
    from parsers.money import find_bare_amounts

    assert [m.amount for m in find_bare_amounts("we made a payment of 1,250.00 yesterday")] == [Decimal("1250.00")]
    assert [m.amount for m in find_bare_amounts("der Betrag von 2.184,60 wurde überwiesen")] == [Decimal("2184.60")]
    assert find_bare_amounts("invoice 2026-00988 for 12 boxes") == []
