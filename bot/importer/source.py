"""Opening an ERP export: encoding, delimiter, CSV or XLSX, header to column mapping.

Contract of :func:`open_table`:
* CSV text is UTF-8 (with or without BOM) when the whole file decodes strictly as UTF-8,
  else Windows-1252 when it decodes strictly as that; anything else (UTF-16, binary, bytes
  undefined in both) is refused with the line of the first bad byte. A configured
  ``encoding`` is used as given, strictly.
* The delimiter is sniffed from the header line (``,``, ``;``, tab or ``|``, the most
  frequent outside quotes) unless configured.
* XLSX is read with openpyxl in read-only (streaming) mode, first sheet; the line number
  of a row is its spreadsheet row number.
* Headers match case-insensitively, ignoring surrounding spaces and treating spaces,
  ``-`` and ``_`` alike (``Due Date`` is ``due_date``). ``columns`` in bot.toml maps our
  name to the file's header.
* Completely empty rows are skipped; a file without a header row, or without any data
  row, is refused.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.importer.problems import ImportRejected, Problem

_CHUNK = 1 << 20
_NORM = re.compile(r"[\s_\-]+")
csv.field_size_limit(1 << 24)


def norm_header(text: object) -> str:
    return _NORM.sub("_", str(text).strip().lower()).strip("_")


@dataclass(frozen=True)
class ColumnSpec:
    """The columns of one import kind: required ones and optional ones (our names)."""

    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def known(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass
class Table:
    """An opened export: where each of our columns is, and its rows as they stream."""

    label: str                          # the file as the user named it, for messages
    columns: dict[str, int]             # our column name -> index in a row
    text_cells: bool                    # CSV: every cell is a str (a faster path)
    rows: Iterator[tuple[int, Sequence[Any]]]   # (line number, cells)
    size: int                           # progress total (bytes for CSV, rows for XLSX)
    position: Callable[[], int] = field(default=lambda: 0)
    close: Callable[[], None] = field(default=lambda: None)

    def has(self, name: str) -> bool:
        return name in self.columns


def open_table(
    path: Path,
    spec: ColumnSpec,
    *,
    column_map: Mapping[str, str] | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    label: str | None = None,
) -> Table:
    """Open ``path`` and map its header to ``spec``; raise :class:`ImportRejected` on a
    bad file or header (missing required column, unknown mapping, empty file, encoding)."""
    label = label or str(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ImportRejected([Problem(label, 0, "file", f"cannot read: {exc.strerror or exc}")]) from None
    column_map = dict(column_map or {})
    unknown = sorted(set(column_map) - set(spec.known))
    if unknown:
        raise ImportRejected([Problem(
            label, 1, name, f"unknown column in import.{spec.kind}.columns (known: {', '.join(spec.known)})"
        ) for name in unknown])
    if head.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _open_xlsx(path, spec, column_map, label)
    return _open_csv(path, spec, column_map, delimiter, encoding, label)


def _map_header(header: Sequence[Any], spec: ColumnSpec, column_map: Mapping[str, str],
                label: str, line: int) -> dict[str, int]:
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for i, cell in enumerate(header):
        key = norm_header(cell) if cell is not None else ""
        if not key:
            continue
        if key in positions:
            problems.append(Problem(label, line, str(cell).strip(), "duplicate column in the header"))
            continue
        positions[key] = i
    columns: dict[str, int] = {}
    for name in spec.known:
        theirs = norm_header(column_map.get(name, name))
        if theirs in positions:
            columns[name] = positions[theirs]
    found = ", ".join(str(c).strip() for c in header if c is not None and str(c).strip())
    for name in spec.required:
        if name not in columns:
            shown = column_map.get(name, name)
            via = f" (mapped to header {shown!r})" if name in column_map else ""
            problems.append(Problem(label, line, name,
                                    f"required column is missing{via}; the header has: {found}"))
    if problems:
        raise ImportRejected(problems)
    return columns


# --- CSV ---------------------------------------------------------------------------

def _line_of(path: Path, offset: int) -> int:
    line = 1
    with open(path, "rb") as fh:
        remaining = offset
        while remaining > 0:
            chunk = fh.read(min(_CHUNK, remaining))
            if not chunk:
                break
            line += chunk.count(b"\n")
            remaining -= len(chunk)
    return line


def _first_bad_offset(path: Path, encoding: str) -> tuple[int, str] | None:
    """Offset and description of the first byte that does not decode, or None."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                bad = exc.object[exc.start:exc.start + 1]
                return offset + exc.start, f"byte 0x{bad.hex()}"
            if not chunk:
                return None
            offset += len(chunk)


