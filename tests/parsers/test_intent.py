"""The intent rule table on short replies in seven languages (written for these tests).

Each case is the customer's own text; the Date header is Tuesday 12 May 2026. Cases cover
negation ("have not paid yet but will"), hedging, requests versus commitments, documents versus
goods, and the precedence between intents.
"""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.intent import build_doc, classify_doc
from parsers.language import detect_language
from parsers.types import Intent

SENT = dt.date(2026, 5, 12)

CASES = [
# promise
("promise_to_pay","We will pay the invoice on Friday."),
("promise_to_pay","Payment will be made by 30 May."),
("promise_to_pay","I'll transfer the money next week."),
("promise_to_pay","You'll have the money by the end of the week."),
("promise_to_pay","We have not paid yet but will by Friday."),
("promise_to_pay","The cheque will be posted tomorrow."),
("promise_to_pay","Invoice 4471 is approved for payment on 05/20."),
("promise_to_pay","We'll settle up on the 25th."),
("promise_to_pay","Expect payment by Monday."),
("promise_to_pay","Payment is scheduled for 22 May."),
("promise_to_pay","I can pay on the 28th when I get paid."),
("promise_to_pay","Nous réglerons la facture la semaine prochaine."),
("promise_to_pay","Le paiement sera effectué le 29 mai."),
("promise_to_pay","Je vous fais un virement demain."),
("promise_to_pay","Wir überweisen den Betrag bis Freitag."),
("promise_to_pay","Die Rechnung wird am 20.05. bezahlt."),
("promise_to_pay","Die Zahlung erfolgt Ende des Monats."),
("promise_to_pay","Pagaremos la factura el próximo lunes."),
("promise_to_pay","El pago se realizará a final de mes."),
("promise_to_pay","Wij maken het bedrag volgende week over."),
("promise_to_pay","We betalen de factuur voor het einde van de maand."),
("promise_to_pay","Vamos pagar a fatura na sexta-feira."),
("promise_to_pay","O pagamento será feito até ao fim do mês."),
("promise_to_pay","Provvederemo al pagamento entro fine mese."),
("promise_to_pay","Pagheremo la fattura venerdì prossimo."),
# remittance
("remittance_advice","We paid this on Monday."),
("remittance_advice","The invoice was settled last week."),
("remittance_advice","Payment has been made, please see the attached remittance."),
("remittance_advice","Cheque is in the post."),
("remittance_advice","We transferred the funds yesterday."),
("remittance_advice","This has already been paid."),
("remittance_advice","Nous avons réglé cette facture le 5 mai."),
("remittance_advice","La facture a été payée par chèque."),
("remittance_advice","Die Rechnung wurde bereits bezahlt."),
("remittance_advice","Wir haben den Betrag gestern überwiesen."),
("remittance_advice","Ya hemos pagado la factura."),
("remittance_advice","La transferencia se hizo ayer."),
("remittance_advice","De factuur is al betaald."),
("remittance_advice","A fatura já foi paga."),
("remittance_advice","Abbiamo già pagato la fattura."),
("remittance_advice","Il bonifico è stato effettuato ieri."),
# dispute
("dispute","We never received these goods."),
("dispute","The invoice amount is wrong, we agreed on a lower price."),
("dispute","This was already credited last month."),
("dispute","We don't owe this, the order was cancelled."),
("dispute","The parts arrived broken."),
("dispute","You charged us twice for the same delivery."),
("dispute","We have not received the goods."),
("dispute","Nous n'avons jamais reçu cette commande."),
("dispute","Le montant facturé est erroné."),
("dispute","Die Ware ist beschädigt angekommen."),
("dispute","Wir haben diese Ware nie bestellt."),
("dispute","La factura es incorrecta, el precio no coincide con el presupuesto."),
("dispute","De goederen zijn nooit geleverd."),
("dispute","A mercadoria chegou danificada."),
("dispute","La merce è arrivata danneggiata."),
("dispute","We are disputing this invoice."),
# copy
("request_copy","Please send us a copy of the invoice."),
("request_copy","Can you resend the statement?"),
("request_copy","We need your bank details to set you up."),
("request_copy","Please add our PO number 45001234 to the invoice."),
("request_copy","Could you email me the invoice as a PDF?"),
("request_copy","Pourriez-vous nous envoyer une copie de la facture ?"),
("request_copy","Bitte senden Sie uns die Rechnung erneut zu."),
("request_copy","¿Nos podéis enviar una copia de la factura?"),
("request_copy","Kunt u de factuur opnieuw sturen?"),
("request_copy","Podem enviar-nos uma cópia da fatura?"),
("request_copy","Potete inviarci una copia della fattura?"),
# plan
("payment_plan","Can we pay in instalments?"),
("payment_plan","We need more time to pay."),
("payment_plan","We can't pay right now."),
("payment_plan","Would you accept monthly payments of $500?"),
("payment_plan","Could we have another 30 days?"),
("payment_plan","Pouvons-nous payer en plusieurs fois ?"),
("payment_plan","Können wir die Rechnung in Raten zahlen?"),
("payment_plan","¿Podemos pagar en dos plazos?"),
("payment_plan","Kunnen we een betalingsregeling treffen?"),
("payment_plan","Podemos pagar em prestações?"),
("payment_plan","Possiamo pagare a rate?"),
# redirect
("redirect","I no longer work here, please contact accounts@acme-co.com."),
("redirect","Please send invoices to ap@acme-co.com instead."),
("redirect","Wrong person - try finance@acme-co.com."),
("redirect","Je ne suis pas la bonne personne, écrivez à compta@acme.fr."),
("redirect","Bitte wenden Sie sich an buchhaltung@acme.de."),
("redirect","No soy la persona adecuada, escriba a contabilidad@acme.es."),
("redirect","Ik ben niet de juiste persoon, mail naar boekhouding@acme.nl."),
("redirect","Por favor enviem as faturas para contabilidade@acme.pt."),
("redirect","Non sono la persona giusta, scrivete a amministrazione@acme.it."),
# other
("other","Thanks for letting me know."),
("other","Can you call me tomorrow?"),
("other","Who is this?"),
("other","Before we pay, can you confirm the VAT rate?"),
("other","Merci pour le rappel."),
("other","Vielen Dank für die Information."),

("other","Before we pay, could you confirm the VAT rate you applied?"),
("dispute","We will not pay for items we never received."),
("dispute","Please don't chase us: the goods were returned under your RMA and we expect a credit note."),
("promise_to_pay","Sorry for the delay! Payment goes out on the 15th."),
("promise_to_pay","We'll get it sorted by Friday."),
("promise_to_pay","Your invoice is in our payment run for 19 May."),
("promise_to_pay","We pay all suppliers on the last working day of the month, so you'll have it on the 29th."),
("payment_plan","We'll pay as soon as we can, things are very tight."),
("payment_plan","Is it possible to pay half now and the other half next month?"),
("payment_plan","We are unable to make payment at this time due to a cash flow issue."),
("remittance_advice","Done - paid through your online portal a minute ago."),
("remittance_advice","I paid by card yesterday, confirmation 88123."),
("remittance_advice","Payment was sent on 8 May. Please check again."),
("remittance_advice","We have settled the invoice in full."),
("remittance_advice","Attached is proof of payment."),
("dispute","We have paid invoice A but invoice B is wrong, we only received half the order."),
("request_copy","I can't find this invoice, could you send it again?"),
("request_copy","Please send us your IBAN and a letter confirming your bank details."),
("redirect","Jane has left the company. Please contact our new AP clerk at ap@contoso-shop.com."),
("redirect","I'm not responsible for payments. My colleague Tom handles this, he is in copy."),
("other","Can you tell me what this invoice is for?"),
("other","Received, thanks."),
("other","Is there an early payment discount?"),
("promise_to_pay","Nous vous réglerons d'ici vendredi."),
("promise_to_pay","Wir werden die offene Rechnung nächste Woche begleichen."),
("promise_to_pay","Le pagaremos la semana que viene."),
("promise_to_pay","Wij zullen het openstaande bedrag binnen 14 dagen betalen."),
("promise_to_pay","Vamos transferir o valor amanhã."),
("promise_to_pay","Effettueremo il pagamento entro venerdì."),
("remittance_advice","Le virement est parti hier."),
("remittance_advice","Der Betrag ist heute rausgegangen."),
("remittance_advice","Hemos hecho la transferencia esta mañana."),
("remittance_advice","Wij hebben de factuur vandaag betaald."),
("remittance_advice","Já efetuámos o pagamento."),
("remittance_advice","Vi abbiamo inviato il bonifico stamattina."),
("dispute","Cette facture ne nous concerne pas, nous n'avons rien commandé."),
("dispute","Der Preis ist falsch, vereinbart waren 12 Euro pro Stück."),
("dispute","El servicio no se prestó, no vamos a pagar."),
("dispute","Deze factuur klopt niet, wij hebben maar 5 stuks ontvangen."),
("dispute","O valor faturado está errado."),
("dispute","Non abbiamo mai ordinato questo materiale."),
("payment_plan","Nous ne pouvons pas payer pour l'instant."),
("payment_plan","Wir können die Rechnung derzeit leider nicht bezahlen."),
("payment_plan","Necesitamos más tiempo para pagar."),
("payment_plan","Kunnen we uitstel van betaling krijgen?"),
("payment_plan","Precisamos de mais tempo para pagar."),
("payment_plan","Avremmo bisogno di una dilazione di pagamento."),
("request_copy","Merci de nous renvoyer la facture avec notre numéro de commande."),
("request_copy","Könnten Sie uns einen Kontoauszug schicken?"),
("request_copy","Necesitamos un duplicado de la factura."),
("request_copy","Kunt u ons een kopie van de factuur sturen?"),
("request_copy","Podem reenviar a fatura?"),
("request_copy","Ci servirebbe una copia della fattura."),
("redirect","Merci d'envoyer vos relances à compta@dupont.fr, je ne gère pas les factures."),
# traps: answers about payment that promise nothing, terse commitments

("other","I'll get back to you about the payment next week."),
("other","We'll let you know on Friday when payment has been approved."),
("other","I'll confirm the payment date with our controller tomorrow."),
("other","I will follow up on this invoice on Monday."),
("other","I'll check with accounts and update you tomorrow."),
("other","Our accountant will review the invoice next week."),
("request_copy","Can you send the payment link again? I'll try tonight."),
("promise_to_pay","I'll take care of the invoice tomorrow."),
("other","What date is the payment due?"),
("other","We pay all invoices 60 days end of month."),
("other","Do you take card payments over the phone?"),
("remittance_advice","Payment went through on our side, can you confirm receipt?"),
("dispute","I'm not paying this until you fix the mistake on line 3."),
("other","Je vous recontacte la semaine prochaine au sujet du paiement."),
("other","Ich melde mich nächste Woche wegen der Zahlung."),
("other","Le contestaré la semana que viene."),
("promise_to_pay","Payment will follow by the end of the week."),
("promise_to_pay","Funds will be released on Thursday."),
# pt, it, nl, fr, de, es: "you will receive", bare present tense, liquidity

("redirect","Our accounts payable address is ap@contoso-shop.com, please use that."),
("promise_to_pay","We'll pay within the next 48 hours."),
("promise_to_pay","A transferência será feita na sexta-feira."),
("promise_to_pay","Pagamos a fatura até ao final do mês."),
("remittance_advice","Já pagámos esta fatura no dia 5."),
("remittance_advice","Enviamos-lhe ontem o comprovativo do pagamento."),
("dispute","Esta fatura está errada, o preço não é o acordado."),
("dispute","Os produtos chegaram estragados."),
("payment_plan","Neste momento não temos liquidez para pagar a totalidade."),
("request_copy","Agradecemos o envio de uma cópia da fatura."),
("promise_to_pay","Il pagamento verrà effettuato lunedì prossimo."),
("promise_to_pay","Paghiamo entro fine settimana."),
("remittance_advice","Abbiamo saldato la fattura ieri."),
("remittance_advice","In allegato la contabile del bonifico."),
("dispute","Non abbiamo ricevuto la merce, quindi non pagheremo la fattura."),
("dispute","La quantità fatturata è sbagliata."),
("payment_plan","Vorremmo pagare in tre rate mensili."),
("request_copy","Ci potete mandare una copia della fattura?"),
("redirect","Non mi occupo io dei pagamenti, scrivete a contabilita@rossi.it."),
("promise_to_pay","We betalen het bedrag uiterlijk 30 mei."),
("promise_to_pay","De betaling volgt eind deze week."),
("remittance_advice","Het bedrag is vandaag overgeboekt."),
("remittance_advice","In de bijlage vindt u het betaalbewijs."),
("dispute","De geleverde goederen waren beschadigd."),
("dispute","Wij hebben deze factuur al betaald, u heeft ons dubbel gefactureerd."),
("payment_plan","Wij kunnen op dit moment niet betalen, kunnen we een regeling treffen?"),
("request_copy","Kunt u de factuur nogmaals toesturen?"),
("redirect","Wilt u de facturen voortaan naar administratie@devries.nl sturen?"),
("promise_to_pay","Vous recevrez le paiement lundi."),
("promise_to_pay","Le chèque part demain."),
("remittance_advice","Le règlement a été envoyé par chèque le 8 mai."),
("dispute","Nous avons déjà réglé cette facture, il s'agit d'un doublon."),
("payment_plan","Nous avons besoin d'un délai supplémentaire pour régler."),
("promise_to_pay","Sie erhalten die Zahlung bis Freitag."),
("remittance_advice","Anbei der Zahlungsnachweis."),
("dispute","Die Leistung wurde nicht erbracht."),
("payment_plan","Können wir die Summe in drei Monatsraten begleichen?"),
("promise_to_pay","Recibirán el pago el viernes."),
("remittance_advice","Adjunto el comprobante de pago."),
("dispute","El material llegó en mal estado."),
("payment_plan","Ahora mismo no podemos pagar, ¿nos dais un mes más?"),
# English register variety: terse AP notes, formal letters, small-business owners

("remittance_advice","This was paid via Stripe on the 9th - receipt attached."),
("remittance_advice","Our payment of $4,210.00 cleared your bank on May 8."),
("remittance_advice","We sent a bank transfer for the full balance on Friday."),
("remittance_advice","Money's gone across this morning."),
("remittance_advice","Payment processed today via our AP portal, ref 99812."),
("remittance_advice","I just paid it online."),
("remittance_advice","Already taken care of - paid last Tuesday."),
("remittance_advice","Please note that invoice 1187 was included in our remittance of 30 April."),
("remittance_advice","The funds were released from our account yesterday."),
("remittance_advice","Settled in full by direct debit on 1 May."),
("promise_to_pay","We'll get payment out to you by Friday at the latest."),
("promise_to_pay","Payment should reach you early next week."),
("promise_to_pay","I'll transfer it over on payday, which is the 25th."),
("promise_to_pay","Your invoice will be included in our next check run on 5/20."),
("promise_to_pay","We intend to clear the arrears by 31 May."),
("promise_to_pay","Should be able to pay you on Monday."),
("promise_to_pay","Rest assured it will be paid in full this week."),
("promise_to_pay","You will have the funds in your account by Thursday."),
("dispute","We are querying this invoice as the rates charged are higher than our agreement."),
("dispute","The invoice includes a delivery charge we never agreed to."),
("dispute","We cancelled this order before it shipped."),
("dispute","These items were faulty and have been sent back to you."),
("dispute","The work is not finished, so we're holding payment until it is."),
("dispute","We did not authorise these additional hours."),
("dispute","This amount is incorrect - we were promised a 10% discount."),
("request_copy","Could you please send an itemised invoice?"),
("request_copy","We need the invoice re-addressed to our parent company before we can pay."),
("request_copy","Please send over your banking details on letterhead."),
("request_copy","I haven't received the invoice, can you email it?"),
("payment_plan","We're in a difficult position financially and would like to discuss a payment arrangement."),
("payment_plan","Could we pay this off in smaller amounts over the next few months?"),
("payment_plan","We'll need until the end of the quarter to pay, if that's ok?"),
("payment_plan","Unfortunately we can't make this payment until our funding comes through."),
("redirect","Please direct all future correspondence to accounts@newowner.co.uk."),
("redirect","I'm just the receptionist - you'll need to email finance@clinic.org."),
("redirect","Mark retired last month; his replacement is jo@bakery.com."),
("other","Please can you tell me the balance on our account?"),
("other","Is this for the March delivery?"),
("other","Thanks Sarah, have a good weekend."),
("other","We are reviewing all supplier invoices this week."),
]

