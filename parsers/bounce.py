"""Reading bounces: RFC 3464 delivery status notifications and the non-standard ones real MTAs send.

Contract of :func:`read_bounce`: pure, never raises, bounded (bodies are scanned up to
``SCAN_CHARS``); returns ``None`` for anything that is not a failed or delayed delivery.

The rules run in the order of the ``RULES`` table, Mailman style: each is a tiny named
predicate that either decides (``_NotBounce`` or a ``BounceReport``) or passes; the name of
the deciding rule is the first item of ``BounceReport.evidence``.

1. Look-alikes that are *not* bounces are ruled out first: abuse reports
   (``feedback-report``), read receipts (``disposition-notification``), challenge-response
   screeners, delivery-success notices, provider JSON notifications other than "Bounce".
2. A standard DSN (``message/delivery-status``, not one inside an attached message) is
   read field by field: per-recipient blocks, ``Original-Recipient`` preferred over
   ``Final-Recipient`` (the address we sent to), ``Action``, ``Status``, ``Diagnostic-Code``.
3. ``X-Failed-Recipients`` (Exim and others).
4. Vacation notices that carry no failure evidence are not bounces.
5. flufl.bounce (GNU Mailman's detectors: qmail, Exchange, Domino, Yahoo, SMTP32, ...) as a
   second opinion, only when the message looks like a delivery report at all.
6. A text reader of our own: a failure subject or a mailer-daemon sender, plus addresses
   beside a failure phrase or a 4.x.x/5.x.x status in the report's own words.
7. Last resort: the ``To:`` of the returned original message.

Heuristic rules never return the report's own addressee (our AR address) or a
postmaster/mailer-daemon address; a person's "Fwd: Undeliverable ..." is not a bounce.

Permanence: ``Action: failed`` or a 5.x.x status is permanent; ``Action: delayed``, a 4.x.x
status without ``failed``, or delay wording ("will retry", "still being retried", "warning
only") is transient (``permanent=False``).
"""

from __future__ import annotations

import email
import email.message
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from parsers.mime import DecodedMessage, decode_bytes

SCAN_CHARS = 200_000
FLUFL_MAX_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class BounceReport:
    """A failed (or delayed) delivery: who failed, how finally, and the proof."""

    permanent: bool | None
    recipients: tuple[str, ...]
    status: str | None
    diagnostic: str | None
    original_message_id: str | None
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _NotBounce:
    rule: str


_ADDR = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\"-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_ADDR_RE = re.compile(_ADDR)
_STATUS_RE = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_FAIL_STATUS_RE = re.compile(r"(?<![\d.])[45]\.\d{1,3}\.\d{1,3}(?![\d.])")
_SUCCESS_RE = re.compile(
    r"successfully delivered|delivery (?:was )?successful|successful (?:mail )?delivery|delivered successfully|"
    r"has been delivered|was delivered to|relayed (?:successfully|to)|erfolgreich zugestellt|remis avec succès|"
    r"entregado correctamente|succesvol afgeleverd|consegnato correttamente|entregue com sucesso",
    re.IGNORECASE,
)
_SMTP_CODE_RE = re.compile(r"(?<!\d)([45]\d\d)(?:[ -]|$)")
_ID_RE = re.compile(r"<[^<>\s]{1,998}>")

_DAEMON_LOCALPARTS = re.compile(
    r"^(?:mailer-daemon|mailer_daemon|maildaemon|postmaster|mail-daemon|mdaemon|"
    r"bounce[s]?|nobody|noreply|no-reply|daemon|root|mail|mailadmin|mailerdaemon|"
    r"microsoftexchange[0-9a-f]*|ims|mmdf|smtp|mta|returns?)(?:[+\-=.].*)?@",
    re.IGNORECASE,
)
_BOUNCE_SENDER_RE = re.compile(r"mailer[-_]?daemon|postmaster|mail delivery (?:subsystem|system)|"
                               r"microsoftexchange|mail administrator", re.IGNORECASE)
