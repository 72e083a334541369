"""Set 25, second generalisation round (first run 40/60, see docs/parsers.md): payment runs, weekday abbreviations, payment rails, tax/entity
disputes, corrected-invoice requests, plans with amounts, shared AP mailboxes.

Written fresh (not corpus text). Date header: Wednesday 11 November 2026, so "Friday"/"fri" is
13 Nov, "Monday" 16 Nov, "the 30th" 30 Nov, "next week" Friday 20 Nov.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.parsers.test_generalisation import _decide

#: payment runs and approvals (first run recorded in docs/parsers.md)
PAYMENT_RUN_SET = [
    ("promise_to_pay", "It's in our next payment run on Friday.", "2026-11-13"),
    ("promise_to_pay", "The invoice is scheduled in the system for the 30th.", "2026-11-30"),
    ("promise_to_pay", "It will go out with Friday's payment run.", "2026-11-13"),
    ("promise_to_pay", "Die Rechnung ist im Zahllauf am Freitag.", "2026-11-13"),
    ("promise_to_pay", "Mise en paiement le 30 novembre.", "2026-11-30"),
    ("promise_to_pay", "La factura va en la próxima remesa de pagos del viernes.", "2026-11-13"),
    ("promise_to_pay", "De factuur zit in de betaalrun van vrijdag.", "2026-11-13"),
    ("promise_to_pay", "A fatura entra no próximo lote de pagamentos, na sexta-feira.", "2026-11-13"),
    ("promise_to_pay", "La fattura rientra nel prossimo ciclo di pagamenti di venerdì.", "2026-11-13"),
    ("payment_plan", "It's stuck in approvals, no ETA yet.", None),
    ("payment_plan", "The invoice is still pending approval, we can't give a date yet.", None),
]

#: abbreviated weekdays and numeric dates right after a payment verb
WEEKDAY_ABBREV_SET = [
    ("promise_to_pay", "will pay fri", "2026-11-13"),
    ("promise_to_pay", "We'll pay on Mon.", "2026-11-16"),
    ("promise_to_pay", "na sexta pagamos", "2026-11-13"),
    ("promise_to_pay", "Wir zahlen Fr.", "2026-11-13"),
    ("promise_to_pay", "On paie ven.", "2026-11-13"),
    ("promise_to_pay", "Pagamos el vie.", "2026-11-13"),
    ("promise_to_pay", "We betalen vr.", "2026-11-13"),
    ("promise_to_pay", "Paghiamo ven.", "2026-11-13"),
    ("promise_to_pay", "Will pay 30/11.", "2026-11-30"),
    ("promise_to_pay", "Wir überweisen am 30.11.", "2026-11-30"),
]

#: remittance via named rails
RAILS_SET = [
    ("remittance_advice", "Sent via SEPA this morning."),
    ("remittance_advice", "BACS payment went out yesterday."),
    ("remittance_advice", "ACH initiated today, should land in 2 days."),
    ("remittance_advice", "Te hemos enviado un Bizum hace un rato."),
    ("remittance_advice", "Betaald via iDEAL."),
    ("remittance_advice", "Pix realizado hoje de manhã."),
    ("remittance_advice", "SEPA-Überweisung heute ausgelöst."),
    ("remittance_advice", "Virement SEPA émis ce matin."),
]

#: disputes about VAT/tax and the wrong entity or address on the invoice; corrected copies
TAX_ENTITY_SET = [
    ("dispute", "The VAT rate on this invoice is wrong, it should be 9%."),
    ("dispute", "You charged VAT although we are exempt (reverse charge)."),
    ("dispute", "Die Mehrwertsteuer ist falsch ausgewiesen."),
    ("dispute", "Le taux de TVA appliqué est erroné."),
    ("dispute", "El IVA de la factura es incorrecto."),
    ("dispute", "Het btw-tarief op de factuur klopt niet."),
    ("dispute", "O IVA está mal calculado nesta fatura."),
    ("dispute", "L'IVA in fattura è sbagliata."),
    ("dispute", "The invoice is addressed to the wrong entity, please reissue it to our UK company."),
    ("dispute", "Die Rechnung ist auf die falsche Firma ausgestellt."),
    ("request_copy", "Could you send us a credit note for invoice 4410?"),
    ("request_copy", "Merci de nous envoyer une facture rectificative."),
    ("request_copy", "Bitte senden Sie uns eine korrigierte Rechnung."),
]

#: payment plans proposed with amounts; redirects to a shared AP mailbox
PLAN_REDIRECT_SET = [
    ("payment_plan", "Could we pay 500 a month until it's cleared?"),
    ("payment_plan", "We propose three instalments of EUR 1,000."),
    ("payment_plan", "Wir schlagen Raten von 500 EUR pro Monat vor."),
    ("payment_plan", "Nous proposons de régler en trois fois 400 euros."),
    ("payment_plan", "Proponemos pagar 300 euros al mes."),
    ("payment_plan", "We stellen voor om 250 euro per maand te betalen."),
    ("payment_plan", "Propomos pagar em 4 parcelas de 250 reais."),
    ("payment_plan", "Proponiamo rate mensili da 500 euro."),
    ("redirect", "Please send invoices to our shared mailbox ap@client.example."),
    ("redirect", "Rechnungen bitte nur an kreditoren@client.example senden."),
    ("redirect", "Merci d'adresser vos relances à comptabilite@client.example."),
    ("redirect", "Por favor, enviad las facturas a proveedores@client.example."),
    ("redirect", "Graag facturen naar crediteuren@client.example sturen."),
]

#: neutral replies that must stay other
NEUTRAL_2_SET = [
    ("other", "Thanks, noted."),
    ("other", "Merci, bien reçu."),
    ("other", "Danke, zur Kenntnis genommen."),
    ("other", "Our payment run is every Friday, just so you know."),
    ("other", "Which VAT number do you have on file for us?"),
    ("other", "Le contrat court sur 12 mois."),
    ("other", "Pay attention to the new address."),
]

ALL_SETS = PAYMENT_RUN_SET + WEEKDAY_ABBREV_SET


@pytest.mark.parametrize(("expected", "text", "date"), ALL_SETS, ids=[t[:40] for _, t, _ in ALL_SETS])
def test_dated_sets(expected: str, text: str, date: str | None) -> None:
    decision = _decide(text)
    assert decision.intent.value == expected
    if date is not None:
        assert decision.promise_date == dt.date.fromisoformat(date)


UNDATED = RAILS_SET + TAX_ENTITY_SET + PLAN_REDIRECT_SET + NEUTRAL_2_SET


@pytest.mark.parametrize(("expected", "text"), UNDATED, ids=[t[:40] for _, t in UNDATED])
def test_undated_sets(expected: str, text: str) -> None:
    assert _decide(text).intent.value == expected


#: set 26: other tenses and word orders for the same families, and short texts in close language
#: pairs (nl/de, fr/it, es/pt) (first run recorded in docs/parsers.md).
SET_26 = [
    ("promise_to_pay", "We've added it to Thursday's payment run.", "2026-11-12"),
    ("promise_to_pay", "Die Zahlung ist für den Zahllauf am 30.11. vorgesehen.", "2026-11-30"),
    ("promise_to_pay", "Wij nemen de factuur mee in de betaalrun van 20 november.", "2026-11-20"),
    ("promise_to_pay", "Elle passera dans notre prochaine mise en paiement, vendredi.", "2026-11-13"),
    ("promise_to_pay", "La incluimos en la remesa de pagos del día 30.", "2026-11-30"),
    ("promise_to_pay", "L'abbiamo inserita nel ciclo di pagamenti di venerdì.", "2026-11-13"),
    ("payment_plan", "Die Rechnung hängt noch in der Freigabe, ein Termin steht nicht fest.", None),
    ("payment_plan", "La facture est en attente de validation interne.", None),
    ("payment_plan", "La factura sigue pendiente de aprobación interna.", None),
    ("promise_to_pay", "betalen wo.", "2026-11-18"),
    ("promise_to_pay", "Wir überweisen Mo.", "2026-11-16"),
    ("promise_to_pay", "pagamos na seg.", "2026-11-16"),
    ("promise_to_pay", "vi paghiamo gio.", "2026-11-12"),
    ("promise_to_pay", "on vous règle jeu.", "2026-11-12"),
    ("remittance_advice", "Wir haben heute per SEPA überwiesen.", None),
    ("remittance_advice", "Paid by ACH this morning.", None),
    ("remittance_advice", "Le hemos hecho un Bizum esta mañana.", None),
    ("remittance_advice", "Ik heb net via iDEAL betaald.", None),
    ("dispute", "De btw is verkeerd berekend.", None),
    ("dispute", "Sur la facture, la TVA est fausse.", None),
    ("dispute", "Die Umsatzsteuer hätte nicht berechnet werden dürfen.", None),
    ("dispute", "La fattura è intestata alla società sbagliata.", None),
    ("dispute", "La factura está a nombre de otra empresa.", None),
    ("request_copy", "Podeis enviarnos una factura rectificativa?", None),
    ("request_copy", "Kunt u een gecorrigeerde factuur sturen?", None),
    ("payment_plan", "We could do 200 per week until it's paid off.", None),
    ("payment_plan", "Wir könnten 300 Euro monatlich zahlen.", None),
    ("redirect", "All invoices should go to accountspayable@client.example, not to me.", None),
    ("redirect", "Facturen graag voortaan naar facturen@client.example.", None),
    ("other", "Noted, thanks for the reminder.", None),
    ("other", "Wij hebben uw bericht ontvangen.", None),
    ("other", "Abbiamo ricevuto il vostro messaggio.", None),
]


@pytest.mark.parametrize(("expected", "text", "date"), SET_26)
def test_set_26(expected: str, text: str, date: str | None) -> None:
    decision = _decide(text)
    assert decision.intent.value == expected
    if date is not None:
        assert decision.promise_date == dt.date.fromisoformat(date)


#: set 27: very short replies in close language pairs (nl/de, fr/it, es/pt): the language and the
#: intent (first run recorded in docs/parsers.md).
SET_27 = [
    ("nl", "promise_to_pay", "Wij betalen vrijdag."),
    ("de", "promise_to_pay", "Wir zahlen Freitag."),
    ("nl", "remittance_advice", "Is gisteren betaald."),
    ("de", "remittance_advice", "Ist gestern bezahlt worden."),
    ("nl", "request_copy", "Graag een kopie van de factuur."),
    ("de", "request_copy", "Bitte eine Kopie der Rechnung."),
    ("fr", "promise_to_pay", "Paiement vendredi."),
    ("it", "promise_to_pay", "Pagamento venerdì."),
    ("fr", "remittance_advice", "Virement fait hier."),
    ("it", "remittance_advice", "Bonifico fatto ieri."),
    ("es", "remittance_advice", "Pagado ayer."),
    ("pt", "remittance_advice", "Pago ontem."),
    ("it", "request_copy", "Mi mandate una copia della fattura?"),
    ("fr", "request_copy", "Vous m'envoyez une copie de la facture ?"),
    ("nl", "payment_plan", "Mag ik in termijnen betalen?"),
    ("de", "payment_plan", "Darf ich in Raten zahlen?"),
]


@pytest.mark.parametrize(("language", "expected", "text"), SET_27)
def test_set_27(language: str, expected: str, text: str) -> None:
    from parsers.language import detect_language

    assert detect_language(text) == language
    assert _decide(text).intent.value == expected


#: set 28: negation, questions and habits around the set 25-27 families (first run recorded in
#: docs/parsers.md): none of these commits to a date.
SET_28 = [
    ("other", "It did not make it into Friday's payment run."),
    ("other", "Die Rechnung ist nicht im Zahllauf am Freitag."),
    ("other", "Is it in the payment run on Friday?"),
    ("other", "Nos paiements partent chaque vendredi."),
    ("other", "Payment terms: 30 days."),
    ("other", "Zahlung per Lastschrift?"),
    ("other", "Pagamento via Pix ou boleto?"),
    ("other", "We pay suppliers every Friday."),
    ("other", "Our VAT number is NL123456789B01."),
    ("other", "De btw is inbegrepen."),
    ("other", "Price per month as agreed, thanks."),
    ("other", "Pay fri?"),
]


@pytest.mark.parametrize(("expected", "text"), SET_28)
def test_set_28(expected: str, text: str) -> None:
    assert _decide(text).intent.value == expected


#: set 29: a shared accounts-payable mailbox named as the place to write (first run recorded in
#: docs/parsers.md).
SET_29 = [
    ("redirect", "Going forward please use ap@client.example for anything invoice related."),
    ("redirect", "Bitte künftig an buchhaltung@client.example schreiben."),
    ("redirect", "Merci d'utiliser désormais l'adresse fournisseurs@client.example."),
    ("redirect", "A partir de ahora, escriban a pagos@client.example."),
    ("redirect", "Stuur uw herinneringen voortaan naar ap@client.example."),
    ("redirect", "Por favor, usem o e-mail financeiro@client.example daqui em diante."),
    ("redirect", "D'ora in poi scrivete a amministrazione@client.example."),
    ("redirect", "This mailbox is not monitored; AP is at payables@client.example."),
]


@pytest.mark.parametrize(("expected", "text"), SET_29)
def test_set_29(expected: str, text: str) -> None:
    assert _decide(text).intent.value == expected
