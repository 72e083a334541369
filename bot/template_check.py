"""``arbot check`` for templates: render every template against sample data.

Contract: :func:`check_templates` never raises for a template problem; it returns one
line per problem, ``path:line: message`` (the path is the file actually used, the
user's override or the shipped one). It checks:

* every ``*.j2`` file in the user's ``templates_dir`` and the shipped templates compiles;
* every template named by a campaign step, plus the non-campaign templates (``copy``,
  ``alert``, ``receipt``), exists in the fallback language (company language, else
  English) with its three parts (subject, html, txt);
* every such template renders, in every language directory that has it, against
  sample accounts (several invoices in two currencies with a payment link and bank
  details; one invoice without payment link or contact name), with a non-empty subject;
* the PDF attachments the steps ask for can be generated (fonts present).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from bot.config import Config, StepConfig
from bot.money import Money
from bot.render import (
    PARTS,
    AlertView,
    MessageOptions,
    PaymentView,
    Renderer,
    RenderError,
    language_chain,
    shipped_templates_dir,
    template_error_line,
    user_templates_dir,
)
from bot.render_api import (
    ContactInfo,
    CustomerInfo,
    InvoiceInfo,
    PaymentInfo,
    StepRenderContext,
    reply_address,
    totals_by_currency,
)

# Templates that are not campaign steps but are sent by arbot (answers, alerts, receipts).
SERVICE_TEMPLATES = ("copy", "alert", "receipt")
SAMPLE_NOW = dt.datetime(2026, 3, 16, 9, 30, tzinfo=dt.UTC)


def template_roots(config: Config) -> list[Path]:
    """Template directories, highest priority first."""
    roots = []
    user = user_templates_dir(config)
    if user is not None:
        roots.append(user)
    roots.append(shipped_templates_dir())
    return roots


def languages_with(config: Config, template: str) -> list[str]:
    """Language directories (in any root) that have ``<template>.subject.j2`` (or any part)."""
    found: set[str] = set()
    for root in template_roots(config):
        if not root.is_dir():
            continue
        for d in root.iterdir():
            if d.is_dir() and any((d / f"{template}.{part}.j2").is_file() for part in PARTS):
                found.add(d.name)
    return sorted(found)


def _all_template_files(config: Config) -> Iterator[tuple[Path, str]]:
    seen: set[str] = set()
    for root in template_roots(config):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.j2")):
            name = path.relative_to(root).as_posix()
            if name not in seen:
                seen.add(name)
                yield path, name


def sample_contexts(config: Config, step: StepConfig, step_index: int = 0) -> list[StepRenderContext]:
    """Synthetic accounts exercising the templates' branches."""
    cur = config.company.currency
    other = "USD" if cur != "USD" else "EUR"
    today = SAMPLE_NOW.date()

    def inv(number: str, issued_days_ago: int, overdue: int, total: int, balance: int, currency: str,
            po: str | None) -> InvoiceInfo:
        return InvoiceInfo(number=number, issue_date=today - dt.timedelta(days=issued_days_ago),
                           due_date=today - dt.timedelta(days=overdue), total_minor=total,
                           balance_minor=balance, currency=currency, po_number=po, pdf_path=None,
                           days_overdue=overdue)

    many = (inv("SAMPLE-1001", 75, 45, 250000, 180000, cur, "PO-4711"),
            inv("SAMPLE-1002", 40, 10, 99900, 99900, cur, None),
            inv("SAMPLE-1003", 27, -3, 12345, 12345, other, "PO-9"))
    one = (inv("SAMPLE-2001", 31, 1, 5000, 5000, cur, None),)
    customer = CustomerInfo(id=0, external_id="SAMPLE", name="Sample Customer & Co <Ltd>",
                            language=None, timezone=None, currency=cur)
    token = "sampletoken"
    full = StepRenderContext(
        config=config, customer=customer,
        contacts=(ContactInfo("ap@sample.invalid", "Alex Sample", "billing", True),),
        step=step, step_index=step_index, campaign="default", cycle=0, invoices=many,
        totals=totals_by_currency(many), now=SAMPLE_NOW,
        message_id=f"<arbot.sample@{config.company.ar_address.rpartition('@')[2]}>", reply_token=token,
        reply_to=reply_address(config.company.ar_address, token, config.company.plus_addressing),
        from_address=config.from_address, payment_link_url="https://pay.example/sample", cc=tuple(step.cc),
        statement_items=many,
        recent_payments=(PaymentInfo(today - dt.timedelta(days=5), 70000, cur, "REF-1"),),
    )
    minimal = replace(full, contacts=(ContactInfo("ap@sample.invalid", None, None, True),), invoices=one,
                      totals=totals_by_currency(one), statement_items=one, payment_link_url=None, cc=(),
                      recent_payments=())
    return [full, minimal]