_FAILURE_SUBJECT_RE = re.compile(
    r"undeliver|undelivered|not delivered|non[- ]?deliver|delivery (?:status notification|failure|failed|"
    r"problem|report|notification|has failed)|failure notice|returned mail|returned to sender|"
    r"mail delivery failed|delivery delayed|delayed mail|could not be delivered|rejected|"
    r"warning: message|mail system error|nicht zustellbar|unzustellbar|unzustellbare|"
    r"não é possível entregar|kan ikke leveres|kan inte levereras|kunne ikke leveres|niedostarczalna|"
    r"nie można dostarczyć|nedoručitelné|toimitus epäonnistui|"
    r"non remis|non distribuable|échec de (?:la )?(?:remise|distribution)|no (?:se )?(?:pudo|puede) entregar|"
    r"no entregado|onbestelbaar|niet bezorgd|kan niet worden bezorgd|non recapitabile|mancato recapito|"
    r"não entregue|não foi possível entregar|unable to deliver|message status|mail failure|"
    r"retour|zustellung|delivery notification|permanent failure|temporary failure|"
    r"nondeliverable|bounced|bounce",
    re.IGNORECASE,
)
_FAILURE_PHRASES_RE = re.compile(
    r"user unknown|unknown user|no such user|does not exist|doesn't exist|not exist|mailbox unavailable|"
    r"mailbox (?:is )?full|over quota|quota exceeded|address rejected|recipient rejected|"
    r"could not be delivered|couldn't be delivered|was not delivered|wasn't delivered|"
    r"undeliverable|delivery (?:has )?failed|failed permanently|permanent (?:error|failure)|"
    r"address not found|unknown (?:recipient|address|mailbox)|invalid (?:recipient|address|mailbox)|"
    r"no mailbox|host not found|domain not found|unrouteable|unroutable|relay(?:ing)? denied|"
    r"message (?:was )?rejected|returned to sender|delivery to the following|following (?:address|recipient)|"
    r"could not deliver|unable to deliver|not be delivered|nicht zugestellt|konnte nicht|"
    r"n'a pas pu être (?:remis|distribué)|no se (?:ha )?(?:pudo|puede) entregar|"
    r"k(?:o|a)n niet (?:worden )?(?:bezorgd|afgeleverd)|niet bezorgd|introuvable|n'existe pas|"
    r"existiert nicht|unbekannt|no existe|non esiste|não existe|bestaat niet|"
    r"non è stato possibile|não (?:foi|pôde) (?:possível )?(?:entregar|ser entregue)|"
    r"smtp error|said: 5\d\d|550|551|552|553|554|"
    r"(?:list of|following) recipients?|recipients? (?:failed|rejected|refused)|(?:envelope|message) expired|"
    r"timeout exceeded|retry time|permanent error|rejected|refused|blocked|access denied|not found|"
    r"unknown|mailbox (?:is )?(?:full|disabled|inactive|unavailable)|no such|inexistent|invalid",
    re.IGNORECASE,
)
_DELAY_RE = re.compile(
    r"delayed|delay(?:ed)? (?:mail|notification)|still (?:being )?(?:retried|trying)|will (?:continue to |keep )?"
    r"(?:retry|try)|will be retried|not yet been delivered|has not been delivered yet|warning: message|"
    r"warning only|do not need to resend|no action is required|"
    r"temporar(?:y|ily) (?:failure|problem|unavailable)|verzögert|retardé|en retard|retrasad|vertraagd|ritardat",
    re.IGNORECASE,
)
_CHALLENGE_RE = re.compile(
    r"challenge[- ]response|verify (?:that )?you(?:'re| are)|verification request|"
    r"please (?:verify|confirm) (?:your (?:e-?mail|address|identity|message)|that you)|"
    r"approved senders? list|guest list|waitlisted|add yourself|whitelist|not a (?:ro)?bot|"
    r"confirm (?:that )?you are (?:a )?human|spam ?arrest|"
    r"click (?:on )?(?:the|this) link .{0,60}(?:deliver|verify|added|approve)",
    re.IGNORECASE,
)
_AUTO_REPLY_SUBJECT_RE = re.compile(
    r"out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?(?:reply|response|antwort)|autoreply|"
    r"vacation|abwesen|absence|réponse automatique|respuesta automática|risposta automatica|"
    r"automatisch antwoord|resposta automática|fuera de la oficina|ausente|afwezig",
    re.IGNORECASE,
)


# ----------------------------------------------------------------------------- helpers


def _clean_addr(value: str) -> str | None:
    """The address in a DSN recipient field or a text fragment, lower-case, or None."""
    value = value.strip()
    if ";" in value[:20]:
        value = value.split(";", 1)[1]
    value = value.strip().strip("<>").strip()
    match = re.search(r"\"?[^\s<>\"]*\"?@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*", value)
    if not match:
        return None
    addr = match.group(0).strip(".,;:()[]'").replace('"', "")
    if "@" not in addr or addr.startswith("@") or len(addr) > 254:
        return None
    return addr.lower()


