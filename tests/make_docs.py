"""Builders for test documents in every supported format, generated inside the tests."""

from __future__ import annotations

from pathlib import Path


def make_pdf(path: Path, pages: list[list[str]], title: str | None = None, header: str | None = None,
             password: str | None = None) -> Path:
    """A PDF with one list of lines per page (and an optional running header and page-number footer)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1, encrypt=password)
    if title:
        c.setTitle(title)
    width, height = A4
    for number, lines in enumerate(pages, start=1):
        if header:
            c.setFont("Helvetica", 8)
            c.drawString(50, height - 30, header)
            c.drawString(50, 30, f"Page {number}")
        c.setFont("Helvetica", 11)
        y = height - 80
        for line in lines:
            c.drawString(50, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


def make_docx(path: Path, blocks: list[tuple[str, str]], title: str | None = None) -> Path:
    """blocks: (kind, text) with kind in h1/h2/h3/p/li/table ('a|b;c|d')."""
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    for kind, text in blocks:
        if kind.startswith("h"):
            document.add_heading(text, level=int(kind[1]))
        elif kind == "li":
            document.add_paragraph(text, style="List Bullet")
        elif kind == "table":
            rows = [r.split("|") for r in text.split(";")]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
        else:
            document.add_paragraph(text)
    document.save(str(path))
    return path


def make_pptx(path: Path, slides: list[tuple[str, list[str]]], title: str | None = None) -> Path:
    from pptx import Presentation

    deck = Presentation()
    if title:
        deck.core_properties.title = title
    layout = deck.slide_layouts[1]  # title and content
    for slide_title, bullets in slides:
        slide = deck.slides.add_slide(layout)
        slide.shapes.title.text = slide_title
        body = slide.placeholders[1].text_frame
        body.text = bullets[0] if bullets else ""
        for bullet in bullets[1:]:
            body.add_paragraph().text = bullet
    deck.save(str(path))
    return path


XSS_TITLE = 'Fiche zorglub <img src=x onerror="window.__pwned=3">'


def xss_sheet(extra: str) -> str:
    """A session sheet whose title and body carry script and event-handler payloads (they set
    `window.__pwned` if ever run); `extra` adds the payload line a given test is about."""
    return f"""---
title: '{XSS_TITLE}'
type: seance
niveaux: [CE1]
---

# Le jardin des zorglubs

## Déroulement

Les zorglubs du jardin apprennent à nommer leurs émotions. <script>window.__pwned=1</script>
Chaque zorglub dessine sa météo intérieure <img src=x onerror="window.__pwned=2"> puis la présente au groupe.
{extra}
"""
