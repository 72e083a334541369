"""Invoice references: known invoices first, shortened forms, then by pattern; never other numbers."""

from __future__ import annotations

from parsers.refs import find_invoice_refs


def test_known_invoice_with_changed_separators() -> None:
    assert find_invoice_refs("Paid this morning. Ref: CP24555", ("CP-24555",)) == ("CP-24555",)
    assert find_invoice_refs("about cp 24555", ("CP-24555",)) == ("CP-24555",)


def test_shortened_form() -> None:
    assert find_invoice_refs("Can you revise #4502 please?", ("INV-2026-4502",)) == ("INV-2026-4502",)
    assert find_invoice_refs("invoice 4502 is wrong", ("INV-2026-4502", "INV-2026-4510")) == ("INV-2026-4502",)


def test_unknown_invoice_of_the_same_shape() -> None:
    refs = find_invoice_refs("FV26/00455 duplica FV26/00448", ("FV26/00455",))
    assert refs == ("FV26/00455", "FV26/00448")


def test_invoice_word_introduces_a_reference() -> None:
    assert find_invoice_refs("Rechnung Nr. 2026-7781 ist bezahlt") == ("2026-7781",)
    assert find_invoice_refs("I paid #4433 in full", ("4519",)) == ("4433",)


def test_other_numbers_are_not_invoices() -> None:
    known = ("56301",)
    text = ("Please reissue it with PO 4500127733, RMA 7721, lot 22-1187, ticket #88213, check 1187, "
            "call 416-555-0199, total $1,250.00, on 12/03/2026, our VAT PL5252812347")
    assert find_invoice_refs(text, known) == ()


def test_order_of_first_mention_and_no_duplicates() -> None:
    known = ("VDB260118", "VDB260131")
    assert find_invoice_refs("VDB260131 klopt niet; VDB260118 is betaald. VDB260131!", known) == (
        "VDB260131", "VDB260118")


def test_formats_and_traps() -> None:
    assert find_invoice_refs("Re invoice 123 - paid.", ("INV-000123",)) == ("INV-000123",)
    assert find_invoice_refs("F26118 was paid", ("F-26-118",)) == ("F-26-118",)
    assert find_invoice_refs("also INV-0998 was paid", ("INV-1001",)) == ("INV-0998",)
    assert find_invoice_refs("our PO-1001 and order 1001", ("INV-1001",)) == ()
    assert find_invoice_refs("Factura n.º 2026-118") == ("2026-118",)
    assert find_invoice_refs("tel 0161 4471 0000 ext 10442", ("10442",)) == ()
    assert find_invoice_refs("amount 10442.00 EUR", ("10442",)) == ()
    assert find_invoice_refs("We paid invoices 1045, 1046 and 1047.", ("1045", "1046", "1047")) == ("1045", "1046", "1047")