def _status_of(text: str) -> str | None:
    match = _STATUS_RE.search(text)
    return ".".join(match.groups()) if match else None


def _parts(
    msg: email.message.Message, limit: int = 200, *, into_attached: bool = True
) -> list[email.message.Message]:
    """The MIME parts depth-first; with ``into_attached=False`` attached messages are not
    entered (a DSN forwarded inside someone's message is not our bounce)."""
    out: list[email.message.Message] = []
    stack = [msg]
    while stack and len(out) < limit:
        part = stack.pop()
        out.append(part)
        try:
            payload = part.get_payload()
            ctype = part.get_content_type()
        except Exception:  # noqa: BLE001, S112 - fail open
            continue
        if not isinstance(payload, list) or ctype == "message/delivery-status":
            continue
        if not into_attached and part is not msg and ctype in ("message/rfc822", "message/global"):
            continue
        stack.extend(p for p in reversed(payload) if isinstance(p, email.message.Message))
    return out


def _report_type(msg: DecodedMessage) -> str:
    try:
        if msg.message.get_content_type() == "multipart/report":
            return str(msg.message.get_param("report-type") or "").lower()
    except Exception:  # noqa: BLE001, S110 - fail open
        pass
    return ""


def _has_part(msg: DecodedMessage, ctype: str) -> bool:
    try:
        return any(p.get_content_type() == ctype for p in _parts(msg.message))
    except Exception:  # noqa: BLE001 - fail open
        return False


_BODY_TEXT_ATTR = "_arbot_bounce_body_text"


def _body_text(msg: DecodedMessage) -> str:
    """All human-readable text of the report (not the returned original's body), bounded.

    Several rules read it; it is computed once and kept on the message tree, which lives only as
    long as this one reading (decoding every part again per rule cost ~1 ms a reply).
    """
    cached = getattr(msg.message, _BODY_TEXT_ATTR, None)
    if isinstance(cached, str):
        return cached
    text = _compute_body_text(msg)
    try:
        setattr(msg.message, _BODY_TEXT_ATTR, text)
    except Exception:  # noqa: BLE001, S110 - a message tree that refuses attributes is only slower
        pass
    return text


def _compute_body_text(msg: DecodedMessage) -> str:
    chunks: list[str] = [msg.text]
    total = len(msg.text)
    try:
        for part in _parts(msg.message):
            if total > SCAN_CHARS:
                break
            ctype = part.get_content_type()
            if ctype in ("text/plain", "text/html") and part.get("Content-Disposition", "").lower().find(
                "attachment"
            ) < 0:
                data = part.get_payload(decode=True)
                if isinstance(data, bytes):
                    text = decode_bytes(data[:SCAN_CHARS], part.get_content_charset())
                    if ctype == "text/html":
                        text = re.sub(r"<[^>]{0,2000}>", " ", text)
                    if text not in chunks:
                        chunks.append(text)
                        total += len(text)
    except Exception:  # noqa: BLE001, S110 - fail open
        pass
    return "\n".join(chunks)[:SCAN_CHARS]


def _ds_blocks(part: email.message.Message) -> list[dict[str, str]]:
    """The header blocks of a ``message/delivery-status`` part, as lower-case dicts."""
    blocks: list[dict[str, str]] = []
    try:
        payload = part.get_payload()
    except Exception:  # noqa: BLE001 - fail open
        return blocks
    if isinstance(payload, list):
        for block in payload[:200]:
            if isinstance(block, email.message.Message):
                fields = {str(k).lower(): str(v) for k, v in block.items()}
                # compat32 may leave the following blocks in the body when separated oddly
                body = block.get_payload()
                blocks.append(fields)
                if isinstance(body, str) and body.strip():
                    blocks.extend(_text_blocks(body))
        return blocks
    text = payload if isinstance(payload, str) else ""
    try:
        if part.get("Content-Transfer-Encoding", "").lower() in ("base64", "quoted-printable"):
            data = part.get_payload(decode=True)
            if isinstance(data, bytes):
                text = decode_bytes(data, "utf-8")
    except Exception:  # noqa: BLE001, S110 - fail open
        pass
    return _text_blocks(text)


