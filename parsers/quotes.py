"""Splitting a reply body into the customer's own new text, the quoted history and the signature.

Contract of :func:`split_reply`: pure, never raises, linear in the input (capped at
``MAX_CHARS``). ``reply`` is never empty when the input has non-blank text: when everything
looks quoted, the reply falls back to the unquoted lines, then to the whole text.

Layered approach, structure first and words second:

1. *Hard cuts* end the customer's text for good: an Outlook-style header block
   (``From:`` followed within a few lines by ``Sent:``/``Date:``/``To:``/``Subject:``, in any
   of the languages in the lexicon), an ``-----Original Message-----`` or forwarded-message
   separator, a "Begin forwarded message:" line, or a "wrote:" attribution that is *not*
   followed by ``>`` quoted lines.
2. Above the hard cut, ``>`` quoted lines and the attributions that introduce them are
   quoted; every other line is the customer's, so inline answers between quoted lines and
   bottom-posted replies are kept.
3. An attribution is recognised by structure (a line, or up to three wrapped lines, ending
   in ``:`` with a date or an address, followed by a ``>`` quote) or by a multilingual verb
   lexicon ("wrote:", "a écrit :", "schrieb", "escribió:", "schreef", "escreveu:",
   "ha scritto:" ...).
4. From the customer's text, the signature is cut: the ``-- `` delimiter, short "Sent from
   my iPhone"-style lines (in several languages) and legal disclaimers. Valedictions and
   names ("Thanks,\\nAnna") are kept: they are part of what the person wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARS = 200_000
_MAX_HEADER_LINE = 400
#: lines examined for a quote header or attribution; a person's own text never runs this long, and
#: the bound keeps a pathological message ("From: x" on 20,000 lines) well under a second
_MAX_SCAN_LINES = 4_000

# ----------------------------------------------------------------------------- lexicons

# "From:" in Outlook-style header blocks, many languages.
_FROM_KEYS = (
    "from", "von", "de", "da", "van", "fra", "från", "od", "от", "lähettäjä", "feladó", "kimden",
    "από", "nadawca", "afsender", "avsändare", "frá", "remetente", "remitente", "expéditeur",
    "mittente", "absender", "afzender", "寄件者", "发件人", "發件人", "差出人", "보낸 사람", "odesílatel",
)
# The other keys of such blocks.
_OTHER_KEYS = (
    "sent", "date", "dato", "to", "subject", "cc", "reply-to", "gesendet", "datum", "an", "betreff", "envoyé",
    "à", "objet", "enviado", "enviada", "fecha", "para", "asunto", "inviato", "data", "a", "oggetto",
    "verzonden", "verstuurd", "aan", "onderwerp", "assunto", "sendt", "til", "emne", "skickat", "till",
    "ämne", "wysłano", "wysłane", "temat", "do", "отправлено", "дата", "кому", "тема", "tárgy", "címzett",
    "elküldve", "lähetetty", "vastaanottaja", "aihe", "gönderildi", "kime", "konu", "odesláno", "komu",
    "předmět", "bcc", "cco", "kopie", "kopie an", "copie", "copie à", "copia", "risposta", "reply to",
    "enviado el", "enviada el", "enviado em", "enviada em", "envoyé le", "sent at", "data de envio",
    "收件人", "主题", "主旨", "日期", "发送时间", "寄件日期", "送信日時", "宛先", "件名", "날짜", "받는 사람", "제목",
)
_KEY = r"[ \t]*\*{0,2}[ \t]*(?:{keys})[ \t]*\*{{0,2}}[ \t]*[:：][ \t]*\*{{0,2}}"
_FROM_RE = re.compile(
    r"^[ \t]*(?:>[ \t]*)*" + _KEY.replace("{keys}", "|".join(map(re.escape, _FROM_KEYS))).replace("{{", "{").replace("}}", "}"),
    re.IGNORECASE,
)
_OTHER_RE = re.compile(
    r"^[ \t]*(?:>[ \t]*)*"
    + _KEY.replace("{keys}", "|".join(map(re.escape, _OTHER_KEYS))).replace("{{", "{").replace("}}", "}"),
    re.IGNORECASE,
)
# One-line flattened header block: "From: X Sent: Y To: Z Subject: W".
_INLINE_OTHER_RE = re.compile(
    r"\s(?:" + "|".join(map(re.escape, ("sent", "gesendet", "envoyé", "enviado", "inviato", "verzonden",
                                          "date", "datum", "fecha", "data", "to", "an", "à", "para", "aan")))
    + r")[ \t]*:",
    re.IGNORECASE,
)

_SEPARATOR_WORDS = (
    "original message", "ursprüngliche nachricht", "originalnachricht", "message d'origine",
    "message d’origine", "message original", "mensaje original", "oorspronkelijk bericht",
    "origineel bericht", "messaggio originale", "mensagem original", "originalmeddelande",
    "opprinnelig melding", "oprindelig meddelelse", "oprindelig besked", "ursprungligt meddelande", "alkuperäinen viesti", "wiadomość oryginalna",
    "oryginalna wiadomość", "původní zpráva", "исходное сообщение", "eredeti üzenet", "orijinal ileti",
    "forwarded message", "weitergeleitete nachricht", "message transféré", "mensaje reenviado",
    "doorgestuurd bericht", "messaggio inoltrato", "mensagem encaminhada", "mensagem reencaminhada",
    "videresendt melding", "vidarebefordrat meddelande", "pересланное сообщение", "переслане повідомлення",
    "reply message", "原始邮件", "原始郵件", "転送されたメッセージ",
)
_SEPARATOR_RE = re.compile(
    r"^[ \t>]*[-_=*]{2,}[ \t]*(?:" + "|".join(map(re.escape, _SEPARATOR_WORDS)) + r")[ \t]*[-_=*]{2,}[ \t]*$",
    re.IGNORECASE,
)
_FORWARD_INTRO_RE = re.compile(
    r"^[ \t>]*(?:begin forwarded message|anfang der weitergeleiteten (?:nachricht|e-mail)|"
    r"début du message (?:réexpédié|transféré)|inicio del mensaje reenviado|"
    r"begin doorgestuurd bericht|doorgestuurd bericht|inizio messaggio inoltrato|"
    r"início da mensagem (?:reencaminhada|encaminhada)|forwarded message)[ \t]*:?[ \t]*$",
    re.IGNORECASE,
)
_GENERIC_SEPARATOR_RE = re.compile(r"^[ \t>]*[-_=*]{3,}[ \t]*[^\W\d][\w'’ ]{2,40}?[ \t]*[-_=*]{3,}[ \t]*$")

_WROTE_VERBS = (
    "wrote", "writes", "has written", "sent", "a écrit", "écrit", "schrieb", "geschrieben", "escribió",
    "escribio", "ha escrito", "escreveu", "escrevera", "ha scritto", "scrisse", "schreef", "heeft geschreven",
    "het volgende geschreven", "skrev", "kirjoitti", "napisał", "napisała", "napisal", "napsal", "napsala",
    "написал", "написала", "написав", "написала", "írta", "yazdı", "έγραψε", "ha escrit", "va escriure",
    "pisze", "rašė", "skrifaði", "写道", "寫道", "のメッセージ", "님이 작성", "a scris", "je napisal",
)
_WROTE_RE = re.compile(
    r"(?:^|[\s,(\"'>])(?:" + "|".join(map(re.escape, _WROTE_VERBS)) + r")\b[^:]{0,80}[:：]\s*$",
    re.IGNORECASE,
)
_WROTE_START_RE = re.compile(
    r"^[ \t>]*(?:on|le|am|el|op|em|il|in|den|dne|w dniu|dnia|на|в|el día|il giorno|op \w+dag|"
    r"\w+, \d|\d{1,4}[./-]\d{1,2}|\w+ \d{1,2},)\b",
    re.IGNORECASE,
)
_HAS_DATE_OR_ADDR = re.compile(r"@|\d{1,4}[:./-]\d{1,2}|\b\d{4}\b|\b\d{1,2}\b")

_MOBILE_SIG_RE = re.compile(
    r"^[ \t]*(?:sent|sent wirelessly|sent via|sent with|sent using|get outlook for|envoyé de|envoyé depuis|"
    r"envoyé à partir de|obtenir outlook pour|von meinem|gesendet von|gesendet mit|mit .{1,20} gesendet|"
    r"enviado desde|enviado do|enviado de|enviado con|obtener outlook para|obtenha o outlook para|"
    r"verzonden (?:vanaf|met|van)|verstuurd (?:vanaf|met|van)|outlook voor|inviato da|inviato dal|"
    r"scarica outlook per|skickat från|sendt fra|wysłane z|отправлено с|lähetetty)\b"
    r"(?:[^,;.!?]{0,60})(?:[.!]|<[^>]{0,120}>)?[ \t]*$",
    re.IGNORECASE,
)
_MOBILE_REQUIRES_DEVICE = re.compile(
    r"iphone|ipad|android|mobile|phone|blackberry|galaxy|samsung|outlook|mail|handy|móvil|movil|"
    r"telefon|téléphone|telefoon|celular|cellulare|smartphone|device|appareil|gerät|dispositivo|"
    r"tablet|pixel|huawei|xiaomi|yahoo|aol|gmail|proton|spark|ios|verizon|lte|4g|5g|wireless",
    re.IGNORECASE,
)
_DISCLAIMER_RE = re.compile(
    r"^[ \t*]*(?:confidentiality notice|confidentiality|confidential|disclaimer|important notice|"
    r"legal notice|privileged and confidential|caution:|warning:|this (?:e-?mail|message|communication|"
    r"transmission)\b.{0,60}\b(?:confidential|privileged|intended)|the information (?:contained )?in this|"
    r"if you (?:are not|have received) (?:the intended|this)|please consider the environment|"
    r"diese (?:e-?mail|nachricht)\b.{0,60}\b(?:vertraulich|enthält)|vertraulichkeitshinweis|haftungsausschluss|"
    r"ce (?:message|courriel|e-?mail)\b.{0,60}\b(?:confidenti|destiné|peut contenir)|avis de confidentialité|"
    r"este (?:mensaje|correo|e-?mail)\b.{0,60}\b(?:confidencial|destinado|puede contener)|aviso legal|"
    r"aviso de confidencialidad|dit (?:bericht|e-?mail)\b.{0,60}\b(?:vertrouwelijk|uitsluitend|bestemd)|"
    r"deze e-?mail\b.{0,60}\b(?:vertrouwelijk|uitsluitend|bestemd)|"
    r"questo messaggio\b.{0,60}\b(?:riservat|confidenzial|destinat)|le informazioni contenute|"
    r"esta mensagem\b.{0,60}\b(?:confidencial|destinada)|aviso de confidencialidade)",
    re.IGNORECASE,
)
_SIG_DELIM_RE = re.compile(r"^(?:-- ?|--|__)$")


@dataclass(frozen=True, slots=True)
class ReplySplit:
    """The parts of a reply body. ``reply`` is the customer's own text (see module docstring)."""

    reply: str
    quoted: str
    signature: str
    cut_rule: str | None = None  # which rule ended the customer's text, for evidence
    inline: bool = False  # the customer answered between ">" quoted lines
    reply_with_context: str = ""
    """For inline answers: the reply with the (up to 3) quoted lines just above each answer
    kept as ``> `` lines, so "this one is paid" can be tied to the invoice line it answers.
    Equal to ``reply`` when there are no inline answers."""


