"""Builders for LibreOffice, spreadsheet, RTF and EPUB test documents, written with the libraries
themselves (odfdo, openpyxl, xlwt, ebooklib) inside the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

NUMBERED_LIST_STYLE = (
    '<text:list-style style:name="Lnum"><text:list-level-style-number text:level="1" style:num-suffix="." '
    'style:num-format="1"/></text:list-style>'
)


def make_odt(path: Path, blocks: list[tuple[str, Any]], title: str | None = None) -> Path:
    """blocks: (kind, content) with kind in title/h1..h6/p/li (list of items)/ol (numbered items)/
    table (rows)/note ((paragraph, footnote))/toc (heading texts of a table of contents)."""
    from odfdo import Document, Element, Header, List, Paragraph, Table

    document = Document("text")
    if title:
        document.meta.title = title
    document.insert_style(Element.from_tag(NUMBERED_LIST_STYLE), automatic=True)
    body = document.body
    for kind, content in blocks:
        if kind == "title":
            body.append(Paragraph(content, style="Title"))
        elif kind.startswith("h"):
            body.append(Header(int(kind[1]), content))
        elif kind in ("li", "ol"):
            items = List(content)
            if kind == "ol":
                items.set_attribute("text:style-name", "Lnum")
            body.append(items)
        elif kind == "table":
            table = Table(f"Tableau{len(body.get_tables()) + 1}", width=len(content[0]), height=len(content))
            table.set_values(content)
            body.append(table)
        elif kind == "note":
            text, note = content
            paragraph = Paragraph(text)
            paragraph.append(Element.from_tag(
                '<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
                f'<text:note-body><text:p>{note}</text:p></text:note-body></text:note>'))
            body.append(paragraph)
        elif kind == "toc":
            entries = "".join(f"<text:p>{h}</text:p>" for h in content)
            body.append(Element.from_tag(
                f'<text:table-of-content text:name="Sommaire"><text:index-body>{entries}</text:index-body>'
                '</text:table-of-content>'))
        else:
            body.append(Paragraph(content))
    document.save(str(path))
    return path


def make_odp(path: Path, slides: list[tuple[str, list[str], str | None]], title: str | None = None,
             table: list[list[str]] | None = None) -> Path:
    """slides: (title, bullets, speaker notes); an optional table on a last slide of its own."""
    from odfdo import Document, DrawPage, Element, Frame, List, Table

    document = Document("presentation")
    document.body.clear()
    if title:
        document.meta.title = title
    for number, (slide_title, bullets, notes) in enumerate(slides, start=1):
        page = DrawPage(f"page{number}", name=f"Diapo {number}")
        page.append(Frame.text_frame(slide_title, size=("24cm", "3cm"), position=("1cm", "1cm"), presentation_class="title"))
        page.append(Frame.text_frame(List(bullets), size=("24cm", "12cm"), position=("1cm", "5cm"), presentation_class="outline"))
        if notes:
            page.append(Element.from_tag(
                '<presentation:notes><draw:frame presentation:class="notes"><draw:text-box>'
                f'<text:p>{notes}</text:p></draw:text-box></draw:frame></presentation:notes>'))
        document.body.append(page)
    if table:
        page = DrawPage(f"page{len(slides) + 1}", name="Tableau")
        frame = Frame(size=("20cm", "8cm"), position=("1cm", "1cm"))
        grid = Table("Chiffres", width=len(table[0]), height=len(table))
        grid.set_values(table)
        frame.append(grid)
        page.append(frame)
        document.body.append(page)
    document.save(str(path))
    return path


def make_ods(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    from odfdo import Document, Table

    document = Document("spreadsheet")
    document.body.clear()
    for name, rows in sheets.items():
        table = Table(name)
        table.set_values(rows)
        document.body.append(table)
    document.save(str(path))
    return path


def make_xlsx(path: Path, sheets: dict[str, list[list[Any]]], title: str | None = None,
              hidden: tuple[str, ...] = ()) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    if title:
        workbook.properties.title = title
    workbook.save(str(path))
    return path


def make_xls(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """The old binary Excel format (BIFF8), as Excel 97-2003 saved it."""
    import datetime as dt

    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(i, j, value, date_style)
                else:
                    sheet.write(i, j, value)
    workbook.save(str(path))
    return path


def make_epub(path: Path, chapters: list[tuple[str | None, str]], title: str, toc: str = "nav+ncx") -> Path:
    """chapters: (table-of-contents title, XHTML body); a None title leaves the file out of the table
    of contents, as converters do with the second half of a chapter split in two files. toc: where the
    table of contents is, "nav" (EPUB 3), "ncx" (EPUB 2) or both."""
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier(f"test-{path.stem}")
    book.set_title(title)
    book.set_language("fr")
    items = []
    for number, (chapter_title, body) in enumerate(chapters, start=1):
        item = epub.EpubHtml(title=chapter_title or "", file_name=f"chap{number}.xhtml", lang="fr")
        item.content = body
        book.add_item(item)
        items.append(item)
    book.toc = tuple(item for item, (chapter_title, _) in zip(items, chapters) if chapter_title)
    if "ncx" in toc:
        book.add_item(epub.EpubNcx())
    if "nav" in toc:
        book.add_item(epub.EpubNav())
    book.spine = ["nav", *items] if "nav" in toc else items
    epub.write_epub(str(path), book)
    return path


def rtf_escape(text: str) -> str:
    """Text as an RTF body writes it: cp1252 escapes (\\'e9) for accents, \\uN? beyond cp1252."""
    out = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ord(ch) < 128:
            out.append(ch)
        else:
            try:
                out.append("\\'%02x" % ch.encode("cp1252")[0])
            except UnicodeEncodeError:
                out.append(f"\\u{ord(ch)}?")
    return "".join(out)


def make_rtf(path: Path, blocks: list[tuple[str, str]], title: str | None = None) -> Path:
    """blocks: (kind, text) with kind h1/h2/h3 (outline levels, as Word and LibreOffice write them),
    p, li (a bullet item as Word writes it), or table ('a|b;c|d')."""
    lines = [r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Calibri;}}",
             r"{\stylesheet{\s0 Normal;}{\s1\outlinelevel0 heading 1;}{\s2\outlinelevel1 heading 2;}}"]
    if title:
        lines.append(r"{\info{\title " + rtf_escape(title) + "}}")
    for kind, text in blocks:
        if kind == "table":
            for row in text.split(";"):
                cells = row.split("|")
                bounds = "".join(rf"\cellx{2000 * (j + 1)}" for j in range(len(cells)))
                lines.append(rf"\trowd{bounds}\pard\intbl " + "".join(rtf_escape(c) + r"\cell " for c in cells) + r"\row")
            lines.append(r"\pard")
        elif kind == "li":
            lines.append(r"{\listtext\pard\plain \'b7\tab}\pard\ls1 " + rtf_escape(text) + r"\par")
        elif kind.startswith("h"):
            level = int(kind[1])
            lines.append(rf"\pard\s{level}\outlinelevel{level - 1}\b " + rtf_escape(text) + r"\b0\par")
        else:
            lines.append(r"\pard\s0 " + rtf_escape(text) + r"\par")
    lines.append("}")
    path.write_text("\n".join(lines), encoding="ascii")
    return path