def _text_blocks(text: str) -> list[dict[str, str]]:
    blocks: list[dict[str, str]] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")[:SCAN_CHARS])[:200]:
        fields: dict[str, str] = {}
        last: str | None = None
        for line in chunk.split("\n"):
            if line[:1] in (" ", "\t") and last:
                fields[last] += " " + line.strip()
                continue
            key, sep, value = line.partition(":")
            if sep and re.match(r"^[A-Za-z][A-Za-z0-9-]*$", key.strip()):
                last = key.strip().lower()
                fields.setdefault(last, value.strip())
        if fields:
            blocks.append(fields)
    return blocks


def _original_message_id(msg: DecodedMessage) -> str | None:
    """The Message-ID of the returned original (text/rfc822-headers or message/rfc822)."""
    try:
        for part in _parts(msg.message):
            ctype = part.get_content_type()
            if ctype in ("message/rfc822", "message/global", "message/rfc822-headers"):
                payload = part.get_payload()
                inner = payload[0] if isinstance(payload, list) and payload else None
                if isinstance(inner, email.message.Message) and inner.get("Message-ID"):
                    ids = _ID_RE.findall(str(inner.get("Message-ID")))
                    if ids:
                        return str(ids[0])
            if ctype == "text/rfc822-headers":
                data = part.get_payload(decode=True)
                text = decode_bytes(data, "utf-8") if isinstance(data, bytes) else str(part.get_payload())
                match = re.search(r"^message-id:\s*(<[^<>\s]+>)", text, re.IGNORECASE | re.MULTILINE)
                if match:
                    return match.group(1)
    except Exception:  # noqa: BLE001, S110 - fail open
        pass
    match = re.search(r"^\s*message-id:\s*(<[^<>\s]+>)", _body_text(msg), re.IGNORECASE | re.MULTILINE)
    return match.group(1) if match else None


def _own_addresses(msg: DecodedMessage) -> set[str]:
    """Addresses that can never be the failed recipient: the report's own sender and addressee."""
    own = set(msg.to_addresses) | set(msg.cc_addresses)
    if msg.from_address:
        own.add(msg.from_address)
    return own


def _is_daemon(addr: str) -> bool:
    """A mail-system sender (mailer-daemon, postmaster, bounce handler, no-reply ...)."""
    return bool(_DAEMON_LOCALPARTS.match(addr))


_SYSTEM_RECIPIENT_RE = re.compile(
    r"^(?:mailer[-_]?daemon|maildaemon|mail-daemon|mdaemon|postmaster|microsoftexchange[0-9a-f]*)(?:[+\-=.].*)?@",
    re.IGNORECASE,
)


def _is_system_address(addr: str) -> bool:
    """Addresses a report names as contacts, never as the failed recipient ("bounce@" may be one)."""
    return bool(_SYSTEM_RECIPIENT_RE.match(addr))


def _normal_addr(addr: str) -> str:
    """Trim what text bounces glue to an address: quotes, brackets, an SMTP code ("550-")."""
    addr = addr.lower().replace('"', "").strip(".'<>()[]")
    return re.sub(r"^\d{3}[-\s]", "", addr)


def _looks_like_report(msg: DecodedMessage) -> bool:
    sender = (msg.header("from") or "") + " " + (msg.header("return-path") or "")
    return bool(
        _BOUNCE_SENDER_RE.search(sender)
        or (msg.from_address and _is_daemon(msg.from_address))
        or _FAILURE_SUBJECT_RE.search(msg.subject)
        or _report_type(msg) == "delivery-status"
        or msg.header("x-failed-recipients")
        or re.match(r"^\s*<\s*>\s*$", msg.header("return-path") or "x")
    )


# ----------------------------------------------------------------------------- rules

Rule = Callable[[DecodedMessage], "BounceReport | _NotBounce | None"]


def rule_feedback_report(msg: DecodedMessage) -> _NotBounce | None:
    """ARF abuse/opt-out complaints are reports about our mail, not delivery failures."""
    if _report_type(msg) == "feedback-report" or _has_part(msg, "message/feedback-report"):
        return _NotBounce("feedback_report")
    return None


def rule_read_receipt(msg: DecodedMessage) -> _NotBounce | None:
    """Message disposition notifications (read receipts) are not failures."""
    if _report_type(msg) == "disposition-notification" or _has_part(msg, "message/disposition-notification"):
        return _NotBounce("read_receipt")
    return None


