"""PDF page layout → Markdown-like text, from pdfplumber's lines (with their fonts and positions) and
ruled tables. Paragraphs are told apart by vertical gaps and short last lines, list items by their
bullet or number, headings by a font larger than the body's or a bold line standing alone; tables
are cut out of the text flow and rendered by `ingest.tables` where they stood on the page."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ingest.tables import render_table

# Bullet glyphs as PDFs encode them; "(cid:N)" is a glyph without a Unicode mapping (reportlab's "•").
_BULLET = re.compile(r"^(?:\(cid:\d+\)|[•◦▪▫●○■□►▸‣⁃∙·\uf0b7\uf0a7\uf0d8\uf076\uf0fc])\s*")
_DASH_ITEM = re.compile(r"^[-–—]\s+")
_NUMBER_ITEM = re.compile(r"^\d{1,2}[.)]\s+\S")
_UNMAPPED = re.compile(r"\(cid:\d+\)")
_SENTENCE_END = (".", "!", "?", ":", "»", "…")
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
# Longer "headings" are text set in a larger font (a lead paragraph, a quote): kept as paragraphs.
_MAX_HEADING = 200


@dataclass
class Line:
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    size: float
    bold: bool


@dataclass
class TableBlock:
    top: float
    bottom: float
    text: str


@dataclass
class _Unit:
    kind: str  # heading | para | item | table
    lines: list[str] = field(default_factory=list)
    level: int = 0
    x0: float = 0.0


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def page_lines(page: Any) -> list[Line | TableBlock]:
    """A pdfplumber page as its text lines (outside tables) and its rendered tables, top to bottom."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    text_page = page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes)) if boxes else page
    items: list[Line | TableBlock] = []
    for raw in text_page.extract_text_lines(return_chars=True, strip=True):
        chars = [c for c in raw["chars"] if c["text"].strip()]
        text = raw["text"].strip()
        if not chars or not text:
            continue
        sizes = sorted(float(c["size"]) for c in chars)
        bold = sum(1 for c in chars if _BOLD.search(str(c.get("fontname", "")))) >= 0.9 * len(chars)
        items.append(Line(raw["top"], raw["bottom"], raw["x0"], raw["x1"], text, round(sizes[len(sizes) // 2], 1), bold))
    for table in tables:
        text = render_table(table.extract())
        if text:
            items.append(TableBlock(table.bbox[1], table.bbox[3], text))
    items.sort(key=lambda it: it.top)
    return items


def _body_size(pages: list[list[Line | TableBlock]]) -> float:
    weights: Counter[float] = Counter()
    for items in pages:
        for it in items:
            if isinstance(it, Line):
                weights[it.size] += len(it.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _block_starts(lines: list[Line]) -> list[bool]:
    """True where a line starts a new block: a gap clearly larger than the page's usual line gap, or
    a change of font size."""
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if abs(a.size - b.size) < 0.6 and b.top >= a.bottom - 1]
    typical = statistics.median(gaps) if gaps else 0.0
    starts = [True]
    for a, b in zip(lines, lines[1:]):
        height = max(a.bottom - a.top, b.bottom - b.top)
        starts.append(b.top - a.bottom > typical + 0.35 * height or abs(a.size - b.size) >= 0.6)
    return starts


def pages_markdown(pages: list[list[Line | TableBlock]], title: str | None) -> tuple[list[str], str | None]:
    """Each page's text with `#` headings, blank-line paragraphs, list items and tables; and the
    document's title heading when the first page opens with one (it is then left out of the text,
    as a Markdown document's first `#` heading is)."""
    body = _body_size(pages)
    styled_sizes = sorted({it.size for items in pages for it in items
                           if isinstance(it, Line) and it.size >= body * 1.08}, reverse=True)

    def size_level(size: float) -> int:
        return min(styled_sizes.index(size) + 1, 5) if size in styled_sizes else min(len(styled_sizes) + 1, 6)

    page_units: list[list[_Unit]] = []
    for items in pages:
        lines = [it for it in items if isinstance(it, Line)]
        starts = dict(zip(map(id, lines), _block_starts(lines))) if lines else {}
        body_lines = [ln for ln in lines if abs(ln.size - body) < 0.6] or lines
        left = min((ln.x0 for ln in body_lines), default=0.0)
        right = max((ln.x1 for ln in body_lines), default=0.0)
        units: list[_Unit] = []
        prev: Line | None = None
        for i, it in enumerate(items):
            if isinstance(it, TableBlock):
                units.append(_Unit("table", [it.text]))
                prev = None
                continue
            new_block = prev is None or starts[id(it)]
            nxt = next((x for x in items[i + 1:] if isinstance(x, Line)), None)
            text = _UNMAPPED.sub("", _BULLET.sub("- ", it.text)).strip() if _BULLET.match(it.text) else _UNMAPPED.sub("", it.text).strip()
            if not text:
                continue
            indented = it.x0 > left + 3
            is_item = text.startswith("- ") or (
                (new_block or indented or (units and units[-1].kind == "item"))
                and (_DASH_ITEM.match(text) is not None or _NUMBER_ITEM.match(text) is not None)
            )
            if is_item and _DASH_ITEM.match(text):
                text = _DASH_ITEM.sub("- ", text)
            larger = it.size >= body * 1.08
            alone = nxt is None or starts[id(nxt)] or nxt.size != it.size
            heading = not is_item and len(text) <= _MAX_HEADING and (larger or (it.bold and it.size >= body * 0.95 and alone and new_block))
            if heading:
                level = size_level(it.size)
                last = units[-1] if units else None
                if last and last.kind == "heading" and last.level == level and not new_block:
                    last.lines.append(text)
                elif last and last.kind == "heading" and last.level == level and prev is not None and prev.size == it.size \
                        and it.top - prev.bottom < (it.bottom - it.top):
                    last.lines.append(text)  # a heading wrapped over two lines
                else:
                    units.append(_Unit("heading", [text], level))
                prev = it
                continue
            last = units[-1] if units else None
            if is_item:
                units.append(_Unit("item", [text], x0=it.x0))
            elif new_block or last is None or last.kind not in ("para", "item") or prev is None:
                units.append(_Unit("para", [text], x0=it.x0))
            elif last.kind == "item" and it.x0 <= left + 1 and last.x0 > left + 3:
                units.append(_Unit("para", [text], x0=it.x0))  # back at the margin: the list is over
            elif prev.text.endswith(_SENTENCE_END) and prev.x1 < left + 0.8 * (right - left):
                units.append(_Unit("para", [text], x0=it.x0))  # a short last line ended the paragraph
            else:
                last.lines.append(text)
            prev = it
        page_units.append(units)

    heading_title = _take_title(page_units, title)
    texts = []
    for units in page_units:
        out: list[str] = []
        for j, unit in enumerate(units):
            if unit.kind == "heading" and len(unit.lines) <= 3 and len(" ".join(unit.lines)) <= _MAX_HEADING:
                block = "#" * unit.level + " " + " ".join(unit.lines)
            else:
                block = "\n".join(unit.lines)
            if out:
                out.append("\n" if unit.kind == "item" and units[j - 1].kind == "item" else "\n\n")
            out.append(block)
        texts.append("".join(out))
    return texts, heading_title


def _fold(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _take_title(page_units: list[list[_Unit]], title: str | None) -> str | None:
    """Remove the first page's opening level-1 heading when it is the document's title (the only
    heading of its size, and the metadata title when there is one); return it."""
    if not page_units or not page_units[0]:
        return None
    first = next((u for u in page_units[0] if u.kind == "heading"), None)
    if first is None or first.level != 1 or page_units[0].index(first) > 1:
        return None
    if sum(1 for units in page_units for u in units if u.kind == "heading" and u.level == 1) != 1:
        return None
    text = " ".join(first.lines)
    if len(first.lines) > 3 or len(text) > _MAX_HEADING:
        return None
    if title and not (_fold(title).startswith(_fold(text)) or _fold(text).startswith(_fold(title))):
        return None
    page_units[0].remove(first)
    return text
