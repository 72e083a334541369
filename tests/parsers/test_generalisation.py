"""Intent families in seven languages, written to probe generalisation (not corpus text).

Each family of wording (a commitment with a date, a payment already made, a contested charge,
a request for time, a pointer elsewhere, a request for a document) is covered with several
phrasings in en, fr, de, es, nl, pt and it: future, passive and periphrastic forms, past and
participle forms, negation and hedging. The Date header is Wednesday 11 November 2026, so
"Friday" is 13 Nov, "next Monday" 16 Nov, "next week" Friday 20 Nov, "end of the month" 30 Nov.
"""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.dates import find_dates, find_return_date
from parsers.intent import IntentDecision, build_doc, classify_doc
from parsers.intent.lexicon import fold
from parsers.language import detect_language
from parsers.read import read_reply
from parsers.refs import find_invoice_refs
from parsers.types import ReadContext

SENT = dt.date(2026, 11, 11)

#: (intent, text, promise date or None)
PROMISES = [
    # en
    ("promise_to_pay", "Invoice 2291 will be settled on 15 December.", "2026-12-15"),
    ("promise_to_pay", "We are going to wire the balance next Monday.", "2026-11-16"),
    ("promise_to_pay", "The transfer will be released by the end of the month.", "2026-11-30"),
    ("promise_to_pay", "Payment is going to be processed next week.", "2026-11-20"),
    ("promise_to_pay", "We can clear both invoices in two weeks.", "2026-11-25"),
    # fr
    ("promise_to_pay", "La facture sera réglée le 15 décembre.", "2026-12-15"),
    ("promise_to_pay", "Nous procéderons au paiement lundi prochain.", "2026-11-16"),
    ("promise_to_pay", "Le virement sera effectué à la fin du mois.", "2026-11-30"),
    ("promise_to_pay", "On vous vire le montant la semaine prochaine.", "2026-11-20"),
    ("promise_to_pay", "Nous pouvons régler le solde dans quinze jours.", "2026-11-26"),
    # de
    ("promise_to_pay", "Die Rechnung 4410 wird am 15. Dezember beglichen.", "2026-12-15"),
    ("promise_to_pay", "Wir werden den Betrag nächsten Montag überweisen.", "2026-11-16"),
    ("promise_to_pay", "Die Zahlung wird zum Monatsende angewiesen.", "2026-11-30"),
    ("promise_to_pay", "Den offenen Betrag begleichen wir nächste Woche.", "2026-11-20"),
    ("promise_to_pay", "Wir können die Summe in zwei Wochen bezahlen.", "2026-11-25"),
    # es
    ("promise_to_pay", "La factura se abonará el 15 de diciembre.", "2026-12-15"),
    ("promise_to_pay", "Haremos la transferencia el próximo lunes.", "2026-11-16"),
    ("promise_to_pay", "El importe será liquidado a fin de mes.", "2026-11-30"),
    ("promise_to_pay", "Vamos a pagar la próxima semana.", "2026-11-20"),
    ("promise_to_pay", "Podemos transferir el importe en dos semanas.", "2026-11-25"),
    # nl
    ("promise_to_pay", "De factuur wordt op 15 december betaald.", "2026-12-15"),
    ("promise_to_pay", "We maken het bedrag volgende maandag over.", "2026-11-16"),
    ("promise_to_pay", "Het openstaande bedrag zal eind van de maand voldaan worden.", "2026-11-30"),
    ("promise_to_pay", "Wij betalen volgende week.", "2026-11-20"),
    ("promise_to_pay", "We kunnen het saldo over twee weken overmaken.", "2026-11-25"),
    # pt
    ("promise_to_pay", "A fatura será paga no dia 15 de dezembro.", "2026-12-15"),
    ("promise_to_pay", "Vamos efetuar a transferência na próxima segunda-feira.", "2026-11-16"),
    ("promise_to_pay", "O valor vai ser liquidado no fim do mês.", "2026-11-30"),
    ("promise_to_pay", "Pagaremos as duas faturas na próxima semana.", "2026-11-20"),
    ("promise_to_pay", "Conseguimos saldar a fatura daqui a duas semanas.", "2026-11-25"),
    # it
    ("promise_to_pay", "La fattura verrà saldata il 15 dicembre.", "2026-12-15"),
    ("promise_to_pay", "Il pagamento lo effettuiamo lunedì prossimo.", "2026-11-16"),
    ("promise_to_pay", "Faremo il bonifico a fine mese.", "2026-11-30"),
    ("promise_to_pay", "Saldiamo tutto la prossima settimana.", "2026-11-20"),
    ("promise_to_pay", "Possiamo pagare l'importo tra due settimane.", "2026-11-25"),
]

REMITTANCES = [
    # en
    "The payment was executed this morning.",
    "Funds were sent yesterday, proof of payment attached.",
    "We remitted the full amount last Friday.",
    "Transfer made today, reference 88213.",
    # fr
    "Le paiement a été effectué hier.",
    "Nous avons effectué le virement ce matin.",
    "Vous trouverez ci-joint le justificatif de virement.",
    "La facture a été réglée la semaine dernière.",
    # de
    "Der Betrag wurde gestern überwiesen.",
    "Die Überweisung ist heute Morgen ausgeführt worden.",
    "Anbei der Zahlungsnachweis für die Rechnung.",
    "Wir haben die Zahlung bereits veranlasst.",
    # es
    "La transferencia se realizó esta mañana.",
    "Ayer hicimos el pago de la factura.",
    "Adjunto el justificante de la transferencia.",
    "La factura fue pagada la semana pasada.",
    # nl
    "Het bedrag is gisteren overgemaakt.",
    "De factuur werd vorige week voldaan.",
    "In de bijlage vindt u het betaalbewijs.",
    "We hebben de betaling vanochtend uitgevoerd.",
    # pt
    "A transferência foi feita ontem.",
    "O pagamento já foi efetuado.",
    "Segue em anexo o comprovativo do pagamento.",
    "Paguei a fatura hoje de manhã.",
    # it
    "Il bonifico è stato effettuato ieri.",
    "Abbiamo saldato la fattura la settimana scorsa.",
    "In allegato la contabile del bonifico.",
    "Il pagamento è stato disposto stamattina.",
]

DISPUTES = [
    # en: damaged / missing / wrong item / service not done / price vs quote / already paid / refusal
    "Half of the tiles arrived cracked and the rest are stained.",
    "Two cartons were missing from the delivery.",
    "The cleaning crew did not show up on three of the scheduled dates.",
    "The quote said 900 but the invoice shows 1,150.",
    "We do not accept this invoice: we never ordered these parts.",
    "We are waiting for a credit note before paying anything.",
    # fr
    "Les cartons sont arrivés tachés et la marchandise est inutilisable.",
    "L'entretien n'a pas eu lieu les deux dernières semaines.",
    "Le prix facturé est supérieur au devis signé.",
    "Nous n'acceptons pas cette facture en l'état.",
    "Nous attendons votre avoir avant de régler quoi que ce soit.",
    "Cette facture a déjà été créditée par votre service.",
    # de
    "Die Ware kam beschädigt an und ist unbrauchbar.",
    "Die Wartung wurde im Oktober nicht durchgeführt.",
    "Der berechnete Preis ist höher als im Angebot.",
    "Diese Rechnung akzeptieren wir so nicht.",
    "Wir warten noch auf die Gutschrift, bevor wir zahlen.",
    "Geliefert wurden 40 Stück, berechnet sind aber 50.",
    # es
    "La mercancía llegó dañada y manchada.",
    "El servicio de limpieza no se prestó en noviembre.",
    "El precio no corresponde con el presupuesto aceptado.",
    "No aceptamos esta factura.",
    "Estamos a la espera de una nota de abono antes de pagar.",
    "La factura está duplicada, es el mismo pedido.",
    # nl
    "De levering was beschadigd en deels onbruikbaar.",
    "Het onderhoud heeft in oktober niet plaatsgevonden.",
    "Het bedrag is hoger dan de offerte.",
    "Deze factuur accepteren wij niet.",
    "Wij wachten op een creditnota voordat we betalen.",
    "Er zijn 30 stuks geleverd en 36 gefactureerd.",
    # pt
    "A mercadoria chegou danificada e manchada.",
    "O serviço não foi realizado na data combinada.",
    "O valor cobrado está acima do orçamento.",
    "Não aceitamos esta fatura.",
    "Aguardamos a nota de crédito antes de pagar.",
    "Esta fatura está em duplicado.",
    # it
    "La merce è arrivata danneggiata e bagnata.",
    "La manutenzione non è stata effettuata a ottobre.",
    "L'importo fatturato è superiore al preventivo.",
    "Non accettiamo questa fattura.",
    "Attendiamo una nota di credito prima di pagare.",
    "Questa fattura è un duplicato della precedente.",
]

PLANS = [
    "Could we pay this in three monthly instalments?",
    "We need a little more time to settle this invoice.",
    "Cash flow is tight, we will pay as soon as we can.",
    "Pourrions-nous régler en trois fois ?",
    "Nous avons besoin d'un peu de temps pour régler cette facture.",
    "Nous paierons dès que nous pourrons.",
    "Wir bitten um Ratenzahlung.",
    "Wir brauchen noch etwas Zeit für die Zahlung.",
    "Wir sind derzeit nicht in der Lage zu zahlen.",
    "¿Podríamos pagarla en tres plazos?",
    "Necesitamos algo más de tiempo para pagar.",
    "Pagaremos en cuanto podamos.",
    "Kunnen we een betalingsregeling treffen?",
    "We hebben wat meer tijd nodig om te betalen.",
    "We betalen zodra we kunnen.",
    "Podemos pagar em prestações?",
    "Precisamos de mais algum tempo para pagar a fatura.",
    "Pagamos assim que pudermos.",
    "Possiamo pagare a rate?",
    "Ci serve ancora un po' di tempo per saldare.",
    "Pagheremo appena possiamo.",
]

REDIRECTS = [
    "I no longer handle invoices here, please write to ap@buyer-firm.example.",
    "Je ne m'occupe plus de la comptabilité, merci d'écrire à compta@client-sarl.example.",
    "Ich bin nicht mehr zuständig, bitte wenden Sie sich an buchhaltung@kunde-gmbh.example.",
    "Ya no me encargo de las facturas, escriban a pagos@cliente-sl.example.",
    "Ik ben niet meer verantwoordelijk, mail voortaan naar crediteuren@klant-bv.example.",
    "Já não trato dos pagamentos, contactem financeiro@cliente-lda.example.",
    "Non mi occupo più dei pagamenti, scrivete a amministrazione@cliente-srl.example.",
]