def rule_dsn(msg: DecodedMessage) -> BounceReport | _NotBounce | None:
    """RFC 3464: read the per-recipient blocks of every message/delivery-status part."""
    ds_parts = [p for p in _parts(msg.message, into_attached=False) if p.get_content_type() in (
        "message/delivery-status", "message/global-delivery-status")]
    if not ds_parts:
        return None
    failed: list[tuple[str, str, str | None, str | None]] = []  # (addr, action, status, diagnostic)
    delivered = 0
    for part in ds_parts:
        for block in _ds_blocks(part):
            final = block.get("final-recipient") or block.get("x-actual-recipient") or ""
            original = block.get("original-recipient") or ""
            addr = _clean_addr(original) if original else None
            addr = addr or _clean_addr(final)
            if not addr:
                continue
            action = block.get("action", "").strip().lower()
            status = _status_of(block.get("status", "")) or _status_of(block.get("diagnostic-code", ""))
            diagnostic = block.get("diagnostic-code") or block.get("x-postfix-diagnostic") or None
            if action in ("delivered", "relayed", "expanded", "deliverable") or (status or "").startswith("2"):
                delivered += 1
                continue
            failed.append((addr, action, status, diagnostic))
    if not failed:
        if delivered:
            return _NotBounce("delivery_success_dsn")
        return None
    permanents = [_permanence(action, status) for _, action, status, _ in failed]
    permanent: bool | None
    if any(p is True for p in permanents):
        permanent = True
    elif all(p is False for p in permanents):
        permanent = False
    else:
        permanent = None if not failed else _permanence_from_text(msg)
    recipients = tuple(dict.fromkeys(addr for addr, *_ in failed))
    first = failed[0]
    return BounceReport(
        permanent=permanent,
        recipients=recipients,
        status=first[2],
        diagnostic=(first[3] or "").strip()[:500] or None,
        original_message_id=_original_message_id(msg),
        evidence=("dsn", *(f"{a}: action={act or '-'} status={st or '-'}" for a, act, st, _ in failed[:10])),
    )


def _permanence(action: str, status: str | None) -> bool | None:
    if action == "failed":
        return True
    if action == "delayed":
        return False
    if status:
        return status.startswith("5") if status[0] in "45" else None
    return None


def _permanence_from_text(msg: DecodedMessage) -> bool:
    text = msg.subject + "\n" + _body_text(msg)[:20_000]
    status = _status_of(text)
    if status and status.startswith("5"):
        return True
    if _DELAY_RE.search(msg.subject) or (status and status.startswith("4") and _DELAY_RE.search(text)):
        return False
    return not (_DELAY_RE.search(text[:3000]) and not _FAILURE_PHRASES_RE.search(text[:3000]))


def rule_challenge_response(msg: DecodedMessage) -> _NotBounce | None:
    """Challenge-response screeners ask the sender to verify; some dress it up as a DSN."""
    text = msg.subject + "\n" + msg.text[:5000]
    if _CHALLENGE_RE.search(text) and not _FAILURE_PHRASES_RE.search(text):
        return _NotBounce("challenge_response")
    return None


def rule_success_notice(msg: DecodedMessage) -> _NotBounce | None:
    """A delivery *success* report in words (no DSN part), with no failure wording at all."""
    if _has_part(msg, "message/delivery-status"):
        return None  # the DSN fields decide
    text = msg.subject + "\n" + _before_returned_copy(_body_text(msg)[:20_000])
    if _SUCCESS_RE.search(text) and not _FAILURE_PHRASES_RE.search(text) and not _FAIL_STATUS_RE.search(text):
        return _NotBounce("success_notice")
    return None