# ----------------------------------------------------------------------------- predicates


def _is_quoted(line: str) -> bool:
    return line.lstrip(" \t").startswith(">")


def _next_nonblank(lines: list[str], start: int, limit: int = 4) -> int | None:
    for j in range(start, min(len(lines), start + limit)):
        if lines[j].strip():
            return j
    return None


_SUBJECT_KEYS = (
    "subject", "betreff", "objet", "sujet", "asunto", "oggetto", "onderwerp", "assunto", "temat", "ämne", "emne",
    "aihe", "tárgy", "konu", "předmět", "тема", "主题", "主旨", "件名", "제목",
)
_SUBJECT_KEY_RE = re.compile(
    r"^[ \t]*(?:>[ \t]*)*"
    + _KEY.replace("{keys}", "|".join(map(re.escape, _SUBJECT_KEYS))).replace("{{", "{").replace("}}", "}"),
    re.IGNORECASE,
)


def _header_block_at(lines: list[str], i: int) -> bool:
    """An Outlook-style block: a From-like key, then other known keys within a few lines.

    When the From line names no address, the block must also have a Subject-like key, so
    that pasted transfer details ("From: ACME Ltd / To: account 1234 / Date: 3 March") stay
    the customer's text.
    """
    line = lines[i]
    if len(line) > _MAX_HEADER_LINE or not _FROM_RE.match(line):
        return False
    has_address = "@" in line
    # a flattened block "From: X Sent: Y To: Z" needs at least two more keys
    if (has_address or re.search(r"\d", line)) and len(_INLINE_OTHER_RE.findall(line[6:])) >= 2:
        return True
    seen = 0
    subject = False
    for j in range(i + 1, min(len(lines), i + 8)):
        if not lines[j].strip():
            continue
        if _SUBJECT_KEY_RE.match(lines[j]):
            subject = True
            seen += 1
        elif _OTHER_RE.match(lines[j]):
            seen += 1
        else:
            continue
        if subject or has_address and (j - i <= 3 or seen >= 2):
            return True
    return False


