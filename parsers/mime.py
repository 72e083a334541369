"""Decoding raw RFC 5322 bytes into a typed, bounded ``DecodedMessage``.

Contract of :func:`decode`: a pure function that never raises and is bounded in time and
memory whatever the input (malformed MIME, wrong or unknown charsets, 10 MB bodies, deeply
nested parts, huge attachments). What it could not read is listed in ``defects``.

Why the standard library and not mail-parser here: the stdlib ``compat32`` parser is the
fastest parse on this kind of mail (about 0.13 ms for an ordinary reply, against 0.34 ms
for mail-parser and 0.5 ms for ``policy.default``), it keeps ``message/delivery-status``
parts as header blocks (mail-parser drops them), and flufl.bounce needs a ``compat32``
message anyway. Header values are decoded here (RFC 2047, raw 8-bit headers) with charset
fallbacks of our own.
"""

from __future__ import annotations

import datetime as dt
import email
import email.errors
import email.header
import email.message
import email.parser
import email.utils
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from parsers.html2text import html_to_text

MAX_BYTES = 12 * 1024 * 1024
"""Raw input beyond this is cut off before parsing (noted as the defect ``truncated_input``)."""
MAX_TEXT_CHARS = 100_000
"""The body text handed to the readers is capped; no customer types more than this."""
MAX_HTML_BYTES = 2_000_000
MAX_PARTS = 300
MAX_DELIMITER_LINES = 3000
MAX_BOUNDARIES = 120
"""More multipart boundaries than this and the MIME tree is not parsed (the stdlib parser
recurses per nesting level): headers are read and the body is taken as plain text."""
MAX_DEPTH = 30
MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024
MAX_HEADER_CHARS = 4_000

_ID_RE = re.compile(r"<[^<>\s]{1,998}>")
_SURROGATES = re.compile(r"[\udc80-\udcff]")

# Charset names seen in the wild that Python does not know, mapped to what they mean.
_CHARSET_ALIASES: dict[str, str] = {
    "unknown-8bit": "cp1252",
    "x-unknown": "cp1252",
    "unknown": "cp1252",
    "x-user-defined": "cp1252",
    "ansi_x3.110-1983": "latin-1",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5-hkscs": "big5hkscs",
    "iso-2022-jp-ms": "iso2022_jp_ext",
    "cp-850": "cp850",
    "utf8": "utf-8",
    "us-ascii": "utf-8",  # declared ASCII, but 8-bit bytes are nearly always UTF-8 or cp1252
    "ascii": "utf-8",
    "iso-8859-1": "cp1252",  # the superset every client means when it says latin-1
    "latin-1": "cp1252",
    "latin1": "cp1252",
}


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """One attached part: its name, declared type, decoded size and (bounded) content.

    ``data`` holds at most ``MAX_ATTACHMENT_BYTES`` of the decoded content; ``truncated`` says
    whether more existed. Attached messages (``message/rfc822``) carry the parsed ``message``.
    """

    filename: str | None
    content_type: str
    size: int
    data: bytes = field(repr=False, default=b"")
    truncated: bool = False
    message: email.message.Message | None = field(repr=False, compare=False, default=None)
    """For attached messages (``message/rfc822``): the parsed message; ``data`` is then empty
    (serialising it back is costly and rarely needed; use ``message.as_bytes()``)."""


@dataclass(frozen=True, slots=True)
class DecodedMessage:
    """A decoded message: headers, addresses, the best body as text, attachments, defects.

    ``message`` is the stdlib ``compat32`` message tree (what flufl.bounce and the bounce
    reader walk). ``headers`` maps lower-case header names to all their decoded values in
    order; :meth:`header` gives the first one.
    """

    headers: Mapping[str, tuple[str, ...]]
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    from_address: str | None
    from_name: str | None
    to_addresses: tuple[str, ...]
    cc_addresses: tuple[str, ...]
    reply_to: tuple[str, ...]
    subject: str
    date: dt.datetime | None
    text: str
    html: str | None
    text_from_html: bool
    attachments: tuple[AttachmentInfo, ...]
    defects: tuple[str, ...]
    content_type: str
    message: email.message.Message = field(repr=False, compare=False)
    size: int = 0

    def header(self, name: str) -> str | None:
        """The first decoded value of header ``name`` (case-insensitive), or None."""
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def header_all(self, name: str) -> tuple[str, ...]:
        """All decoded values of header ``name`` (case-insensitive), in order."""
        return self.headers.get(name.lower(), ())


# --------------------------------------------------------------------------- charsets