# (intent, text, promise date or None)
MORE = [
("promise_to_pay","Hi Karen, this one slipped through. I've asked our bookkeeper to release it on Thursday.", "2026-05-14"),
("promise_to_pay","We're good for it - you'll see the funds by COB Friday.", "2026-05-15"),
("promise_to_pay","Our payment terms are net 45, so it will be paid on 26 May.", "2026-05-26"),
("promise_to_pay","Accounts will process it in this week's run (Thursday).", "2026-05-14"),
("promise_to_pay","I'll drop a cheque in the post tomorrow.", "2026-05-13"),
("promise_to_pay","Planning to clear the balance on the 1st of June.", "2026-06-01"),
("promise_to_pay","Paying it today, sorry!", "2026-05-12"),
("promise_to_pay","Going to pay it off this Friday.", "2026-05-15"),
("promise_to_pay","Ok, I'll make the payment on Monday.", "2026-05-18"),
("promise_to_pay","The amount will be credited to your account on 20/05/2026.", "2026-05-20"),
("promise_to_pay","Nous allons effectuer le virement d'ici la fin de la semaine.", "2026-05-15"),
("promise_to_pay","Le règlement interviendra le 30 mai.", "2026-05-30"),
("promise_to_pay","Je règle la facture demain sans faute.", "2026-05-13"),
("promise_to_pay","Wir begleichen die Rechnung bis zum 22.05.", "2026-05-22"),
("promise_to_pay","Die Überweisung geht morgen raus.", "2026-05-13"),
("promise_to_pay","Ich überweise den Betrag Anfang nächster Woche.", None),
("promise_to_pay","Realizaremos el pago el día 25.", "2026-05-25"),
("promise_to_pay","Te hago la transferencia mañana.", "2026-05-13"),
("promise_to_pay","Le abonaremos la factura la semana que viene.", "2026-05-22"),
("promise_to_pay","We zullen de factuur op 20 mei betalen.", "2026-05-20"),
("promise_to_pay","Ik maak het morgen over.", "2026-05-13"),
("promise_to_pay","O pagamento será efetuado até dia 20.", "2026-05-20"),
("promise_to_pay","Faço a transferência amanhã.", "2026-05-13"),
("promise_to_pay","Salderemo la fattura entro il 31 maggio.", "2026-05-31"),
("promise_to_pay","Vi faccio il bonifico domani.", "2026-05-13"),
("remittance_advice","The payment was processed on 10 May, reference TRX-99812.", None),
("remittance_advice","Our bank confirms the transfer went through yesterday.", None),
("remittance_advice","I settled this online last night.", None),
("remittance_advice","We've remitted the full amount via ACH.", None),
("remittance_advice","Check #4471 was mailed Friday.", None),
("remittance_advice","Nous vous avons adressé un chèque la semaine dernière.", None),
("remittance_advice","Le paiement a été fait hier.", None),
("remittance_advice","Ich habe die Rechnung gestern bezahlt.", None),
("remittance_advice","La factura ya fue abonada el día 5.", None),
("remittance_advice","Ik heb het bedrag vanochtend overgemaakt.", None),
("remittance_advice","O valor já foi transferido.", None),
("remittance_advice","Il pagamento è stato effettuato il 5 maggio.", None),
("dispute","This invoice doesn't reflect the discount we agreed.", None),
("dispute","The work was not completed, so we won't be paying until it is.", None),
("dispute","We returned the pallets last month and are still waiting on the credit.", None),
("dispute","You've billed us for 10 hours but the technician was here for 6.", None),
("dispute","We already paid this invoice - you have charged us twice.", None),
("dispute","There's a mistake on the invoice: the VAT is calculated on the wrong amount.", None),
("dispute","Les quantités facturées ne correspondent pas au bon de livraison.", None),
("dispute","Die gelieferte Menge stimmt nicht mit der Rechnung überein.", None),
("dispute","Nos habéis cobrado dos veces el mismo pedido.", None),
("dispute","De levering was onvolledig, wij betalen alleen wat we ontvangen hebben.", None),
("dispute","Não recebemos a encomenda completa.", None),
("dispute","La fattura riporta un importo errato.", None),
("request_copy","Could you re-send the invoice to this address? The original went to spam.", None),
("request_copy","Please provide a statement of account showing all open items.", None),
("request_copy","We need the invoice addressed to our head office, please reissue.", None),
("request_copy","Can you forward the proof of delivery for this order?", None),
("request_copy","Pouvez-vous nous transmettre votre RIB ?", None),
("request_copy","Bitte schicken Sie uns Ihre Bankverbindung.", None),
("request_copy","¿Podrían mandarnos la factura en PDF?", None),
("request_copy","Graag ontvangen wij een kopie van de factuur.", None),
("request_copy","Pode enviar a segunda via da fatura?", None),
("request_copy","Potreste rimandarci la fattura?", None),
("payment_plan","We're struggling at the moment - can we spread this over three months?", None),
("payment_plan","I can only afford £100 a month right now.", None),
("payment_plan","Is there any flexibility on the due date? We need about 60 more days.", None),
("payment_plan","Our main customer has gone bust and we can't cover this until we get paid.", None),
("payment_plan","Nous souhaiterions un délai de paiement de 30 jours.", None),
("payment_plan","Wir bitten um Stundung bis Ende Juni.", None),
("payment_plan","¿Es posible aplazar el pago unas semanas?", None),
("payment_plan","Wij vragen om een betalingsregeling in drie termijnen.", None),
("payment_plan","Gostaríamos de pagar em três prestações.", None),
("payment_plan","Chiediamo una rateizzazione dell'importo.", None),
("redirect","Please update your records: invoices should now go to invoices@acme-co.com.", None),
("redirect","I've moved on from the company; try reaching Sarah on sarah@acme-co.com.", None),
("redirect","I only do the marketing here. You need to speak to Paul in finance.", None),
("redirect","Veuillez adresser vos factures à factures@acme.fr.", None),
("redirect","Ich bin dafür nicht zuständig, bitte an rechnung@acme.de.", None),
("redirect","Por favor, enviad las facturas a admin@acme.es.", None),
("redirect","Facturen graag naar facturen@acme.nl sturen.", None),
("redirect","As faturas devem ser enviadas para faturas@acme.pt.", None),
("redirect","Le fatture vanno inviate a fatture@acme.it.", None),
]