COPIES = [
    "Could you resend invoice 5521? I cannot find it.",
    "Please send us a statement of account.",
    "Pourriez-vous nous envoyer un duplicata de la facture ?",
    "Merci de nous transmettre votre RIB.",
    "Können Sie uns eine Kopie der Rechnung schicken?",
    "Bitte senden Sie uns einen aktuellen Kontoauszug.",
    "¿Nos podéis reenviar la factura?",
    "Necesitamos una copia de la factura con nuestro número de pedido.",
    "Kunt u de factuur nog een keer sturen?",
    "Kunnen jullie ons een kopie van de factuur mailen?",
    "Podem reenviar a fatura, por favor?",
    "Precisamos da segunda via da fatura.",
    "Potete rimandarci la fattura?",
    "Ci servirebbe una copia della fattura.",
]

#: acknowledgements, thanks and questions that commit to nothing: they must stay ``other``.
NEUTRAL = [
    "Thanks, received with thanks.",
    "Noted, I have passed this to our finance team.",
    "Merci pour votre message, nous revenons vers vous.",
    "Bien reçu, merci.",
    "Danke für die Info, wir melden uns.",
    "Vielen Dank, ich schaue es mir an.",
    "Gracias, lo revisamos y os decimos algo.",
    "Recibido, gracias.",
    "Bedankt, we kijken ernaar.",
    "Ontvangen, dank u wel.",
    "Obrigado, vamos verificar.",
    "Recebido, obrigada.",
    "Grazie, verifichiamo e vi faremo sapere.",
    "Ricevuto, grazie mille.",
    "Who should I speak to about your new price list for next year?",
    "Our office will be closed on 24 December.",
]


def _decide(text: str) -> IntentDecision:
    doc = build_doc(text, SENT, language=detect_language(text), from_address="me@customer.example",
                    seller_addresses=("ar@seller.example",), cc_addresses=())
    return classify_doc(doc)


@pytest.mark.parametrize(("expected", "text", "date"), PROMISES, ids=[t[:40] for _, t, _ in PROMISES])
def test_promise_with_date(expected: str, text: str, date: str) -> None:
    decision = _decide(text)
    assert decision.intent.value == expected
    assert decision.promise_date == dt.date.fromisoformat(date)


@pytest.mark.parametrize("text", REMITTANCES, ids=[t[:40] for t in REMITTANCES])
def test_remittance(text: str) -> None:
    assert _decide(text).intent.value == "remittance_advice"


@pytest.mark.parametrize("text", DISPUTES, ids=[t[:40] for t in DISPUTES])
def test_dispute(text: str) -> None:
    assert _decide(text).intent.value == "dispute"


@pytest.mark.parametrize("text", PLANS, ids=[t[:40] for t in PLANS])
def test_payment_plan(text: str) -> None:
    assert _decide(text).intent.value == "payment_plan"


@pytest.mark.parametrize("text", REDIRECTS, ids=[t[:40] for t in REDIRECTS])
def test_redirect(text: str) -> None:
    assert _decide(text).intent.value == "redirect"


@pytest.mark.parametrize("text", COPIES, ids=[t[:40] for t in COPIES])
def test_request_copy(text: str) -> None:
    assert _decide(text).intent.value == "request_copy"


@pytest.mark.parametrize("text", NEUTRAL, ids=[t[:40] for t in NEUTRAL])
def test_neutral_stays_other(text: str) -> None:
    assert _decide(text).intent.value == "other"


#: a second set, written after the first passed, with different wording for the same acts
#: (first run: 137/174; the misses named families that were then covered, not the sentences).
SECOND_SET=[("promise_to_pay",t) for t in [
"Our AP team has it lined up for the 15th.","You should see the funds on Monday.","We'll get this sorted by Friday.","Payment goes out end of next week.","Will remit by December 4.",
"Le règlement interviendra le 4 décembre.","Nous vous ferons parvenir le paiement vendredi.","Je passe le virement lundi.","Le chèque partira en fin de semaine.","Le solde sera viré d'ici la fin du mois.",
"Wir zahlen am Freitag.","Die Überweisung geht nächste Woche raus.","Der Betrag wird bis Monatsende ausgeglichen.","Ich veranlasse die Zahlung am Montag.","Sie erhalten das Geld bis zum 30.11.",
"Os hacemos el ingreso el viernes.","El pago saldrá la semana que viene.","Lo abonamos a final de mes.","Le transferiremos el importe el día 20.","Quedará pagado el lunes.",
"Wij voldoen de factuur vrijdag.","Het bedrag gaat maandag de deur uit.","Ik boek het volgende week over.","Betaling volgt eind deze maand.","U ontvangt het geld uiterlijk 30 november.",
"Fazemos o pagamento na sexta.","A transferência segue na segunda-feira.","Liquidamos a fatura até ao fim do mês.","O pagamento vai ser feito no dia 20.","Vou pagar amanhã.",
"Vi paghiamo venerdì.","Il saldo partirà lunedì prossimo.","Provvediamo al pagamento entro fine mese.","Effettueremo il versamento il 20 novembre.","Vi mandiamo il bonifico domani."]]
SECOND_SET+=[("remittance_advice",t) for t in [
"All paid up as of this morning.","We settled it via BACS on Monday.","Your invoice went out in yesterday's payment run.","Payment confirmation attached.",
"C'est réglé depuis hier.","Le virement est parti ce matin.","Nous vous avons viré la somme lundi.","Paiement fait hier par carte.",
"Ist erledigt, Geld ist unterwegs.","Habe gerade überwiesen.","Die Zahlung haben wir am Montag angewiesen.","Betrag ist gestern rausgegangen.",
"Ya está pagado.","Os lo ingresamos ayer.","Hemos realizado el pago esta mañana.","Pagado por transferencia el lunes.",
"Is al betaald.","Gisteren overgemaakt.","Wij hebben het bedrag maandag gestort.","De betaling is verstuurd.",
"Já está pago.","Fizemos a transferência ontem.","O boleto foi quitado hoje.","Pix enviado agora há pouco.",
"Già pagato.","Bonifico fatto ieri.","Abbiamo pagato con carta stamattina.","Il versamento è partito lunedì."]]
SECOND_SET+=[("dispute",t) for t in [
"The pallet was short by 6 boxes.","These items were never ordered by us.","You charged us for 12 hours, the engineer was on site for 7.","This invoice was already paid under 1188, it's a duplicate.","The work is unfinished, the railing is still missing.",
"Il manque 3 colis sur la livraison.","Les produits ne correspondent pas à notre commande.","Nous n'avons jamais commandé ces articles.","Cette facture fait double emploi avec la 1188.","Le technicien n'est jamais venu.",
"Es fehlen 3 Kartons.","Diese Artikel haben wir nie bestellt.","Die Leistung wurde nur teilweise erbracht.","Der Preis entspricht nicht der Vereinbarung.","Die Rechnung ist doppelt, sie wurde schon mit 1188 bezahlt.",
"Faltan 3 cajas en el pedido.","Nosotros no pedimos este material.","El técnico nunca vino.","El precio no es el pactado.","La obra quedó sin terminar.",
"Er ontbreken 3 dozen.","Dit hebben wij nooit besteld.","De monteur is niet komen opdagen.","De prijs klopt niet met de offerte.","Het werk is niet afgemaakt.",
"Faltam 3 caixas na entrega.","Nunca encomendámos este material.","O técnico não apareceu.","O preço não é o acordado.","A obra ficou por terminar.",
"Mancano 3 colli.","Non abbiamo mai ordinato questo materiale.","Il tecnico non si è presentato.","Il prezzo non è quello concordato.","Il lavoro non è stato completato."]]
SECOND_SET+=[("payment_plan",t) for t in [
"Can we spread this over three months?","We're not in a position to pay right now.","Things are slow, can you give us until January?","Could we pay 500 a month?",
"Serait-il possible d'étaler le paiement ?","Nous ne pouvons pas payer pour le moment.","Pouvons-nous payer 200 € par mois ?","Nous traversons une période difficile.",
"Können wir in drei Raten zahlen?","Im Moment können wir leider nicht zahlen.","Wir bräuchten einen Aufschub bis Januar.","Wir haben gerade finanzielle Schwierigkeiten.",
"¿Podemos pagarlo en varios meses?","Ahora mismo no podemos pagar.","Estamos pasando un mal momento económico.","Necesitamos aplazar el pago.",
"Kunnen we in drie termijnen betalen?","Op dit moment kunnen we niet betalen.","Wij hebben het financieel zwaar.","Kunnen we uitstel krijgen tot januari?",
"Podemos dividir em três vezes?","Neste momento não conseguimos pagar.","Estamos a passar por dificuldades.","Precisamos de adiar o pagamento.",
"Possiamo dividere in tre rate?","Al momento non riusciamo a pagare.","Stiamo attraversando un periodo difficile.","Ci servirebbe una dilazione."]]
SECOND_SET+=[("redirect",t) for t in [
"I'm not the right person, please contact Tom Lee at tom@buyer.example.","Wrong contact, I work in marketing.","Please send invoices to invoices@buyer.example from now on.",
"Je ne suis pas la bonne personne, voyez avec compta@x.example.","Merci d'envoyer vos factures à factures@x.example.",
"Bitte richten Sie Rechnungen künftig an rechnung@x.example.","Frau Kurz ist nicht mehr bei uns.",
"No soy la persona adecuada, contacte con admin@x.example.","Ik ben niet de juiste persoon; stuur het naar fin@x.example.",
"Não sou eu que trato disso, falem com contas@x.example.","Non sono io la persona giusta, scrivete a contabilita@x.example."]]
SECOND_SET+=[("request_copy",t) for t in [
"Can I get a copy of the invoice?","Please provide your W-9.","Could you confirm your bank details?","We need the PO number on the invoice, please reissue.",
"Pouvez-vous m'envoyer une copie de la facture ?","Merci de nous communiquer vos coordonnées bancaires.",
"Bitte schicken Sie die Rechnung noch einmal.","Bitte bestätigen Sie Ihre Bankverbindung.",
"¿Me puede enviar una copia de la factura?","Por favor, confirmen sus datos bancarios.",
"Kunt u een kopie van de factuur sturen?","Graag uw bankgegevens ter bevestiging.",
"Podem enviar uma cópia da fatura?","Por favor confirmem os dados bancários.",
"Potete inviarci una copia della fattura?","Potete confermarci le coordinate bancarie?"]]
SECOND_SET+=[("other",t) for t in [
"Thanks for the reminder, I'll look into it.","Merci, je regarde cela et je reviens vers vous.","Danke, ich prüfe das und melde mich.","Gracias, lo miro y te digo.","Dank je, ik zoek het uit.","Obrigado, vou ver isso.","Grazie, controllo e ti faccio sapere.","Happy holidays to the whole team!","Bonnes fêtes de fin d'année !","Frohe Weihnachten und danke für die Zusammenarbeit.","¿Cuál es el plazo de pago habitual?","Wat is jullie betalingstermijn?","Qual é o prazo de pagamento?","Qual è il termine di pagamento?","I will check with accounts on Monday and come back to you.","Je vérifie avec la compta lundi.","Ich kläre das am Montag mit der Buchhaltung.","Lo consulto con contabilidad el lunes.","Ik overleg maandag met de boekhouding.","Vou falar com a contabilidade na segunda.","Ne parlo lunedì con l'amministrazione."]]


