#!/usr/bin/env python3
"""Build the binary documents of the sample corpus from their Markdown sources.

Every ``corpus/_sources/**/<name>.<ext>.md`` (``ext`` among ``pdf``, ``docx``,
``pptx``) is rendered to ``corpus/**/<name>.<ext>``, mirroring its path under
``_sources/``. The binaries are committed so that the ingestion code can be
tested on real PDF, Word and PowerPoint files; the Markdown stays the single
editable source.

Only the ``title`` key of the front matter is used (document title property).
Supported Markdown subset: ``#``/``##``/``###`` headings, paragraphs, ``- ``
bullet lists (nested by two spaces), ``1. `` numbered lists, ``**bold**`` and
``*italic*`` inline, ``> `` quotes and pipe tables.

Usage::

    python scripts/build_corpus_binaries.py            # (re)build everything
    python scripts/build_corpus_binaries.py --check    # fail if anything is stale
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import frontmatter

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO_ROOT / "corpus"
SOURCES_DIR = CORPUS_DIR / "_sources"
TARGET_EXTS = ("pdf", "docx", "pptx")

# Fixed metadata so that a rebuild produces the same content (and, for the
# zip-based formats, the same bytes): no timestamp of the build machine leaks in.
FIXED_DATE = dt.datetime(2024, 1, 1, 0, 0, 0)
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
AUTHOR = "Cartable Assistant (corpus d'exemple)"


# --------------------------------------------------------------------------
# Markdown subset -> block model
# --------------------------------------------------------------------------

@dataclass
class Span:
    """A run of inline text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    """One block-level element; ``kind`` selects which fields are meaningful."""

    kind: str  # heading | para | bullet | number | quote | table
    text: str = ""
    level: int = 0  # heading level (1-3) or list nesting depth (0-2)
    number: int = 0  # position of a numbered item within its list (1-based)
    rows: list[list[str]] = field(default_factory=list)  # table cells, header first


_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET_RE = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_NUMBER_RE = re.compile(r"^(\s*)\d+[.)]\s+(.*)$")
_QUOTE_RE = re.compile(r"^\s*>\s?(.*)$")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_RULE_RE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")


