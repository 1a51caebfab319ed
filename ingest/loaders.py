"""One loader per format, each built on a maintained library, each keeping its locator:
Markdown/TXT (front matter, headings; any encoding), PDF (pages), DOCX (heading path, tables), PPTX
(slides), HTML (main content only, headings), WebVTT/SRT (cue timestamps), LibreOffice ODT/ODP
(`ingest.opendocument`), spreadsheets XLSX/XLS/ODS/CSV (`ingest.spreadsheets`, one section per
sheet), RTF and EPUB (one part per chapter). Old binary .doc/.ppt files are refused with what to do."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.errors import LoadError
from assistant.schema import LoadedDocument, Section
from ingest.archives import MAX_UNZIPPED_BYTES, OLE_MAGIC, check_zip_archive, read_member  # noqa: F401 (MAX_UNZIPPED_BYTES re-exported)
from ingest.decode import decode_text
from ingest.opendocument import load_odp, load_odt
from ingest.spreadsheets import load_csv, load_spreadsheet
from ingest.tables import render_table

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def markdown_sections(body: str) -> tuple[list[Section], str | None]:
    """Split Markdown along its headings; each section carries its heading path. Returns the sections
    and the first level-1 heading (a title candidate)."""
    sections: list[Section] = []
    path: list[tuple[int, str]] = []
    buffer: list[str] = []
    title: str | None = None
    in_code = False

    def flush() -> None:
        text = "\n".join(buffer).strip()
        if text:
            sections.append(Section(text, tuple(h for _, h in path)))
        buffer.clear()

    for line in body.split("\n"):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        match = None if in_code else _HEADING.match(line)
        if not match:
            buffer.append(line)
            continue
        flush()
        level, heading = len(match.group(1)), match.group(2).strip()
        if level == 1 and title is None:
            title = heading
            path = []
            continue
        path = [(lvl, h) for lvl, h in path if lvl < level] + [(level, heading)]
    flush()
    return sections, title


def load_markdown(path: Path) -> LoadedDocument:
    import frontmatter  # python-frontmatter
    import yaml

    text = decode_text(path.read_bytes())
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise LoadError(f"l'en-tête YAML (front matter) est invalide : {str(exc).splitlines()[0]}") from exc
    sections, title = markdown_sections(post.content)
    meta = dict(post.metadata)
    return LoadedDocument(sections, title=title, front_matter=meta)


def load_text(path: Path) -> LoadedDocument:
    """Plain text: one section; a short first line without a final full stop is the title (« Charte de la
    cour de récréation »), rather than the file name with its accents lost."""
    text = decode_text(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return LoadedDocument([])
    first = text.strip().split("\n", 1)[0].strip()
    title = first if 3 <= len(first) <= 100 and not first.endswith((".", ":", ";", ",")) and "|" not in first else None
    return LoadedDocument([Section(text)], title=title)


_NO_TITLE = {"", "untitled", "sans titre", "(anonymous)", "anonymous"}


def load_pdf(path: Path) -> LoadedDocument:
    """Pages as Markdown-like text (pdfplumber keeps the layout pypdf flattens): headings found by
    their font as `#` lines, paragraphs separated by blank lines, bullets as `- ` items, ruled
    tables rendered by `ingest.tables`. Hard-wrapped lines are rejoined by `ingest.clean`."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    from ingest.pdf_layout import page_lines, pages_markdown

    try:
        with pdfplumber.open(str(path)) as pdf:  # opens with the empty password, like most "protected" PDFs
            title = pdf.metadata.get("Title")
            pages = [page_lines(page) for page in pdf.pages]
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, PDFPasswordIncorrect):
            raise LoadError("le PDF est protégé par un mot de passe : fournissez une version non chiffrée") from exc
        if "crypt" in type(cause).__name__.lower():
            raise LoadError("le PDF est chiffré et ne peut pas être lu : fournissez une version non chiffrée") from exc
        raise LoadError(f"ce n'est pas un PDF lisible (fichier abîmé ou tronqué ?) : {cause or exc}") from exc
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise LoadError(f"ce n'est pas un PDF lisible (fichier abîmé ou tronqué ?) : {exc}") from exc
    # Producers fill the title field with placeholders when the author left it empty.
    title = title.strip() if isinstance(title, str) and title.strip().lower() not in _NO_TITLE else None
    texts, heading_title = pages_markdown(pages, title)
    sections = [Section(text, page=i) for i, text in enumerate(texts, start=1)]
    if not any(s.text.strip() for s in sections):
        raise LoadError("le PDF ne contient pas de texte extractible (document scanné ?) : fournissez une version texte")
    return LoadedDocument(sections, title=title or heading_title)