@pytest.mark.parametrize(("expected", "text"), SECOND_SET, ids=[t[:40] for _, t in SECOND_SET])
def test_second_set(expected: str, text: str) -> None:
    assert _decide(text).intent.value == expected


#: a third set: negation, questions, hypotheticals and absences that must not trigger intents,
#: "not yet paid but will", hedged commitments, and two-thing replies resolved by precedence
#: (first run: 52/63).
THIRD_SET: list[tuple[str, str]] = []
THIRD_SET+=[("other",t) for t in [
# negated remittance / not yet paid, no commitment
"We have not made the transfer yet.","Nous n'avons pas encore effectué le virement.","Die Überweisung ist noch nicht erfolgt.","Todavía no hemos realizado la transferencia.","De betaling is nog niet uitgevoerd.","Ainda não fizemos a transferência.","Non abbiamo ancora fatto il bonifico.",
# questions about payment
"Has our transfer from last week arrived?","Avez-vous bien reçu notre virement ?","Ist unsere Zahlung angekommen?","¿Habéis recibido nuestro pago?","Hebben jullie onze betaling ontvangen?","Vocês receberam o nosso pagamento?","Avete ricevuto il nostro bonifico?",
# hypothetical
"If the goods arrive damaged we will let you know.","Si la marchandise arrive abîmée, nous vous le dirons.","Falls die Ware beschädigt ankommt, melden wir uns.","Si la mercancía llega dañada os avisaremos.","Als de goederen beschadigd aankomen, laten we het weten.","Se a mercadoria chegar danificada avisamos.","Se la merce arriva danneggiata vi avviseremo.",
# neutral with dates
"I'm out of the office until Monday, speak then.","Je suis en congé jusqu'à lundi.","Ich bin bis Montag im Urlaub.","Estoy de vacaciones hasta el lunes.","Ik ben tot maandag met vakantie.","Estou de férias até segunda-feira.","Sono in ferie fino a lunedì.",
]]
THIRD_SET+=[("promise_to_pay",t) for t in [
"We haven't paid yet, but the transfer will go out on Friday.","Pas encore payé, mais le virement partira vendredi.","Noch nicht bezahlt, aber wir überweisen am Freitag.","Aún no está pagado, pero haremos la transferencia el viernes.","Nog niet betaald, maar we maken het vrijdag over.","Ainda não pagámos, mas fazemos a transferência na sexta-feira.","Non ancora pagato, ma faremo il bonifico venerdì.",
"Hopefully we can pay on Friday.","Bonjour, normalement on règle vendredi.","Voraussichtlich zahlen wir am Freitag.","Si todo va bien, pagamos el viernes.","Als alles goed gaat betalen we vrijdag.","Em princípio pagamos na sexta-feira.","Salvo imprevisti paghiamo venerdì.",
]]
THIRD_SET+=[("dispute",t) for t in [
"We paid 2201 last week, but 2205 is wrong: we were charged twice for the same delivery.",
"Nous avons réglé la 2201, mais la 2205 est erronée.",
"Die 2201 ist bezahlt, die 2205 stimmt aber nicht.",
"La 2201 ya está pagada, pero la 2205 no es correcta.",
"De 2201 is betaald, maar de 2205 klopt niet.",
"A 2201 já foi paga, mas a 2205 está errada.",
"La 2201 è stata pagata, ma la 2205 è sbagliata.",
]]
THIRD_SET+=[("remittance_advice",t) for t in [
"Paid 2201 yesterday; 2205 will follow next week.","La 2201 a été payée hier, la 2205 suivra la semaine prochaine.","Die 2201 wurde gestern bezahlt, die 2205 folgt nächste Woche.","La 2201 se pagó ayer, la 2205 la pagamos la semana que viene.","De 2201 is gisteren betaald, de 2205 volgt volgende week.","A 2201 foi paga ontem, a 2205 pagamos na próxima semana.","La 2201 è stata pagata ieri, la 2205 la paghiamo la prossima settimana.",
]]
THIRD_SET+=[("payment_plan",t) for t in [
"We will pay what we can each month until it is cleared.","Nous paierons une partie chaque mois.","Wir zahlen jeden Monat einen Teil.","Pagaremos una parte cada mes.","We betalen elke maand een deel.","Vamos pagar uma parte todos os meses.","Pagheremo una parte ogni mese.",
]]


@pytest.mark.parametrize(("expected", "text"), THIRD_SET, ids=[t[:40] for _, t in THIRD_SET])
def test_third_set(expected: str, text: str) -> None:
    assert _decide(text).intent.value == expected


SHORT_REFS = [
    ("The 5521 one went out on Monday.", ("INV-2026-05521", "INV-2026-05530"), ("INV-2026-05521",)),
    ("La 312 è già pagata, la 340 no.", ("F260312", "F260340"), ("F260312", "F260340")),
    ("Die 447 ist bezahlt.", ("RE-2026-0447", "RE-2026-0512"), ("RE-2026-0447",)),
    ("We received the 250 units yesterday.", ("INV-1250",), ()),
    ("The 312 one is paid.", ("A-1312", "B-2312"), ()),  # ambiguous ending: no guess
]


@pytest.mark.parametrize(("text", "known", "expected"), SHORT_REFS, ids=[t[:30] for t, _, _ in SHORT_REFS])
def test_short_reference_after_an_article(text: str, known: tuple[str, ...], expected: tuple[str, ...]) -> None:
    assert find_invoice_refs(text, known) == expected