def _split_row(line: str) -> list[str]:
    """Split a pipe-table row into stripped cells (``\\|`` is a literal pipe)."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [c.strip().replace("\\|", "|") for c in cells]


def parse_markdown(text: str) -> list[Block]:
    """Turn the supported Markdown subset into a flat list of blocks."""
    blocks: list[Block] = []
    para: list[str] = []
    # Numbering counters per nesting depth, reset whenever a list is interrupted.
    counters: dict[int, int] = {}

    def flush_para() -> None:
        if para:
            blocks.append(Block("para", " ".join(s.strip() for s in para)))
            para.clear()

    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        stripped = line.strip()

        if not stripped:
            flush_para()
            # A blank line between items keeps the list going; anything else resets it.
            i += 1
            continue

        m = _HEADING_RE.match(line)
        if m:
            flush_para()
            counters.clear()
            blocks.append(Block("heading", m.group(2), level=min(len(m.group(1)), 3)))
            i += 1
            continue

        if _RULE_RE.match(line):
            flush_para()
            counters.clear()
            i += 1
            continue

        if stripped.startswith("|"):
            flush_para()
            counters.clear()
            rows: list[list[str]] = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                if not _TABLE_SEP_RE.match(lines[i]):
                    rows.append(_split_row(lines[i]))
                i += 1
            if rows:
                width = max(len(r) for r in rows)
                rows = [r + [""] * (width - len(r)) for r in rows]  # ragged rows -> rectangle
                blocks.append(Block("table", rows=rows))
            continue

        m = _QUOTE_RE.match(line)
        if m:
            flush_para()
            counters.clear()
            quoted: list[str] = []
            while i < len(lines) and _QUOTE_RE.match(lines[i]):
                quoted.append(_QUOTE_RE.match(lines[i]).group(1).strip())  # type: ignore[union-attr]
                i += 1
            blocks.append(Block("quote", " ".join(q for q in quoted if q)))
            continue

        m_b = _BULLET_RE.match(line)
        m_n = None if m_b else _NUMBER_RE.match(line)
        if m_b or m_n:
            flush_para()
            m_item = m_b or m_n
            assert m_item is not None
            depth = min(len(m_item.group(1).expandtabs(4)) // 2, 2)
            # Leaving a deeper level restarts its numbering next time it opens.
            for d in [d for d in counters if d > depth]:
                del counters[d]
            item_text = m_item.group(2)
            i += 1
            # Indented lines without a marker continue the current item.
            while (
                i < len(lines)
                and lines[i].strip()
                and lines[i][:1].isspace()
                and not _BULLET_RE.match(lines[i])
                and not _NUMBER_RE.match(lines[i])
            ):
                item_text += " " + lines[i].strip()
                i += 1
            if m_b:
                counters.pop(depth, None)
                blocks.append(Block("bullet", item_text, level=depth))
            else:
                counters[depth] = counters.get(depth, 0) + 1
                blocks.append(Block("number", item_text, level=depth, number=counters[depth]))
            continue

        # Plain text: part of a paragraph (lazy continuation lines are joined).
        if not para:
            counters.clear()
        para.append(line)
        i += 1

    flush_para()
    return blocks


_LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_CODE_RE = re.compile(r"`([^`]+)`")
_EMPH_RE = re.compile(
    r"\*\*(.+?)\*\*"  # bold
    r"|(?<![\*\w])\*(?![\s*])((?:\*\*.+?\*\*|[^*])+?)(?<!\s)\*(?![\*\w])"  # italic, may contain bold
)


def parse_inline(text: str, bold: bool = False, italic: bool = False) -> list[Span]:
    """Split text into spans for ``**bold**`` and ``*italic*`` (nesting allowed)."""
    if not bold and not italic:
        # Links and code are flattened once, at the top level: no target renders them.
        text = _LINK_RE.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", text)
        text = _CODE_RE.sub(r"\1", text)
    spans: list[Span] = []
    pos = 0
    for m in _EMPH_RE.finditer(text):
        if m.start() > pos:
            spans.append(Span(text[pos : m.start()], bold, italic))
        if m.group(1) is not None:
            spans.extend(parse_inline(m.group(1), True, italic))
        else:
            spans.extend(parse_inline(m.group(2), bold, True))
        pos = m.end()
    if pos < len(text):
        spans.append(Span(text[pos:], bold, italic))
    return [s for s in spans if s.text]


def plain(text: str) -> str:
    """Inline text without its Markdown emphasis markers."""
    return "".join(s.text for s in parse_inline(text))


@dataclass
class Source:
    """A Markdown source and the binary it produces."""

    path: Path
    target: Path
    ext: str

    def load(self) -> tuple[str, list[Block]]:
        """Return the document title and its blocks."""
        post = frontmatter.load(str(self.path))
        blocks = parse_markdown(post.content)
        title = str(post.get("title") or "").strip()
        if not title:
            # Fall back on the first heading, then on the file name, never an empty title.
            title = next((plain(b.text) for b in blocks if b.kind == "heading"), self.target.stem)
        return title, blocks


def find_sources() -> Iterator[Source]:
    """Yield every ``<name>.<ext>.md`` under ``corpus/_sources`` in a stable order."""
    for path in sorted(SOURCES_DIR.rglob("*.md")):
        stem = path.name[: -len(".md")]
        ext = stem.rsplit(".", 1)[-1].lower() if "." in stem else ""
        if ext not in TARGET_EXTS:
            continue
        subdir = path.relative_to(SOURCES_DIR).parent
        yield Source(path, CORPUS_DIR / subdir / stem, ext)


# --------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------

def build_docx(title: str, blocks: list[Block]) -> bytes:
    """Render blocks with real Word styles (Heading n, List Bullet/Number, tables)."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    props = doc.core_properties
    props.title = title
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.created = props.modified = props.last_printed = FIXED_DATE
    props.revision = 1

    def add_runs(paragraph, text: str, force_italic: bool = False) -> None:
        for span in parse_inline(text):
            run = paragraph.add_run(span.text)
            run.bold = span.bold or None
            run.italic = (span.italic or force_italic) or None

    # Each "List Number n" style shares one numbering instance across the whole
    # document, so every new numbered list gets its own instance restarting at 1.
    numbering = doc.part.numbering_part.element
    current_num_id: dict[int, int] = {}

    def new_num_id(style_name: str) -> int:
        style_num_id = doc.styles[style_name].element.pPr.numPr.numId.val
        abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    for block in blocks:
        if block.kind == "heading":
            add_runs(doc.add_paragraph(style=f"Heading {block.level}"), block.text)
        elif block.kind == "para":
            add_runs(doc.add_paragraph(), block.text)
        elif block.kind == "quote":
            add_runs(doc.add_paragraph(style="Quote"), block.text, force_italic=True)
        elif block.kind == "bullet":
            style = "List Bullet" if block.level == 0 else f"List Bullet {block.level + 1}"
            add_runs(doc.add_paragraph(style=style), block.text)
        elif block.kind == "number":
            style = "List Number" if block.level == 0 else f"List Number {block.level + 1}"
            p = doc.add_paragraph(style=style)
            if block.number == 1 or block.level not in current_num_id:
                current_num_id[block.level] = new_num_id(style)
            num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = current_num_id[block.level]
            add_runs(p, block.text)
        elif block.kind == "table":
            rows = block.rows
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = doc.styles["Table Grid"]
            for r, row in enumerate(rows):
                for c, cell_text in enumerate(row):
                    cell_par = table.cell(r, c).paragraphs[0]
                    add_runs(cell_par, cell_text)
                    if r == 0:  # header row
                        for run in cell_par.runs:
                            run.bold = True
            doc.add_paragraph()  # keeps the next paragraph from sticking to the grid

    doc.styles["Normal"].font.size = Pt(11)
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())