def rule_provider_json(msg: DecodedMessage) -> BounceReport | _NotBounce | None:
    """Provider notifications in JSON (Amazon SES via SNS): Bounce, Delivery or Complaint."""
    body = msg.text.strip()
    if not body.startswith("{") or '"notificationType"' not in body[:2000] or len(body) > SCAN_CHARS:
        return None
    import json

    try:
        data = json.loads(body)
    except ValueError:  # wrapped or trailed by a footer: the type alone still decides look-alikes
        kind_match = re.search(r'"notificationType"\s*:\s*"(\w+)"', body[:2000])
        if kind_match and kind_match.group(1) != "Bounce":
            return _NotBounce(f"provider_notification_{kind_match.group(1).lower()}")
        return None
    if not isinstance(data, dict):
        return None
    kind = str(data.get("notificationType") or data.get("eventType") or "")
    if kind != "Bounce":
        return _NotBounce(f"provider_notification_{kind.lower() or 'unknown'}")
    bounce: dict[str, object] = data["bounce"] if isinstance(data.get("bounce"), dict) else {}
    recipients = []
    status = diagnostic = None
    entries = bounce.get("bouncedRecipients")
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("emailAddress"):
            addr = _clean_addr(str(entry["emailAddress"]))
            if addr:
                recipients.append(addr)
            status = status or _status_of(str(entry.get("status") or ""))
            diagnostic = diagnostic or entry.get("diagnosticCode")
    if not recipients:
        return None
    mail: dict[str, object] = data["mail"] if isinstance(data.get("mail"), dict) else {}
    return BounceReport(
        permanent=str(bounce.get("bounceType")) != "Transient",
        recipients=tuple(recipients),
        status=status,
        diagnostic=str(diagnostic)[:500] if diagnostic else None,
        original_message_id=None if not mail.get("messageId") else f"<{mail['messageId']}>",
        evidence=("provider_json", f"bounceType={bounce.get('bounceType')}"),
    )


def rule_failed_recipients_header(msg: DecodedMessage) -> BounceReport | None:
    """Exim (and others) name the failed addresses in X-Failed-Recipients."""
    values = msg.header_all("x-failed-recipients")
    if not values:
        return None
    addrs = [a.lower() for v in values for a in _ADDR_RE.findall(v)]
    if not addrs:
        return None
    text = _body_text(msg)
    return BounceReport(
        permanent=_permanence_from_text(msg),
        recipients=tuple(dict.fromkeys(addrs)),
        status=_status_of(text),
        diagnostic=_diagnostic_near(text, addrs[0]),
        original_message_id=_original_message_id(msg),
        evidence=("x_failed_recipients",),
    )


def rule_auto_reply_lookalike(msg: DecodedMessage) -> _NotBounce | None:
    """Vacation notices and challenge-response mail that carry no failure evidence."""
    if _report_type(msg) == "delivery-status" or msg.header("x-failed-recipients"):
        return None
    subject = msg.subject
    text = _body_text(msg)[:20_000]
    sender = (msg.header("from") or "")
    if _CHALLENGE_RE.search(subject + "\n" + text[:5000] + sender) and not _FAILURE_PHRASES_RE.search(
        subject + "\n" + text[:3000]
    ):
        return _NotBounce("challenge_response")
    auto = (msg.header("auto-submitted") or "").lower().startswith("auto-replied") or _AUTO_REPLY_SUBJECT_RE.search(
        subject
    )
    if auto and not _FAILURE_SUBJECT_RE.search(subject) and not _BOUNCE_SENDER_RE.search(sender):
        return _NotBounce("auto_reply")
    return None


def rule_flufl(msg: DecodedMessage) -> BounceReport | None:
    """GNU Mailman's detectors, for the legacy formats; only on what looks like a report."""
    if not _looks_like_report(msg) or msg.size > FLUFL_MAX_BYTES or _human_forward_or_reply(msg):
        return None
    try:
        from flufl.bounce import all_failures

        temporary, permanent = all_failures(msg.message)
    except Exception:  # noqa: BLE001 - fail open
        return None
    own = _own_addresses(msg)

    def addrs(values: Iterable[bytes]) -> list[str]:
        out = []
        for value in values:
            text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
            addr = _clean_addr(text)
            if addr and addr not in own and not _is_system_address(addr):
                out.append(addr)
        return sorted(set(out))

    perm = addrs(permanent)
    temp = addrs(temporary)
    if not perm and not temp:
        return None
    text = _body_text(msg)
    recipients = tuple(perm or temp)
    # flufl reads some delay warnings as permanent: a 5.x.x code or our wording check decides
    status = _status_of(text[:5000])
    is_permanent = bool(perm) and (bool(status and status.startswith("5")) or _permanence_from_text(msg))
    return BounceReport(
        permanent=is_permanent,
        recipients=recipients,
        status=_status_of(text),
        diagnostic=_diagnostic_near(text, recipients[0]),
        original_message_id=_original_message_id(msg),
        evidence=("flufl.bounce", f"permanent={perm}", f"temporary={temp}"),
    )


