"""bot.toml: the validated configuration.

Contract:
* the path comes from ``--config``, else ``$ARBOT_CONFIG``, else ``./bot.toml``;
* unknown keys are errors; every error names the file, the line (when it can be found)
  and the key path, on one line: ``bot.toml:12: smtp.port: Input should be a valid integer``;
* secrets are never in the file, only the *name* of an environment variable (``*_env``
  keys); :func:`secret` reads it when first needed and never echoes its value.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_CONFIG_NAME = "bot.toml"


class ConfigError(Exception):
    """A configuration problem, already phrased as one line naming file, line and key."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_tz(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}") from exc
    return value


class CompanyConfig(_Model):
    name: str
    ar_address: str
    timezone: str = "UTC"
    currency: str = "EUR"
    language: str = "en"
    staff: list[str] = Field(default_factory=list)
    escalation: list[str] = Field(default_factory=list)
    website: str | None = None
    address: str | None = None       # postal address printed on PDFs
    phone: str | None = None
    logo_url: str | None = None
    brand_color: str = "#1f4e79"
    bank_details: str | None = None  # printed on statements and answers to "send bank details"
    plus_addressing: bool = True     # Reply-To ar+TOKEN@domain

    _tz = field_validator("timezone")(classmethod(lambda cls, v: _check_tz(v)))

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        from bot.money import MoneyError, check_currency

        try:
            return check_currency(v)
        except MoneyError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator("ar_address")
    @classmethod
    def _address(cls, v: str) -> str:
        if "@" not in v:
            raise ValueError(f"not an email address: {v!r}")
        return v.strip()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class DatabaseConfig(_Model):
    url: str | None = None   # default: sqlite:///arbot.db next to bot.toml
    echo: bool = False


Security = Literal["none", "starttls", "tls"]


class SmtpConfig(_Model):
    host: str = "127.0.0.1"
    port: int = 25
    security: Security = "none"
    username: str | None = None
    password_env: str | None = None
    oauth_token_env: str | None = None
    from_address: str | None = None      # default: company.ar_address
    connections: int = Field(default=4, ge=1, le=256)
    per_domain_per_minute: int = Field(default=120, ge=1)
    timeout_seconds: float = Field(default=30.0, gt=0)
    retry_lifetime_hours: float = Field(default=48.0, gt=0)
    retry_base_seconds: float = Field(default=60.0, gt=0)


class ImapConfig(_Model):
    host: str = "127.0.0.1"
    port: int = 143
    security: Security = "none"
    username: str | None = None
    password_env: str | None = None
    oauth_token_env: str | None = None
    oauth_token_command: str | None = None
    folder: str = "INBOX"
    processed_folder: str | None = "AR/Processed"
    review_folder: str | None = "AR/Needs review"
    idle: bool = True
    poll_seconds: float = Field(default=60.0, gt=0)


class StripeConfig(_Model):
    api_key_env: str | None = None
    webhook_secret_env: str | None = None
    api_base: str | None = None          # a local server in tests
    success_url: str | None = None
    send_receipts: bool = False          # thank-you email (template "receipt") when fully paid

    @property
    def enabled(self) -> bool:
        return bool(self.api_key_env) and bool(os.environ.get(self.api_key_env or ""))


class ImportFileConfig(_Model):
    """Column re-mapping for one import kind: our name -> the ERP's header."""

    columns: dict[str, str] = Field(default_factory=dict)
    date_format: str | None = None       # strftime format; default: common formats, day-first
    day_first: bool = True
    delimiter: str | None = None         # default: sniffed , or ;
    encoding: str | None = None          # default: utf-8 (with or without BOM), else cp1252


class ImportConfig(_Model):
    customers: ImportFileConfig = ImportFileConfig()
    invoices: ImportFileConfig = ImportFileConfig()
    payments: ImportFileConfig = ImportFileConfig()
    pdf_folder: str | None = None        # ERP invoice PDFs named <invoice number>.pdf