# --------------------------------------------------------------------------
# PPTX
# --------------------------------------------------------------------------

def build_pptx(title: str, blocks: list[Block]) -> bytes:
    """One title slide for ``#``, then one slide per ``##`` with its body text."""
    from pptx import Presentation
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Emu, Pt

    prs = Presentation()
    ratio = 12192000 / prs.slide_width
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 16:9, same height
    props = prs.core_properties
    props.title = title
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.created = props.modified = props.last_printed = FIXED_DATE
    props.revision = 1

    # Group blocks: the intro (before the first ##) goes on the title slide.
    main_title = title
    intro: list[Block] = []
    sections: list[tuple[str, list[Block]]] = []
    for block in blocks:
        if block.kind == "heading" and block.level == 1 and not sections:
            main_title = plain(block.text)
        elif block.kind == "heading" and block.level <= 2:
            sections.append((plain(block.text), []))
        elif sections:
            sections[-1][1].append(block)
        else:
            intro.append(block)

    def body_lines(items: list[Block]) -> list[tuple[str, int, bool]]:
        """(text, indent level, is_subheading) for each body paragraph."""
        out: list[tuple[str, int, bool]] = []
        for b in items:
            if b.kind == "heading":
                out.append((b.text, 0, True))
            elif b.kind in ("para", "quote"):
                out.append((f"*{b.text}*" if b.kind == "quote" else b.text, 0, False))
            elif b.kind == "bullet":
                out.append((b.text, b.level + (1 if any(x[2] for x in out) else 0), False))
            elif b.kind == "number":
                out.append((f"{b.number}. {b.text}", b.level + (1 if any(x[2] for x in out) else 0), False))
            elif b.kind == "table":
                out.extend((" — ".join(row), 0, r == 0) for r, row in enumerate(b.rows))
        return out

    def fill(text_frame, lines: list[tuple[str, int, bool]]) -> None:
        total = sum(len(plain(t)) for t, _, _ in lines)
        # Shrink long slides a little; PowerPoint's own autofit finishes the job.
        size = 20 if total < 400 else 16 if total < 800 else 13 if total < 1300 else 11
        text_frame.word_wrap = True
        text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        for n, (text, level, is_sub) in enumerate(lines):
            p = text_frame.paragraphs[0] if n == 0 else text_frame.add_paragraph()
            p.level = min(level, 4)
            for span in parse_inline(text):
                run = p.add_run()
                run.text = span.text
                run.font.size = Pt(size)
                run.font.bold = True if (span.bold or is_sub) else None
                run.font.italic = True if span.italic else None

    def widen(slide) -> None:
        # The default template is 4:3; stretch placeholders to the 16:9 width.
        for ph in slide.placeholders:
            ph.left, ph.width = int(ph.left * ratio), int(ph.width * ratio)

    slide = prs.slides.add_slide(prs.slide_layouts[0])
    widen(slide)
    slide.shapes.title.text = main_title
    subtitle = slide.placeholders[1]
    intro_lines = body_lines(intro)
    if intro_lines:
        fill(subtitle.text_frame, intro_lines)
    else:
        subtitle.element.getparent().remove(subtitle.element)  # no empty "subtitle" box

    for heading, items in sections:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        widen(slide)
        slide.shapes.title.text = heading
        body = slide.placeholders[1]
        lines = body_lines(items)
        if lines:
            fill(body.text_frame, lines)
        else:
            body.element.getparent().remove(body.element)

    buf = io.BytesIO()
    prs.save(buf)
    return normalise_zip(buf.getvalue())


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------

