"""parsers.attachments: text from CSV, PDF and XLSX remittance advice, bounded and failing open."""

from __future__ import annotations

import io

from parsers.attachments import MAX_INPUT_BYTES, attachment_text, remittance_texts
from parsers.mime import AttachmentInfo, decode


def _att(name: str, ctype: str, data: bytes) -> AttachmentInfo:
    return AttachmentInfo(name, ctype, len(data), data)


def test_csv_semicolon() -> None:
    result = attachment_text(_att("avis.csv", "text/csv", b"Invoice;Amount\nINV-1;100,00\n"))
    assert result is not None and result.kind == "csv"
    assert result.text == "Invoice | Amount\nINV-1 | 100,00"


def test_pdf_text() -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.drawString(72, 720, "Remittance advice INV-2026-4502 1,250.00 USD")
    pdf.save()
    result = attachment_text(_att("remit.pdf", "application/pdf", buf.getvalue()))
    assert result is not None and "INV-2026-4502" in result.text and not result.defects


def test_xlsx_text() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Invoice", "Paid"])
    ws.append(["INV-7", 42.5])
    buf = io.BytesIO()
    wb.save(buf)
    result = attachment_text(_att("pay.xlsx", "application/octet-stream", buf.getvalue()))
    assert result is not None and "INV-7 | 42.5" in result.text


def test_broken_and_oversized_fail_open() -> None:
    broken = attachment_text(_att("x.pdf", "application/pdf", b"%PDF-1.7 nonsense"))
    assert broken is not None and broken.text == "" and broken.defects
    big = attachment_text(AttachmentInfo("x.pdf", "application/pdf", MAX_INPUT_BYTES + 1, b"%PDF-"))
    assert big is not None and big.defects == ("attachment_too_large",)
    assert attachment_text(_att("photo.jpg", "image/jpeg", b"\xff\xd8")) is None


def test_remittance_texts_from_message() -> None:
    raw = (
        b"From: a@b.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
        b"--m\r\nContent-Type: text/plain\r\n\r\nRemittance attached\r\n"
        b"--m\r\nContent-Type: text/csv; name=r.csv\r\nContent-Disposition: attachment; filename=r.csv\r\n\r\n"
        b"ref,amount\r\nINV-9,10.00\r\n--m--\r\n"
    )
    texts = remittance_texts(decode(raw))
    assert [t.text for t in texts] == ["ref | amount\nINV-9 | 10.00"]