_DASHED_RE = re.compile(r"^[ \t]*-{2,}[ \t]*(.+?)[ \t]*-{2,}[ \t]*$")
_ADDRESS_AND_TIME_RE = re.compile(
    r"(?=.*<\s*(?:mailto:)?[^<>\s@]+@[^<>\s@]+\s*>)(?=.*(?:\b\d{1,2}[:.]\d{2}\b|\b(?:19|20)\d{2}\b))"
)
_WROTE_END_NO_COLON_RE = re.compile(
    r"\s(?:" + "|".join(map(re.escape, _WROTE_VERBS)) + r")[ \t]*$", re.IGNORECASE
)
_SENTENCE_END_RE = re.compile(r"[.!?…][\"')\]]*\s*$")


def _continuation(line: str) -> str | None:
    """The text a wrapped attribution line adds, or None when the line cannot continue one."""
    if not line.strip() or len(line) > _MAX_HEADER_LINE:
        return None
    if _is_quoted(line):
        # "... <someone@example.com\n>:" -- a wrapped address closing bracket, not a quote
        return line.strip() if re.match(r"^[ \t]*>[ \t]*[:：][ \t]*$", line) else None
    return line.strip()


_VERB_WORD_RE = re.compile(r"(?:^|\s)(?:" + "|".join(map(re.escape, _WROTE_VERBS)) + r")\b", re.IGNORECASE)