# Helvetica is a standard Type 1 font encoded in WinAnsi (cp1252): French
# letters, œ, « », ’ and … are covered, but a few typographic characters are
# not and would come out as black boxes, so they are mapped to close equivalents.
_PDF_REPLACEMENTS = {
    "\u202f": "\u00a0",  # narrow no-break space (French typography) -> no-break space
    "\u2009": " ",
    "\u2011": "-",
    "\u2192": "->",
    "\u2190": "<-",
    "\u21d2": "=>",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2260": "!=",
    "\u2212": "-",
    "\u2713": "v",
    "\u2714": "v",
    "\u25cf": "\u2022",
    "\u25aa": "\u2022",
}


def pdf_safe(text: str) -> str:
    """Replace characters that Helvetica's WinAnsi encoding cannot show."""
    out = []
    for ch in text:
        ch = _PDF_REPLACEMENTS.get(ch, ch)
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFKD", ch)
            base = "".join(c for c in decomposed if not unicodedata.combining(c))
            try:
                base.encode("cp1252")
                out.append(base)
            except UnicodeEncodeError:
                out.append("?")
    return "".join(out)


def _pdf_markup(text: str) -> str:
    """Inline Markdown -> reportlab paragraph markup (escaped)."""
    parts = []
    for span in parse_inline(pdf_safe(text)):
        chunk = span.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if span.italic:
            chunk = f"<i>{chunk}</i>"
        if span.bold:
            chunk = f"<b>{chunk}</b>"
        parts.append(chunk)
    return "".join(parts)