# --- full messages: greeting, signature (IBAN, VAT and company numbers), the seller's quoted reminder
#: (first run: 14/18)
DATE="Wed, 11 Nov 2026 10:15:00 +0100"
def _message(body: str, subj: str = "Re: Overdue invoices", frm: str = "Kunde <kunde@client.example>") -> bytes:
    return (f"From: {frm}\r\nTo: ar@seller.example\r\nSubject: {subj}\r\nDate: {DATE}\r\nMessage-ID: <x1@client.example>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body).encode()
QUOTE_EN = "\n\nOn Tue, 10 Nov 2026 at 09:00, Seller AR <ar@seller.example> wrote:\n> Dear customer, invoices INV-2026-0412 and INV-2026-0437 (EUR 1,250.00) are overdue.\n> If you dispute any item, please tell us. Please pay by return.\n"
FULL_MESSAGES=[
# (expected intent, promise_date, amount, body)
("promise_to_pay","2026-12-15",None,"Sehr geehrte Damen und Herren,\n\ndie Rechnung INV-2026-0412 wird am 15. Dezember beglichen.\n\nMit freundlichen Grüßen\nK. Vogel\nBuchhaltung\nVogel Bau GmbH | USt-IdNr. DE123456789\nIBAN DE89 3704 0044 0532 0130 00"+QUOTE_EN),
("remittance_advice",None,"1250.00","Bom dia,\n\nA transferência de 1.250,00 € foi efetuada ontem ao fim do dia. Segue o comprovativo.\n\nCumprimentos,\nAna Sousa\nNIF 501234567"+QUOTE_EN),
("dispute",None,None,"Bonjour,\n\nLes palettes livrées le 3 novembre étaient en partie écrasées et humides, la moitié des cartons est invendable. Nous ne réglerons pas cette facture avant d'avoir reçu un avoir.\n\nCordialement,\nJ. Martin"+QUOTE_EN),
("promise_to_pay","2026-11-16",None,"Ciao,\n\nil bonifico per la INV-2026-0437 lo facciamo lunedì prossimo.\n\nGrazie\nMarco\nInviato da iPhone"+QUOTE_EN),
("payment_plan",None,None,"Olá,\n\nPrecisamos de mais algum tempo para liquidar esta fatura, o mês foi muito fraco.\n\nObrigado,\nRui"+QUOTE_EN),
("dispute",None,None,"Guten Tag,\n\ndie Unterhaltsreinigung hat im Oktober an sechs von zwölf Terminen nicht stattgefunden. Die volle Monatspauschale akzeptieren wir so nicht.\n\nGruß\nS. Brandt\nFacility Management"+QUOTE_EN),
("redirect",None,None,"Hello,\n\nI moved to another department last month. Invoices should now go to payables@client.example.\n\nBest,\nDana"+QUOTE_EN),
("request_copy",None,None,"Hi,\n\nOur system needs the PO number 4500012345 on the invoice before we can process it. Could you reissue INV-2026-0412 with it?\n\nThanks\nLee\nAccounts Payable"+QUOTE_EN),
("promise_to_pay","2026-11-30","600.00","Hola,\n\nA finales de mes os transferimos 600 €, y el resto en diciembre.\n\nUn saludo,\nPablo"+QUOTE_EN),
("remittance_advice",None,None,"Goedemiddag,\n\nBeide facturen zijn vanochtend via de bank voldaan.\n\nMet vriendelijke groet,\nPieter\nKvK 12345678 | BTW NL001234567B01"+QUOTE_EN),
("other",None,None,"Thanks for the reminder. I've passed this on to our AP team and they will be in touch.\n\nRegards,\nSam"+QUOTE_EN),
("other",None,None,"Merci pour votre message. Je transmets au service comptable.\n\nBien à vous,\nClaire"+QUOTE_EN),
("dispute",None,None,"Hi,\n\nThe invoice lists 40 hours but the technicians logged 28 hours on site. Please correct it.\n\nThanks\nRob"+QUOTE_EN),
("promise_to_pay","2026-11-20",None,"Dag,\n\nWe zorgen dat beide facturen volgende week betaald worden.\n\nGroet,\nEls"+QUOTE_EN),
("remittance_advice",None,None,"Buongiorno,\n\nvi confermo che il pagamento di entrambe le fatture è stato disposto ieri pomeriggio.\n\nCordiali saluti\nGiulia"+QUOTE_EN),
("request_copy",None,None,"Hallo,\n\nkönnten Sie uns bitte die Rechnung INV-2026-0437 als PDF zukommen lassen? Sie ist bei uns nicht angekommen.\n\nDanke\nTim"+QUOTE_EN),
("payment_plan",None,None,"Hi,\n\nWe're a bit stretched after a slow quarter. Could we do half now and half in January?\n\nThanks,\nKim"+QUOTE_EN),
("promise_to_pay","2026-11-13",None,"Hi,\n\nThis is approved and will be in Friday's payment run.\n\nCheers\nMatt"+QUOTE_EN),
]


@pytest.mark.parametrize(("expected", "promise", "amount", "body"), FULL_MESSAGES,
                         ids=[b.split("\n")[2][:40] for _, _, _, b in FULL_MESSAGES])
def test_full_message(expected: str, promise: str | None, amount: str | None, body: str) -> None:
    reading = read_reply(_message(body), ReadContext(invoices=("INV-2026-0412", "INV-2026-0437")))
    assert reading.intent.value == expected
    assert str(reading.promise_date) == promise if promise else reading.promise_date is None
    if amount is not None:
        assert str(reading.amount) == amount


#: a further set: promise dates in several written forms, copy requests, redirects with the
#: handler named, and replies that only ask for a call (first run: 43/47).
FIFTH_SET: list[tuple[str, str, str | None]] = []
FIFTH_SET+=[("promise_to_pay",t,d) for t,d in [
("Hi, we'll have this paid by December 4.", "2026-12-04"),
("Payment for both invoices is planned for 20 November.", "2026-11-20"),
("I'll make sure it gets paid before the 25th.", "2026-11-25"),
("Bonjour, le règlement est prévu pour le 27/11.", "2026-11-27"),
("Bonjour, nous effectuerons le paiement d'ici vendredi.", "2026-11-13"),
("Hallo, die Zahlung ist für den 27.11. eingeplant.", "2026-11-27"),
("Guten Tag, wir begleichen die offenen Posten bis spätestens 30.11.2026.", "2026-11-30"),
("Hola, el pago está previsto para el 27 de noviembre.", "2026-11-27"),
("Buenas, os lo pago el lunes sin falta.", "2026-11-16"),
("Hoi, de betaling staat gepland voor 27 november.", "2026-11-27"),
("Goedemorgen, uiterlijk vrijdag maken wij het bedrag over.", "2026-11-13"),
("Olá, o pagamento está agendado para dia 27.", "2026-11-27"),
("Bom dia, efetuaremos o pagamento até sexta-feira.", "2026-11-13"),
("Buongiorno, il pagamento è previsto per il 27 novembre.", "2026-11-27"),
("Salve, salderemo la fattura entro venerdì.", "2026-11-13"),
]]
FIFTH_SET+=[("request_copy",t,None) for t in [
"Hi, I can't find this invoice in our system, can you send it again?",
"Could you send me an up-to-date statement of our account?",
"Please send your banking details on letterhead so we can set you up.",
"Bonjour, pourriez-vous nous faire parvenir un relevé de compte ?",
"Bonjour, merci de refaire la facture avec notre numéro de commande.",
"Hallo, bitte stellen Sie die Rechnung mit unserer Bestellnummer neu aus.",
"Können Sie uns die Rechnung erneut zusenden?",
"Hola, ¿nos podéis mandar la factura otra vez? No la encontramos.",
"Hola, necesitamos un extracto de cuenta actualizado.",
"Hallo, kunnen jullie de factuur opnieuw sturen met ons ordernummer erop?",
"Olá, podem enviar novamente a fatura? Não a encontramos.",
"Bom dia, precisamos do extrato de conta atualizado.",
"Buongiorno, potreste inviarci di nuovo la fattura? Non la troviamo.",
"Salve, ci servirebbe l'estratto conto aggiornato.",
]]
FIFTH_SET+=[("redirect",t,None) for t in [
"Hi, please address all invoices to our AP team at ap@buyer.example.",
"Hi, I'm not in accounts — try billing@buyer.example.",
"Bonjour, je ne suis plus la bonne interlocutrice, écrivez à compta@client.example.",
"Hallo, für Rechnungen ist ab sofort rechnungen@kunde.example zuständig.",
"Hola, las facturas deben enviarse a facturas@cliente.example.",
"Hallo, facturen graag naar facturen@klant.example sturen.",
"Olá, as faturas devem ser enviadas para faturas@cliente.example.",
"Buongiorno, le fatture vanno inviate a fatture@cliente.example.",
]]
FIFTH_SET+=[("other",t,None) for t in [
"Hi, who is my account manager now?",
"Bonjour, pouvez-vous me rappeler ?",
"Hallo, ich bin ab Montag wieder erreichbar.",
"Hola, ¿me llamas cuando puedas?",
"Hoi, bel me even terug aub.",
"Olá, podem ligar-me amanhã?",
"Ciao, mi richiami quando puoi?",
"Thanks, we'll review the invoices internally.",
"Danke für die Erinnerung, wir prüfen die Rechnungen.",
"Gracias por el aviso, lo revisamos.",
]]


@pytest.mark.parametrize(("expected", "text", "date"), FIFTH_SET, ids=[t[:40] for _, t, _ in FIFTH_SET])
def test_fifth_set(expected: str, text: str, date: str | None) -> None:
    decision = _decide(text)
    assert decision.intent.value == expected
    if date is not None:
        assert decision.promise_date == dt.date.fromisoformat(date)


#: wording close to a cue that does not perform the act: questions, conditions, set phrases.
NEAR_MISSES = [
    ("promise_to_pay", "Die Zahlung geht morgen raus."),
    ("other", "Le paiement fait partie du prochain lot de validation."),
    ("other", "Bezahlt wird nach Lieferung."),
    ("other", "Ist die Rechnung schon bezahlt?"),
    ("other", "Pagato?"),
    ("other", "¿Está pagada la factura?"),
    ("other", "A fatura já foi paga?"),
    ("remittance_advice", "We paid on Monday, did you get it?"),
    ("remittance_advice", "Il bonifico è stato fatto ieri, l'avete ricevuto?"),
    ("remittance_advice", "Paiement fait hier par virement."),
    ("request_copy", "Es fehlen uns noch die Rechnungskopien, bitte senden Sie sie erneut."),
    ("promise_to_pay", "Buenas, os lo pago el lunes sin falta."),
    ("other", "Merci de nous répondre dans un délai de 8 jours."),
]


@pytest.mark.parametrize(("expected", "text"), NEAR_MISSES, ids=[t[:40] for _, t in NEAR_MISSES])
def test_near_misses(expected: str, text: str) -> None:
    assert _decide(text).intent.value == expected


#: more full messages, with amounts in several formats (first run: 15/18).
FULL_MESSAGES_2=[
("remittance_advice",None,"3480.50","Hello,\n\nWe sent $3,480.50 by ACH this morning, trace 0210003.\n\nThanks,\nJoe\nAP Specialist"+QUOTE_EN),
("remittance_advice",None,"980.00","Bonjour,\n\nVirement de 980,00 EUR passé ce jour pour solde de la facture INV-2026-0412.\n\nCordialement\nM. Petit"+QUOTE_EN),
("remittance_advice",None,"1250.00","Hallo,\n\n1.250,00 EUR sind heute an Sie rausgegangen.\n\nGruß\nJan"+QUOTE_EN),
("promise_to_pay","2026-11-30","500.00","Hola,\n\nA final de mes os abonamos 500 € a cuenta.\n\nSaludos\nLuis"+QUOTE_EN),
("promise_to_pay","2026-11-20","750.00","Goedemiddag,\n\nVolgende week maken wij € 750,00 over als eerste deel.\n\nGroet,\nKees"+QUOTE_EN),
("remittance_advice",None,"2400.00","Olá,\n\nO valor de R$ 2.400,00 foi depositado hoje na vossa conta.\n\nAbraço\nCarla"+QUOTE_EN),
("remittance_advice",None,"640.00","Buongiorno,\n\nabbiamo versato ieri 640,00 euro a saldo della fattura.\n\nSaluti\nFranco"+QUOTE_EN),
("dispute",None,None,"Hi,\n\nWe returned the faulty unit under RMA 5521 last month and were promised a credit. Until that credit appears we won't be paying INV-2026-0412.\n\nBest\nPat"+QUOTE_EN),
("dispute",None,None,"Bonjour,\n\nLa prestation de nettoyage n'a été réalisée qu'à moitié en octobre, nous ne pouvons pas accepter le montant facturé.\n\nCordialement\nSophie"+QUOTE_EN),
("dispute",None,None,"Buenos días,\n\nEl material llegó roto y ya os lo devolvimos. No vamos a pagar esa factura.\n\nUn saludo\nMarta"+QUOTE_EN),
("payment_plan",None,None,"Hi,\n\nBusiness has been really quiet since the summer. I can do $200 a week until it's cleared if that works?\n\nThanks\nNico"+QUOTE_EN),
("payment_plan",None,None,"Hallo,\n\nwir stecken gerade in einem Liquiditätsengpass und melden uns, sobald wir wieder zahlen können.\n\nGruß\nUwe"+QUOTE_EN),
("payment_plan",None,None,"Buongiorno,\n\nquesto mese non ce la facciamo a pagare tutto, possiamo fare metà adesso e metà a gennaio?\n\nGrazie\nSara"+QUOTE_EN),
("redirect",None,None,"Hi there,\n\nI'm just the site manager, invoices go through our head office: accounts@hq-client.example.\n\nCheers\nDave"+QUOTE_EN),
("request_copy",None,None,"Hi,\n\nBefore we can pay we need a W-9 and your remit-to address.\n\nThanks\nAmy"+QUOTE_EN),
("request_copy",None,None,"Buenos días,\n\n¿Podrían confirmarnos el IBAN? Hemos recibido un aviso de cambio de cuenta y queremos comprobarlo.\n\nGracias\nElena"+QUOTE_EN),
("other",None,None,"Hi,\n\nCan you tell me what the late fee policy is?\n\nThanks\nJo"+QUOTE_EN),
("other",None,None,"Bonjour,\n\nJe suis absent cet après-midi, je regarde demain.\n\nBonne journée\nLéa"+QUOTE_EN),
]


@pytest.mark.parametrize(("expected", "promise", "amount", "body"), FULL_MESSAGES_2,
                         ids=[b.split("\n")[2][:40] for _, _, _, b in FULL_MESSAGES_2])
def test_full_message_2(expected: str, promise: str | None, amount: str | None, body: str) -> None:
    test_full_message(expected, promise, amount, body)


def test_half_now_and_the_rest_later_is_a_plan_not_a_promise() -> None:
    assert _decide("Pagamos la mitad ahora y el resto el viernes.").intent.value == "payment_plan"
    assert _decide("Paghiamo metà adesso e il resto a fine mese.").intent.value == "payment_plan"


#: out-of-office return dates in seven languages, sent Friday 18 December 2026 ("until the 3rd
#: inclusive" means back on the next working day).
RETURN_DATES=[
("I am out of the office and will return on 4 January 2027.","2027-01-04"),
("I'm on annual leave until 2 January, returning Monday 4 January.","2027-01-04"),
("Je suis absente jusqu'au 3 janvier inclus.","2027-01-04"),
("Je serai de retour le lundi 4 janvier.","2027-01-04"),
("Ich bin ab dem 4. Januar wieder im Büro.","2027-01-04"),
("Ich bin bis einschließlich 3. Januar nicht erreichbar.","2027-01-04"),
("Estaré fuera hasta el 3 de enero; vuelvo el 4 de enero.","2027-01-04"),
("Regreso a la oficina el 04/01/2027.","2027-01-04"),
("Ik ben afwezig tot en met 3 januari.","2027-01-04"),
("Vanaf maandag 4 januari ben ik weer aanwezig.","2027-01-04"),
("Estou de férias e retorno em 04/01/2027.","2027-01-04"),
("Estarei ausente até 3 de janeiro, regresso a 4 de janeiro.","2027-01-04"),
("Sono fuori ufficio fino al 3 gennaio compreso.","2027-01-04"),
("Rientrerò in ufficio il 4 gennaio.","2027-01-04"),
("Sarò di nuovo operativo dal 4 gennaio.","2027-01-04"),
("Ich bin ab 4.1. wieder da.","2027-01-04"),
("Back on Jan 4th.","2027-01-04"),
]


@pytest.mark.parametrize(("text", "expected"), RETURN_DATES, ids=[t[:40] for t, _ in RETURN_DATES])
def test_return_date(text: str, expected: str) -> None:
    assert find_return_date(text, dt.date(2026, 12, 18)) == dt.date.fromisoformat(expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("We'll pay. On Friday.", "2026-11-13"),
    ("Wir zahlen. Spätestens am 30.", "2026-11-30"),
    ("Nous réglerons. Vendredi au plus tard.", "2026-11-13"),
    ("Lo pagamos. El lunes.", "2026-11-16"),
])
def test_date_given_alone_right_after_the_commitment(text: str, expected: str) -> None:
    decision = _decide(text)
    assert decision.intent.value == "promise_to_pay"
    assert decision.promise_date == dt.date.fromisoformat(expected)