def _looks_like_attribution(joined: str, span: int) -> bool:
    colon_end = joined.endswith((":", "：")) or bool(re.search(r"[:：]\s*$", joined[-4:]))
    if not colon_end:
        # only the dashed and colon-less forms remain possible; keep the common case cheap
        if joined.startswith(("-", " -")):
            dashed = _DASHED_RE.match(joined)
            if dashed and _VERB_WORD_RE.search(dashed.group(1)):
                return bool(_HAS_DATE_OR_ADDR.search(joined))
            return False
        return (
            "@" in joined
            and len(joined) < 250
            and bool(_WROTE_END_NO_COLON_RE.search(joined[-40:]))
            and bool(_WROTE_START_RE.search(joined))
        )  # "On Wed, 14 Nov 2018 ... <a@example.com> wrote" (colon lost)
    if _ADDRESS_AND_TIME_RE.search(joined) and re.search(r"[:：]\s*$", joined) and len(joined) < 250:
        # "30.09.2017, 18.30, "A. Name" <a@example.com>:" -- any language, no verb needed
        return True
    if not _WROTE_RE.search(joined[-200:]):
        return False
    if _HAS_DATE_OR_ADDR.search(joined):
        return True
    # "Anna Example wrote:" -- a short name directly before the verb, no date
    return span == 1 and bool(re.match(r"^[ \t>]*(?:\S+ ){1,5}\S+[ \t]*[:：]\s*$", joined)) and len(joined) < 80