Attachment = Literal["invoice_pdfs", "statement_pdf"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WORKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")


class StepConfig(_Model):
    name: str
    offset_days: int
    template: str
    attach: list[Attachment] = Field(default_factory=list)
    payment_link: bool = True
    cc: list[str] = Field(default_factory=list)
    escalate: bool = False


class SendWindow(_Model):
    days: list[Weekday] = Field(default_factory=lambda: list(WORKDAYS))
    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(17, 0)

    @model_validator(mode="after")
    def _order(self) -> SendWindow:
        if self.end <= self.start:
            raise ValueError("send window end must be after start")
        return self


class AppliesTo(_Model):
    default: bool = False
    tags: list[str] = Field(default_factory=list)
    min_balance: Decimal | None = None


class CampaignConfig(_Model):
    steps: list[StepConfig]
    applies_to: AppliesTo = AppliesTo(default=True)
    min_days_between: int = Field(default=3, ge=0)
    send_window: SendWindow = SendWindow()
    holidays: list[dt.date] = Field(default_factory=list)
    min_balance: Decimal = Decimal(0)
    after_last: Literal["stop", "repeat"] = "stop"
    repeat_every_days: int = Field(default=14, ge=1)

    @model_validator(mode="after")
    def _steps(self) -> CampaignConfig:
        if not self.steps:
            raise ValueError("a campaign needs at least one step")
        offsets = [s.offset_days for s in self.steps]
        if offsets != sorted(offsets) or len(set(offsets)) != len(offsets):
            raise ValueError("step offset_days must be strictly increasing")
        names = [s.name for s in self.steps]
        if len(set(names)) != len(names):
            raise ValueError("step names must be unique")
        return self


def default_campaigns() -> dict[str, CampaignConfig]:
    """The shipped default campaign (-3, 0, +3, +10, +20, +30, +45)."""
    steps = [
        StepConfig(name="reminder", offset_days=-3, template="reminder", attach=["invoice_pdfs"]),
        StepConfig(name="due_today", offset_days=0, template="due_today", attach=["invoice_pdfs"]),
        StepConfig(name="polite", offset_days=3, template="polite", attach=["invoice_pdfs"]),
        StepConfig(name="why_delay", offset_days=10, template="why_delay", attach=["statement_pdf"]),
        StepConfig(name="concerned", offset_days=20, template="concerned", attach=["statement_pdf"]),
        StepConfig(name="stern", offset_days=30, template="stern",
                   attach=["statement_pdf", "invoice_pdfs"]),
        StepConfig(name="final_notice", offset_days=45, template="final_notice",
                   attach=["statement_pdf", "invoice_pdfs"], escalate=True),
    ]
    return {"default": CampaignConfig(steps=steps, applies_to=AppliesTo(default=True))}


class ReactionsConfig(_Model):
    """Defaults for what arbot does with each kind of reply (the mailbox daemon issue)."""

    promise_grace_days: int = Field(default=3, ge=0)
    max_promise_days: int = Field(default=90, ge=1)
    reconciliation_business_days: int = Field(default=5, ge=1)
    min_confidence: float = Field(default=0.6, ge=0, le=1)
    auto_answer_copies: bool = True
    copy_answers_per_day: int = Field(default=3, ge=0)


class DigestConfig(_Model):
    enabled: bool = True
    local_time: dt.time = dt.time(8, 0)
    top_accounts: int = Field(default=10, ge=1)


class DaemonConfig(_Model):
    tick_seconds: float = Field(default=300.0, gt=0)
    payment_poll_seconds: float = Field(default=300.0, gt=0)
    stop_timeout_seconds: float = Field(default=10.0, gt=0)


class PdfConfig(_Model):
    font_path: str | None = None   # a TTF for non-Latin-1 text; default: DejaVuSans if found


class Config(_Model):
    company: CompanyConfig
    database: DatabaseConfig = DatabaseConfig()
    smtp: SmtpConfig = SmtpConfig()
    imap: ImapConfig = ImapConfig()
    stripe: StripeConfig = StripeConfig()
    imports: ImportConfig = Field(default=ImportConfig(), alias="import")
    campaigns: dict[str, CampaignConfig] = Field(default_factory=default_campaigns)
    reactions: ReactionsConfig = ReactionsConfig()
    digest: DigestConfig = DigestConfig()
    daemon: DaemonConfig = DaemonConfig()
    pdf: PdfConfig = PdfConfig()
    templates_dir: str | None = None    # user templates overriding the shipped ones

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    # Where the file was loaded from; relative paths (database, templates) resolve against it.
    source_dir: Path = Field(default=Path("."), exclude=True)
    source_path: Path = Field(default=Path(DEFAULT_CONFIG_NAME), exclude=True)

    @model_validator(mode="after")
    def _one_default(self) -> Config:
        defaults = [n for n, c in self.campaigns.items() if c.applies_to.default]
        if len(defaults) > 1:
            raise ValueError(f"more than one default campaign: {', '.join(defaults)}")
        return self

    @property
    def database_url(self) -> str:
        url = self.database.url or "sqlite:///arbot.db"
        return resolve_sqlite_path(url, self.source_dir)

    @property
    def from_address(self) -> str:
        return self.smtp.from_address or self.company.ar_address


def resolve_sqlite_path(url: str, base: Path) -> str:
    """Make a relative ``sqlite:///file.db`` relative to the config file's folder."""
    m = re.match(r"^(sqlite(?:\+\w+)?):///(?!/)(.+)$", url)
    if m and m.group(2) != ":memory:":
        return f"{m.group(1)}:///{(base / m.group(2)).resolve()}"
    return url


def config_path(explicit: str | os.PathLike[str] | None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get("ARBOT_CONFIG")
    return Path(env) if env else Path(DEFAULT_CONFIG_NAME)


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Load and validate bot.toml; raise :class:`ConfigError` with a one-line message."""
    p = config_path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{p}: config file not found (use --config, ARBOT_CONFIG, or `arbot init DIR`)")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read: {exc}") from exc
    return parse_config(text, p)


def parse_config(text: str, path: Path) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    try:
        return Config.model_validate(
            {**data, "source_dir": path.resolve().parent, "source_path": path}
        )
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, text, path)) from None


def format_validation_error(exc: ValidationError, text: str, path: Path) -> str:
    """All problems, one per line, each ``file:line: key.path: message``."""
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        key = _dotted(loc)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling; see the reference bot.toml)"
        if err["type"] == "missing":
            msg = "required key is missing"
        line = find_line(text, loc)
        where = f"{path}:{line}" if line else f"{path}"
        lines.append(f"{where}: {key}: {msg}")
    return "\n".join(lines)


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"\.]+)\s*=")


def find_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line number of a key path in TOML text (1-based), or None."""
    names = [str(p) for p in loc if not isinstance(p, int)]
    indexes = [p for p in loc if isinstance(p, int)]
    if not names:
        return None
    best: int | None = None
    header: list[str] = []
    seen_arrays: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        hm = _HEADER.match(line)
        if hm:
            header = [h.strip().strip('"') for h in hm.group(1).split(".")]
            if line.startswith("[["):
                k = ".".join(header)
                seen_arrays[k] = seen_arrays.get(k, -1) + 1
            if header == names[: len(header)] and best is None and len(header) == len(names):
                best = n
            continue
        km = _KEY.match(line)
        if not km:
            continue
        key = [k.strip('"') for k in km.group(1).split(".")]
        full = header + key
        if full == names or (len(full) < len(names) and full == names[: len(full)]):
            if indexes and line and header:
                k = ".".join(header)
                if k in seen_arrays and seen_arrays[k] != indexes[0]:
                    continue
            return n
    if best is None and len(names) > 1:
        return find_line(text, tuple(names[:-1]))
    return best


def secret(env_name: str | None, what: str) -> str | None:
    """Read a secret from the environment variable named by an ``*_env`` key.

    Returns None when no variable is configured; raises ConfigError (naming the
    variable, never a value) when one is configured but unset.
    """
    if not env_name:
        return None
    value = os.environ.get(env_name)
    if value is None or value == "":
        raise ConfigError(f"environment variable {env_name} ({what}) is not set")
    return value