def test_a_long_sentence_after_a_commitment_lends_no_date() -> None:
    assert _decide("We'll pay. Our office is closed on Friday for the holiday.").intent.value == "other"


#: text typed without accents or umlauts ("reglee", "ueberwiesen", "proxima", "e stata") and
#: terse, SMS-style replies (first run: 20/32; accent folding of cues and dates fixed 10 at once).
UNACCENTED_AND_TERSE=[
("remittance_advice","La facture a ete reglee hier par virement."),
("remittance_advice","Die Rechnung wurde gestern ueberwiesen."),
("remittance_advice","La transferencia se realizo ayer."),
("remittance_advice","A transferencia foi feita ontem."),
("remittance_advice","La fattura e stata pagata ieri."),
("promise_to_pay","Nous reglerons la facture vendredi."),
("promise_to_pay","Wir ueberweisen den Betrag naechste Woche."),
("promise_to_pay","Pagaremos la factura el proximo lunes."),
("promise_to_pay","Vamos pagar a fatura na proxima semana."),
("promise_to_pay","Pagheremo la fattura venerdi."),
("dispute","La marchandise est arrivee abimee."),
("dispute","Die Ware ist beschaedigt angekommen."),
("dispute","El material llego danado."),
("dispute","A mercadoria chegou danificada."),
("dispute","La merce e arrivata danneggiata."),
("payment_plan","Necesitamos mas tiempo para pagar."),
("payment_plan","Precisamos de mais tempo para pagar."),
("payment_plan","Wir brauchen mehr Zeit fuer die Zahlung."),
("request_copy","Pourriez-vous nous renvoyer la facture ?"),
("request_copy","Koennen Sie uns eine Kopie der Rechnung schicken?"),
# terse / SMS
("remittance_advice","paid 2day"),
("remittance_advice","sent the wire, fyi"),
("promise_to_pay","will pay by fri"),
("promise_to_pay","paying on the 20th"),
("dispute","not our invoice"),
("remittance_advice","this was already paid, pls check your records"),
("payment_plan","cant pay rn, need a couple weeks"),
("redirect","wrong email, try accounts@buyer.example"),
("request_copy","pls resend inv"),
("other","ok thx"),
("other","ok"),
("other","👍"),
]


@pytest.mark.parametrize(("expected", "text"), UNACCENTED_AND_TERSE, ids=[t[:40] for _, t in UNACCENTED_AND_TERSE])
def test_unaccented_and_terse(expected: str, text: str) -> None:
    assert _decide(text).intent.value == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("naechste Woche", "2026-11-20"), ("na proxima semana", "2026-11-20"), ("le 15 decembre", "2026-12-15"),
    ("el miercoles", "2026-11-18"), ("fim do mes", "2026-11-30"), ("venerdi", "2026-11-13"),
])
def test_unaccented_date_words(text: str, expected: str) -> None:
    assert find_dates(text, SENT)[0].date == dt.date.fromisoformat(expected)


def test_folding_keeps_offsets() -> None:
    text = "Réglée le 15 décembre, über alles"
    assert len(fold(text)) == len(text)
    assert fold(text) == "Reglee le 15 decembre, uber alles"


#: pointing at a colleague in Cc, cancelled orders, delivery documents, payment terms (not a
#: request), present tense for tomorrow's transfer (first run: 19/40).
NINTH_SET=[
("redirect","Hi, I've copied in Maria from finance who looks after supplier payments."),
("redirect","Bonjour, je mets en copie notre comptable qui gère les paiements."),
("redirect","Hallo, ich setze unsere Buchhaltung in CC, die kümmert sich um Zahlungen."),
("redirect","Hola, pongo en copia a nuestro departamento de administración, que lleva los pagos."),
("redirect","Hoi, ik zet onze boekhouder in de cc, die regelt de betalingen."),
("redirect","Olá, coloco em cópia a nossa contabilidade, que trata dos pagamentos."),
("redirect","Ciao, metto in copia la nostra amministrazione che si occupa dei pagamenti."),
("other","Thanks, copying my colleague for visibility."),
("dispute","We were charged the full rate but the contract gives us 15% off."),
("dispute","The delivery fee was supposed to be waived."),
("dispute","Your technician only stayed two hours, not the four on the invoice."),
("dispute","We cancelled this order in September."),
("dispute","Nous avions annulé cette commande le mois dernier."),
("dispute","Wir haben den Auftrag bereits im September storniert."),
("dispute","Cancelamos ese pedido en septiembre."),
("dispute","Wij hebben deze bestelling in september geannuleerd."),
("dispute","Cancelámos esta encomenda em setembro."),
("dispute","Abbiamo annullato l'ordine a settembre."),
("request_copy","Can you send the proof of delivery for this one?"),
("request_copy","Pouvez-vous nous transmettre le bon de livraison signé ?"),
("request_copy","Können Sie uns den unterschriebenen Lieferschein schicken?"),
("request_copy","¿Nos podéis mandar el albarán firmado?"),
("request_copy","Kunnen jullie de getekende pakbon sturen?"),
("request_copy","Podem enviar a guia de remessa assinada?"),
("request_copy","Potete mandarci il DDT firmato?"),
("other","We always pay on time, thanks for checking."),
("other","Our payment terms are 60 days end of month."),
("other","Nos conditions de paiement sont à 45 jours fin de mois."),
("other","Unsere Zahlungsbedingungen sind 30 Tage netto."),
("other","Nuestras condiciones de pago son a 60 días."),
("other","Onze betalingstermijn is 30 dagen."),
("other","As nossas condições de pagamento são a 30 dias."),
("other","I nostri termini di pagamento sono 60 giorni fine mese."),
("promise_to_pay","We'll release payment once approved, which will be on the 20th."),
("promise_to_pay","Le virement part demain matin."),
("promise_to_pay","Die Überweisung geht übermorgen raus."),
("promise_to_pay","La transferencia sale mañana."),
("promise_to_pay","De overboeking gaat morgen de deur uit."),
("promise_to_pay","A transferência sai amanhã."),
("promise_to_pay","Il bonifico parte domani."),
]


@pytest.mark.parametrize(("expected", "text"), NINTH_SET, ids=[t[:40] for _, t in NINTH_SET])
def test_ninth_set(expected: str, text: str) -> None:
    doc = build_doc(text, SENT, language=detect_language(text), from_address="me@customer.example",
                    seller_addresses=("ar@seller.example",), cc_addresses=("finance@customer.example",))
    assert classify_doc(doc).intent.value == expected


#: full messages with a Cc header: the redirect address comes from the Cc the text points at;
#: "not before January", "little by little", "only 8 of 10" (first run: 4/8).
DATE_2="Wed, 11 Nov 2026 10:15:00 +0100"
def _message_cc(body: str, cc: str | None = None) -> bytes:
    h="From: Kunde <kunde@client.example>\r\nTo: ar@seller.example\r\n"+(f"Cc: {cc}\r\n" if cc else "")+f"Subject: Re: Invoices\r\nDate: {DATE_2}\r\nMessage-ID: <x2@client.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    return (h+body).encode()
CC_AND_PLAN_MESSAGES=[
("redirect","finanzen@client.example","Hallo,\n\nich habe unsere Finanzabteilung in CC gesetzt, die kümmert sich um die Zahlungen.\n\nGruß\nAnna","Finanzen <finanzen@client.example>"),
("redirect","ap@client.example","Hi,\n\nAdding our AP team (cc'd), they handle all vendor payments.\n\nThanks\nBen","AP <ap@client.example>"),
("redirect","compta@client.example","Bonjour,\n\nJe ne m'occupe plus des factures depuis septembre. Merci de voir avec compta@client.example.\n\nCordialement\nPaul",None),
("payment_plan",None,"Guten Tag,\n\nvor Januar können wir leider nicht zahlen.\n\nMfG\nR. Kunz",None),
("payment_plan",None,"Buenos días,\n\nno vamos a poder pagar hasta después de Reyes, os vamos pagando poco a poco.\n\nSaludos\nÁlex",None),
("promise_to_pay",None,"Goedemiddag,\n\nDe factuur is goedgekeurd en wordt donderdag betaald.\n\nMvg\nRuud",None),
("dispute",None,"Buongiorno,\n\nabbiamo ricevuto solo 8 bancali su 10, la fattura però riporta 10.\n\nSaluti\nPiero",None),
("other",None,"Hi,\n\nI'm new in this role, just confirming I've received your email and will look at it next week.\n\nThanks\nJess",None),
]