def detect_encoding(path: Path, label: str, configured: str | None = None) -> str:
    """The encoding to read ``path`` with (see module docstring)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (b"\x00" in head and not configured):
        raise ImportRejected([Problem(label, 1, "encoding",
                                      "file looks like UTF-16 or binary; save it as CSV UTF-8 or Windows-1252")])
    candidates = [configured] if configured else ["utf-8-sig", "cp1252"]
    first: tuple[int, str] | None = None
    for enc in candidates:
        try:
            codecs.lookup(enc)
        except LookupError:
            raise ImportRejected([Problem(label, 0, "encoding", f"unknown encoding {enc!r} in bot.toml")]) from None
        bad = _first_bad_offset(path, enc)
        if bad is None:
            return enc
        first = first or bad
    assert first is not None
    names = configured or "UTF-8 nor Windows-1252"
    what = f"is not valid {configured}" if configured else f"is neither {names}"
    raise ImportRejected([Problem(label, _line_of(path, first[0]), "encoding",
                                  f"{first[1]} {what}; save the file as CSV UTF-8")])


def sniff_delimiter(header_line: str) -> str:
    """The most frequent of , ; TAB | outside double quotes in the header line."""
    counts = {d: 0 for d in (",", ";", "\t", "|")}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class _CountingReader(io.RawIOBase):
    """Binary file wrapper remembering how far it has been read (progress)."""

    def __init__(self, fh: io.BufferedReader) -> None:
        self._fh = fh
        self.pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self._fh.readinto(b)
        self.pos += n or 0
        return n or 0

    def close(self) -> None:
        self._fh.close()
        super().close()


def _open_csv(path: Path, spec: ColumnSpec, column_map: Mapping[str, str], delimiter: str | None,
              encoding: str | None, label: str) -> Table:
    enc = detect_encoding(path, label, encoding)
    size = path.stat().st_size
    raw = _CountingReader(open(path, "rb"))  # noqa: SIM115 - closed by the row iterator or Table.close
    text = io.TextIOWrapper(io.BufferedReader(raw, _CHUNK), encoding=enc, errors="strict", newline="")
    try:
        header_line, header_lines = "", 0
        while not header_line.strip():
            header_line = text.readline()
            if not header_line:
                break
            header_lines += 1
        if not header_line.strip():
            raise ImportRejected([Problem(label, 1, "file", "empty file (no header row)")])
        delim = delimiter or sniff_delimiter(header_line)
        header = next(csv.reader([header_line], delimiter=delim))
        columns = _map_header(header, spec, column_map, label, header_lines)
        reader = csv.reader(text, delimiter=delim)
    except ImportRejected:
        text.close()
        raise

    def rows() -> Iterator[tuple[int, Sequence[Any]]]:
        try:
            start, read = header_lines, 0
            for cells in reader:
                # A record's first line (a quoted field may span several lines).
                line, read = start + read + 1, reader.line_num
                if not cells or not "".join(cells).strip():
                    continue
                yield line, cells
        finally:
            text.close()

    return Table(label, columns, True, rows(), size, position=lambda: raw.pos, close=text.close)


# --- XLSX --------------------------------------------------------------------------

def _open_xlsx(path: Path, spec: ColumnSpec, column_map: Mapping[str, str], label: str) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRejected([Problem(label, 0, "file", f"not a readable XLSX workbook: {exc}")]) from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    line = 0
    header: Sequence[Any] | None = None
    for cells in it:
        line += 1
        if any(c is not None and str(c).strip() for c in cells):
            header = cells
            break
    if header is None:
        wb.close()
        raise ImportRejected([Problem(label, 1, "file", "empty file (no header row)")])
    try:
        columns = _map_header(header, spec, column_map, label, line)
    except ImportRejected:
        wb.close()
        raise
    state = {"line": line}

    def rows() -> Iterator[tuple[int, Sequence[Any]]]:
        try:
            n = state["line"]
            for cells in it:
                n += 1
                state["line"] = n
                if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                    continue
                yield n, cells
        finally:
            wb.close()

    return Table(label, columns, False, rows(), int(ws.max_row or 0), position=lambda: state["line"], close=wb.close)