def _step_templates(config: Config) -> list[tuple[StepConfig, int, str]]:
    """(step, index, where) for every campaign step, then the service templates."""
    out: list[tuple[StepConfig, int, str]] = []
    for cname, campaign in config.campaigns.items():
        for i, step in enumerate(campaign.steps):
            out.append((step, i, f"campaigns.{cname}.steps[{i}] ({step.name})"))
    for name in SERVICE_TEMPLATES:
        out.append((StepConfig(name=name, offset_days=0, template=name, attach=[]), 0, f"{name} emails"))
    return out


def check_templates(config: Config) -> list[str]:
    """Every problem found, one line each (``path:line: message``); empty when all is well."""
    problems: list[str] = []
    renderer = Renderer(config)
    env = renderer.env

    for path, name in _all_template_files(config):
        try:
            env.get_template(name)
        except TemplateSyntaxError as exc:
            problems.append(f"{path}:{exc.lineno}: {exc.message}")
        except TemplateError as exc:
            problems.append(f"{path}:0: {exc}")

    fallback = config.company.language.lower()
    checked: set[tuple[str, str]] = set()
    pdf_kinds: set[str] = set()
    for step, index, where in _step_templates(config):
        langs = languages_with(config, step.template)
        if not langs and step.template not in SERVICE_TEMPLATES:
            problems.append(f"{config.source_path}:0: {where}: template {step.template!r} not found "
                            f"(no {step.template}.subject.j2 in any language directory)")
            continue
        if step.template not in SERVICE_TEMPLATES and fallback not in langs and "en" not in langs:
            problems.append(f"{config.source_path}:0: {where}: template {step.template!r} has no version in "
                            f"the company language {fallback!r} nor in English (needed as the fallback)")
        pdf_kinds.update(step.attach)
        for lang in langs:
            if (step.template, lang) in checked:
                continue
            checked.add((step.template, lang))
            problems.extend(_check_one(renderer, step, index, lang))
    problems.extend(_check_pdfs(renderer, pdf_kinds))
    return _dedupe(problems)


def _check_one(renderer: Renderer, step: StepConfig, index: int, lang: str) -> list[str]:
    problems: list[str] = []
    try:
        tset = renderer.template_set(step.template, language_chain(lang, renderer.config.company.language))
    except RenderError as exc:
        return [_with_path(renderer, str(exc))]
    if tset.language != lang:
        return problems
    for ctx in sample_contexts(renderer.config, step, index):
        for options in (
            MessageOptions(template=step.template, language=lang,
                           alert=AlertView("escalation", "sample alert summary"),
                           payment=PaymentView(ctx.now.date(), Money(70000, renderer.config.company.currency),
                                               "REF-1")),
            MessageOptions(template=step.template, language=lang),
        ):
            try:
                variables = renderer.variables(ctx, tset, options)
                renderer.render_parts(tset, variables)
            except RenderError as exc:
                problems.append(_with_path(renderer, str(exc)))
            except Exception as exc:  # noqa: BLE001 - a check reports, it does not crash
                problems.append(_with_path(renderer, template_error_line(exc, renderer.env,
                                                                          f"{lang}/{step.template}")))
    return problems


def _check_pdfs(renderer: Renderer, kinds: set[str]) -> list[str]:
    from bot import pdf

    cfg = renderer.config
    if not kinds:
        return []
    ctx = sample_contexts(cfg, StepConfig(name="sample", offset_days=0, template="sample"))[0]
    try:
        if "invoice_pdfs" in kinds:
            pdf.invoice_pdf(cfg, ctx.customer, ctx.invoices[0])
            pdf.invoice_pdf(cfg, CustomerInfo(0, "SAMPLE", "Łódź Øresund Trading", None, None, None),
                            ctx.invoices[0])
        if "statement_pdf" in kinds:
            pdf.statement_pdf(cfg, ctx.customer, ctx.invoices, ctx.recent_payments, now=ctx.now)
    except Exception as exc:  # noqa: BLE001
        return [f"{cfg.source_path}:0: pdf: {type(exc).__name__}: {exc}".splitlines()[0]]
    return []


def _with_path(renderer: Renderer, line: str) -> str:
    """Make ``en/x.html.j2:3: ...`` point at the file actually loaded (user or shipped)."""
    head, sep, rest = line.partition(":")
    if not sep or Path(head).is_absolute():
        return line
    for root in template_roots(renderer.config):
        if (root / head).is_file():
            return f"{root / head}:{rest}"
    return line


def _dedupe(lines: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for line in lines:
        if line not in seen:
            seen.add(line)
            out.append(line)
    return out