def _attribution_at(lines: list[str], i: int) -> int:
    """If a "wrote:" attribution starts at line i, how many lines it spans (1-3), else 0.

    A multi-line attribution must start like one ("On", "Le", "Am", a date ...) or start a
    paragraph with a date or address in its first line, so that the end of the customer's own
    paragraph is never swallowed into it.
    """
    first = lines[i]
    if not first.strip() or len(first) > _MAX_HEADER_LINE or _is_quoted(first):
        return 0
    if _DATE_LED_RE.match(first):
        # "2013/7/20 A. Name <a@example.com>" (Gmail in some locales: no verb, no colon)
        nxt = _next_nonblank(lines, i + 1, 3)
        if nxt is not None and lines[nxt].lstrip().startswith((">", "|")):
            return 1
    joined = ""
    for span in range(1, 4):
        j = i + span - 1
        if j >= len(lines):
            return 0
        piece = _continuation(lines[j]) if span > 1 else first.strip()
        if piece is None:
            return 0
        joined = (joined + " " + piece).strip()
        if span > 1 and not (
            _WROTE_START_RE.search(first)
            or "@" in first
            or (i == 0 or not lines[i - 1].strip())
            and _HAS_DATE_OR_ADDR.search(first)
            and not _SENTENCE_END_RE.search(first)
        ):
            return 0
        if _looks_like_attribution(joined, span):
            return span
        if not re.search(r"[:：]\s*$", joined):
            continue
        # language-independent: "<date or address> ...:" directly followed by a ">" quote
        nxt = _next_nonblank(lines, j + 1, 3)
        if (
            nxt is not None
            and _is_quoted(lines[nxt])
            and _HAS_DATE_OR_ADDR.search(joined)
            and ("@" in joined or _WROTE_START_RE.search(joined))
            and len(joined) < 300
        ):
            return span
        return 0
    return 0


def _is_wrapped_quote_tail(lines: list[str], i: int) -> bool:
    """A quoted line that a client re-wrapped, losing its ">" on the overflow.

    Such a line directly follows a long quoted line (no blank between), is itself short and
    starts like the middle of a sentence, and is followed by a quoted line or a blank.
    Customers' inline answers start their own sentence or stand apart from the quote.
    """
    if i == 0 or not _is_quoted(lines[i - 1]) or len(lines[i - 1].rstrip()) < 60:
        return False
    line = lines[i].strip()
    if not line or len(line) > 60:
        return False
    if i + 1 < len(lines) and lines[i + 1].strip() and not _is_quoted(lines[i + 1]):
        return False
    first = line[0]
    return first.islower() or first in "\"')]»”’,;:"


# Helpdesk and notification systems: "##- Please type your reply above this line -##".
_REPLY_ABOVE_RE = re.compile(
    r"(?:reply|write|type|respond)[\w\s]{0,30}above this line|above this line[\w\s]{0,30}(?:reply|response)|"
    r"oberhalb dieser (?:zeile|linie)|au-dessus de cette ligne|encima de esta línea|por encima de esta línea|"
    r"boven deze (?:regel|lijn)|sopra questa (?:riga|linea)|acima desta linha",
    re.IGNORECASE,
)
_DATED_KEY_RE = re.compile(r"^[ \t]*[^\W\d][\w' ]{1,24}[ \t]?[:：][ \t].{0,40}\d{1,2}[:/.]\d{2}")
_DATE_LED_RE = re.compile(r"^[ \t]*\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\b.{0,160}(?:<[^<>\s@]+@[^<>\s@]+>|@)")