def load_docx(path: Path) -> LoadedDocument:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        check_zip_archive(path)
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise LoadError(f"ce n'est pas un document Word (.docx) lisible : {exc}") from exc
    sections: list[Section] = []
    path_stack: list[tuple[int, str]] = []
    buffer: list[str] = []
    title = document.core_properties.title or None

    def flush() -> None:
        text = "\n".join(buffer).strip()
        if text:
            sections.append(Section(text, tuple(h for _, h in path_stack)))
        buffer.clear()

    number = 0  # position in the current numbered list
    # python-docx lists paragraphs and tables separately: walk the body to keep their order.
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            number = 0
            table = render_table(_docx_rows(block))
            if table:
                buffer.extend(["", table, ""])  # a block of its own for the cleaner and the chunker
            continue
        assert isinstance(block, Paragraph)
        style = (block.style.name if block.style is not None else "") or ""
        text = block.text.strip()
        level = _heading_level(style)
        if level is None:
            if not text:
                continue
            numbered = "Number" in style or "Numéro" in style
            listed = numbered or "List" in style or "Liste" in style or block._p.pPr is not None and block._p.pPr.numPr is not None
            number = number + 1 if numbered else 0
            buffer.append((f"{number}. " if numbered else "- " if listed else "") + text)
            continue
        number = 0
        if not text:
            continue
        flush()
        if level == 0 or (level == 1 and title is None and not sections and not path_stack):
            title = title or text
            continue
        if level == 1 and text == title:
            continue
        path_stack = [(lvl, h) for lvl, h in path_stack if lvl < level] + [(level, text)]
    flush()
    return LoadedDocument(sections, title=title)


def _docx_rows(table: Any) -> list[list[str]]:
    """Cell texts row by row; a cell merged across columns keeps its text in its first column only."""
    rows = []
    for row in table.rows:
        seen: list[Any] = []  # the cells' XML elements, held so that identity stays meaningful
        cells = []
        for cell in row.cells:
            cells.append("" if any(cell._tc is tc for tc in seen) else cell.text)
            seen.append(cell._tc)
        rows.append(cells)
    return rows


def _heading_level(style: str) -> int | None:
    if style in ("Title", "Titre"):
        return 0
    match = re.match(r"^(?:Heading|Titre)\s*(\d)$", style)
    return int(match.group(1)) if match else None