NEUTRAL = ["Thanks, noted.","Got it, thank you!","Who should I speak to about our account?","Please call me on 0161 555 0199.",
"Happy holidays to the whole team!","What is your VAT number?","Is this the correct amount including tax?",
"Could you tell me which invoice this relates to?","I'll check with my manager and get back to you.","Will look into it tomorrow.",
"Please remove me from your mailing list.","We have changed our address to 12 High Street.","Merci, bien noté.","Danke für die Erinnerung.",
"Gracias por el aviso.","Bedankt voor uw bericht.","Obrigado pelo aviso.","Grazie, ricevuto.","Can you confirm you received our order for next month?",
"Our office will be closed on Friday for the bank holiday.","Sounds good.","Please see my previous email.","Let me check and I'll come back to you next week.",
"The new price list looks fine to us.","We would like to order 20 more boxes."]


# Short replies followed by legal boilerplate the signature cutter may let through.
DISCLAIMERS = ["Thanks for the reminder, I'll look into it.\n\nCONFIDENTIALITY: This e-mail is intended only for the addressee. If you have received it in error, please notify the sender and delete it. Any unauthorised use is prohibited.",
"Noted, thanks.\n\nThis message may have been sent in error. Emails are not guaranteed to be secure or error-free.",
"Thanks!\n\nPlease consider the environment before printing this email.",
"Got it.\n\nAccounts Payable | Remittance queries: ap@customer.com | Payment runs every Thursday",
"Thanks.\n\nDisclaimer: We accept no liability for any damage caused by viruses. Any views expressed are those of the author.",
"Ok.\n\nDiese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Adressat sind oder diese E-Mail irrtümlich erhalten haben, informieren Sie bitte sofort den Absender.",
"Merci.\n\nCe message et ses pièces jointes sont confidentiels. Si vous avez reçu ce message par erreur, merci de le détruire.",
"Gracias.\n\nEste mensaje es confidencial. Si lo ha recibido por error, por favor notifíquelo al remitente.",
"Bedankt.\n\nDit bericht is vertrouwelijk. Indien u dit bericht ten onrechte heeft ontvangen, verzoeken wij u de afzender te informeren.",
"Obrigado.\n\nEsta mensagem é confidencial. Se a recebeu por engano, por favor apague-a.",
"Grazie.\n\nQuesto messaggio è riservato. Se lo avete ricevuto per errore, vi preghiamo di cancellarlo.",
"Thanks, will pass it on.\n\nOur office is closed on bank holidays. Invoices received after the 25th are paid the following month.",
]