def _hard_cut_at(lines: list[str], i: int) -> str | None:
    """The name of the hard-cut rule starting at line i, if any."""
    line = lines[i]
    if _SEPARATOR_RE.match(line):
        return "original_message_separator"
    if _FORWARD_INTRO_RE.match(line):
        return "forwarded_message"
    if _GENERIC_SEPARATOR_RE.match(line):
        nxt = _next_nonblank(lines, i + 1, 3)
        if nxt is not None and (_FROM_RE.match(lines[nxt]) or _OTHER_RE.match(lines[nxt])):
            return "separator_before_headers"
    if _header_block_at(lines, i):
        return "header_block"
    if i + 1 < len(lines) and _DATED_KEY_RE.match(line) and _header_block_at(lines, i + 1):
        return "header_block"  # "Message du : 12/12/2016 13:20" heading a webmail header block
    return None


# ----------------------------------------------------------------------------- signature


def _is_mobile_signature(line: str) -> bool:
    return bool(len(line) < 160 and _MOBILE_SIG_RE.match(line) and _MOBILE_REQUIRES_DEVICE.search(line))


def _strip_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split the customer's lines into (text, signature)."""
    if not lines:
        return lines, []
    cut: int | None = None
    for k, line in enumerate(lines):
        stripped = line.rstrip()
        if k > 0 and _SIG_DELIM_RE.match(stripped) and any(x.strip() for x in lines[:k]):
            cut = k
            break
        if _is_mobile_signature(stripped) and any(x.strip() for x in lines[:k]):
            cut = k
            break
        if (
            k > 0
            and not lines[k - 1].strip()
            and _DISCLAIMER_RE.match(stripped)
            and any(x.strip() for x in lines[:k])
        ):
            cut = k
            break
    if cut is None:
        # a lone mobile line with nothing after it is still a signature, but keep at least something
        return lines, []
    return lines[:cut], lines[cut:]


_BANNER_RE = re.compile(
    r"^[ \t*\[]*(?:caution|warning|external|attention|notice|achtung|attention|precaución|atención|let op|attenzione)"
    r"\b.{0,40}(?:external|outside|extern|extérieur|externe|externo|esterno|buiten)|"
    r"^[ \t*\[]*\[?external\]?\s*(?:e-?mail|sender|message)?\s*[:\]]|"
    r"this (?:e-?mail|message) (?:originated|came|was sent) from outside|"
    r"do not click (?:on )?links or open attachments|"
    r"diese (?:e-?mail|nachricht) stammt von (?:einem )?(?:externen|außerhalb)|"
    r"ce (?:message|courriel|e-?mail) provient (?:de l'extérieur|d'un expéditeur externe)|"
    r"este (?:correo|mensaje) (?:se originó|procede|proviene) (?:fuera|de un remitente externo)",
    re.IGNORECASE,
)