@pytest.mark.parametrize(("expected", "redirect_to", "body", "cc"), CC_AND_PLAN_MESSAGES,
                         ids=[b.split("\n")[2][:40] for _, _, b, _ in CC_AND_PLAN_MESSAGES])
def test_cc_and_plan_messages(expected: str, redirect_to: str | None, body: str, cc: str | None) -> None:
    reading = read_reply(_message_cc(body, cc), ReadContext(invoices=("INV-2026-0412",)))
    assert reading.intent.value == expected
    if redirect_to is not None:
        assert reading.redirect_to == redirect_to


def test_paid_only_some_is_not_a_dispute() -> None:
    assert _decide("We paid only 2 of the 3 invoices last week.").intent.value == "remittance_advice"
    assert _decide("We only received 8 of 10 pallets.").intent.value == "dispute"


#: regional business phrasing (Swiss "per Ende Monat", Brazilian Pix/boleto, "payment planned
#: for" without a verb, quantity on the invoice against the delivery note) (first run: 22/33).
REGIONAL_SET=[
("promise_to_pay","Grüezi, wir begleichen die Rechnung per 30.11.","2026-11-30"),
("promise_to_pay","Die Zahlung erfolgt per Ende Monat.","2026-11-30"),
("promise_to_pay","Wir zahlen Ende Monat.","2026-11-30"),
("promise_to_pay","Vamos pagar dia 20 via Pix.","2026-11-20"),
("promise_to_pay","Vou quitar o boleto sexta-feira.","2026-11-13"),
("promise_to_pay","Pago el viernes sin falta, le aviso.","2026-11-13"),
("promise_to_pay","Le paiement sera fait pour la fin du mois.","2026-11-30"),
("promise_to_pay","We betalen eind deze maand.","2026-11-30"),
("promise_to_pay","Te hago la transferencia el lunes.","2026-11-16"),
("promise_to_pay","Ti faccio il bonifico lunedì.","2026-11-16"),
("promise_to_pay","Ich überweise es Ihnen morgen.","2026-11-12"),
("promise_to_pay","Paiement prévu le 25 novembre.","2026-11-25"),
("promise_to_pay","Zahlung ist für den 25.11. vorgesehen.","2026-11-25"),
("promise_to_pay","Pago previsto para el 25 de noviembre.","2026-11-25"),
("promise_to_pay","Betaling gepland op 25 november.","2026-11-25"),
("promise_to_pay","Pagamento agendado para 25 de novembro.","2026-11-25"),
("promise_to_pay","Pagamento previsto per il 25 novembre.","2026-11-25"),
("remittance_advice","Pago realizado vía Pix agora de manhã.",None),
("remittance_advice","Zahlung heute ausgelöst, Valuta morgen.",None),
("remittance_advice","Überweisung ist raus.",None),
("remittance_advice","Le paiement est parti.",None),
("remittance_advice","Transferencia hecha.",None),
("remittance_advice","Overboeking gedaan.",None),
("remittance_advice","Transferência efetuada.",None),
("remittance_advice","Bonifico eseguito.",None),
("remittance_advice","Done - paid via card this morning.",None),
("dispute","Die Stückzahl auf der Rechnung stimmt nicht mit dem Lieferschein überein.",None),
("dispute","La quantité facturée ne correspond pas au bon de livraison.",None),
("dispute","La cantidad facturada no coincide con el albarán.",None),
("dispute","Het gefactureerde aantal komt niet overeen met de pakbon.",None),
("dispute","A quantidade faturada não bate com a guia de remessa.",None),
("dispute","La quantità fatturata non corrisponde al DDT.",None),
("dispute","The billed quantity doesn't match the packing slip.",None),
]


@pytest.mark.parametrize(("expected", "text", "date"), REGIONAL_SET, ids=[t[:40] for _, t, _ in REGIONAL_SET])
def test_regional_set(expected: str, text: str, date: str | None) -> None:
    decision = _decide(text)
    assert decision.intent.value == expected
    if date is not None:
        assert decision.promise_date == dt.date.fromisoformat(date)


#: neutral replies full of payment, delivery and date words, written after the broad cues were
#: added, to check `other` precision (first run: 41/41).
NEUTRAL_WITH_PAYMENT_WORDS=["Could you tell me when the invoice is due?","We process supplier invoices every Thursday.","Le service comptable traite les factures le vendredi.","Die Buchhaltung ist diese Woche nicht besetzt.","Recibí la factura, gracias.","Ich habe die Rechnung erhalten und an die Buchhaltung weitergeleitet.","La facture est bien arrivée, merci.","We hebben de factuur ontvangen en in behandeling genomen.","Recebemos a fatura, obrigado.","Abbiamo ricevuto la fattura, grazie.","Who do I speak to about opening a new account?","Please note our new postal address from January.","Je suis en télétravail aujourd'hui.","Wir haben eine neue Bestellung für Sie, Angebot folgt.","Het pakket is gisteren goed aangekomen, dank u.","A encomenda chegou bem, obrigado.","La merce è arrivata in perfette condizioni.","Alles in Ordnung, danke.","Sure, no problem.","Gracias por la rapidez en la entrega.","Merci pour la livraison rapide, tout est conforme.","The goods arrived on time and in good condition.","Wir sind mit der Lieferung sehr zufrieden.","De levering was compleet, bedankt.","Tudo certo com a entrega.","Tutto a posto con la consegna, grazie.","Is there a discount for early payment?","Y a-t-il un escompte pour paiement anticipé ?","Gibt es Skonto bei vorzeitiger Zahlung?","¿Hay descuento por pronto pago?","Is er korting bij vooruitbetaling?","Há desconto para pagamento antecipado?","C'è uno sconto per pagamento anticipato?","We changed our bank last month, nothing else to report.","Our financial year ends on 31 December.","Notre exercice se termine le 31 décembre.","Unser Geschäftsjahr endet am 31. Dezember.","Nuestro ejercicio cierra el 31 de diciembre.","Ons boekjaar eindigt op 31 december.","O nosso ano fiscal termina a 31 de dezembro.","Il nostro esercizio chiude il 31 dicembre."]


@pytest.mark.parametrize("text", NEUTRAL_WITH_PAYMENT_WORDS, ids=[t[:40] for t in NEUTRAL_WITH_PAYMENT_WORDS])
def test_neutral_with_payment_words(text: str) -> None:
    assert _decide(text).intent.value == "other"


#: the invoice never arrived (a copy request) against the goods on the invoice never arrived (a
#: dispute), wrong address, funds expected to arrive, waiting on their own customer
#: (first run: 8/30).
DOCUMENT_OR_GOODS_SET=[
("request_copy","We never received invoice 4410, can you email it?"),
("request_copy","Nous n'avons jamais reçu la facture 4410, pouvez-vous la renvoyer ?"),
("request_copy","Die Rechnung 4410 haben wir nie erhalten, bitte nochmal schicken."),
("request_copy","Nunca recibimos la factura 4410, ¿podéis reenviarla?"),
("request_copy","Factuur 4410 hebben we nooit ontvangen, kunt u die opnieuw sturen?"),
("request_copy","Nunca recebemos a fatura 4410, podem reenviar?"),
("request_copy","Non abbiamo mai ricevuto la fattura 4410, potete rimandarla?"),
("dispute","We never received the goods on invoice 4410."),
("dispute","Nous n'avons jamais reçu la marchandise de la facture 4410."),
("dispute","Die Ware zur Rechnung 4410 haben wir nie erhalten."),
("dispute","Nunca recibimos la mercancía de la factura 4410."),
("dispute","De goederen van factuur 4410 hebben we nooit ontvangen."),
("dispute","Nunca recebemos a mercadoria da fatura 4410."),
("dispute","Non abbiamo mai ricevuto la merce della fattura 4410."),
("redirect","This address is wrong, we are a different company; try info@other-co.example."),
("redirect","Vous vous êtes trompés d'adresse, nous ne sommes pas votre client."),
("promise_to_pay","Payment should reach you by Friday at the latest."),
("promise_to_pay","Le virement devrait arriver d'ici vendredi."),
("promise_to_pay","Das Geld sollte bis Freitag bei Ihnen sein."),
("promise_to_pay","El dinero debería llegar antes del viernes."),
("promise_to_pay","Het geld zou vrijdag binnen moeten zijn."),
("promise_to_pay","O dinheiro deve chegar até sexta-feira."),
("promise_to_pay","I soldi dovrebbero arrivare entro venerdì."),
("payment_plan","We can't commit to a date yet, we're waiting for our customer to pay us."),
("payment_plan","Nous attendons nous-mêmes le paiement de notre client."),
("payment_plan","Wir warten selbst noch auf die Zahlung unseres Kunden."),
("payment_plan","Estamos esperando a que nos pague nuestro cliente."),
("payment_plan","We wachten zelf nog op betaling van onze klant."),
("payment_plan","Estamos à espera que o nosso cliente nos pague."),
("payment_plan","Stiamo aspettando a nostra volta il pagamento dal nostro cliente."),
]


@pytest.mark.parametrize(("expected", "text"), DOCUMENT_OR_GOODS_SET, ids=[t[:40] for _, t in DOCUMENT_OR_GOODS_SET])
def test_document_or_goods_set(expected: str, text: str) -> None:
    assert _decide(text).intent.value == expected


@pytest.mark.parametrize(("expected", "text"), [
    ("request_copy", "We never received the invoice for our order 5512, can you resend it?"),
    ("request_copy", "Nous n'avons jamais reçu la facture de notre commande 5512."),
    ("request_copy", "Die Rechnung zur Bestellung 5512 haben wir nie erhalten."),
    ("request_copy", "The delivery note and invoice never arrived."),
    ("dispute", "We never received the goods on invoice 4410."),
    ("dispute", "Die Ware zur Rechnung 4410 haben wir nie erhalten."),
])
def test_the_head_noun_decides_document_or_goods(expected: str, text: str) -> None:
    assert _decide(text).intent.value == expected


