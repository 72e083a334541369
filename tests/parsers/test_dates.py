"""Dates in customers' words, resolved against the Date header's own calendar date."""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.dates import find_dates, find_return_date

TUE = dt.date(2026, 4, 14)  # a Tuesday


def first(text: str, sent: dt.date = TUE, month_first: bool = False) -> str | None:
    found = find_dates(text, sent, month_first)
    return found[0].date.isoformat() if found else None


@pytest.mark.parametrize(("text", "expected"), [
    ("we will pay Friday", "2026-04-17"),
    ("by the end of the month", "2026-04-30"),
    ("end of month", "2026-04-30"),
    ("next week", "2026-04-24"),              # Friday of next week
    ("by the end of next week", "2026-04-24"),
    ("the 15th", "2026-04-15"),
    ("on the 1st", "2026-05-01"),             # rolls forward
    ("in two weeks", "2026-04-28"),
    ("within 10 days", "2026-04-24"),
    ("15/12", "2026-12-15"),
    ("15. Dezember", "2026-12-15"),
    ("fin de mois", "2026-04-30"),
    ("d'ici la fin du mois", "2026-04-30"),
    ("a finales de mes", "2026-04-30"),
    ("Ende nächster Woche", "2026-04-24"),
    ("volgende week", "2026-04-24"),
    ("lundi prochain", "2026-04-20"),
    ("el próximo viernes", "2026-04-17"),
    ("sexta-feira", "2026-04-17"),
    ("venerdì", "2026-04-17"),
    ("donderdag", "2026-04-16"),
    ("tomorrow", "2026-04-15"),
    ("morgen", "2026-04-15"),
    ("today", "2026-04-14"),
    ("zum 15.04.", "2026-04-15"),
    ("bis spätestens Freitag, den 17.04.2026", "2026-04-17"),
    ("April 3rd", "2026-04-03"),
    ("31 March", "2026-03-31"),
    ("le 13 avril", "2026-04-13"),
    ("15 de diciembre", "2026-12-15"),
    ("2026-05-02", "2026-05-02"),
    ("next month", "2026-05-31"),
    ("by the end of June", "2026-06-30"),
    ("fin juin", "2026-06-30"),
    ("Ende Juni", "2026-06-30"),
    ("a finales de junio", "2026-06-30"),
    ("mid-June", "2026-06-15"),
    ("COB Friday", "2026-04-17"),
    ("eind deze maand", "2026-04-30"),
    ("sous huitaine", "2026-04-22"),
    ("in a fortnight", "2026-04-28"),
    ("até ao final do mês", "2026-04-30"),
    ("entro fine mese", "2026-04-30"),
    ("dentro de dos semanas", "2026-04-28"),
    ("the 20th of May", "2026-05-20"),
    ("übermorgen", "2026-04-16"),
    ("early next month", "2026-05-07"),
    ("Anfang Mai", "2026-05-07"),
    ("mid next month", "2026-05-15"),
    ("in the next few days", "2026-04-17"),
])
def test_phrases(text: str, expected: str) -> None:
    assert first(text) == expected


def test_us_and_european_numeric_dates() -> None:
    assert first("3/26 check run", month_first=True) == "2026-03-26"
    assert first("4/8", month_first=True) == "2026-04-08"
    assert first("4/8", month_first=False) == "2026-08-04"
    assert first("27/03") == "2026-03-27"


@pytest.mark.parametrize("text", ["12,40 € HT", "1.250,00 €", "call 416-555-0199", "Guten Morgen", "you may 5",
                                  "12.40", "pages 3-4", "at 10:30"])
def test_not_dates(text: str) -> None:
    assert first(text) is None


def test_year_rolls_forward_near_new_year() -> None:
    assert first("15 January", sent=dt.date(2026, 12, 20)) == "2027-01-15"


def test_return_dates() -> None:
    sent = dt.date(2026, 4, 2)
    assert find_return_date("Ich bin bis einschließlich 10.04.2026 nicht im Büro und ab Montag, den "
                            "13.04.2026 wieder erreichbar.", sent) == dt.date(2026, 4, 13)
    assert find_return_date("I'm back on Monday, April 6.", sent) == dt.date(2026, 4, 6)
    assert find_return_date("sono fuori ufficio fino al 10 aprile compreso", sent) == dt.date(2026, 4, 13)
    assert find_return_date("I am away.", sent) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("I will return on 18 May.", "2026-05-18"),
    ("Je serai de retour le 18 mai.", "2026-05-18"),
    ("Ich bin ab dem 18.05. wieder im Büro.", "2026-05-18"),
    ("Estaré de vuelta el 18 de mayo.", "2026-05-18"),
    ("Ik ben vanaf 18 mei weer aanwezig.", "2026-05-18"),
    ("Estarei de volta a 18 de maio.", "2026-05-18"),
    ("Rientrerò in ufficio il 18 maggio.", "2026-05-18"),
    ("I am on annual leave until Friday 15 May inclusive.", "2026-05-18"),
    ("Je suis absente jusqu'au 15 mai inclus.", "2026-05-18"),
    ("Ich bin bis 15.05. nicht erreichbar.", "2026-05-15"),
])
def test_return_dates_in_seven_languages(text: str, expected: str) -> None:
    assert find_return_date(text, dt.date(2026, 5, 12)) == dt.date.fromisoformat(expected)
