"""The word model behind the rules: a guess only when no rule fired, never enough to act on."""

from __future__ import annotations

import json
from email.message import EmailMessage
from importlib import resources

import pytest

import parsers.read as read_module
from campaigns.reactions import ReactionPolicy
from parsers.intent.model import Guess, WordModel, features, load_examples, shipped_model
from parsers.read import GUESS_CONFIDENCE, read_reply
from parsers.types import Intent, ReadContext

TOY = [
    ("we will pay on friday", Intent.PROMISE_TO_PAY),
    ("payment goes out friday", Intent.PROMISE_TO_PAY),
    ("the goods arrived broken", Intent.DISPUTE),
    ("broken parts, wrong price", Intent.DISPUTE),
    ("thanks, noted", Intent.OTHER),
    ("thank you for the reminder", Intent.OTHER),
]


def _mail(text: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Sam <sam@customer.example>"
    msg["To"] = "ar@seller.example"
    msg["Subject"] = "Re: invoice INV-1"
    msg["Date"] = "Wed, 11 Nov 2026 10:00:00 +0000"
    msg.set_content(text)
    return msg.as_bytes()


def test_features_fold_accents_and_pair_words() -> None:
    assert features("Réglé demain") == ["regle", "demain", "regle_demain"]


def test_toy_model_guesses_the_class_whose_words_it_saw() -> None:
    model = WordModel(TOY)
    guess = model.guess("the parts arrived broken")
    assert isinstance(guess, Guess)
    assert guess.intent is Intent.DISPUTE
    assert 0.5 < guess.probability <= 1.0
    assert "broken" in guess.words


def test_unknown_words_give_no_guess_and_an_empty_model_never_guesses() -> None:
    assert WordModel(TOY).guess("zzz qqq") is None
    assert WordModel(()).guess("we will pay on friday") is None


def test_guess_is_deterministic() -> None:
    model = WordModel(TOY)
    assert model.guess("pay friday broken") == model.guess("pay friday broken")


def test_bad_training_lines_are_skipped() -> None:
    lines = ['{"text": "ok", "intent": "other"}', "not json", '{"text": "x", "intent": "nonsense"}', "{}"]
    assert load_examples(lines) == [("ok", Intent.OTHER)]


def test_shipped_examples_come_from_development_sources_only() -> None:
    rows = [json.loads(line) for line in resources.files("parsers").joinpath(
        "data/intent_training.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) > 1000
    assert not any("-measure" in row["source"] for row in rows)
    assert {row["intent"] for row in rows} <= {i.value for i in Intent}
    assert shipped_model().guess("we will pay the invoice on friday") is not None


def test_a_rule_decision_is_never_replaced_by_a_guess() -> None:
    reading = read_reply(_mail("We will pay the invoice on Friday 13 November."), ReadContext(invoices=("INV-1",)))
    assert reading.intent is Intent.PROMISE_TO_PAY
    assert not any(e.rule.endswith(":word_model") for e in reading.evidence)


def test_a_guess_stays_below_the_daemons_action_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    # invented words no rule knows, so only the (toy) model can say anything about them
    toy = WordModel(TOY * 5 + [("zorbly flange quibbed", Intent.DISPUTE)] * 5)
    monkeypatch.setattr(read_module, "shipped_model", lambda: toy)
    reading = read_reply(_mail("Zorbly flange quibbed."), ReadContext())
    assert reading.intent is Intent.DISPUTE
    assert reading.evidence[0].rule == "dispute:word_model"
    assert reading.confidence == GUESS_CONFIDENCE < ReactionPolicy().min_confidence


def test_an_unsure_guess_is_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    toy = WordModel([("zorbly flange", Intent.DISPUTE), ("zorbly flange", Intent.OTHER)])
    monkeypatch.setattr(read_module, "shipped_model", lambda: toy)
    reading = read_reply(_mail("Zorbly flange."), ReadContext())
    assert reading.intent is Intent.OTHER


def test_neutral_replies_stay_other() -> None:
    for text in ("Thanks, noted.", "Merci pour votre message.", "Danke, wir melden uns.", "Grazie, ricevuto."):
        assert read_reply(_mail(text), ReadContext()).intent is Intent.OTHER