def load_pptx(path: Path) -> LoadedDocument:
    from pptx import Presentation
    from pptx.exc import PackageNotFoundError

    try:
        check_zip_archive(path)
        deck = Presentation(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise LoadError(f"ce n'est pas une présentation PowerPoint (.pptx) lisible : {exc}") from exc
    sections: list[Section] = []
    for number, slide in enumerate(deck.slides, start=1):
        slide_title = ""
        if slide.shapes.title is not None and slide.shapes.title.has_text_frame:
            slide_title = slide.shapes.title.text_frame.text.strip()
        lines: list[str] = []
        for shape in slide.shapes:
            if shape == slide.shapes.title:
                continue
            if shape.has_text_frame:
                for para in shape.text_frame.paragraphs:
                    text = "".join(run.text for run in para.runs).strip()
                    if text:
                        lines.append(("- " if para.level > 0 or len(shape.text_frame.paragraphs) > 1 else "") + text)
            if getattr(shape, "has_table", False) and shape.has_table:
                table = render_table([[c.text for c in row.cells] for row in shape.table.rows])
                if table:
                    lines.append(table)
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame.text.strip() if slide.notes_slide.notes_text_frame else ""
            if notes:
                lines.append(f"Notes : {notes}")
        body = "\n".join(lines).strip()
        if body or slide_title:
            sections.append(Section(body or slide_title, (slide_title,) if slide_title else (), slide=number))
    title = deck.core_properties.title or (sections[0].heading_path[0] if sections and sections[0].heading_path else None)
    return LoadedDocument(sections, title=title or None)


def _html_parts(html: str) -> tuple[list[Section], str | None, str | None] | None:
    """The main content of an HTML page as heading-path sections, with its first level-1 heading
    and its <title> (None when there is no main content)."""
    import trafilatura

    # Main content only: trafilatura drops navigation, banners, scripts and footers; Markdown output
    # keeps the headings, so the same heading-path splitter as for .md applies.
    extracted = trafilatura.extract(
        html, output_format="markdown", include_formatting=True, include_comments=False,
        include_tables=True, favor_recall=True,
    )
    if not extracted:
        return None
    sections, h1 = markdown_sections(extracted)
    meta = trafilatura.extract_metadata(html)
    return sections, h1, meta.title if meta is not None else None


def load_html(path: Path) -> LoadedDocument:
    parts = _html_parts(decode_text(path.read_bytes()))
    if parts is None:
        raise LoadError("aucun contenu principal n'a été trouvé dans la page HTML")
    sections, h1, title = parts
    return LoadedDocument(sections, title=title or h1)


# Word and LibreOffice write a heading's outline level (0 for "Heading 1") in its paragraph
# properties; striprtf drops it, so it is turned into a Markdown heading mark first.
_RTF_OUTLINE = re.compile(rb"\\outlinelevel([0-5])(?![0-9])")
_RTF_TITLE = re.compile(rb"\\title\s+((?:[^{}\\]|\\[^{}])*)")
_LONE_MARK = re.compile(r"^#{1,6}\s*$", re.MULTILINE)
# Word writes a list item's bullet as its font's character and a tab ("·", "o" or "§" in Symbol,
# Courier and Wingdings): it becomes the "- " the chunker knows.
_RTF_BULLET = re.compile(r"^[·•o§▪■◦\uf0b7\uf0a7]\t", re.MULTILINE)


def _rtf_tables(text: str) -> str:
    """striprtf writes a table row as its cells each followed by "|": such runs of lines become a
    table rendered by `ingest.tables`."""
    out: list[str] = []
    rows: list[list[str]] = []
    for line in text.split("\n") + [""]:
        if line.rstrip().endswith("|") and "|" in line:
            rows.append(line.rstrip()[:-1].split("|"))
            continue
        if rows:
            out.extend(["", render_table(rows), ""])
            rows = []
        out.append(line)
    return "\n".join(out)


def load_rtf(path: Path) -> LoadedDocument:
    """Rich Text (WordPad, Word, LibreOffice) with striprtf: paragraphs, and headings when the file
    records their outline level."""
    from striprtf.striprtf import rtf_to_text

    data = path.read_bytes()
    if not data.lstrip().startswith(b"{\\rtf"):
        raise LoadError("ce n'est pas un fichier RTF (il ne commence pas par « {\\rtf ») : fichier renommé ?")
    marked = _RTF_OUTLINE.sub(lambda m: m.group(0) + b" " + b"#" * (int(m.group(1)) + 1) + b" ", data)
    try:
        # RTF is 7-bit with escapes decoded by the code page it declares; raw bytes from lax writers
        # are UTF-8 or cp1252.
        text = marked.decode("utf-8")
    except UnicodeDecodeError:
        text = marked.decode("cp1252", errors="replace")
    body = _rtf_tables(_RTF_BULLET.sub("- ", _LONE_MARK.sub("", rtf_to_text(text, errors="replace"))))
    sections, h1 = markdown_sections(body)
    match = _RTF_TITLE.search(data)
    title = rtf_to_text("{\\rtf1\\ansi " + match.group(1).decode("cp1252", "replace") + "}").strip() if match else ""
    return LoadedDocument(sections, title=title or h1)


def _toc_titles(toc: Any, titles: dict[str, str] | None = None) -> dict[str, str]:
    """Chapter titles by file name, from an EPUB's table of contents (first entry per file wins)."""
    titles = {} if titles is None else titles
    for entry in toc or ():
        if isinstance(entry, (tuple, list)) and len(entry) == 2:
            section, children = entry
            _toc_titles([section], titles)
            _toc_titles(children, titles)
            continue
        href, label = getattr(entry, "href", None), getattr(entry, "title", None)
        if href and label and label.strip():
            titles.setdefault(href.split("#", 1)[0], " ".join(label.split()))
    return titles


_FONT_OBFUSCATION = (b"http://www.idpf.org/2008/embedding", b"http://ns.adobe.com/pdf/enc#RC")


def load_epub(path: Path) -> LoadedDocument:
    """An EPUB book with ebooklib: one part per chapter in reading order, the chapter's title (from
    the table of contents, else its first heading) at the head of its heading path."""
    import ebooklib
    from ebooklib import epub

    check_zip_archive(path)
    encryption = read_member(path, "META-INF/encryption.xml") or b""
    if encryption.count(b"EncryptedData") > sum(encryption.count(a) for a in _FONT_OBFUSCATION):
        raise LoadError("le livre numérique est protégé (DRM) et ne peut pas être lu : fournissez une version sans protection")
    errors = (epub.EpubException, KeyError, ValueError, OSError, AttributeError, IndexError, TypeError)
    try:
        # EPUB 3 books carry their table of contents in a navigation document, EPUB 2 books in an NCX
        # file (which some writers announce without shipping it): the NCX is read only when needed.
        book = epub.read_epub(str(path), options={"ignore_ncx": True})
    except errors as exc:
        raise LoadError(f"ce n'est pas un livre numérique EPUB lisible (fichier abîmé ?) : {str(exc)[:200]}") from exc
    toc = book.toc
    if not toc:
        try:
            toc = epub.read_epub(str(path), options={"ignore_ncx": False}).toc
        except errors:
            toc = []
    chapters = _toc_titles(toc)
    sections: list[Section] = []
    chapter: str | None = None
    for idref, _linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT or isinstance(item, epub.EpubNav):
            continue
        listed = chapters.get(item.get_name())
        parts = _html_parts(decode_text(item.get_content()))
        if parts is None:
            chapter = listed or chapter
            continue
        found, h1, _page_title = parts
        # A file the table of contents does not list continues the previous chapter (converters split
        # long chapters into several files), unless it opens with a heading of its own.
        chapter = listed or h1 or chapter
        for s in found:
            path_ = s.heading_path if not chapter or s.heading_path[:1] == (chapter,) else (chapter, *s.heading_path)
            sections.append(Section(s.text, path_))
    meta = book.get_metadata("DC", "title")
    title = str(meta[0][0]).strip() if meta and meta[0] and meta[0][0] else None
    return LoadedDocument(sections, title=title or None)


def _cue_time(start: str) -> str:
    """'00:02:15.000' → '02:15' (hours kept only when present)."""
    hms = start.split(".")[0].split(",")[0]
    parts = hms.split(":")
    if len(parts) == 3 and parts[0] == "00":
        return f"{parts[1]}:{parts[2]}"
    return hms


def load_subtitles(path: Path, max_chars: int = 700) -> LoadedDocument:
    """Transcript cues grouped into passages of about max_chars, each stamped with its first cue's time."""
    import webvtt
    from webvtt.errors import MalformedFileError

    text = decode_text(path.read_bytes())  # any encoding; a clear error for binary junk
    try:
        captions = webvtt.from_buffer(io.StringIO(text), format="srt" if path.suffix.lower() == ".srt" else "vtt")
    except (MalformedFileError, ValueError, IndexError) as exc:
        raise LoadError(f"le fichier de sous-titres est mal formé : {exc}") from exc
    sections: list[Section] = []
    group: list[str] = []
    group_start: str | None = None
    for caption in captions:
        text = " ".join(caption.text.split())
        if not text:
            continue
        speaker = caption.voice
        line = f"{speaker} : {text}" if speaker else text
        if group and sum(len(g) for g in group) + len(line) > max_chars:
            sections.append(Section("\n".join(group), timestamp=group_start))
            group = []
        if not group:
            group_start = _cue_time(caption.start)
        group.append(line)
    if group:
        sections.append(Section("\n".join(group), timestamp=group_start))
    return LoadedDocument(sections)


def load_xls(path: Path) -> LoadedDocument:
    """.xls: the binary Excel 97-2003 format (or a newer workbook renamed), read by calamine; or what
    school and administration web tools export under that name, an HTML table or tab-separated text."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC or head.startswith(b"PK\x03\x04"):
        return load_spreadsheet(path)
    try:
        text = decode_text(path.read_bytes())
    except LoadError as exc:
        raise LoadError("ce n'est pas un classeur Excel (.xls) lisible : ni l'ancien format binaire, ni un export "
                        "HTML ou texte (fichier abîmé ?)") from exc
    start = text.lstrip()[:2000].lower()
    if "<workbook" in start and "office:spreadsheet" in start:
        raise LoadError("ce classeur est au format « XML 2003 » d'Excel, qui n'est pas lu : ouvrez-le et "
                        "enregistrez-le au format .xlsx ou .ods puis relancez l'ingestion")
    if start.startswith("<"):
        parts = _html_parts(text)
        if parts is None:
            raise LoadError("ce fichier .xls est une page HTML sans contenu lisible")
        sections, h1, title = parts
        return LoadedDocument(sections, title=title or h1)
    return load_csv(path)


LOADERS: dict[str, Callable[[Path], LoadedDocument]] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".pptx": load_pptx,
    ".html": load_html,
    ".htm": load_html,
    ".vtt": load_subtitles,
    ".srt": load_subtitles,
    ".odt": load_odt,
    ".odp": load_odp,
    ".xlsx": load_spreadsheet,
    ".xlsm": load_spreadsheet,
    ".xls": load_xls,
    ".ods": load_spreadsheet,
    ".csv": load_csv,
    ".rtf": load_rtf,
    ".epub": load_epub,
}
PAGED = {".pdf"}
# Formats whose content is rows (budgets, inventories, plannings), never a session sheet's prose.
TABLES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv"})
# Old binary formats no maintained pure-Python library reads: refused with what to do instead.
LEGACY = {
    ".doc": "les documents Word de l'ancien format (.doc) ne sont pas lus : enregistrez-le au format .docx ou .odt "
            "puis relancez l'ingestion",
    ".ppt": "les présentations PowerPoint de l'ancien format (.ppt) ne sont pas lues : enregistrez-la au format "
            ".pptx ou .odp puis relancez l'ingestion",
}


def _legacy_loader(path: Path) -> Callable[[Path], LoadedDocument]:
    """A .doc or .ppt is often not the old binary format at all: Word saves RTF and HTML under .doc,
    and a .docx/.pptx renamed is still one. Those are read; the binary format itself is refused."""
    with path.open("rb") as fh:
        head = fh.read(512).lstrip()
    if head.startswith(b"{\\rtf"):
        return load_rtf
    if head.startswith(b"PK\x03\x04"):
        return load_docx if path.suffix.lower() == ".doc" else load_pptx
    if head[:1] == b"<":
        return load_html
    raise LoadError(LEGACY[path.suffix.lower()])


def load(path: Path) -> LoadedDocument:
    """Load one file with the loader of its extension; raise LoadError with a plain French reason."""
    loader = LOADERS.get(path.suffix.lower())
    if path.suffix.lower() in LEGACY:
        loader = _legacy_loader(path)
    if loader is None:
        supported = ", ".join(sorted(LOADERS))
        raise LoadError(f"format non pris en charge ({path.suffix or 'sans extension'}) ; formats acceptés : {supported}")
    try:
        return loader(path)
    except LoadError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise LoadError("le fichier est trop complexe pour être lu (structure trop profonde ou trop volumineuse)") from exc
    except Exception as exc:
        # The parsers (lxml, zipfile, pdfminer, webvtt…) raise their own errors on malformed files,
        # sometimes lazily while the document is walked (found by tests/test_fuzz.py).
        raise LoadError(f"le fichier est abîmé ou mal formé ({type(exc).__name__} : {str(exc)[:200]})") from exc