#: US accounts-payable register: check runs, ACH batches, credit memos, RAs, portals, written
#: with US dates (first run: 12/18; "stuck in approvals, no ETA" was left as `other`; since
#: set 25 a delay with no firm date is `payment_plan`).
US_AP_SET=[
("promise_to_pay","This is queued for our next check run on 12/1.","2026-12-01"),
("promise_to_pay","It's been approved and will go out with Thursday's ACH batch.","2026-11-12"),
("promise_to_pay","Expect the wire early next week.",None),
("promise_to_pay","We'll cut a check on Monday.","2026-11-16"),
("remittance_advice","Our records show this was paid on 11/3, check #10442.",None),
("remittance_advice","Check 10442 cleared your bank on Nov 5.",None),
("remittance_advice","Payment was applied to invoice 4410 via ACH last Tuesday.",None),
("dispute","We're disputing the fuel surcharge on this invoice.",None),
("dispute","Sales tax should not have been charged, we are exempt.",None),
("dispute","A credit memo was already applied against this balance.",None),
("dispute","Those units were sent back under RA 2291 for full credit.",None),
("request_copy","Please resubmit through our Coupa portal so it can be approved.",None),
("request_copy","We need a signed W-9 before we can cut a check.",None),
("request_copy","Can you add our PO 7731 and resend?",None),
("payment_plan","Invoice is stuck in approvals, no ETA yet, sorry.",None),
("other","Please update your records: we're now Acme Holdings LLC.",None),
("other","Received, thanks. Forwarded to AP.",None),
("redirect","Please direct all AR correspondence to ap-inbox@acme-buyer.example.",None),
]


@pytest.mark.parametrize(("expected", "text", "date"), US_AP_SET, ids=[t[:40] for _, t, _ in US_AP_SET])
def test_us_ap_set(expected: str, text: str, date: str | None) -> None:
    doc = build_doc(text, SENT, language=detect_language(text), from_address="me@customer.example",
                    seller_addresses=("ar@seller.example",), cc_addresses=(), month_first=True)
    decision = classify_doc(doc)
    assert decision.intent.value == expected
    if date is not None:
        assert decision.promise_date == dt.date.fromisoformat(date)


#: intending/expecting to pay, the payment "taking place", hours billed but not worked, the amount
#: already debited from their account (first run: 3/27 — four families nobody had covered).
INTENT_EVENT_DEBIT_SET=[
("promise_to_pay","Contiamo di saldare entro la fine del mese.","2026-11-30"),
("promise_to_pay","Contamos pagar até ao final do mês.","2026-11-30"),
("promise_to_pay","Contamos con pagar a finales de mes.","2026-11-30"),
("promise_to_pay","Nous comptons régler d'ici la fin du mois.","2026-11-30"),
("promise_to_pay","Wir rechnen damit, bis Monatsende zu zahlen.","2026-11-30"),
("promise_to_pay","Wij verwachten eind van de maand te betalen.","2026-11-30"),
("promise_to_pay","We expect to pay by the end of the month.","2026-11-30"),
("promise_to_pay","Il pagamento avverrà il 20 novembre.","2026-11-20"),
("promise_to_pay","O pagamento ocorrerá no dia 20 de novembro.","2026-11-20"),
("promise_to_pay","El pago se hará efectivo el 20 de noviembre.","2026-11-20"),
("promise_to_pay","Le paiement aura lieu le 20 novembre.","2026-11-20"),
("promise_to_pay","Die Zahlung findet am 20. November statt.","2026-11-20"),
("promise_to_pay","De betaling vindt plaats op 20 november.","2026-11-20"),
("dispute","Il servizio non è stato svolto come da contratto.",None),
("dispute","A fatura inclui horas que não foram trabalhadas.",None),
("dispute","De factuur bevat uren die niet gewerkt zijn.",None),
("dispute","La facture comprend des heures non effectuées.",None),
("dispute","Die Rechnung enthält Stunden, die nicht geleistet wurden.",None),
("dispute","La factura incluye horas que no se trabajaron.",None),
("dispute","The invoice includes hours that were never worked.",None),
("remittance_advice","Il bonifico risulta già addebitato sul nostro conto.",None),
("remittance_advice","Le montant a déjà été débité de notre compte.",None),
("remittance_advice","Der Betrag wurde unserem Konto bereits belastet.",None),
("remittance_advice","El importe ya se ha cargado en nuestra cuenta.",None),
("remittance_advice","Het bedrag is al van onze rekening afgeschreven.",None),
("remittance_advice","O valor já foi debitado da nossa conta.",None),
("remittance_advice","The amount has already left our account.",None),
]


@pytest.mark.parametrize(("expected", "text", "date"), INTENT_EVENT_DEBIT_SET,
                         ids=[t[:40] for _, t, _ in INTENT_EVENT_DEBIT_SET])
def test_intent_event_debit_set(expected: str, text: str, date: str | None) -> None:
    decision = _decide(text)
    assert decision.intent.value == expected
    if date is not None:
        assert decision.promise_date == dt.date.fromisoformat(date)


#: asking for patience, asking for time "until" a date, an outside accountant who handles it
#: (a redirect without an address) (first run: 1/21 — three uncovered families).
PATIENCE_UNTIL_AGENT_SET=[
("payment_plan","Can you hold off until the new year?"),
("payment_plan","Bitte haben Sie noch etwas Geduld mit uns."),
("payment_plan","Un peu de patience s'il vous plaît, nous allons régulariser."),
("payment_plan","Les pedimos un poco de paciencia."),
("payment_plan","Nog even geduld alstublieft."),
("payment_plan","Pedimos um pouco de paciência."),
("payment_plan","Vi chiediamo ancora un po' di pazienza."),
("payment_plan","Could we have until the end of January?"),
("payment_plan","Pourriez-vous nous accorder un délai jusqu'à fin janvier ?"),
("payment_plan","Könnten Sie uns bis Ende Januar Zeit geben?"),
("payment_plan","¿Nos podéis dar hasta final de enero?"),
("payment_plan","Kunnen we tot eind januari krijgen?"),
("payment_plan","Podem dar-nos até ao fim de janeiro?"),
("payment_plan","Potete concederci tempo fino a fine gennaio?"),
("redirect","Our accountant handles this, please call Mr. Braun on 0171 555 123."),
("redirect","C'est notre cabinet comptable qui gère, contactez M. Roux au 04 55 55 55 55."),
("redirect","Das macht unser Steuerbüro, bitte rufen Sie Herrn Braun an."),
("redirect","Eso lo lleva nuestra gestoría, llamad a Marta."),
("redirect","Dat doet ons administratiekantoor, bel even met Jan."),
("redirect","Isso é com o nosso contabilista, liguem ao Sr. Costa."),
("redirect","Se ne occupa il nostro commercialista, chiamate il dott. Neri."),
]


@pytest.mark.parametrize(("expected", "text"), PATIENCE_UNTIL_AGENT_SET, ids=[t[:40] for _, t in PATIENCE_UNTIL_AGENT_SET])
def test_patience_until_agent_set(expected: str, text: str) -> None:
    assert _decide(text).intent.value == expected


#: paid through the seller's own payment link, a price increase never announced, owing nothing,
#: fees not in the agreement (first run: 7/24).
LINK_INCREASE_OWE_SET=[
("remittance_advice","I used the payment link in your email to pay the balance."),
("remittance_advice","J'ai réglé via le lien de paiement."),
("remittance_advice","Ich habe über den Zahlungslink bezahlt."),
("remittance_advice","Lo he pagado con el enlace de pago."),
("remittance_advice","Ik heb via de betaallink betaald."),
("remittance_advice","Paguei pelo link de pagamento."),
("remittance_advice","Ho pagato tramite il link di pagamento."),
("dispute","The price increase was never announced to us."),
("dispute","L'augmentation de prix ne nous a jamais été annoncée."),
("dispute","Die Preiserhöhung wurde uns nie mitgeteilt."),
("dispute","Nunca nos comunicaron la subida de precio."),
("dispute","De prijsverhoging is nooit aan ons gemeld."),
("dispute","O aumento de preço nunca nos foi comunicado."),
("dispute","L'aumento di prezzo non ci è mai stato comunicato."),
("dispute","We don't owe you anything for this."),
("dispute","Nous ne vous devons rien."),
("dispute","Wir schulden Ihnen nichts."),
("dispute","No les debemos nada."),
("dispute","Wij zijn u niets verschuldigd."),
("dispute","Não vos devemos nada."),
("dispute","Non vi dobbiamo nulla."),
("dispute","The late fee was never part of our agreement."),
("dispute","Les pénalités de retard ne figurent pas dans notre contrat."),
("dispute","Mahngebühren waren nicht vereinbart."),
]


@pytest.mark.parametrize(("expected", "text"), LINK_INCREASE_OWE_SET, ids=[t[:40] for _, t in LINK_INCREASE_OWE_SET])
def test_link_increase_owe_set(expected: str, text: str) -> None:
    assert _decide(text).intent.value == expected


def test_a_price_increase_that_is_fine_is_no_dispute() -> None:
    assert _decide("The price increase is no problem for us, we will pay on Friday.").intent.value == "promise_to_pay"


#: e-invoice formats and confirming the open balance (first run: 5/15).
FORMAT_BALANCE_SET=[
("request_copy","Could you send us the invoice as an e-invoice (XML)?"),
("request_copy","Bitte senden Sie die Rechnung als XRechnung."),
("request_copy","Pouvez-vous nous envoyer la facture au format Factur-X ?"),
("request_copy","¿Podéis mandarnos la factura en formato Facturae?"),
("request_copy","Kunnen jullie de factuur als UBL-bestand sturen?"),
("request_copy","Podem enviar a fatura em XML?"),
("request_copy","Potete inviarci la fattura elettronica in XML?"),
("request_copy","Could you confirm the balance outstanding on our account?"),
("request_copy","Pouvez-vous me confirmer le solde restant dû ?"),
("request_copy","Können Sie uns den offenen Saldo bestätigen?"),
("request_copy","¿Nos podéis confirmar el saldo pendiente?"),
("request_copy","Kunnen jullie het openstaande saldo bevestigen?"),
("request_copy","Podem confirmar o saldo em aberto?"),
("request_copy","Potete confermarci il saldo aperto?"),
("other","Please remove this address from your reminders, it is a shared inbox."),
]


@pytest.mark.parametrize(("expected", "text"), FORMAT_BALANCE_SET, ids=[t[:40] for _, t in FORMAT_BALANCE_SET])
def test_format_balance_set(expected: str, text: str) -> None:
    assert _decide(text).intent.value == expected


