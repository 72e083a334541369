"""More layouts, languages and MTAs than the shared corpora hold, written for this project.

The acceptance corpora are unseen; these cases keep the general rules honest (structure
first, multilingual lexicons second) across clients and languages not in the shared data.
"""

from __future__ import annotations

import pytest

from parsers.autoreply import read_auto_reply
from parsers.bounce import read_bounce
from parsers.mime import decode
from parsers.quotes import split_reply

QUOTES = {
    "pl_outlook": (("Zapłacimy jutro.\n\nOd: Acme <ar@acme.example>\nWysłano: poniedziałek, 9 marca 2026 09:00\n"
                   "Do: Jan\nTemat: Faktura\n\nTreść"), "Zapłacimy jutro."),
    "sv_outlook": ("Betalt.\n\nFrån: Acme <ar@acme.example>\nSkickat: den 9 mars 2026 09:00\nTill: Jan\nÄmne: Faktura\n",
                   "Betalt."),
    "da_gmail": ("Betalt i går.\n\nDen man. 9. mar. 2026 kl. 09.00 skrev Acme <ar@acme.example>:\n\n> Faktura\n",
                 "Betalt i går."),
    "pl_gmail": ("Zapłacone.\n\nW dniu pon., 9 mar 2026 o 09:00 Acme <ar@acme.example> napisał(a):\n\n> Faktura\n",
                 "Zapłacone."),
    "hu_gmail": ("Fizetve.\n\nAcme <ar@acme.example> ezt írta (időpont: 2026. márc. 9., H, 9:00):\n\n> Számla\n",
                 "Fizetve."),
    "ja_gmail": ("支払い済みです。\n\n2026年3月9日(月) 9:00 Acme <ar@acme.example>:\n\n> 請求書\n", "支払い済みです。"),
    "zh_outlook": ("已付款。\n\n发件人: Acme <ar@acme.example>\n发送时间: 2026年3月9日 9:00\n收件人: 王\n主题: 发票\n", "已付款。"),
    "outlook_mac": (("We paid.\n\nFrom: Acme <ar@acme.example>\nDate: Monday, 9 March 2026 at 09:00\n"
                    "To: Bob <b@x.example>\nSubject: Invoice\n"), "We paid."),
    "outlook_one_line": (("We paid.\n\nFrom: Acme <ar@acme.example> Sent: Monday, March 9, 2026 9:00 AM "
                         "To: Bob <b@x.example> Subject: Invoice\n\nold"), "We paid."),
    "yahoo_classic": ("Paid.\n\n----- Original Message -----\nFrom: Acme <ar@acme.example>\nTo: Bob\nSent: Monday\n",
                      "Paid."),
    "yahoo_unquoted": (("Paid.\n\nOn Monday, March 9, 2026, 09:00:00 AM EST, Acme <ar@acme.example> wrote:\n\n"
                       "Invoice due.\n"), "Paid."),
    "thunderbird_fr_forward": (("Pour info.\n\n-------- Message transféré --------\nSujet : Facture\n"
                               "Date : Mon, 9 Mar 2026\nDe : Acme <ar@acme.example>\n"), "Pour info."),
    "outlook_ios_it": (("Pagheremo venerdì.\n\nInviato da Outlook per iOS\n________________________________\n"
                       "Da: Acme <ar@acme.example>\nInviato: lunedì 9 marzo 2026 09:00\nA: Ugo\nOggetto: Fattura\n"),
                       "Pagheremo venerdì."),
    "android_pt": (("Pago hoje.\n\nEnviado do meu smartphone Samsung Galaxy.\n\n-------- Mensagem original --------\n"
                   "De: Acme <ar@acme.example>\n"), "Pago hoje."),
    "de_handy_signature": ("Wird heute überwiesen.\n\nVon meinem Samsung Galaxy Smartphone gesendet.\n",
                           "Wird heute überwiesen."),
    "nl_ipad_signature": ("Wordt vandaag betaald.\n\nVerstuurd vanaf mijn iPad\n", "Wordt vandaag betaald."),
    "fr_nbsp_attribution": (("Réglé hier.\n\nLe lun. 9 mars 2026 à 09:00, Acme <ar@acme.example> a\u00a0écrit\u00a0:\n\n"
                            "> Facture\n"), "Réglé hier."),
    "fr_nbsp_outlook": (("Réglé.\n\nDe\u00a0: Acme <ar@acme.example>\nEnvoyé\u00a0: lundi 9 mars 2026 09:00\n"
                        "À\u00a0: Paul\nObjet\u00a0: Facture\n"), "Réglé."),
}