_REPLY_PREFIX_RE = re.compile(r"^\s*(?:re|fw|fwd|aw|wg|tr|rv|r|sv|vs|antw|odp|enc)\s*:", re.IGNORECASE)


def _human_forward_or_reply(msg: DecodedMessage) -> bool:
    """A person replying to or forwarding a bounce ("Fwd: Undeliverable ...") is not a bounce."""
    return bool(_REPLY_PREFIX_RE.match(msg.subject)) and not (
        msg.from_address and _is_daemon(msg.from_address)
    ) and not _BOUNCE_SENDER_RE.search(msg.header("from") or "")


_RETURNED_COPY_RE = re.compile(
    r"^[ \t>-]*(?:-+ ?)?(?:below this line is a copy|this is a copy of|a copy of the (?:original )?message|"
    r"original message follows|the original message (?:was|is)|returned message|original message headers|"
    r"message headers follow|headers of the original|unsent message below|undelivered message|"
    r"[-]{2,} ?original message|ursprüngliche nachricht|nachricht im anhang|message d'origine|"
    r"mensaje original|oorspronkelijk bericht|messaggio originale|mensagem original)",
    re.IGNORECASE | re.MULTILINE,
)
_HEADER_LINE_RE = re.compile(r"^[ \t>]*(?:from|reply-to|sender|return-path|message-id|references|in-reply-to)\s*:",
                             re.IGNORECASE)


_ID_LINE_RE = re.compile(r"message-?id|msg-?id|queue[- ]id|\bid[=:]|original-envelope-id|x-ms-exchange", re.IGNORECASE)


def _looks_like_id(addr: str) -> bool:
    """Message-IDs look like addresses: long machine local parts full of digits or hex."""
    local = addr.split("@", 1)[0]
    digits = sum(c.isdigit() for c in local)
    return len(local) > 40 or digits >= 8 or bool(re.fullmatch(r"[0-9a-f.\-_]{16,}", local))


def _before_returned_copy(text: str) -> str:
    """The report's own words: the text before the copy of the returned message, if marked."""
    match = _RETURNED_COPY_RE.search(text)
    if match and match.start() > 40:
        return text[: match.start()]
    return text


def rule_text_bounce(msg: DecodedMessage) -> BounceReport | None:
    """A report in words: failure subject or daemon sender, and an address beside a failure phrase."""
    if not _looks_like_report(msg) or _human_forward_or_reply(msg):
        return None
    text = _body_text(msg)
    head = _before_returned_copy(text[:50_000])
    if not (_FAILURE_PHRASES_RE.search(head) or _FAIL_STATUS_RE.search(head) or _SMTP_CODE_RE.search(head)):
        return None
    own = _own_addresses(msg)
    candidates: list[str] = []
    for line_match in re.finditer(r"[^\n]*\n?", head):
        line = line_match.group(0)
        if "@" not in line:
            continue
        if _HEADER_LINE_RE.match(line) or _ID_LINE_RE.search(line):
            continue  # "From:/Message-ID:" lines of a quoted copy are not failed recipients
        for found in _ADDR_RE.findall(line):
            addr = _normal_addr(found)
            if addr in own or _is_system_address(addr) or addr in candidates or _looks_like_id(addr):
                continue
            window = head[max(0, line_match.start() - 300): line_match.end() + 300]
            if _FAILURE_PHRASES_RE.search(window) or _FAIL_STATUS_RE.search(window):
                candidates.append(addr)
        if len(candidates) >= 10:
            break
    if not candidates:
        return None
    first = candidates[0]
    return BounceReport(
        permanent=_permanence_from_text(msg),
        recipients=tuple(candidates),
        status=_status_of(head),
        diagnostic=_diagnostic_near(head, first),
        original_message_id=_original_message_id(msg),
        evidence=("text_bounce",),
    )


def _returned_original(msg: DecodedMessage) -> email.message.Message | None:
    """The headers of the returned original message, when the report carries them."""
    for part in _parts(msg.message):
        ctype = part.get_content_type()
        try:
            if ctype in ("message/rfc822", "message/global"):
                payload = part.get_payload()
                inner = payload[0] if isinstance(payload, list) and payload else None
                if isinstance(inner, email.message.Message):
                    return inner
            if ctype == "text/rfc822-headers":
                data = part.get_payload(decode=True)
                text = decode_bytes(data, "utf-8") if isinstance(data, bytes) else ""
                return email.message_from_string(text)
        except Exception:  # noqa: BLE001, S112 - fail open
            continue
    return None