def _codec_for(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip('"').lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        import codecs

        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None, defects: list[str] | None = None) -> str:
    """Decode ``data`` declared as ``charset``, falling back sensibly; never raises.

    Order: the declared charset (with aliases for names Python lacks), then UTF-8, then
    cp1252 (what mislabelled Western mail nearly always is), then Latin-1 which cannot fail.
    """
    if not data:
        return ""
    codec = _codec_for(charset)
    if charset and codec is None and defects is not None:
        defects.append(f"unknown_charset:{charset[:40]}")
    tried: list[str] = []
    for candidate in (codec, "utf-8", "cp1252"):
        if candidate is None or candidate in tried:
            continue
        tried.append(candidate)
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        except Exception:  # noqa: BLE001, S112 - pragma: no cover - exotic codec failures
            continue
    if defects is not None and codec is not None:
        defects.append(f"charset_mismatch:{charset[:40] if charset else ''}")
    return data.decode("latin-1", errors="replace")


def _fix_raw_header(value: str) -> str:
    """compat32 keeps raw 8-bit header bytes as surrogate escapes: decode them as text."""
    if not _SURROGATES.search(value):
        return value
    raw = value.encode("ascii", "surrogateescape")
    return decode_bytes(raw, "utf-8")


def decode_header_value(value: object) -> str:
    """An RFC 2047 / raw 8-bit header value as text, unfolded. Never raises."""
    try:
        if isinstance(value, email.header.Header):
            text = str(value)
        else:
            text = _fix_raw_header(str(value))
        text = text[:MAX_HEADER_CHARS]
        if "=?" in text:
            pieces = []
            for chunk, cs in email.header.decode_header(text):
                if isinstance(chunk, bytes):
                    pieces.append(decode_bytes(chunk, cs or "utf-8"))
                else:
                    pieces.append(chunk)
            text = "".join(pieces)
        return re.sub(r"\s*\r?\n[ \t]+", " ", text).strip()
    except Exception:  # noqa: BLE001 - fail open
        try:
            return str(value)[:MAX_HEADER_CHARS].strip()
        except Exception:  # noqa: BLE001 - fail open
            return ""


# --------------------------------------------------------------------------- headers