def _strip_banner(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split off an "external sender" warning that mail gateways put above the customer's text."""
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is None or first > 2:
        return [], lines
    end = first
    while end < len(lines) and lines[end].strip() and end - first < 6:
        end += 1
    paragraph = " ".join(line.strip() for line in lines[first:end])
    if len(paragraph) > 600 or not _BANNER_RE.search(paragraph):
        return [], lines
    rest = lines[end:]
    if not any(line.strip() for line in rest):
        return [], lines  # the banner is all there is: keep it rather than nothing
    return lines[first:end], rest


def _trim(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    text = text.strip("\n")
    # trailing separator rules that introduced the quote
    text = re.sub(r"(?:\n[ \t]*(?:_{3,}|-{3,}|—{2,}|={3,}|\*{3,}|~{3,})[ \t]*)+\s*$", "", text)
    return text.strip()


# ----------------------------------------------------------------------------- split


def split_reply(text: str) -> ReplySplit:
    """Split ``text`` into the customer's reply, the quoted history and the signature.

    Never raises; see the module docstring for the rules and their order.
    """
    try:
        return _split(text)
    except Exception:  # noqa: BLE001 - fail open: the whole text is the reply
        safe = text if isinstance(text, str) else ""
        return ReplySplit(reply=safe.strip(), quoted="", signature="", cut_rule="error")


def _split(text: str) -> ReplySplit:
    if not text or not text.strip():
        return ReplySplit(reply="", quoted="", signature="")
    original = text
    text = text[:MAX_CHARS].replace("\r\n", "\n").replace("\r", "\n").replace("\u200b", "")
    if not text.strip():  # only invisible characters: give them back rather than nothing
        return ReplySplit(reply=original[:MAX_CHARS].strip(), quoted="", signature="", cut_rule="invisible_only")
    orig = text.split("\n")
    # French typography puts a no-break space before colons ("De\xa0:"): detect on a
    # normalised copy, return the customer's characters untouched
    lines = [line.replace("\xa0", " ").replace("\u202f", " ") for line in orig]

    own: list[str] = []
    quoted: list[str] = []
    cut_rule: str | None = None
    contexts: list[tuple[int, list[str]]] = []  # (index in own, quoted lines just above it)
    recent_quote: list[str] = []
    seen_quote_after_text = False
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if not _is_quoted(line):
            if _REPLY_ABOVE_RE.search(line) and len(line) < 160:
                if any(x.strip() for x in own):
                    quoted.extend(orig[i:])
                    cut_rule = "reply_above_marker"
                    break
                quoted.append(orig[i])  # a helpdesk's marker at the top: what follows is its text
                i += 1
                continue
            if i >= _MAX_SCAN_LINES:
                own.extend(orig[i:])
                break
            rule = _hard_cut_at(lines, i)
            if rule is None:
                span = _attribution_at(lines, i)
                if span:
                    nxt = _next_nonblank(lines, i + span, 4)
                    if nxt is not None and _is_quoted(lines[nxt]):
                        quoted.extend(orig[i:i + span])
                        cut_rule = cut_rule or "attribution"
                        i += span
                        continue
                    if not any(x.strip() for x in own):
                        # "On ... wrote:" with nothing above and plain text below: the text
                        # below is what this person wrote (bottom-posting without ">")
                        quoted.extend(orig[i:i + span])
                        cut_rule = cut_rule or "attribution_at_top"
                        i += span
                        continue
                    rule = "attribution_unquoted"
            if rule is not None:
                quoted.extend(orig[i:])
                cut_rule = rule
                break
            if _is_wrapped_quote_tail(lines, i):
                quoted.append(orig[i])
                i += 1
                continue
            own.append(orig[i])
            if line.strip() and recent_quote:
                contexts.append((len(own) - 1, recent_quote[-3:]))
                recent_quote = []
        else:
            quoted.append(orig[i])
            cut_rule = cut_rule or "quote_marker"
            if line.strip(" \t>"):
                recent_quote.append(line.strip())
            if any(x.strip() for x in own):
                seen_quote_after_text = True
        i += 1

    banner, own_text = _strip_banner(own)
    body, signature = _strip_signature(own_text)
    if banner:
        signature = [*banner, *([""] if signature else []), *signature]
    reply = _trim(body)
    if not reply:
        reply = _trim(own)  # the text was only a signature line: keep it rather than nothing
    if not reply:
        # everything looked quoted (a bare forward, a quote with no comment): the unquoted
        # lines, else the whole text, rather than nothing
        reply = _trim([x for x in orig if not _is_quoted(x)]) or text.strip()
        cut_rule = "fallback_all_quoted"
    inline = bool(contexts) and (seen_quote_after_text or len(contexts) > 1) and cut_rule != "fallback_all_quoted"
    with_context = reply
    if inline:
        keep = len(body)
        by_index = dict(contexts)
        merged: list[str] = []
        for k, line in enumerate(own[:keep]):
            if k in by_index:
                if merged and merged[-1].strip():
                    merged.append("")
                merged.extend(by_index[k])
            merged.append(line)
        with_context = _trim(merged) or reply
    return ReplySplit(
        reply=reply,
        quoted="\n".join(quoted).strip(),
        signature=_trim(signature),
        cut_rule=cut_rule,
        inline=inline,
        reply_with_context=with_context,
    )
