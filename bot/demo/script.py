"""What the demo's customers do when arbot writes to them (the demo's scenario).

Each entry reacts to the n-th campaign email a customer receives, some days later:
a reply in the customer's language, an out-of-office, a bounce, a payment through the
Stripe link, or a bank transfer that shows up in the next ledger export. The texts are
written for the demo; the reader has never seen them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Act:
    customer: str          # ledger id
    on_email: int          # react to the n-th campaign email this customer receives
    after_days: int        # … this many days after receiving it
    kind: str              # reply | auto_reply | bounce | pay_link | pay_bank | staff
    text: str = ""
    date_days: int = 0     # {date} in the text = the day of the act + date_days
    share: float = 1.0     # part of the balance paid (pay_link / pay_bank)
    narrative: str = ""


SCRIPT: tuple[Act, ...] = (
    Act("C-1001", 1, 1, "reply", "Hello,\n\nThanks for the reminder. Payment of the open invoices is scheduled "
        "for {date}, it goes out with our next payment run.\n\nKind regards,\n{contact}\nAccounts Payable",
        date_days=6, narrative="promises to pay in 6 days"),
    Act("C-1001", 1, 7, "pay_link", narrative="pays in full through the payment link, as promised"),
    Act("C-1010", 1, 1, "reply", "Bonjour,\n\nNous contestons la facture {invoice} : la marchandise livrée "
        "était endommagée (deux palettes inutilisables, photos envoyées à votre commercial). Merci de nous "
        "adresser un avoir correspondant.\n\nCordialement,\n{contact}\nService comptabilité",
        narrative="disputes an invoice (damaged goods)"),
    Act("C-1013", 1, 1, "reply", "Guten Tag,\n\ndie offenen Rechnungen wurden heute per Überweisung beglichen, "
        "Verwendungszweck {reference}.\n\nMit freundlichen Grüßen\n{contact}\nRechnungswesen",
        narrative="says the invoices were paid by bank transfer"),
    Act("C-1013", 1, 4, "pay_bank", narrative="the transfer appears in the next ledger export"),
    Act("C-1004", 1, 1, "reply", "Buenos días:\n\nRealizaremos la transferencia el {date}.\n\nUn saludo,\n"
        "{contact}\nCuentas a pagar", date_days=5, narrative="promises a transfer in 5 days (and will not pay)"),
    Act("C-1005", 1, 1, "reply", "Goedemiddag,\n\nWij kunnen factuur {invoice} niet terugvinden in onze "
        "administratie. Kunt u ons een kopie sturen?\n\nMet vriendelijke groet,\n{contact}",
        narrative="asks for a copy of an invoice"),
    Act("C-1006", 1, 0, "auto_reply", "Olá,\n\nEstou ausente do escritório até {date}, sem acesso ao correio "
        "eletrónico. Para assuntos urgentes contacte a receção.\n\n{contact}", date_days=12,
        narrative="is out of office (auto-reply with a return date)"),
    Act("C-1007", 1, 2, "reply", "Buongiorno,\n\na causa di temporanee difficoltà di liquidità vi chiediamo di "
        "poter saldare l'importo in tre rate mensili. Restiamo in attesa di un vostro riscontro.\n\n"
        "Cordiali saluti,\n{contact}\nAmministrazione", narrative="asks to pay in three instalments"),
    Act("C-1007", 1, 4, "staff", "hold C-1007 until {date}\nnote C-1007 Instalments agreed by phone: 3 x monthly",
        date_days=30, narrative="the controller answers the digest: hold C-1007 for 30 days"),
    Act("C-1008", 1, 0, "bounce", narrative="the contact address bounces"),
    Act("C-1011", 1, 1, "reply", "Hello,\n\nI no longer look after supplier payments. Please send these to "
        "payables@northgate-fm.example from now on.\n\nThanks,\n{contact}", narrative="redirects to a colleague"),
    Act("C-1012", 1, 3, "pay_link", narrative="pays through the link without replying"),
    Act("C-1024", 1, 2, "pay_link", share=0.5, narrative="pays half through the link"),
)