@pytest.mark.parametrize("name", sorted(QUOTES))
def test_quote_variants(name: str) -> None:
    text, expected = QUOTES[name]
    assert split_reply(text).reply == expected


def _mail(sender: str, subject: str, body: str, extra: str = "") -> bytes:
    return (f"From: {sender}\r\nTo: ar@seller.example\r\nSubject: {subject}\r\n{extra}"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}").encode()


BOUNCES = {
    "exchange_fr_text": (_mail("postmaster@client.example", "Non remis : Facture FA-1",
                               "Votre message n'a pas pu être remis à compta@client.example car l'adresse est "
                               "introuvable.\r\n\r\nDiagnostic : 550 5.1.10 RESOLVER.ADR.RecipientNotFound\r\n"),
                         ["compta@client.example"], True),
    "exchange_es_text": (_mail("postmaster@cliente.example", "No se puede entregar: Factura",
                               "No se pudo entregar el mensaje a pagos@cliente.example. El buzón no existe.\r\n"
                               "550 5.1.1\r\n"), ["pagos@cliente.example"], True),
    "nl_text": (_mail("MAILER-DAEMON@mx.klant.example", "Onbestelbaar: Factuur",
                      "Uw bericht aan boekhouding@klant.example kon niet worden bezorgd.\r\nStatus: 5.1.1\r\n"),
                ["boekhouding@klant.example"], True),
    "it_text": (_mail("postmaster@cliente.example", "Non recapitabile: Fattura",
                      "Non è stato possibile recapitare il messaggio a amministrazione@cliente.example.\r\n"
                      "550 5.1.1 utente sconosciuto\r\n"), ["amministrazione@cliente.example"], True),
    "pt_text": (_mail("MAILER-DAEMON@mx.cliente.example", "Mensagem não entregue",
                      "Não foi possível entregar a mensagem para financeiro@cliente.example.\r\n"
                      "550 5.1.1 user unknown\r\n"), ["financeiro@cliente.example"], True),
    "gmail_text": (_mail("Mail Delivery Subsystem <mailer-daemon@googlemail.example>",
                         "Delivery Status Notification (Failure)",
                         "** Address not found **\r\n\r\nYour message wasn't delivered to jane@gone.example because "
                         "the address couldn't be found.\r\n\r\n550 5.1.1 The email account does not exist.\r\n"),
                   ["jane@gone.example"], True),
    "postfix_delay_text": (_mail("MAILER-DAEMON@mx.example", "Delayed Mail (still being retried)",
                                 "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\r\n\r\n"
                                 "Your message could not be delivered for more than 4 hour(s).\r\n"
                                 "It will be retried until it is 5 day(s) old.\r\n\r\n"
                                 "<slow@cust.example>: connect to mx.cust.example[192.0.2.5]:25: "
                                 "Connection timed out\r\n"), ["slow@cust.example"], False),
    "qmail_two_recipients": (_mail("MAILER-DAEMON@mx.example", "failure notice",
                                   "I wasn't able to deliver your message to the following addresses.\r\n"
                                   "This is a permanent error; I've given up.\r\n\r\n<a@cust.example>:\r\n"
                                   "550 5.1.1 no such user\r\n\r\n<b@cust.example>:\r\n550 5.1.1 no such user\r\n\r\n"
                                   "--- Below this line is a copy of the message.\r\n\r\nFrom: ar@seller.example\r\n"
                                   "Reply-To: ar-replies@seller.example\r\n"),
                             ["a@cust.example", "b@cust.example"], True),
}


@pytest.mark.parametrize("name", sorted(BOUNCES))
def test_bounce_variants(name: str) -> None:
    raw, recipients, permanent = BOUNCES[name]
    report = read_bounce(decode(raw))
    assert report is not None
    assert sorted(report.recipients) == recipients
    assert report.permanent is permanent


NOT_BOUNCES = {
    "human_mentions_undeliverable": _mail("Bob <bob@cust.example>", "Re: Invoice",
                                          "Your last email was undeliverable to our old address, please use "
                                          "ap@cust.example from now on.\r\n"),
    "human_forwards_bounce": _mail("Bob <bob@cust.example>", "Fwd: Undeliverable: Invoice",
                                   "FYI this bounced.\r\n\r\nYour message to jane@cust.example couldn't be "
                                   "delivered. 550 5.1.1\r\n"),
    "success_report": _mail("MAILER-DAEMON@mx.example", "Successful Mail Delivery Report",
                            "Your message was successfully delivered to the destination(s) listed below.\r\n\r\n"
                            "<ok@cust.example>: delivery via mx.cust.example: 250 2.0.0 Ok\r\n"),
}