#: a promised payment withdrawn, "I left, my successor is ...", hedged commitments ("barring
#: surprises") (first run: 21/21, written after the families above were covered).
CHANGED_PLANS_SET=[
("other","We won't be paying on Friday as planned, I'll update you.", None),
("payment_plan","Nous ne pourrons pas payer vendredi comme prévu.", None),
("payment_plan","Wir können am Freitag doch nicht zahlen.", None),
("payment_plan","Al final no podremos pagar el viernes.", None),
("payment_plan","We kunnen vrijdag toch niet betalen.", None),
("payment_plan","Afinal não conseguimos pagar na sexta.", None),
("payment_plan","Alla fine non riusciamo a pagare venerdì.", None),
("redirect","I left the company in October; Sarah Jones now handles accounts.", None),
("redirect","J'ai quitté la société, voyez avec mon successeur.", None),
("redirect","Ich habe die Firma verlassen, mein Nachfolger ist Herr Kraus.", None),
("redirect","Ya no trabajo en la empresa, mi sustituta es Ana.", None),
("redirect","Ik werk hier niet meer, mijn opvolger is Peter.", None),
("redirect","Já não trabalho na empresa, o meu substituto é o Rui.", None),
("redirect","Non lavoro più in azienda, il mio sostituto è Luca.", None),
("promise_to_pay","Barring any surprises we'll settle on the 20th.", "2026-11-20"),
("promise_to_pay","Sauf imprévu, nous réglerons le 20.", "2026-11-20"),
("promise_to_pay","Wenn nichts dazwischenkommt, zahlen wir am 20.", "2026-11-20"),
("promise_to_pay","Salvo imprevistos, pagaremos el día 20.", "2026-11-20"),
("promise_to_pay","Behoudens onvoorziene omstandigheden betalen we op de 20e.", "2026-11-20"),
("promise_to_pay","Salvo imprevistos, pagamos no dia 20.", "2026-11-20"),
("promise_to_pay","Salvo imprevisti, paghiamo il 20.", "2026-11-20"),
]


@pytest.mark.parametrize(("expected", "text", "date"), CHANGED_PLANS_SET, ids=[t[:40] for _, t, _ in CHANGED_PLANS_SET])
def test_changed_plans_set(expected: str, text: str, date: str | None) -> None:
    decision = _decide(text)
    assert decision.intent.value == expected
    if date is not None:
        assert decision.promise_date == dt.date.fromisoformat(date)


# --- company footers with terms of sale ("Reklamationen ...", "tout litige ...", "contestazioni ...")
#: are not the customer's complaint (first run: 5/6).
SIG_DE="\n\nMit freundlichen Grüßen\nM. Keller\nKeller Metallbau AG\nZahlungsbedingungen: 30 Tage netto. Reklamationen sind innerhalb von 8 Tagen schriftlich anzuzeigen.\nIBAN CH93 0076 2011 6238 5295 7"
SIG_IT="\n\nCordiali saluti\nL. Conti\nConti Srl - P.IVA 01234567890\nAi sensi del D.Lgs. 196/2003 questa e-mail è riservata. Eventuali contestazioni devono pervenire entro 8 giorni."
SIG_FR="\n\nCordialement,\nA. Morel\nMorel SAS - Tout litige relève du tribunal de commerce de Lyon. Pénalités de retard: 3 fois le taux légal."
SIG_ES="\n\nUn saludo,\nR. Gil\nGil Suministros S.L. - Este mensaje es confidencial. Si lo ha recibido por error, no está autorizado a usarlo."
FOOTER_MESSAGES=[
("other",None,None,"Guten Tag,\n\nvielen Dank für die Erinnerung, wir schauen uns das an."+SIG_DE+QUOTE_EN),
("promise_to_pay","2026-11-20",None,"Guten Tag,\n\nwir überweisen den Betrag nächste Woche."+SIG_DE+QUOTE_EN),
("other",None,None,"Buongiorno,\n\ngrazie per il promemoria, verifichiamo internamente."+SIG_IT+QUOTE_EN),
("remittance_advice",None,None,"Buongiorno,\n\nil bonifico è stato effettuato ieri."+SIG_IT+QUOTE_EN),
("other",None,None,"Bonjour,\n\nbien reçu, je transmets à la comptabilité."+SIG_FR+QUOTE_EN),
("other",None,None,"Hola,\n\nrecibido, lo revisamos esta semana."+SIG_ES+QUOTE_EN),
]


@pytest.mark.parametrize(("expected", "promise", "amount", "body"), FOOTER_MESSAGES,
                         ids=[b.split("\n")[2][:40] for _, _, _, b in FOOTER_MESSAGES])
def test_footer_messages(expected: str, promise: str | None, amount: str | None, body: str) -> None:
    test_full_message(expected, promise, amount, body)


#: reference forms: separators changed, shortened, and numbers that are not references.
REF_KNOWN=("INV-2026-0412","INV-2026-0437")
REF_FORMS=[
("Rechnungsnummer INV 2026 0412 ist bezahlt.",("INV-2026-0412",)),
("factura nº INV-2026-0437 pagada",("INV-2026-0437",)),
("fattura n. INV2026/0412",("INV-2026-0412",)),
("invoices 0412 and 0437 are paid",("INV-2026-0412","INV-2026-0437")),
("re: #412",("INV-2026-0412",)),
("la 0437 la paghiamo venerdì",("INV-2026-0437",)),
("PO 4500012345 for INV-2026-0412",("INV-2026-0412",)),
("we paid EUR 412.00 yesterday",()),
("call me on 0412 555 123",()),
("on 04/12 we paid",()),
]


@pytest.mark.parametrize(("text", "expected"), REF_FORMS, ids=[t[:30] for t, _ in REF_FORMS])
def test_reference_forms(text: str, expected: tuple[str, ...]) -> None:
    assert find_invoice_refs(text, REF_KNOWN) == expected


#: colloquial and regional forms: Latin American "depositar", Brazilian Pix, "on a payé", verb
#: before the subject ("Morgen überweise ich", "Morgen maak ik het over") (first run: 10/19).
COLLOQUIAL_SET=[
("promise_to_pay","Les depositamos el viernes.","2026-11-13"),
("promise_to_pay","Mañana les hacemos el depósito.","2026-11-12"),
("remittance_advice","Ya les depositamos.",None),
("remittance_advice","Les hicimos el depósito ayer.",None),
("promise_to_pay","Vamos depositar amanhã.","2026-11-12"),
("remittance_advice","Fizemos o Pix agora há pouco.",None),
("remittance_advice","Segue o comprovante do Pix.",None),
("remittance_advice","On a payé hier.",None),
("remittance_advice","J'ai fait le paiement hier soir.",None),
("promise_to_pay","On paie lundi.","2026-11-16"),
("remittance_advice","Heb het net overgemaakt.",None),
("remittance_advice","Schon erledigt, gestern bezahlt.",None),
("remittance_advice","Fatto! Pagato stamattina.",None),
("promise_to_pay","Domani faccio il bonifico.","2026-11-12"),
("promise_to_pay","Morgen überweise ich.","2026-11-12"),
("promise_to_pay","Demain je fais le virement.","2026-11-12"),
("promise_to_pay","Mañana hago la transferencia.","2026-11-12"),
("promise_to_pay","Morgen maak ik het over.","2026-11-12"),
("promise_to_pay","Amanhã faço a transferência.","2026-11-12"),
]


@pytest.mark.parametrize(("expected", "text", "date"), COLLOQUIAL_SET, ids=[t[:40] for _, t, _ in COLLOQUIAL_SET])
def test_colloquial_set(expected: str, text: str, date: str | None) -> None:
    decision = _decide(text)
    assert decision.intent.value == expected
    if date is not None:
        assert decision.promise_date == dt.date.fromisoformat(date)


#: "we can't find this invoice" and asking for the detail of open items (first run: 2/14).
CANNOT_FIND_SET=[
("request_copy","We can't find this invoice in our system."),
("request_copy","Nous ne trouvons pas cette facture dans notre système."),
("request_copy","Wir finden diese Rechnung nicht in unserem System."),
("request_copy","No encontramos esta factura en nuestro sistema."),
("request_copy","We kunnen deze factuur niet vinden in ons systeem."),
("request_copy","Não encontramos esta fatura no nosso sistema."),
("request_copy","Non troviamo questa fattura nel nostro sistema."),
("request_copy","Which invoice is this about? Please send us the details."),
("request_copy","Pouvez-vous nous envoyer le détail des factures ouvertes ?"),
("request_copy","Bitte schicken Sie uns eine Aufstellung der offenen Posten."),
("request_copy","¿Nos podéis enviar el detalle de las facturas pendientes?"),
("request_copy","Kunt u een overzicht van de openstaande facturen sturen?"),
("request_copy","Podem enviar o detalhe das faturas em aberto?"),
("request_copy","Potete inviarci il dettaglio delle fatture aperte?"),
]


@pytest.mark.parametrize(("expected", "text"), CANNOT_FIND_SET, ids=[t[:40] for _, t in CANNOT_FIND_SET])
def test_cannot_find_set(expected: str, text: str) -> None:
    assert _decide(text).intent.value == expected


#: "in the next few days" and "within 10 days" in seven languages (first run: 11/14; Portuguese
#: read as Spanish in a short sentence, and "en un plazo de" / "no prazo de").
PERIOD_SET=[
("promise_to_pay","We'll pay in the next few days.","2026-11-14"),
("promise_to_pay","Nous réglerons dans les prochains jours.","2026-11-14"),
("promise_to_pay","Wir überweisen in den nächsten Tagen.","2026-11-14"),
("promise_to_pay","Pagaremos en los próximos días.","2026-11-14"),
("promise_to_pay","Wij betalen in de komende dagen.","2026-11-14"),
("promise_to_pay","Vamos pagar nos próximos dias.","2026-11-14"),
("promise_to_pay","Pagheremo nei prossimi giorni.","2026-11-14"),
("promise_to_pay","We'll pay within 10 days.","2026-11-21"),
("promise_to_pay","Nous paierons sous 10 jours.","2026-11-21"),
("promise_to_pay","Wir zahlen innerhalb von 10 Tagen.","2026-11-21"),
("promise_to_pay","Pagaremos en un plazo de 10 días.","2026-11-21"),
("promise_to_pay","Wij betalen binnen 10 dagen.","2026-11-21"),
("promise_to_pay","Pagaremos no prazo de 10 dias.","2026-11-21"),
("promise_to_pay","Pagheremo entro 10 giorni.","2026-11-21"),
]


@pytest.mark.parametrize(("expected", "text", "date"), PERIOD_SET, ids=[t[:40] for _, t, _ in PERIOD_SET])
def test_period_set(expected: str, text: str, date: str) -> None:
    decision = _decide(text)
    assert decision.intent.value == expected
    assert decision.promise_date == dt.date.fromisoformat(date)


@pytest.mark.parametrize(("expected", "text"), [
    ("request_copy", "Precisamos de um duplicado da fatura."),
    ("request_copy", "Necesitamos un duplicado de la factura."),
    ("dispute", "La factura está duplicada."),
])
def test_duplicate_copy_or_duplicate_charge(expected: str, text: str) -> None:
    assert _decide(text).intent.value == expected
