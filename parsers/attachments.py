"""Text from remittance attachments (CSV/TSV/plain text, PDF, XLSX), for references and amounts.

Contract: :func:`attachment_text` and :func:`remittance_texts` are pure, never raise and are
bounded: at most ``MAX_PDF_PAGES`` pages, ``MAX_ROWS`` rows and ``MAX_CHARS`` characters per
attachment, and attachments larger than ``MAX_INPUT_BYTES`` are skipped with a defect. A
PDF that pypdf cannot read yields no text and the defect ``pdf_unreadable``.

Rows of tables are rendered one per line with cells joined by `` | ``, so that readers of
invoice references and amounts see each remittance line on its own.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from dataclasses import dataclass

from parsers.mime import AttachmentInfo, DecodedMessage, decode_bytes

MAX_CHARS = 20_000
MAX_ROWS = 500
MAX_PDF_PAGES = 10
MAX_INPUT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 10


@dataclass(frozen=True, slots=True)
class AttachmentText:
    """The readable text of one attachment (possibly empty), with what went wrong."""

    filename: str | None
    content_type: str
    kind: str  # "csv", "text", "pdf", "xlsx"
    text: str
    defects: tuple[str, ...] = ()


def _kind(att: AttachmentInfo) -> str | None:
    name = (att.filename or "").lower()
    ctype = att.content_type.lower()
    if name.endswith(".pdf") or ctype == "application/pdf":
        return "pdf"
    if name.endswith((".csv", ".tsv")) or ctype in ("text/csv", "text/tab-separated-values",
                                                     "application/csv", "text/comma-separated-values"):
        return "csv"
    if name.endswith(".xlsx") or ctype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        return "xlsx"
    if name.endswith((".txt",)) or ctype == "text/plain":
        return "text"
    if ctype == "application/octet-stream" and att.data[:5] == b"%PDF-":
        return "pdf"
    return None


def _csv_text(data: bytes) -> str:
    text = decode_bytes(data[: MAX_CHARS * 4], "utf-8-sig")
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    lines = []
    try:
        for n, row in enumerate(csv.reader(io.StringIO(text), dialect)):
            if n >= MAX_ROWS:
                break
            cells = [c.strip() for c in row if c.strip()]
            if cells:
                lines.append(" | ".join(cells))
    except csv.Error:
        return text[:MAX_CHARS]
    return "\n".join(lines)[:MAX_CHARS]


def _pdf_text(data: bytes) -> tuple[str, tuple[str, ...]]:
    try:
        from pypdf import PdfReader
    except Exception:  # noqa: BLE001 - pragma: no cover - pypdf is a declared dependency
        return "", ("pdf_reader_missing",)
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:  # noqa: BLE001 - fail open
                return "", ("pdf_encrypted",)
        chunks: list[str] = []
        total = 0
        for page in reader.pages[:MAX_PDF_PAGES]:
            chunk = page.extract_text() or ""
            chunks.append(chunk)
            total += len(chunk)
            if total >= MAX_CHARS:
                break
        text = "\n".join(chunks)
        text = re.sub(r"[ \t]+", " ", text)
        return text[:MAX_CHARS].strip(), ()
    except Exception as exc:  # noqa: BLE001 - fail open
        return "", (f"pdf_unreadable:{type(exc).__name__}",)


def _xlsx_text(data: bytes) -> tuple[str, tuple[str, ...]]:
    try:
        # guard against zip bombs before openpyxl inflates anything
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > 50 * MAX_INPUT_BYTES:
                return "", ("xlsx_too_large",)
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        lines: list[str] = []
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is not None:
            for n, row in enumerate(sheet.iter_rows(values_only=True)):
                if n >= MAX_ROWS:
                    break
                cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
                if cells:
                    lines.append(" | ".join(cells))
        workbook.close()
        return "\n".join(lines)[:MAX_CHARS], ()
    except Exception as exc:  # noqa: BLE001 - fail open
        return "", (f"xlsx_unreadable:{type(exc).__name__}",)


def attachment_text(att: AttachmentInfo) -> AttachmentText | None:
    """The text of one attachment, or None when it is not a kind we read. Never raises."""
    try:
        kind = _kind(att)
        if kind is None:
            return None
        if att.size > MAX_INPUT_BYTES or att.truncated:
            return AttachmentText(att.filename, att.content_type, kind, "", ("attachment_too_large",))
        if kind == "pdf":
            text, defects = _pdf_text(att.data)
        elif kind == "xlsx":
            text, defects = _xlsx_text(att.data)
        elif kind == "csv":
            text, defects = _csv_text(att.data), ()
        else:
            text, defects = decode_bytes(att.data[: MAX_CHARS * 4], "utf-8")[:MAX_CHARS], ()
        return AttachmentText(att.filename, att.content_type, kind, text, defects)
    except Exception as exc:  # noqa: BLE001 - fail open
        return AttachmentText(att.filename, att.content_type, "unknown", "", (f"error:{type(exc).__name__}",))


def remittance_texts(msg: DecodedMessage) -> tuple[AttachmentText, ...]:
    """The readable attachments of ``msg`` (at most ``MAX_ATTACHMENTS``), in order."""
    out: list[AttachmentText] = []
    for att in msg.attachments[:MAX_ATTACHMENTS]:
        result = attachment_text(att)
        if result is not None:
            out.append(result)
    return tuple(out)
