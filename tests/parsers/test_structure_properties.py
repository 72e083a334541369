"""Property tests: the structural readers never raise, stay bounded, and keep some reply text."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.attachments import attachment_text
from parsers.autoreply import is_automated, read_auto_reply
from parsers.bounce import read_bounce
from parsers.mime import AttachmentInfo, decode
from parsers.quotes import split_reply

FRAGMENTS = [
    "From: a@b.example", "Sent: Monday", "To: x", "Subject: y", "> quoted", ">> deeper", "-- ",
    "On Mon, 9 Mar 2026 at 09:00, A <a@b.example> wrote:", "Le 9 mars 2026, A a écrit :",
    "-----Original Message-----", "Sent from my iPhone", "________________", "We paid 1.250,00 EUR.",
    "CONFIDENTIALITY NOTICE: this is private.", "", "   ", "Am 09.03.2026 schrieb A <a@b.example>:",
    "Content-Type: multipart/mixed; boundary=x", "--x", "=?utf-8?q?=C3=A9?=", "\x00", "\u200b",
]
lines = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=80)), max_size=40)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(lines)
def test_split_reply_total_and_non_empty(parts: list[str]) -> None:
    text = "\n".join(parts)
    split = split_reply(text)
    if text.strip():
        assert split.reply.strip(), repr(text)
    else:
        assert split.reply == ""


@SETTINGS
@given(st.text(max_size=3000))
def test_split_reply_any_text(text: str) -> None:
    split = split_reply(text)
    assert (not text.strip()) or split.reply.strip()


@SETTINGS
@given(st.binary(max_size=4000))
def test_readers_never_raise_on_bytes(raw: bytes) -> None:
    msg = decode(raw)
    reply = split_reply(msg.text).reply
    read_bounce(msg)
    read_auto_reply(msg, reply)
    is_automated(msg)


HEADERS = st.lists(st.sampled_from([
    b"From: A <a@b.example>", b"To: ar@seller.example", b"Subject: =?utf-8?B?w6k=?=", b"Date: garbage",
    b"Content-Type: multipart/report; report-type=delivery-status; boundary=q",
    b"Content-Type: multipart/alternative; boundary=q", b"Content-Type: text/html; charset=klingon",
    b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: quoted-printable",
    b"Auto-Submitted: auto-replied", b"Return-Path: <>", b"X-Failed-Recipients: x@y.example",
]), max_size=8)
BODIES = st.lists(st.sampled_from([
    b"--q", b"--q--", b"Content-Type: message/delivery-status", b"Final-Recipient: rfc822; z@c.example",
    b"Action: failed", b"Status: 5.1.1", b"Content-Type: text/plain", b"<blockquote>x", b"=C3=A9=",
    b"> quoted", b"I am out of the office until Monday.", b"\xff\xfe", b"", b"550 user unknown",
]), max_size=30)


@SETTINGS
@given(HEADERS, BODIES)
def test_readers_never_raise_on_mime_like_input(headers: list[bytes], body: list[bytes]) -> None:
    raw = b"\r\n".join(headers) + b"\r\n\r\n" + b"\r\n".join(body)
    msg = decode(raw)
    split = split_reply(msg.text)
    assert not msg.text.strip() or split.reply.strip()
    read_bounce(msg)
    read_auto_reply(msg, split.reply)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2000))
def test_attachment_reader_never_raises(data: bytes) -> None:
    for name, ctype in (("a.pdf", "application/pdf"), ("a.csv", "text/csv"), ("a.xlsx", "application/octet-stream")):
        attachment_text(AttachmentInfo(name, ctype, len(data), b"%PDF-" + data if name == "a.pdf" else data))


def test_pathological_reply_text_is_bounded() -> None:
    cases = [
        "> " * 50_000,
        ("From: x\n" * 20_000),
        ("On " + "a" * 300 + " wrote:\n") * 2_000,
        ("word " * 200 + "\n") * 500,
        "-" * 200_000,
    ]
    for text in cases:
        start = time.perf_counter()
        split_reply(text)
        assert time.perf_counter() - start < 1.0