def _collect_headers(msg: email.message.Message) -> Mapping[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    try:
        # compat32 keeps (name, raw value) pairs; reading them avoids re-parsing each header
        items: list[tuple[str, object]] = list(getattr(msg, "_headers", []))
    except Exception:  # noqa: BLE001 - fail open: a message without readable headers
        items = []
    for name, value in items[:500]:
        grouped.setdefault(str(name).lower(), []).append(decode_header_value(value))
    return MappingProxyType({k: tuple(v) for k, v in grouped.items()})


def _addresses(values: tuple[str, ...], raw: list[str] | None = None) -> list[tuple[str, str]]:
    """(display name, lower-case address) pairs.

    Parsed from the raw header when given, so that an encoded display name containing a
    comma ("=?utf-8?q?M=C3=BCller=2C_J=C3=BCrgen?=") is not split; names are decoded after.
    """
    pairs: list[tuple[str, str]] = []
    try:
        if raw:
            pairs = [(decode_header_value(n), a) for n, a in email.utils.getaddresses(
                [_fix_raw_header(str(v))[:MAX_HEADER_CHARS] for v in raw])]
        if not any("@" in a for _, a in pairs):
            pairs = email.utils.getaddresses(list(values))
    except Exception:  # noqa: BLE001 - fail open
        pairs = []
    out = []
    for name, addr in pairs:
        addr = addr.strip().strip("<>").strip()
        if "@" in addr:
            out.append((name.strip(), addr.lower()))
    if not out:  # getaddresses gives up on some broken headers: fall back to a pattern
        for value in values:
            for addr in re.findall(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+", value):
                out.append(("", addr.lower()))
    return out


def _parse_date(value: str | None, defects: list[str]) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except Exception:  # noqa: BLE001 - fail open
        defects.append("bad_date_header")
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:  # "-0000": time is UTC, source zone unknown (RFC 5322 3.3)
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


# --------------------------------------------------------------------------- parts


def _walk(msg: email.message.Message, defects: list[str]) -> Iterator[tuple[email.message.Message, int, bool]]:
    """Yield (part, depth, inside_attached_message) depth-first, bounded in count and depth.

    Iterative so a pathological nesting cannot exhaust the recursion limit.
    """
    stack: list[tuple[email.message.Message, int, bool]] = [(msg, 0, False)]
    count = 0
    while stack:
        part, depth, attached = stack.pop()
        count += 1
        if count > MAX_PARTS:
            defects.append("too_many_parts")
            return
        yield part, depth, attached
        try:
            payload = part.get_payload()
        except Exception:  # noqa: BLE001, S112 - fail open
            continue
        if isinstance(payload, list):
            if depth >= MAX_DEPTH:
                defects.append("nesting_too_deep")
                continue
            is_message = part.get_content_maintype() == "message"
            for child in reversed(payload):
                if isinstance(child, email.message.Message):
                    stack.append((child, depth + 1, attached or is_message))


def _content_type(part: email.message.Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # noqa: BLE001 - fail open
        return "text/plain"


def _filename(part: email.message.Message) -> str | None:
    name: object
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - malformed parameters: no name
        name = None
    if name is None:
        try:
            name = part.get_param("name")
        except Exception:  # noqa: BLE001 - malformed parameters: no name
            name = None
        if isinstance(name, tuple):
            name = email.utils.collapse_rfc2231_value(name)
    return decode_header_value(name) if name else None


def _disposition(part: email.message.Message) -> str:
    try:
        value = part.get("Content-Disposition")
        return str(value).split(";", 1)[0].strip().lower() if value else ""
    except Exception:  # noqa: BLE001 - fail open
        return ""


def _payload_bytes(part: email.message.Message, defects: list[str]) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - fail open
        defects.append("undecodable_payload")
        return b""
    if isinstance(data, bytes):
        return data
    return b""


def _part_text(part: email.message.Message, defects: list[str], limit: int = MAX_TEXT_CHARS * 4) -> str:
    data = _payload_bytes(part, defects)
    try:
        charset = part.get_content_charset()
    except Exception:  # noqa: BLE001 - fail open
        charset = None
    return decode_bytes(data[:limit], charset, defects)


def _attached_message(part: email.message.Message) -> email.message.Message | None:
    try:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        return inner if isinstance(inner, email.message.Message) else None
    except Exception:  # noqa: BLE001 - fail open
        return None


# --------------------------------------------------------------------------- decode


def _normalise_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return text[:MAX_TEXT_CHARS]


def _empty(raw_size: int, defects: list[str]) -> DecodedMessage:
    return DecodedMessage(
        headers=MappingProxyType({}), message_id=None, in_reply_to=None, references=(),
        from_address=None, from_name=None, to_addresses=(), cc_addresses=(), reply_to=(),
        subject="", date=None, text="", html=None, text_from_html=False, attachments=(),
        defects=tuple(defects), content_type="text/plain", message=email.message.Message(),
        size=raw_size,
    )


MAX_HEADER_BYTES = 256 * 1024


def _bound_header_section(raw: bytes, defects: list[str]) -> bytes:
    """Cut an absurdly long header section (the stdlib parses headers line by line in Python)."""
    end = raw.find(b"\n\n", 0, MAX_HEADER_BYTES)
    end_crlf = raw.find(b"\r\n\r\n", 0, MAX_HEADER_BYTES)
    if end >= 0 or end_crlf >= 0 or len(raw) <= MAX_HEADER_BYTES:
        return raw
    defects.append("oversized_header_section")
    cut = raw.rfind(b"\n", 0, MAX_HEADER_BYTES) + 1 or MAX_HEADER_BYTES
    body_start = raw.find(b"\n\n", cut)
    body = raw[body_start + 2:] if body_start >= 0 else b""
    return raw[:cut] + b"\n" + body


def _flat_message(raw: bytes) -> email.message.Message:
    """Headers parsed, the whole body kept as one text/plain payload (no MIME recursion)."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    msg = email.parser.BytesHeaderParser().parsebytes(head + b"\n\n")
    for name in ("Content-Type", "Content-Transfer-Encoding"):
        del msg[name]
    msg["Content-Type"] = "text/plain; charset=utf-8"
    msg.set_payload(body.decode("utf-8", "surrogateescape"))
    return msg


def decode(raw: bytes, *, max_bytes: int = MAX_BYTES) -> DecodedMessage:
    """Decode ``raw`` RFC 5322 bytes. Never raises; bounded by ``max_bytes`` and the caps above.

    ``text`` is the best body: the non-attachment ``text/plain`` parts outside attached
    messages, joined in order, else the first such ``text/html`` part rendered to text (``text_from_html``).
    Attached messages (``message/rfc822``, e.g. the original inside a bounce) never supply
    the body text.
    """
    defects: list[str] = []
    if not isinstance(raw, (bytes, bytearray)):
        try:
            raw = str(raw).encode("utf-8", "surrogateescape")
        except Exception:  # noqa: BLE001 - fail open
            return _empty(0, ["not_bytes"])
    size = len(raw)
    if size > max_bytes:
        defects.append("truncated_input")
        raw = bytes(raw[:max_bytes])
    raw = _bound_header_section(bytes(raw), defects)
    try:
        if (
            raw.count(b"oundary=") + raw.count(b"OUNDARY=") > MAX_BOUNDARIES
            or raw.count(b"\n--") > MAX_DELIMITER_LINES
        ):
            defects.append("too_many_boundaries")
            msg = _flat_message(raw)
        else:
            msg = email.message_from_bytes(raw)
    except Exception as exc:  # noqa: BLE001 - the feed parser is lenient; this is a last resort
        try:
            msg = _flat_message(raw)
            defects.append(f"unparseable_mime:{type(exc).__name__}")
        except Exception:  # noqa: BLE001 - fail open
            return _empty(size, [*defects, f"unparseable:{type(exc).__name__}"])
    try:
        return _decode_message(msg, size, defects)
    except Exception as exc:  # noqa: BLE001 - fail open: whatever we could not foresee
        return _empty(size, [*defects, f"decode_error:{type(exc).__name__}"])


def _decode_message(msg: email.message.Message, size: int, defects: list[str]) -> DecodedMessage:
    headers = _collect_headers(msg)

    def first(name: str) -> str | None:
        values = headers.get(name)
        return values[0] if values else None

    plains: list[str] = []
    html: str | None = None
    attachments: list[AttachmentInfo] = []
    for part, _depth, attached in _walk(msg, defects):
        for defect in getattr(part, "defects", [])[:10]:
            defects.append(type(defect).__name__)
        ctype = _content_type(part)
        maintype = ctype.split("/", 1)[0]
        if maintype == "multipart":
            continue
        disposition = _disposition(part)
        filename = _filename(part)
        if part is not msg and (ctype == "message/rfc822" or ctype == "message/global"):
            attachments.append(AttachmentInfo(filename, ctype, 0, b"", False, _attached_message(part)))
            continue
        if maintype == "message":  # delivery-status, disposition-notification ... : read by others
            continue
        is_attachment = disposition == "attachment" or (filename is not None and maintype != "text") or (
            maintype not in ("text",)
        )
        if attached:
            continue
        if not is_attachment and ctype == "text/plain" and disposition != "attachment" and filename is None:
            # Apple Mail splits a body around inline images into several text/plain parts, and
            # servers append footers as parts of their own: the body is all of them, in order.
            if sum(map(len, plains)) < MAX_TEXT_CHARS:
                plains.append(_part_text(part, defects))
            continue
        if not is_attachment and ctype == "text/html" and html is None and disposition != "attachment":
            html = _part_text(part, defects, MAX_HTML_BYTES)
            continue
        if ctype != "text/rfc822-headers" or filename is not None:
            encoded = part.get_payload()
            if isinstance(encoded, str) and len(encoded) > MAX_ATTACHMENT_BYTES * 3 // 2:
                # too big to be read anyway: do not spend time decoding it; estimate its size
                attachments.append(AttachmentInfo(filename, ctype, len(encoded) * 3 // 4, b"", True))
                defects.append("attachment_too_large")
                continue
            data = _payload_bytes(part, defects)
            truncated = len(data) > MAX_ATTACHMENT_BYTES
            attachments.append(
                AttachmentInfo(filename, ctype, len(data), data[:MAX_ATTACHMENT_BYTES], truncated)
            )

    text_from_html = False
    text = _normalise_text("\n".join(p.rstrip("\n") for p in plains)) if plains else ""
    if not text.strip() and html:
        text = _normalise_text(html_to_text(html))
        text_from_html = True

    def raw_values(name: str) -> list[str]:
        try:
            return [str(v) for v in (msg.get_all(name) or [])][:50]
        except Exception:  # noqa: BLE001 - fail open: use the decoded values
            return []

    from_pairs = _addresses(headers.get("from", ()), raw_values("from"))
    from_name = from_pairs[0][0] or None if from_pairs else None
    references = tuple(_ID_RE.findall(first("references") or ""))[:100]
    in_reply_ids = _ID_RE.findall(first("in-reply-to") or "")
    message_ids = _ID_RE.findall(first("message-id") or "")
    raw_mid = first("message-id")
    return DecodedMessage(
        headers=headers,
        message_id=message_ids[0] if message_ids else (raw_mid or None),
        in_reply_to=in_reply_ids[0] if in_reply_ids else None,
        references=references,
        from_address=from_pairs[0][1] if from_pairs else None,
        from_name=from_name,
        to_addresses=tuple(a for _, a in _addresses(headers.get("to", ()), raw_values("to"))),
        cc_addresses=tuple(a for _, a in _addresses(headers.get("cc", ()), raw_values("cc"))),
        reply_to=tuple(a for _, a in _addresses(headers.get("reply-to", ()), raw_values("reply-to"))),
        subject=first("subject") or "",
        date=_parse_date(first("date"), defects),
        text=text,
        html=html[:MAX_TEXT_CHARS * 2] if html else None,
        text_from_html=text_from_html,
        attachments=tuple(attachments),
        defects=tuple(dict.fromkeys(defects)),
        content_type=_content_type(msg),
        message=msg,
        size=size,
    )
