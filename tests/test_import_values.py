"""Amount and date reading rules of the ERP import (pure functions, no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bot.importer.source import norm_header, sniff_delimiter
from bot.importer.values import DateReader, parse_amount


@pytest.mark.parametrize("raw, exponent, minor", [
    ("1234.56", 2, 123456),
    ("-12.5", 2, -1250),
    ("100", 2, 10000),
    ("1,234.56", 2, 123456),
    ("1.234,56", 2, 123456),
    ("1 234,56", 2, 123456),
    ("1\u00a0234,56", 2, 123456),
    ("CHF 1'234.50", 2, 123450),
    ("€1,234.50", 2, 123450),
    ("1.234,50 €", 2, 123450),
    ("1.234,50 EUR", 2, 123450),
    ("US$ 10", 2, 1000),
    ("$ -5.00", 2, -500),
    ("(1,234.50)", 2, -123450),
    ("1,234.50-", 2, -123450),
    ("\u22123.00", 2, -300),
    ("1,234,567", 2, 123456700),
    ("1.234.567,89", 2, 123456789),
    ("1,5", 2, 150),
    # ambiguous single separator + three digits: thousands ...
    ("1,234", 2, 123400),
    ("1.234", 2, 123400),
    # ... unless the integer part is 0 or the currency has three decimals
    ("0.125", 3, 125),
    ("1.234", 3, 1234),
    ("1234", 0, 1234),
    ("1,234", 0, 1234),
    (1234.5, 2, 123450),
    (0.1, 2, 10),
    (12, 2, 1200),
    (Decimal("-7.25"), 2, -725),
    ("12.50", 2, 1250),
    ("12.500", 3, 12500),
])
def test_amounts(raw: object, exponent: int, minor: int) -> None:
    assert parse_amount(raw, exponent) == minor


@pytest.mark.parametrize("raw, message", [
    ("abc", "not a number: 'abc'"),
    ("12abc34", "not a number: '12abc34'"),
    ("", "not a number: ''"),
    ("-", "not a number: '-'"),
    ("--5", "not a number: '--5'"),
    ("10.5.3", "not a number: '10.5.3'"),
    ("1e5", "not a number: '1e5'"),
    ("12.3456", "too many decimals: '12.3456'"),
    ("0.125", "too many decimals: '0.125'"),
    ("(-5)", "not a number: '(-5)'"),
    ("1.234,5.6", "not a number: '1.234,5.6'"),
])
def test_bad_amounts(raw: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_amount(raw, 2)
    assert str(info.value) == message


D = dt.date(2026, 12, 15)


@pytest.mark.parametrize("raw", [
    "2026-12-15", "2026-12-15T00:00:00", "2026-12-15 08:30:00", "2026/12/15", "15/12/2026", "15-12-2026",
    "15.12.2026", "15/12/26", "15 Dec 2026", "15-Dec-26", "Dec 15, 2026", "December 15, 2026",
    "15 December 2026", "15. Dezember 2026", "15 déc. 2026", "15/12/2026 00:00",
    dt.datetime(2026, 12, 15, 0, 0), D, 46371,
])
def test_dates_day_first(raw: object) -> None:
    assert DateReader()(raw) == D


@pytest.mark.parametrize("raw", ["12/15/2026", "12-15-2026", "15.12.2026", "2026-12-15", "Dec 15, 2026"])
def test_dates_month_first(raw: str) -> None:
    assert DateReader(day_first=False)(raw) == D


def test_explicit_date_format() -> None:
    reader = DateReader(fmt="%Y%m%d")
    assert reader("20261215") == D
    with pytest.raises(ValueError, match=r"not a date: '2026-12-15' \(expected %Y%m%d\)"):
        reader("2026-12-15")


@pytest.mark.parametrize("raw", ["31/02/2026", "2026-13-01", "tomorrow", "15/12", "", "12/15/2026"])
def test_bad_dates(raw: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        DateReader()(raw)


def test_headers_and_delimiters() -> None:
    assert norm_header("  Due Date ") == "due_date"
    assert norm_header("Invoice-Number") == "invoice_number"
    assert sniff_delimiter("a;b;c\n") == ";"
    assert sniff_delimiter('"a,b";c;d\n') == ";"
    assert sniff_delimiter("a,b,c\n") == ","
    assert sniff_delimiter("a\tb\tc\n") == "\t"
    assert sniff_delimiter("single\n") == ","