def build_pdf(title: str, blocks: list[Block]) -> bytes:
    """Render an A4 PDF with a running title header and a "Page N" footer."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "Body", parent=base["BodyText"], fontName="Helvetica", fontSize=11,
        leading=16, spaceAfter=7, alignment=TA_LEFT,
    )
    styles = {
        1: ParagraphStyle("H1", parent=base["Heading1"], fontName="Helvetica-Bold", fontSize=18, leading=23, spaceAfter=12),
        2: ParagraphStyle("H2", parent=base["Heading2"], fontName="Helvetica-Bold", fontSize=14, leading=18, spaceBefore=12, spaceAfter=6),
        3: ParagraphStyle("H3", parent=base["Heading3"], fontName="Helvetica-Bold", fontSize=12, leading=16, spaceBefore=8, spaceAfter=4),
    }
    quote = ParagraphStyle("Quote", parent=body, fontName="Helvetica-Oblique", leftIndent=1 * cm,
                           rightIndent=1 * cm, textColor=colors.HexColor("#444444"))
    cell = ParagraphStyle("Cell", parent=body, fontSize=9.5, leading=12, spaceAfter=0)
    cell_head = ParagraphStyle("CellHead", parent=cell, fontName="Helvetica-Bold")

    def list_style(level: int) -> ParagraphStyle:
        indent = (0.8 + 0.7 * level) * cm
        return ParagraphStyle(f"List{level}", parent=body, leftIndent=indent,
                              bulletIndent=indent - 0.5 * cm, spaceAfter=3)

    margin = 2.3 * cm
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=margin, rightMargin=margin,
        topMargin=2.6 * cm, bottomMargin=2.3 * cm,
        title=title, author=AUTHOR, creator="build_corpus_binaries.py",
        invariant=1,  # fixed creation date and document ID: byte-reproducible output
    )
    header = pdf_safe(title)

    def decorate(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.grey)
        width, height = A4
        text, max_width = header, width - 2 * margin
        # Keep the running header on one line, however long the title.
        if canvas.stringWidth(text, "Helvetica", 8) > max_width:
            while text and canvas.stringWidth(text + "…", "Helvetica", 8) > max_width:
                text = text[:-1]
            text = text.rstrip() + "…"
        canvas.drawString(margin, height - 1.5 * cm, text)
        canvas.setStrokeColor(colors.lightgrey)
        canvas.line(margin, height - 1.65 * cm, width - margin, height - 1.65 * cm)
        canvas.drawCentredString(width / 2, 1.3 * cm, f"Page {document.page}")
        canvas.restoreState()

    story: list = []
    for block in blocks:
        if block.kind == "heading":
            story.append(Paragraph(_pdf_markup(block.text), styles[block.level]))
        elif block.kind == "para":
            story.append(Paragraph(_pdf_markup(block.text), body))
        elif block.kind == "quote":
            story.append(Paragraph(_pdf_markup(block.text), quote))
        elif block.kind == "bullet":
            story.append(Paragraph(_pdf_markup(block.text), list_style(block.level),
                                   bulletText="•" if block.level == 0 else "–"))
        elif block.kind == "number":
            story.append(Paragraph(_pdf_markup(block.text), list_style(block.level),
                                   bulletText=f"{block.number}."))
        elif block.kind == "table":
            data = [
                [Paragraph(_pdf_markup(text), cell_head if r == 0 else cell) for text in row]
                for r, row in enumerate(block.rows)
            ]
            avail = A4[0] - 2 * margin
            table = Table(data, colWidths=[avail / len(block.rows[0])] * len(block.rows[0]), repeatRows=1)
            table.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]))
            story += [Spacer(1, 4), table, Spacer(1, 10)]

    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buf.getvalue()


# --------------------------------------------------------------------------
# Output helpers and CLI
# --------------------------------------------------------------------------

def normalise_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed entry dates so identical content gives identical bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():  # original order: [Content_Types].xml stays first
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file so a concurrent reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


BUILDERS: dict[str, Callable[[str, list[Block]], bytes]] = {
    "pdf": build_pdf,
    "docx": build_docx,
    "pptx": build_pptx,
}


def rel(path: Path) -> str:
    """Repository-relative path for messages."""
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def check(sources: list[Source]) -> int:
    """Report generated files that are missing or older than their source."""
    stale = [
        s for s in sources
        if not s.target.exists() or s.target.stat().st_mtime < s.path.stat().st_mtime
    ]
    for s in stale:
        state = "missing" if not s.target.exists() else "older than its source"
        print(f"stale: {rel(s.target)} ({state}: {rel(s.path)})", file=sys.stderr)
    if stale:
        print(f"{len(stale)} file(s) to rebuild: run python {rel(Path(__file__))}", file=sys.stderr)
        return 1
    print(f"ok: {len(sources)} generated file(s) up to date")
    return 0


def build(sources: list[Source]) -> int:
    """Build every target; keep going on errors so one bad source does not block the rest."""
    failures = 0
    for source in sources:
        try:
            title, blocks = source.load()
            data = BUILDERS[source.ext](title, blocks)
        except Exception as exc:  # noqa: BLE001 - reported, then the exit code says it
            failures += 1
            print(f"error: {rel(source.path)}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        write_atomic(source.target, data)
        print(f"wrote {rel(source.target)}")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="fail if a generated file is missing or older than its source")
    args = parser.parse_args(argv)
    sources = list(find_sources())
    return check(sources) if args.check else build(sources)


if __name__ == "__main__":
    sys.exit(main())
