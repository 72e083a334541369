"""Language of short business replies in the seven supported languages."""

from __future__ import annotations

import pytest

from parsers.language import detect_language


@pytest.mark.parametrize(("text", "lang"), [
    ("We will pay the invoice on Friday, sorry for the delay.", "en"),
    ("Nous réglerons la facture la semaine prochaine. Cordialement", "fr"),
    ("Die Rechnung wurde bereits am 12.03. überwiesen. Mit freundlichen Grüßen", "de"),
    ("Os confirmo que haremos la transferencia a finales de mes.", "es"),
    ("De factuur is vorige week al betaald. Met vriendelijke groet", "nl"),
    ("O pagamento da fatura foi efetuado hoje. Obrigado", "pt"),
    ("Il bonifico per la fattura sarà effettuato entro venerdì. Cordiali saluti", "it"),
    ("Possiamo pagare a rate?", "it"),
])
def test_detects(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_too_little_text_gives_the_default() -> None:
    assert detect_language("👍", "en") == "en"
    assert detect_language("", None) is None
