"""Money as integer minor units plus an ISO 4217 currency; never float.

The ledger stores every amount as an integer count of the currency's minor unit
(cents for EUR, yen for JPY). These helpers convert to and from ``Decimal`` at the
edges (import, display, JSON) using the currency's precision from CLDR (babel).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache

from babel.core import UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision, list_currencies


class MoneyError(ValueError):
    """An amount or currency that cannot be represented exactly."""


@cache
def known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def check_currency(code: str) -> str:
    """Return the upper-cased ISO code, or raise MoneyError for an unknown one."""
    norm = (code or "").strip().upper()
    if norm not in known_currencies():
        raise MoneyError(f"unknown currency {code!r}")
    return norm


@cache
def exponent(currency: str) -> int:
    """Digits after the decimal point for ``currency`` (EUR 2, JPY 0, BHD 3)."""
    return int(get_currency_precision(currency))


def to_minor(amount: Decimal | str | int, currency: str) -> int:
    """Convert a decimal amount to integer minor units; refuse sub-minor precision."""
    try:
        value = Decimal(amount) if not isinstance(amount, Decimal) else amount
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError(f"not a number: {amount!r}") from exc
    if not value.is_finite():
        raise MoneyError(f"not a finite amount: {amount!r}")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{amount} has more decimals than {currency} allows")
    return int(scaled)


def to_decimal(minor: int, currency: str) -> Decimal:
    """Integer minor units back to a Decimal with the currency's exact precision."""
    exp = exponent(currency)
    quant = Decimal(1).scaleb(-exp)
    return (Decimal(minor).scaleb(-exp)).quantize(quant, rounding=ROUND_HALF_EVEN)


def to_str(minor: int, currency: str) -> str:
    """Decimal string for JSON output, e.g. ``"1250.00"`` (no symbol, no grouping)."""
    return str(to_decimal(minor, currency))


def display(minor: int, currency: str, locale: str = "en") -> str:
    """Human display with symbol and grouping in ``locale`` ("€1,250.00", "1.250,00 €")."""
    try:
        return str(format_currency(to_decimal(minor, currency), currency, locale=locale))
    except (UnknownLocaleError, ValueError, LookupError):  # unknown locale: a neutral form
        return f"{to_str(minor, currency)} {currency}"


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount: integer minor units and an ISO currency."""

    minor: int
    currency: str

    def __str__(self) -> str:
        return f"{to_str(self.minor, self.currency)} {self.currency}"

    @property
    def decimal(self) -> Decimal:
        return to_decimal(self.minor, self.currency)