def rule_returned_original_recipient(msg: DecodedMessage) -> BounceReport | None:
    """Last resort: a failure report naming no address in words; the returned original's To:.

    Only when the report is from a mail system (daemon sender or failure subject), says it
    failed, and the original it returns was sent by one of the report's own addressees.
    """
    if not _looks_like_report(msg) or _human_forward_or_reply(msg):
        return None
    text = _body_text(msg)[:20_000]
    if not (_FAILURE_PHRASES_RE.search(msg.subject + "\n" + text) or _STATUS_RE.search(text)):
        return None
    original = _returned_original(msg)
    if original is None:
        return None
    own = _own_addresses(msg)
    recipients = []
    for name in ("to", "cc"):
        for value in original.get_all(name) or []:
            for addr in _ADDR_RE.findall(str(value)):
                addr = _normal_addr(addr)
                if addr not in own and not _is_system_address(addr):
                    recipients.append(addr)
    if not recipients or len(set(recipients)) > 3:
        return None
    ids = _ID_RE.findall(str(original.get("Message-ID") or ""))
    return BounceReport(
        permanent=_permanence_from_text(msg),
        recipients=tuple(dict.fromkeys(recipients)),
        status=_status_of(text),
        diagnostic=None,
        original_message_id=ids[0] if ids else _original_message_id(msg),
        evidence=("returned_original_to",),
    )


def _diagnostic_near(text: str, addr: str) -> str | None:
    idx = text.lower().find(addr.lower())
    window = text[idx: idx + 400] if idx >= 0 else text[:400]
    for line in window.split("\n"):
        if _STATUS_RE.search(line) or _SMTP_CODE_RE.search(line) or _FAILURE_PHRASES_RE.search(line):
            return line.strip()[:300] or None
    return None


RULES: tuple[tuple[str, Rule], ...] = (
    ("feedback_report", rule_feedback_report),
    ("read_receipt", rule_read_receipt),
    ("challenge_response", rule_challenge_response),
    ("success_notice", rule_success_notice),
    ("provider_json", rule_provider_json),
    ("dsn", rule_dsn),
    ("x_failed_recipients", rule_failed_recipients_header),
    ("auto_reply_lookalike", rule_auto_reply_lookalike),
    ("flufl", rule_flufl),
    ("text_bounce", rule_text_bounce),
    ("returned_original_recipient", rule_returned_original_recipient),
)
"""The rules in order; the first that decides wins."""


_AUTHORITATIVE = frozenset({"dsn", "x_failed_recipients", "provider_json"})


def _could_report_failure(msg: DecodedMessage) -> bool:
    """Whether any rule could return a failure: a report-looking sender or subject, a DSN part
    (also hidden below a forward), or a provider's JSON body. The rules that only clear a
    look-alike (success notices, challenges, vacation notices) matter only then, so an ordinary
    reply skips them all (about 1.5 ms a reply)."""
    try:
        return (_looks_like_report(msg) or msg.text.lstrip().startswith("{")
                or any(p.get_content_type() in ("message/delivery-status", "message/global-delivery-status")
                       for p in _parts(msg.message)))
    except Exception:  # noqa: BLE001 - fail open: run the rules
        return True


def read_bounce(msg: DecodedMessage) -> BounceReport | None:
    """The bounce report in ``msg``, or None when it is not a failed/delayed delivery. Never raises."""
    if not _could_report_failure(msg):
        return None
    for name, rule in RULES:
        try:
            verdict = rule(msg)
        except Exception:  # noqa: BLE001, S112 - fail open
            continue
        if verdict is None:
            continue
        if isinstance(verdict, _NotBounce):
            return None
        # Words and heuristics may pick up the report's own addressee (our AR address); the
        # machine-readable fields (DSN, X-Failed-Recipients, provider JSON) are authoritative
        # even when someone mailed themselves.
        own = set() if name in _AUTHORITATIVE else _own_addresses(msg)
        recipients = tuple(r for r in verdict.recipients if r not in own)
        if not recipients:
            continue
        return BounceReport(
            permanent=verdict.permanent,
            recipients=recipients,
            status=verdict.status,
            diagnostic=verdict.diagnostic,
            original_message_id=verdict.original_message_id,
            evidence=(f"rule:{name}", *verdict.evidence),
        )
    return None