def classify(text: str) -> Intent:
    doc = build_doc(text, SENT, language=detect_language(text), from_address="me@customer.example",
                    seller_addresses=("ar@seller.example",), cc_addresses=("tom@customer.example",))
    return classify_doc(doc).intent


@pytest.mark.parametrize(("expected", "text"), CASES, ids=[t[:40] for _, t in CASES])
def test_intent(expected: str, text: str) -> None:
    assert classify(text).value == expected


@pytest.mark.parametrize(("expected", "text", "date"), MORE, ids=[t[:40] for _, t, _ in MORE])
def test_intent_and_promise_date(expected: str, text: str, date: str | None) -> None:
    doc = build_doc(text, SENT, language=detect_language(text), from_address="me@customer.example",
                    seller_addresses=("ar@seller.example",))
    decision = classify_doc(doc)
    assert decision.intent.value == expected
    if date is not None:
        assert decision.promise_date == dt.date.fromisoformat(date)


@pytest.mark.parametrize("text", NEUTRAL, ids=[t[:40] for t in NEUTRAL])
def test_neutral_replies_are_other(text: str) -> None:
    assert classify(text) is Intent.OTHER


def test_promise_date_and_precedence() -> None:
    doc = build_doc("INV-1 was paid on Monday. INV-2 we'll pay on Friday.", SENT, language="en")
    decision = classify_doc(doc)
    assert decision.intent is Intent.REMITTANCE_ADVICE  # remittance outranks promise
    doc = build_doc("We'll pay on Friday.", SENT, language="en")
    decision = classify_doc(doc)
    assert decision.intent is Intent.PROMISE_TO_PAY and decision.promise_date == dt.date(2026, 5, 15)


def test_confidence_is_lower_for_hedged_or_conflicting_text() -> None:
    firm = classify_doc(build_doc("We will pay on Friday. Payment is scheduled for Friday.", SENT, language="en"))
    hedged = classify_doc(build_doc("We might pay on Friday.", SENT, language="en"))
    nothing = classify_doc(build_doc("Noted.", SENT, language="en"))
    assert firm.confidence > hedged.confidence
    assert nothing.intent is Intent.OTHER and nothing.confidence <= 0.6


@pytest.mark.parametrize("text", DISCLAIMERS, ids=[t[:30] for t in DISCLAIMERS])
def test_disclaimers_are_not_evidence(text: str) -> None:
    assert classify(text) is Intent.OTHER
