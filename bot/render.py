"""Writing emails: Jinja2 templates -> subject, text, HTML, PDFs -> serialised MIME bytes.

Contract (see ``bot.render_api`` for the data exchanged with the scheduler):

* :func:`render_step` renders one campaign email from a :class:`StepRenderContext` and
  never touches the database; it raises :class:`RenderError` (one line, naming the
  template file and line) when a template is broken;
* templates are user-editable, so they run in an ``ImmutableSandboxedEnvironment`` with
  HTML autoescaping and ``StrictUndefined`` (a typo is an error, never an empty string);
* the template language is the customer's, else the company's, else English (the first
  of those for which ``<lang>/<template>.subject.j2`` exists); ``config.templates_dir``
  overrides any shipped file by giving a file of the same relative path;
* one :class:`Renderer` per configuration compiles each template once and keeps a small
  cache of generated invoice PDFs keyed by what is printed on them.

The template variables are documented in ``docs/templates.md``.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import format_datetime, formataddr
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import css_inline
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.dates import format_datetime as babel_format_datetime
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    pass_context,
)
from jinja2.environment import TemplateModule
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot.config import Config
from bot.money import Money, display, to_decimal
from bot.render_api import (
    HEADER_TOKEN,
    InvoiceInfo,
    PaymentInfo,
    RenderedEmail,
    StepRenderContext,
)

PDF = "application/pdf"
FALLBACK_LANGUAGE = "en"
# Parts of one template, by file suffix: <lang>/<template>.<part>.j2
PARTS = ("subject", "html", "txt")





class RenderError(Exception):
    """A template could not be rendered; the message is one line, ``path:line: problem``."""


def shipped_templates_dir() -> Path:
    """The directory of the templates shipped with arbot (the ``templates`` package)."""
    return Path(str(resources.files("templates")))


def user_templates_dir(config: Config) -> Path | None:
    if not config.templates_dir:
        return None
    p = Path(config.templates_dir)
    return p if p.is_absolute() else (config.source_dir / p)


# ---------------------------------------------------------------------------
# What templates see: small read-only views (no ORM rows, no config internals)
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompanyView:
    name: str
    ar_address: str
    address: str | None
    phone: str | None
    website: str | None
    logo_url: str | None
    brand_color: str
    bank_details: str | None
    language: str
    timezone: str


@dataclass(frozen=True, slots=True)
class CustomerView:
    id: str                  # the ledger's own id (external id)
    name: str
    language: str
    timezone: str
    currency: str | None


@dataclass(frozen=True, slots=True)
class ContactView:
    email: str
    name: str | None
    role: str | None


@dataclass(frozen=True, slots=True)
class InvoiceView:
    number: str
    issue_date: dt.date
    due_date: dt.date
    days_overdue: int
    po_number: str | None
    total: Money
    balance: Money
    currency: str
    disputed: bool


@dataclass(frozen=True, slots=True)
class PaymentView:
    date: dt.date
    amount: Money
    reference: str | None


@dataclass(frozen=True, slots=True)
class StepView:
    name: str
    index: int
    offset_days: int
    template: str
    escalate: bool


@dataclass(frozen=True, slots=True)
class SenderView:
    name: str
    email: str
    reply_to: str


@dataclass(frozen=True, slots=True)
class AlertView:
    kind: str
    summary: str


_VIEW_TYPES: frozenset[type] = frozenset({CompanyView, CustomerView, ContactView, InvoiceView, PaymentView, StepView,
                         SenderView, AlertView, Money, TemplateModule})


@dataclass(frozen=True, slots=True)
class MessageOptions:
    """What a non-campaign email (copy answer, staff alert, receipt) adds to a context.

    ``template`` replaces ``ctx.step.template``; ``language`` forces a language (staff
    alerts use the company's); ``to`` replaces the contacts as recipients; ``attach``
    replaces ``ctx.step.attach``; ``in_reply_to``/``references`` thread an answer.
    """

    template: str
    language: str | None = None
    to: tuple[str, ...] | None = None
    attach: tuple[str, ...] | None = None
    alert: AlertView | None = None
    payment: PaymentView | None = None
    in_reply_to: str | None = None
    references: str | None = None
    auto_submitted: str = "auto-generated"   # "auto-replied" for answers to a customer's mail


# ---------------------------------------------------------------------------
# Locale-aware formatting (cached: the same dates and amounts recur across customers)
# ---------------------------------------------------------------------------


@lru_cache(maxsize=256)
def babel_locale(language: str) -> str:
    """A babel locale identifier for a language tag (``fr-CA`` -> ``fr_CA``); ``en`` if unknown."""
    tag = (language or FALLBACK_LANGUAGE).replace("-", "_")
    try:
        return str(Locale.parse(tag))
    except (UnknownLocaleError, ValueError, TypeError):
        try:
            return str(Locale.parse(tag.split("_")[0]))
        except (UnknownLocaleError, ValueError, TypeError):
            return FALLBACK_LANGUAGE


@lru_cache(maxsize=1024)
def _currency_pattern(locale: str) -> tuple[Locale, Any]:
    loc = Locale.parse(locale)
    return loc, loc.currency_formats["standard"]


@lru_cache(maxsize=65536)
def format_money(minor: int, currency: str, locale: str) -> str:
    """Same text as :func:`bot.money.display`, about twice as fast (the locale and its
    currency pattern are parsed once, not per amount)."""
    try:
        loc, pattern = _currency_pattern(locale)
        return str(pattern.apply(to_decimal(minor, currency), loc, currency=currency, currency_digits=True,
                                 decimal_quantization=True, group_separator=True))
    except Exception:  # noqa: BLE001 - unknown locale or currency: display() has the fallback
        return display(minor, currency, locale)


@lru_cache(maxsize=16384)
def format_day(value: dt.date, fmt: str, locale: str) -> str:
    return str(format_date(value, format=fmt, locale=locale))


def _money_filter_impl(value: Any, currency: str | None, locale: str) -> str:
    if isinstance(value, Money):
        return format_money(value.minor, value.currency, locale)
    if isinstance(value, int) and not isinstance(value, bool) and currency:
        return format_money(value, currency, locale)
    if isinstance(value, (list, tuple)) and all(isinstance(v, Money) for v in value):
        return ", ".join(format_money(v.minor, v.currency, locale) for v in value)
    raise TypeError(f"money filter: expected a Money, a list of Money, or minor units with a currency, "
                    f"got {type(value).__name__}")


@pass_context
def _money_filter(context: Context, value: Any, currency: str | None = None) -> str:
    """``{{ invoice.balance|money }}``, ``{{ totals|money }}``, ``{{ 12345|money("EUR") }}``."""
    return _money_filter_impl(value, currency, context.get("locale", FALLBACK_LANGUAGE))


@pass_context
def _date_filter(context: Context, value: Any, fmt: str = "medium") -> str:
    """``{{ invoice.due_date|date }}`` (``short``, ``medium``, ``long``, ``full`` or a CLDR pattern).

    Datetimes are shown in the customer's time zone.
    """
    locale = context.get("locale", FALLBACK_LANGUAGE)
    if isinstance(value, dt.datetime):
        tz = context.get("tz")
        local = value.astimezone(tz) if tz is not None and value.tzinfo else value
        return str(babel_format_datetime(local, format=fmt, locale=locale))
    if isinstance(value, dt.date):
        return format_day(value, fmt, locale)
    raise TypeError(f"date filter: expected a date or datetime, got {type(value).__name__}")


def _autoescape(name: str | None) -> bool:
    return bool(name) and str(name).endswith(".html.j2")


class ArbotSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with a fast path for arbot's own read-only view objects.

    The sandbox checks every ``a.b`` (about 3 us each, over a hundred per email: the
    largest part of the rendering cost). The view dataclasses below are frozen, slotted
    and have only plain data attributes (no public methods), and template modules
    expose only the variables a template exported, so their public attributes are read
    directly; everything else, and every ``_``-name, still goes through the sandbox.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) in _VIEW_TYPES and not attribute.startswith("_"):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        return super().getattr(obj, attribute)


def build_environment(config: Config) -> ImmutableSandboxedEnvironment:
    """The sandboxed Jinja2 environment: user templates first, then the shipped ones."""
    loaders: list[BaseLoader] = []
    user = user_templates_dir(config)
    if user is not None:
        loaders.append(FileSystemLoader(str(user)))
    loaders.append(FileSystemLoader(str(shipped_templates_dir())))
    env = ArbotSandbox(
        loader=ChoiceLoader(loaders),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,      # compiled once per Renderer; a daemon restart picks up edits
        cache_size=-1,          # never evict: the set of templates is small and fixed
    )
    env.filters["money"] = _money_filter
    env.filters["date"] = _date_filter
    return env


def language_chain(*languages: str | None) -> tuple[str, ...]:
    """Template directories to try, in order: ``fr-CA`` -> ``fr-ca``, ``fr``; then the next; then en."""
    out: list[str] = []
    for lang in (*languages, FALLBACK_LANGUAGE):
        if not lang:
            continue
        tag = lang.strip().lower().replace("_", "-")
        for candidate in (tag, tag.split("-")[0]):
            if candidate and candidate not in out:
                out.append(candidate)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class TemplateSet:
    """The compiled parts of one template in one language."""

    language: str
    subject: Template
    html: Template
    txt: Template
    strings: Template


# ---------------------------------------------------------------------------
# Template errors -> one line with file and line
# ---------------------------------------------------------------------------


def template_error_line(exc: BaseException, env: ImmutableSandboxedEnvironment | None = None,
                        fallback: str = "") -> str:
    """``path:line: message`` for a Jinja error (syntax errors carry the line; runtime
    errors are located from the traceback frames of the compiled template)."""
    if isinstance(exc, TemplateSyntaxError):
        source = exc.filename or exc.name or fallback
        return f"{source}:{exc.lineno}: {exc.message}"
    where, line = _template_frame(exc)
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, SecurityError):
        msg = f"{msg.rstrip('.')} (blocked by the template sandbox)"
    if isinstance(exc, TemplateNotFound):
        msg = f"template not found: {exc.name}"
    return f"{where or fallback}:{line or 0}: {msg}"


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line in ``exc``'s traceback (Jinja rewrites the
    traceback so template frames carry the template's filename and line)."""
    tb = exc.__traceback__
    found: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        code = tb.tb_frame.f_code
        filename = code.co_filename
        if filename.endswith(".j2") or code.co_name in ("top-level template code", "template") or "block" in code.co_name and filename.endswith(".j2"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


# ---------------------------------------------------------------------------
# The renderer
# ---------------------------------------------------------------------------


@dataclass
class RenderTimings:
    """Cumulative seconds per phase (for benchmarks); not thread-safe, advisory."""

    calls: int = 0
    pdf_cache_hits: int = 0
    pdf_generated: int = 0


class Renderer:
    """Renders emails for one configuration. Create once, reuse for every message."""

    def __init__(self, config: Config, *, pdf_cache_size: int = 2048) -> None:
        self.config = config
        self.env = build_environment(config)
        self._sets: dict[tuple[str, tuple[str, ...]], TemplateSet] = {}
        self._inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
        self._company = _company_view(config)
        self._pdf_cache: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._pdf_cache_size = pdf_cache_size
        self._lock = threading.Lock()
        self.stats = RenderTimings()
        self._pdf_folder = _resolve_dir(config.imports.pdf_folder, config.source_dir)

    # -- templates -------------------------------------------------------------
    def template_set(self, template: str, languages: Sequence[str]) -> TemplateSet:
        """The compiled parts of ``template`` in the first language that has it."""
        key = (template, tuple(languages))
        cached = self._sets.get(key)
        if cached is not None:
            return cached
        for lang in languages:
            try:
                subject = self.env.get_template(f"{lang}/{template}.subject.j2")
            except TemplateNotFound:
                continue
            except TemplateSyntaxError as exc:
                raise RenderError(template_error_line(exc)) from exc
            try:
                html = self.env.get_template(f"{lang}/{template}.html.j2")
                txt = self.env.get_template(f"{lang}/{template}.txt.j2")
                strings = self.env.select_template([f"{la}/_strings.j2" for la in (lang, *languages)])
            except TemplateSyntaxError as exc:
                raise RenderError(template_error_line(exc)) from exc
            except TemplateNotFound as exc:
                raise RenderError(f"{lang}/{template}: missing part: {exc.message}") from exc
            found = TemplateSet(lang, subject, html, txt, strings)
            self._sets[key] = found
            return found
        raise RenderError(f"template {template!r}: no {template}.subject.j2 in any of the languages "
                          f"{', '.join(languages)} (shipped or in templates_dir)")

    # -- public entry points ---------------------------------------------------
    def render_step(self, ctx: StepRenderContext) -> RenderedEmail:
        """The campaign email for ``ctx`` (template ``ctx.step.template``)."""
        return self.render_message(ctx, MessageOptions(template=ctx.step.template))

    def render_message(self, ctx: StepRenderContext, options: MessageOptions) -> RenderedEmail:
        """Any email from a context: campaign step, copy answer, staff alert, receipt."""
        self.stats.calls += 1
        languages = language_chain(options.language or ctx.customer.language, self.config.company.language)
        tset = self.template_set(options.template, languages)
        variables = self.variables(ctx, tset, options)
        subject, text, html = self.render_parts(tset, variables)
        attach = options.attach if options.attach is not None else tuple(ctx.step.attach)
        files = self.attachments(ctx, attach, variables["locale"])
        raw = build_mime(
            ctx,
            subject=subject,
            text=text,
            html=html,
            files=files,
            to=options.to if options.to is not None else ctx.to,
            language=tset.language,
            in_reply_to=options.in_reply_to,
            references=options.references,
            auto_submitted=options.auto_submitted,
        )
        return RenderedEmail(subject=subject, text=text, html=html, raw=raw,
                             attachments=[(name, ctype) for name, ctype, _ in files])

    def render_parts(self, tset: TemplateSet, variables: dict[str, Any]) -> tuple[str, str, str]:
        """Subject (one line), text and inlined HTML; template errors -> RenderError."""
        try:
            subject = _WS.sub(" ", tset.subject.render(variables)).strip(" ")
            variables["subject"] = subject
            text = tset.txt.render(variables).strip() + "\n"
            html = tset.html.render(variables)
        except TemplateError as exc:
            raise RenderError(template_error_line(exc, self.env)) from exc
        except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
            raise RenderError(template_error_line(exc, self.env)) from exc
        if not subject:
            raise RenderError(f"{tset.subject.filename or tset.subject.name}:1: the subject is empty")
        return subject, text, self._inliner.inline(html)

    def variables(self, ctx: StepRenderContext, tset: TemplateSet,
                  options: MessageOptions | None = None) -> dict[str, Any]:
        """The documented template variables for ``ctx`` (see docs/templates.md)."""
        cfg = self.config
        customer_lang = ctx.customer.language or cfg.company.language
        # Format numbers and dates in the customer's own locale when the template is in
        # their language (fr-CA customer, fr template -> fr_CA), else in the template's.
        same = customer_lang.lower().replace("_", "-").split("-")[0] == tset.language.split("-")[0]
        locale = babel_locale(customer_lang if same else tset.language)
        tz = ZoneInfo(ctx.customer.timezone or cfg.company.timezone)
        invoices = [_invoice_view(i) for i in ctx.invoices]
        contacts = [ContactView(c.email, c.name, c.role) for c in ctx.contacts]
        return {
            "lang": tset.language,
            "locale": locale,
            "tz": tz,
            "strings": tset.strings,
            "company": self._company,
            "customer": CustomerView(ctx.customer.external_id, ctx.customer.name, customer_lang,
                                     str(tz), ctx.customer.currency),
            "contact": contacts[0] if contacts else ContactView("", None, None),
            "contacts": contacts,
            "invoices": invoices,
            "oldest": invoices[0] if invoices else None,
            "totals": [Money(v, c) for c, v in sorted(ctx.totals.items())],
            "days_overdue": max((i.days_overdue for i in ctx.invoices), default=0),
            "payment_link": ctx.payment_link_url,
            "step": StepView(ctx.step.name, ctx.step_index, ctx.step.offset_days, ctx.step.template,
                             ctx.step.escalate),
            "campaign": ctx.campaign,
            "cycle": ctx.cycle,
            "sender": SenderView(cfg.company.name, ctx.from_address, ctx.reply_to),
            "now": ctx.now.astimezone(tz),
            "statement_items": [_invoice_view(i) for i in ctx.statement_items],
            "recent_payments": [_payment_view(p) for p in ctx.recent_payments],
            "alert": options.alert if options else None,
            "payment": options.payment if options else None,
            "subject": "",
        }

    # -- attachments -----------------------------------------------------------
    def attachments(self, ctx: StepRenderContext, attach: Iterable[str],
                    locale: str) -> list[tuple[str, str, bytes]]:
        from bot import pdf

        files: list[tuple[str, str, bytes]] = []
        for kind in attach:
            if kind == "invoice_pdfs":
                for inv in ctx.invoices:
                    files.append((f"{safe_filename(inv.number)}.pdf", PDF, self.invoice_pdf(ctx, inv, locale)))
            elif kind == "statement_pdf":
                data = pdf.statement_pdf(
                    self.config, ctx.customer, ctx.statement_items or ctx.invoices, ctx.recent_payments,
                    now=ctx.now, locale=locale,
                )
                day = ctx.now.astimezone(ZoneInfo(ctx.timezone)).date().isoformat()
                files.append((f"statement-{safe_filename(ctx.customer.external_id)}-{day}.pdf", PDF, data))
            else:
                raise RenderError(f"step {ctx.step.name}: unknown attachment kind {kind!r}")
        return files

    def erp_pdf_path(self, invoice: InvoiceInfo) -> Path | None:
        """The ERP's own PDF for ``invoice`` if the ledger names one or the PDF folder has one."""
        if invoice.pdf_path:
            p = Path(invoice.pdf_path)
            if not p.is_absolute():
                p = (self._pdf_folder or self.config.source_dir) / p
            if p.is_file():
                return p
        if self._pdf_folder is not None:
            p = self._pdf_folder / f"{safe_filename(invoice.number)}.pdf"
            if p.is_file():
                return p
        return None

    def invoice_pdf(self, ctx: StepRenderContext, invoice: InvoiceInfo, locale: str) -> bytes:
        """The ERP's PDF when there is one, else a generated one (cached by content)."""
        from bot import pdf

        erp = self.erp_pdf_path(invoice)
        if erp is not None:
            return erp.read_bytes()
        key = (invoice.number, invoice.issue_date, invoice.due_date, invoice.total_minor,
               invoice.balance_minor, invoice.currency, invoice.po_number, ctx.customer.external_id,
               ctx.customer.name, locale)
        with self._lock:
            hit = self._pdf_cache.get(key)
            if hit is not None:
                self._pdf_cache.move_to_end(key)
                self.stats.pdf_cache_hits += 1
                return hit
        data = pdf.invoice_pdf(self.config, ctx.customer, invoice, locale=locale)
        with self._lock:
            self.stats.pdf_generated += 1
            self._pdf_cache[key] = data
            while len(self._pdf_cache) > self._pdf_cache_size:
                self._pdf_cache.popitem(last=False)
        return data


# ---------------------------------------------------------------------------
# MIME
# ---------------------------------------------------------------------------


def encoded_words(value: str) -> str:
    """``value`` as a header value: as is when ASCII, else RFC 2047 base64 encoded-words
    (each at most 64 characters, cut at UTF-8 character boundaries) folded with CRLF SP.

    Done by hand because ``email.header.Header`` costs about as much as the rest of the
    message put together (it measures Q and B encodings character by character).
    """
    if value.isascii():
        return value
    data = value.encode("utf-8")
    words = []
    start = 0
    while start < len(data):
        end = min(start + 39, len(data))           # 39 bytes -> 52 base64 chars + 12 = 64
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1                               # never split a multi-byte character
        words.append(f"=?utf-8?b?{base64.b64encode(data[start:end]).decode('ascii')}?=")
        start = end
    return "\r\n ".join(words)


@lru_cache(maxsize=64)
def _address(name: str | None, addr: str) -> str:
    if not name:
        return addr
    if name.isascii():
        return formataddr((name, addr))
    return f"{encoded_words(name)}\r\n <{addr}>"


def _boundary() -> str:
    # "=_" can occur in neither base64 nor quoted-printable text: no collision scan needed
    # (the stdlib's scan compiles a regular expression per message).
    return f"=_arbot_{uuid.uuid4().hex}"


def _b64(data: bytes) -> bytes:
    """Base64 in 76-character CRLF lines (C code: ``encodebytes`` then one replace)."""
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def _header_line(name: str, value: str) -> bytes:
    return f"{name}: {value}\r\n".encode()


def _address_list(addresses: Sequence[str]) -> str:
    """Addresses joined by ", ", folded one per line when the line would be long."""
    for a in addresses:
        if "\r" in a or "\n" in a or "," in a:
            raise RenderError(f"not a single email address: {a!r}")
    joined = ", ".join(addresses)
    return joined if len(joined) < 70 else ",\r\n ".join(addresses)


def _leaf(content_type: bytes, payload: bytes, disposition: bytes = b"") -> bytes:
    return (b"Content-Type: " + content_type + b"\r\nContent-Transfer-Encoding: base64\r\n" + disposition
            + b"\r\n" + _b64(payload))


def _multipart(subtype: bytes, parts: Sequence[bytes]) -> bytes:
    boundary = _boundary().encode()
    out = [b'Content-Type: multipart/' + subtype + b'; boundary="' + boundary + b'"\r\n\r\n']
    for part in parts:
        out.append(b"--" + boundary + b"\r\n" + part + b"\r\n")
    out.append(b"--" + boundary + b"--\r\n")
    return b"".join(out)


def build_mime(ctx: StepRenderContext, *, subject: str, text: str, html: str | None,
               files: Sequence[tuple[str, str, bytes]], to: Sequence[str], language: str,
               in_reply_to: str | None = None, references: str | None = None,
               auto_submitted: str = "auto-generated") -> bytes:
    """multipart/mixed [multipart/alternative [text/plain, text/html], files...] as CRLF bytes.

    Serialised directly rather than through ``email.generator``: with PDFs attached,
    the generator's line-by-line writing cost several milliseconds per message, more than
    everything else together. The structure is the textbook one (and is parsed back by
    the stdlib parser in the tests): UTF-8 bodies and attachments in base64, random
    ``=_arbot_...`` boundaries ("=_" occurs in no base64 text), RFC 2047 encoded-words for
    non-ASCII headers, CRLF line endings: the SMTP ``DATA`` form.
    """
    body = _leaf(b'text/plain; charset="utf-8"', text.encode("utf-8"))
    if html is not None:
        body = _multipart(b"alternative", [body, _leaf(b'text/html; charset="utf-8"', html.encode("utf-8"))])
    if files:
        parts = [body]
        for filename, ctype, data in files:
            name = safe_filename(filename.rsplit(".", 1)[0]) + ("." + filename.rsplit(".", 1)[1]
                                                                  if "." in filename else "")
            parts.append(_leaf(ctype.encode("ascii"), data,
                               b'Content-Disposition: attachment; filename="' + name.encode("ascii") + b'"\r\n'))
        body = _multipart(b"mixed", parts)
    company = ctx.config.company
    head = [
        _header_line("From", _address(company.name, ctx.from_address)),
        _header_line("To", _address_list(to)),
    ]
    if ctx.cc:
        head.append(_header_line("Cc", _address_list(ctx.cc)))
    head += [
        _header_line("Reply-To", ctx.reply_to),
        _header_line("Subject", encoded_words(subject)),
        _header_line("Date", format_datetime(ctx.now.astimezone(company.tz))),
        _header_line("Message-ID", ctx.message_id),
    ]
    if in_reply_to:
        head.append(_header_line("In-Reply-To", in_reply_to))
        head.append(_header_line("References", references or in_reply_to))
    head += [
        _header_line("Auto-Submitted", auto_submitted),
        _header_line("X-Auto-Response-Suppress", "OOF, AutoReply"),
        _header_line(HEADER_TOKEN, ctx.reply_token),
        _header_line("Content-Language", language),
        b"MIME-Version: 1.0\r\n",
    ]
    return b"".join(head) + body


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WS = re.compile(r"[ \t\r\n]+")   # not str.split(): keep the no-break spaces of money and dates


def safe_filename(name: str) -> str:
    """An attachment file name from an invoice number or id (no path separators)."""
    return _UNSAFE.sub("_", name).strip("._") or "document"


def _resolve_dir(path: str | None, base: Path) -> Path | None:
    if not path:
        return None
    p = Path(path)
    return p if p.is_absolute() else base / p


def _company_view(config: Config) -> CompanyView:
    c = config.company
    return CompanyView(c.name, c.ar_address, c.address, c.phone, c.website, c.logo_url, c.brand_color,
                       c.bank_details, c.language, c.timezone)


def _invoice_view(i: InvoiceInfo) -> InvoiceView:
    return InvoiceView(i.number, i.issue_date, i.due_date, i.days_overdue, i.po_number,
                       Money(i.total_minor, i.currency), Money(i.balance_minor, i.currency), i.currency,
                       i.disputed)


def _payment_view(p: PaymentInfo) -> PaymentView:
    return PaymentView(p.date, Money(p.amount_minor, p.currency), p.reference)


_RENDERERS: dict[int, tuple[Config, Renderer]] = {}
_RENDERERS_LOCK = threading.Lock()


def renderer_for(config: Config) -> Renderer:
    """The cached :class:`Renderer` of this configuration object (compiled templates, PDF cache)."""
    hit = _RENDERERS.get(id(config))
    if hit is not None and hit[0] is config:
        return hit[1]
    with _RENDERERS_LOCK:
        renderer = Renderer(config)
        if len(_RENDERERS) >= 8:     # configs are few; keep the newest handful
            _RENDERERS.pop(next(iter(_RENDERERS)))
        _RENDERERS[id(config)] = (config, renderer)
        return renderer


def render_step(ctx: StepRenderContext) -> RenderedEmail:
    """Render the campaign email for ``ctx`` (the ``bot.render_api.RenderStep`` contract)."""
    return renderer_for(ctx.config).render_step(ctx)


def render_message(ctx: StepRenderContext, options: MessageOptions) -> RenderedEmail:
    """Render a non-campaign email (``copy``, ``alert``, ``receipt``) from a context."""
    return renderer_for(ctx.config).render_message(ctx, options)


__all__ = [
    "AlertView", "MessageOptions", "PaymentView", "RenderError", "Renderer", "build_environment",
    "build_mime", "language_chain", "render_message", "render_step", "renderer_for", "safe_filename",
    "shipped_templates_dir", "template_error_line",
]
