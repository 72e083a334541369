"""parsers.quotes.split_reply on the layouts of common clients and languages."""

from __future__ import annotations

import pytest

from parsers.quotes import split_reply

CASES = {
    "gmail_en": (
        "We will pay on Friday.\n\nOn Mon, Mar 9, 2026 at 9:00 AM Acme <ar@acme.example> wrote:\n\n> Invoice is due.\n",
        "We will pay on Friday.",
    ),
    "gmail_wrapped_attribution": (
        "Paid today.\n\nOn Mon, Mar 9, 2026 at 9:00 AM Acme Billing Department <ar@acme.example>\nwrote:\n\n> Due.\n",
        "Paid today.",
    ),
    "outlook_en_block": (
        ("Please send a copy.\n\n________________________________\nFrom: Acme <ar@acme.example>\n"
        "Sent: Monday, March 9, 2026 9:00 AM\nTo: Bob <bob@x.example>\nSubject: Invoice\n\nInvoice is due.\n"),
        "Please send a copy.",
    ),
    "outlook_original_message": (
        "Already paid.\n\n-----Original Message-----\nFrom: ar@acme.example\nSent: 9 March 2026\n\nDue.\n",
        "Already paid.",
    ),
    "outlook_fr_block": (
        ("Merci, c'est réglé.\n\nDe : Acme <ar@acme.example>\nEnvoyé : lundi 9 mars 2026 09:00\n"
        "À : Paul <p@x.example>\nObjet : Facture\n\nVotre facture est due.\n"),
        "Merci, c'est réglé.",
    ),
    "outlook_es_block": (
        ("Pagaremos el viernes.\n\nDe: Acme <ar@acme.example>\nEnviado el: lunes, 9 de marzo de 2026 9:00\n"
        "Para: Ana <a@x.example>\nAsunto: Factura\n"),
        "Pagaremos el viernes.",
    ),
    "outlook_it_block": (
        "Pagheremo lunedì.\n\nDa: Acme <ar@acme.example>\nInviato: lunedì 9 marzo 2026 09:00\nA: Ugo\nOggetto: Fattura\n",
        "Pagheremo lunedì.",
    ),
    "outlook_nl_block": (
        "Betaald.\n\nVan: Acme <ar@acme.example>\nVerzonden: maandag 9 maart 2026 09:00\nAan: Jan\nOnderwerp: Factuur\n",
        "Betaald.",
    ),
    "outlook_pt_block": (
        ("Pago amanhã.\n\nDe: Acme <ar@acme.example>\nEnviado: segunda-feira, 9 de março de 2026 09:00\n"
        "Para: Rui\nAssunto: Fatura\n"),
        "Pago amanhã.",
    ),
    "outlook_bold_block": (
        "Paid.\n\n*From:* Acme <ar@acme.example>\n*Sent:* Monday\n*To:* Bob\n*Subject:* Invoice\n",
        "Paid.",
    ),
    "french_wrote": (
        "C'est payé.\n\nLe lun. 9 mars 2026 à 09:00, Acme <ar@acme.example> a écrit :\n> Facture due.\n",
        "C'est payé.",
    ),
    "german_wrote": (
        "Ist überwiesen.\n\nAm 09.03.2026 um 09:00 schrieb Acme <ar@acme.example>:\n> Rechnung fällig.\n",
        "Ist überwiesen.",
    ),
    "german_gmail_name_first": (
        "Erledigt.\n\nAcme Billing <ar@acme.example> schrieb am Mo., 9. März 2026, 09:00:\n\n> Fällig.\n",
        "Erledigt.",
    ),
    "spanish_wrote": (
        "Ya está pagada.\n\nEl lun, 9 mar 2026 a las 9:00, Acme (<ar@acme.example>) escribió:\n> Factura.\n",
        "Ya está pagada.",
    ),
    "dutch_wrote_two_lines": (
        "Is betaald.\n\nOp 9 mrt. 2026 om 09:00 schreef Acme <ar@acme.example> het\nvolgende:\n\n> Factuur.\n",
        "Is betaald.",
    ),
    "portuguese_wrote": (
        "Já paguei.\n\nEm seg., 9 de mar. de 2026 às 09:00, Acme <ar@acme.example> escreveu:\n> Fatura.\n",
        "Já paguei.",
    ),
    "italian_wrote": (
        "Pagato ieri.\n\nIl giorno lun 9 mar 2026 alle ore 09:00 Acme <ar@acme.example> ha scritto:\n> Fattura.\n",
        "Pagato ieri.",
    ),
    "unknown_language_attribution": (
        "Paid.\n\nпн, 9 мар. 2026 г. в 09:00, Acme <ar@acme.example>:\n\n> Invoice.\n",
        "Paid.",
    ),
    "iphone_signature_en": ("Will pay Friday.\n\nSent from my iPhone\n\n> On 9 Mar 2026 Acme wrote:\n> due", "Will pay Friday."),
    "mobile_signature_de": ("Zahlen wir morgen.\n\nVon meinem iPhone gesendet", "Zahlen wir morgen."),
    "mobile_signature_fr": ("On paie demain.\n\nEnvoyé de mon iPhone", "On paie demain."),
    "mobile_signature_es": ("Pagamos mañana.\n\nEnviado desde mi iPhone", "Pagamos mañana."),
    "sent_from_not_a_signature": (
        "Sent from my desk, because the phone is broken, we will pay today.",
        "Sent from my desk, because the phone is broken, we will pay today.",
    ),
    "dash_signature": ("Paid yesterday.\n\n-- \nBob Smith\nACME Ltd\n+1 555 0100", "Paid yesterday."),
    "disclaimer": (
        ("We dispute invoice 4502.\n\nJane\n\nCONFIDENTIALITY NOTICE: This e-mail and any attachments are "
        "confidential and intended solely for the addressee."),
        "We dispute invoice 4502.\n\nJane",
    ),
    "forwarded": (
        ("FYI, please handle.\n\n---------- Forwarded message ---------\nFrom: Acme <ar@acme.example>\n"
        "Date: Mon, 9 Mar 2026\nSubject: Invoice\n\nInvoice due."),
        "FYI, please handle.",
    ),
    "apple_forward": ("See below.\n\nBegin forwarded message:\n\nFrom: Acme <ar@acme.example>\nSubject: x\n", "See below."),
    "helpdesk_reply_above_marker": (
        "We paid it yesterday.\n\n##- Please type your reply above this line -##\n\nYour request (#123) was updated.",
        "We paid it yesterday.",
    ),
    "no_quote": ("Just a short note: paid.", "Just a short note: paid."),
    "colon_line_is_not_attribution": (
        "Here is what we paid on 3 March:\nINV-1 100.00\nINV-2 50.00\n",
        "Here is what we paid on 3 March:\nINV-1 100.00\nINV-2 50.00",
    ),
    "remittance_key_values_are_not_headers": (
        "Payment details:\nDate: 3 March 2026\nAmount: 150.00 EUR\nReference: INV-2026-4502\n",
        "Payment details:\nDate: 3 March 2026\nAmount: 150.00 EUR\nReference: INV-2026-4502",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_split(name: str) -> None:
    text, expected = CASES[name]
    assert split_reply(text).reply == expected


def test_inline_answers_are_kept_with_context() -> None:
    text = (
        "On 9 Mar 2026, at 09:00, Acme <ar@acme.example> wrote:\n"
        "> Invoice 1001 is overdue.\nThat one is paid.\n\n> Invoice 1002 is overdue.\n"
        "We dispute this one.\n\n> Regards, Acme\n"
    )
    split = split_reply(text)
    assert split.reply == "That one is paid.\n\nWe dispute this one."
    assert split.inline
    assert "> Invoice 1001 is overdue.\nThat one is paid." in split.reply_with_context


def test_bottom_posting_is_kept() -> None:
    text = "On Mon, 9 Mar 2026 Acme <ar@acme.example> wrote:\n> Invoice due.\n\nPaid it this morning.\n"
    assert split_reply(text).reply == "Paid it this morning."


def test_signature_returned() -> None:
    split = split_reply("Paid.\n\n-- \nBob\nACME")
    assert split.signature == "--\nBob\nACME"  # lines are right-trimmed


def test_everything_quoted_falls_back() -> None:
    text = "> only a quote\n> nothing else\n"
    assert split_reply(text).reply == text.strip()


def test_empty() -> None:
    assert split_reply("").reply == ""
    assert split_reply("   \n").reply == ""


def test_external_sender_banner_is_not_the_reply() -> None:
    text = (
        "CAUTION: This email originated from outside of the organization. Do not click links or open "
        "attachments unless you recognize the sender.\n\nWe paid invoice 12 on Monday.\n\n"
        "On Mon, 9 Mar 2026 Acme <ar@acme.example> wrote:\n> Invoice 12 is due.\n"
    )
    split = split_reply(text)
    assert split.reply == "We paid invoice 12 on Monday."
    assert split.signature.startswith("CAUTION:")


def test_caution_written_by_the_customer_is_kept() -> None:
    assert split_reply("Caution: the amount is wrong.\n\nJim").reply == "Caution: the amount is wrong.\n\nJim"


def test_pasted_transfer_details_are_not_a_header_block() -> None:
    text = "Payment sent.\nFrom: Acme Ltd\nTo: Your Company\nAmount: 1,250.00 EUR\nDate: 3 March 2026\n"
    assert split_reply(text).reply == text.strip()


def test_header_block_without_address_needs_a_subject() -> None:
    text = "Paid.\n\nFrom: Acme Billing\nSent: Monday, March 9, 2026 9:00 AM\nTo: Bob\nSubject: Invoice\n\nold"
    assert split_reply(text).reply == "Paid."
