"""parsers.bounce.read_bounce: standard and legacy bounces, and the look-alikes that are not."""

from __future__ import annotations

from parsers.bounce import read_bounce
from parsers.mime import decode
from tests.parsers.corpora import REALWORLD, SHARED, load_records

DSN = (
    b"From: Mail Delivery System <MAILER-DAEMON@mx.seller.example>\r\nTo: ar@seller.example\r\n"
    b"Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: multipart/report; report-type=delivery-status; boundary=R\r\n\r\n"
    b"--R\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
    b"--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.seller.example\r\n\r\n"
    b"Final-Recipient: rfc822; %s\r\n%sAction: %s\r\nStatus: %s\r\n"
    b"Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
    b"--R\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <step1@seller.example>\r\n"
    b"To: someone@customer.example\r\n\r\n--R--\r\n"
)


def test_rfc3464_failed() -> None:
    report = read_bounce(decode(DSN % (b"Jo@Customer.example", b"", b"failed", b"5.1.1")))
    assert report is not None
    assert report.recipients == ("jo@customer.example",)
    assert report.permanent is True
    assert report.status == "5.1.1"
    assert report.original_message_id == "<step1@seller.example>"
    assert report.diagnostic and "user unknown" in report.diagnostic
    assert report.evidence[0] == "rule:dsn"


def test_original_recipient_preferred() -> None:
    raw = DSN % (b"fwd@relay.example", b"Original-Recipient: rfc822; orig@customer.example\r\n", b"failed", b"5.1.1")
    report = read_bounce(decode(raw))
    assert report is not None and report.recipients == ("orig@customer.example",)


def test_delay_is_transient() -> None:
    report = read_bounce(decode(DSN % (b"jo@customer.example", b"", b"delayed", b"4.4.1")))
    assert report is not None and report.permanent is False


def test_success_dsn_is_not_a_bounce() -> None:
    assert read_bounce(decode(DSN % (b"jo@customer.example", b"", b"delivered", b"2.0.0"))) is None


def test_exim_failed_recipients_header() -> None:
    raw = (
        b"From: Mail Delivery System <Mailer-Daemon@mx.seller.example>\r\nTo: ar@seller.example\r\n"
        b"X-Failed-Recipients: gone@customer.example\r\nSubject: Mail delivery failed: returning message to sender\r\n"
        b"\r\nThis message was created automatically by mail delivery software.\r\n\r\n"
        b"  gone@customer.example\r\n    SMTP error from remote mail server after RCPT TO:\r\n"
        b"    550 5.1.1 No such user\r\n"
    )
    report = read_bounce(decode(raw))
    assert report is not None and report.recipients == ("gone@customer.example",) and report.permanent


def test_localised_text_bounce_skips_our_own_address() -> None:
    raw = (
        b"From: postmaster@customer.example\r\nTo: ar@seller.example\r\nSubject: Unzustellbar: Rechnung\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Ihre Nachricht an ar@seller.example konnte nicht zugestellt werden.\r\n"
        b"Die Nachricht an einkauf@customer.example konnte nicht zugestellt werden: 550 5.1.1 unbekannt\r\n"
    )
    report = read_bounce(decode(raw))
    assert report is not None
    assert report.recipients == ("einkauf@customer.example",)


def test_human_reply_is_not_a_bounce() -> None:
    raw = (
        b"From: Bob <bob@customer.example>\r\nTo: ar@seller.example\r\nSubject: Re: Invoice 550\r\n\r\n"
        b"Your invoice could not be delivered to our AP team, please write to ap@customer.example.\r\n"
    )
    assert read_bounce(decode(raw)) is None


def test_auto_reply_is_not_a_bounce() -> None:
    raw = (
        b"From: Bob <bob@customer.example>\r\nTo: ar@seller.example\r\nAuto-Submitted: auto-replied\r\n"
        b"Subject: Out of Office: Invoice\r\n\r\nI am out of the office until Monday.\r\n"
    )
    assert read_bounce(decode(raw)) is None


def test_never_raises_on_garbage() -> None:
    for raw in (b"", (b"Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\n"
                b"Content-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!\r\n")):
        read_bounce(decode(raw))


def test_realworld_bounces_bar() -> None:
    folder = REALWORLD / "bounces"
    records = load_records(folder, "bounces.jsonl")
    right = 0
    for rec in records:
        report = read_bounce(decode((folder / rec["file"]).read_bytes()))
        if not rec["is_bounce"]:
            right += report is None
        else:
            want = {r.lower() for r in rec["recipients"]}
            right += report is not None and (not want or set(report.recipients) == want)
    assert right / len(records) >= 0.98


def test_realworld_bounce_permanence() -> None:
    folder = REALWORLD / "bounces"
    records = [r for r in load_records(folder, "bounces.jsonl") if r["is_bounce"] and r["permanent"] is not None]
    right = sum(
        (report := read_bounce(decode((folder / r["file"]).read_bytes()))) is not None
        and report.permanent == r["permanent"]
        for r in records
    )
    assert right / len(records) >= 0.97


def test_replies_corpus_bounces() -> None:
    folder = SHARED / "replies"
    records = load_records(folder, "labels.jsonl")
    for rec in records:
        report = read_bounce(decode((folder / rec["file"]).read_bytes()))
        if rec["intent"] == "bounce":
            assert report is not None, rec["file"]
            assert rec["bounce_recipient"] in report.recipients, rec["file"]
            assert report.permanent == rec["bounce_permanent"], rec["file"]
        else:
            assert report is None, rec["file"]


def test_forwarded_dsn_inside_a_persons_message_is_not_our_bounce() -> None:
    inner = DSN % (b"jo@customer.example", b"", b"failed", b"5.1.1")
    raw = (
        b"From: Bob <bob@customer.example>\r\nTo: ar@seller.example\r\n"
        b"Subject: Fwd: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=F\r\n\r\n--F\r\nContent-Type: text/plain\r\n\r\n"
        b"FYI, our old address no longer works. Please use ap@customer.example.\r\n"
        b"--F\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--F--\r\n"
    )
    assert read_bounce(decode(raw)) is None