@pytest.mark.parametrize("name", sorted(NOT_BOUNCES))
def test_not_bounce_variants(name: str) -> None:
    assert read_bounce(decode(NOT_BOUNCES[name])) is None


def _verdict(subject: str, body: str, extra: str = ""):  # type: ignore[no-untyped-def]
    msg = decode(_mail("Kim <kim@cust.example>", subject, body, "In-Reply-To: <x@seller.example>\r\n" + extra))
    return read_auto_reply(msg, split_reply(msg.text).reply)


AUTO = [
    ("AW: Rechnung", ("Vielen Dank für Ihre Nachricht. Ich bin ab dem 14.04. wieder im Büro und werde Ihre "
                     "Nachricht dann beantworten.")),
    ("RE: Invoice", ("Thanks for your message. I will be back in the office on Monday 20 April and will respond "
                    "as soon as possible.")),
    ("Urlaub bis 14.4.", "Hallo"),
    ("Re: Invoice 12", ("Thank you for your email. I am currently out of the office with no access to email and will "
                       "return on 14 April.")),
    ("Re: Invoice 12", "I'm on vacation, returning 4/20. For urgent matters contact ap@cust.example."),
    ("Re: Invoice 12", "I will be out of the office from 3 to 7 April with limited access to email."),
    ("Re: Invoice 12", ("Hello, I am on maternity leave until September 2026. Please contact accounts@cust.example "
                       "in my absence.")),
    ("AW: Rechnung", ("Vielen Dank für Ihre Nachricht. Ich bin derzeit nicht im Hause und ab dem 14.04.2026 wieder "
                     "erreichbar.")),
    ("RE: Facture", ("Bonjour, je suis en congé jusqu'au 14 avril inclus. Pour toute demande urgente, merci de "
                    "contacter compta@client.example.")),
    ("RE: Factura", ("Me encuentro fuera de la oficina hasta el 14 de abril. Para asuntos urgentes contacte con "
                    "admin@cliente.example.")),
    ("RE: Factuur", ("Bedankt voor uw bericht. Ik ben tot en met 10 april afwezig. Voor dringende zaken kunt u mailen "
                    "naar info@klant.example.")),
    ("RE: Fatura", ("Obrigado pela sua mensagem. Encontro-me de férias até 14 de abril. Em caso de urgência contacte "
                   "geral@cliente.example.")),
    ("R: Fattura", ("Grazie per la sua email. Sono in ferie fino al 14 aprile. Per urgenze contattare "
                   "info@cliente.example.")),
    ("Abwesend: Rechnung", "Ich bin nicht da."),
    ("Re: Invoice", ("Thank you for contacting Acme Accounts Payable. Your request has been received and a ticket "
                    "number 88812 has been created.")),
    ("Re: Invoice", "This mailbox is no longer monitored. Please send invoices to ap@cust.example."),
]
HUMAN = [
    ("Re: Invoice 12", "Thanks! I will get back to you on Monday 20 April when I have checked with our accountant."),
    ("Re: Invoice 12", "I'm travelling until Friday 10 April, will look at it when I'm back."),
    ("Re: Invoice 12", "I am out of the office until Friday 10 April. I will deal with the invoice when I am back."),
    ("Re: Absence of remittance for invoice 12", "We paid it on Monday, see the attached advice."),
    ("AW: Rechnung 12 - Abwesenheit unseres Buchhalters", "Die Zahlung erfolgt nächste Woche."),
    ("Re: Invoice 12", "Sorry for the late answer, I was out of the office last week. We'll pay on Friday."),
    ("Re: Invoice 12", "I'm on holiday from Monday so please send the copy today."),
    ("Re: Invoice 12", "We are closed until Monday for Easter; the payment will be made on Tuesday 7 April."),
    ("Re: Invoice 12", "Thank you for your email. We dispute invoice 12, the goods were damaged."),
    ("Re: Invoice 12", "Our accountant is away until 14 April, she will process it when she is back."),
    ("AW: Rechnung", "Ich war im Urlaub. Die Rechnung wird morgen überwiesen."),
    ("RE: Facture", "Merci pour votre message. Je suis absente demain, le virement sera fait aujourd'hui."),
    ("Re: Invoice 12", "Please note our office will be closed from 24 Dec to 2 Jan. The invoice has been paid."),
]


@pytest.mark.parametrize(("subject", "body"), AUTO)
def test_auto_reply_variants(subject: str, body: str) -> None:
    result = _verdict(subject, body)
    assert result.is_auto, result.evidence


@pytest.mark.parametrize(("subject", "body"), HUMAN)
def test_human_variants(subject: str, body: str) -> None:
    result = _verdict(subject, body)
    assert not result.is_auto, result.evidence
