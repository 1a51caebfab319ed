"""Spreadsheets: Excel (.xlsx, .xlsm, and the old binary .xls) and LibreOffice Calc (.ods) read with
python-calamine, one section per visible sheet with the sheet's name as heading; CSV with the
standard library (delimiter sniffed: French files use ';').

A sheet is read as blocks separated by empty rows. A block's lone leading cells ("Planning des
séances 2025") are its caption, its first row the header of a table rendered by `ingest.tables`; a
block that starts with data after an empty row continues the previous table under its header.
Numbers and dates are written the French way (3,5 ; 04/03/2025)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.errors import LoadError
from assistant.schema import LoadedDocument, Section
from ingest.archives import PASSWORD_ADVICE, check_zip_archive, ole_kind, read_member
from ingest.decode import decode_text
from ingest.tables import render_table

# A sheet of thousands of rows is a data export, not reading matter: its first rows are indexed and
# the section says how many were left out.
MAX_SHEET_ROWS = 1000
MAX_SHEET_COLUMNS = 40
_NUMERIC = re.compile(r"^[-+]?[\d\s\u00a0\u202f]*[\d][\d\s\u00a0\u202f.,]*\s*(%|€|h|min)?$")
_DC_TITLE = re.compile(rb"<dc:title(?:\s[^>]*)?>(.*?)</dc:title>", re.DOTALL)


def format_cell(value: Any) -> str:
    """A cell value as a French reader expects it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.10g}".replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y") + ("" if value.time() == dt.time() else value.strftime(" %H:%M"))
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60} h {minutes % 60:02d}" if minutes >= 60 else f"{minutes} min"
    return str(value).strip()


def _is_label(value: Any) -> bool:
    """Whether a non-empty cell reads as a column label rather than a figure or a date."""
    return isinstance(value, str) and not _NUMERIC.match(value.strip())


def sheet_text(raw_rows: Iterable[list[Any]], max_rows: int = MAX_SHEET_ROWS) -> str:
    """A sheet's rows (raw cell values) as captions and tables; see the module docstring."""
    rows: list[tuple[list[Any], list[str]]] = []  # (raw values, their texts); empty lists for an empty row
    kept = total = 0
    for raw in raw_rows:
        raw = list(raw[:MAX_SHEET_COLUMNS])
        texts = [format_cell(v) for v in raw]
        if not any(texts):
            if kept < max_rows:
                rows.append(([], []))
            continue
        total += 1
        if kept < max_rows:
            rows.append((raw, texts))
            kept += 1
    blocks: list[list[tuple[list[Any], list[str]]]] = [[]]
    for row in rows:
        if row[1]:
            blocks[-1].append(row)
        elif blocks[-1]:
            blocks.append([])
    parts: list[str | list[list[str]]] = []  # captions, and tables as rows (header first)
    for block in blocks:
        captioned = False
        # Lone leading cells over a wider table are its caption, not its header.
        while block and sum(1 for t in block[0][1] if t) <= 1 and (
                len(block) == 1 or max(sum(1 for t in r[1] if t) for r in block[1:]) > 1):
            parts.append(next(t for t in block[0][1] if t))
            block = block[1:]
            captioned = True
        if not block:
            continue
        previous = parts[-1] if parts else None
        if (isinstance(previous, list) and not captioned
                and not all(_is_label(v) for v in block[0][0] if format_cell(v))):
            previous.extend(t for _, t in block)  # data after an empty row: the same table goes on
        else:
            parts.append([t for _, t in block])
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif table := render_table(part):  # type: ignore[arg-type]
            out.extend(["", table, ""])
    if total > kept:
        out.append(f"(feuille tronquée : {kept} lignes indexées sur {total})")
    return "\n".join(out).strip()


def _archive_title(path: Path) -> str | None:
    """The title in an XLSX's (docProps/core.xml) or an ODS's (meta.xml) properties."""
    for member in ("docProps/core.xml", "meta.xml"):
        data = read_member(path, member)
        match = _DC_TITLE.search(data or b"")
        if match:
            title = html.unescape(match.group(1).decode("utf-8", "replace")).strip()
            if title:
                return title
    return None


def load_spreadsheet(path: Path) -> LoadedDocument:
    """An Excel or Calc workbook: one section per visible sheet, its name as heading."""
    import python_calamine as pc

    suffix = path.suffix.lower()
    title = None
    with path.open("rb") as fh:
        zipped = fh.read(4) == b"PK\x03\x04"
    # An old binary workbook saved under .xlsx is still a workbook calamine reads; a protected one is not.
    legacy = not zipped and ole_kind(path) == "legacy"
    if not legacy and (suffix != ".xls" or zipped):
        check_zip_archive(path)
        if suffix == ".ods":
            from ingest.opendocument import check_odf_package

            check_odf_package(path, ".ods")
        title = _archive_title(path)
    try:
        # calamine tells the formats apart by their content: an .xlsx saved under .xls still reads.
        with path.open("rb") as fh:
            workbook = pc.CalamineWorkbook.from_filelike(fh)
        metadata = workbook.sheets_metadata
        visible = [m.name for m in metadata
                   if m.visible == pc.SheetVisibleEnum.Visible and m.typ != pc.SheetTypeEnum.ChartSheet]
        names = visible or [m.name for m in metadata if m.typ != pc.SheetTypeEnum.ChartSheet]
        sections = []
        for name in names:
            text = sheet_text(workbook.get_sheet_by_name(name).iter_rows())
            if text:
                sections.append(Section(text, (name,)))
    except pc.PasswordError as exc:
        raise LoadError(f"le classeur est protégé par un mot de passe : {PASSWORD_ADVICE}") from exc
    except (pc.CalamineError, pc.ZipError, pc.XmlError, pc.WorksheetNotFound, ValueError, OSError) as exc:
        kind = "LibreOffice Calc (.ods)" if suffix == ".ods" else f"Excel ({suffix})"
        raise LoadError(f"ce n'est pas un classeur {kind} lisible (fichier abîmé ou tronqué ?) : {str(exc)[:200]}") from exc
    return LoadedDocument(sections, title=title)


def _delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        # One column, or too few lines to sniff: the most frequent candidate on the first line.
        first = sample.split("\n", 1)[0]
        return max(";,\t|", key=first.count) if any(c in first for c in ";,\t|") else ","


def load_csv(path: Path) -> LoadedDocument:
    """A CSV export (any encoding, ',' ';' tab or '|' separated) as one table."""
    text = decode_text(path.read_bytes())
    # Excel writes (and reads) a first line "sep=;" naming the separator.
    hint = re.match(r"sep=(.)\r?\n", text)
    if hint:
        text = text[hint.end():]
    try:
        delimiter = hint.group(1) if hint else _delimiter(text[:20_000])
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise LoadError(f"le fichier CSV est mal formé : {exc}") from exc
    body = sheet_text(rows)
    return LoadedDocument([Section(body)] if body else [])
