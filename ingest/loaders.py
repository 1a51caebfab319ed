"""One loader per format, each built on a maintained library, each keeping its locator:
Markdown/TXT (front matter, headings), PDF (pages), DOCX (heading path, tables), PPTX (slides),
HTML (main content only, headings) and WebVTT/SRT (cue timestamps)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.errors import LoadError
from assistant.schema import LoadedDocument, Section
from ingest.tables import render_table

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data[:4096]:
        raise LoadError("le fichier contient des données binaires, pas du texte")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"le texte n'est pas encodé en UTF-8 (octet invalide à la position {exc.start}) : "
            "réenregistrez-le en UTF-8"
        ) from exc


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

    text = _decode(path.read_bytes(), path)
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise LoadError(f"l'en-tête YAML (front matter) est invalide : {str(exc).splitlines()[0]}") from exc
    sections, title = markdown_sections(post.content)
    meta = dict(post.metadata)
    return LoadedDocument(sections, title=title, front_matter=meta)


def load_text(path: Path) -> LoadedDocument:
    text = _decode(path.read_bytes(), path)
    return LoadedDocument([Section(text)] if text.strip() else [])


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


# Office files are zip archives: a few kB can inflate to gigabytes ("zip bomb"). Their sizes are
# checked from the archive's directory before any library opens it. Real DOCX/PPTX of a school
# programme inflate to a few tens of MB (images included) at ratios rarely above 20.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
MAX_MEMBER_RATIO = 100  # for members above 1 MB: XML compresses ~10×, a run of zeros ~1000×
_RATIO_FLOOR = 1024 * 1024


def check_zip_archive(path: Path) -> None:
    """Refuse an Office archive that is not a zip, or whose declared contents are too big, too many
    or too compressed to be a genuine document (zip bomb)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise LoadError(f"le fichier n'est pas une archive Office valide (zip abîmé ?) : {exc}") from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise LoadError(f"l'archive contient {len(members)} fichiers internes (limite {MAX_ZIP_MEMBERS}) : fichier refusé")
    total = sum(m.file_size for m in members)
    if total > MAX_UNZIPPED_BYTES:
        raise LoadError(f"le contenu décompressé ferait {total / 1024 / 1024:.0f} Mo (limite "
                        f"{MAX_UNZIPPED_BYTES // 1024 // 1024} Mo) : fichier refusé (possible bombe de décompression)")
    for m in members:
        if m.file_size > _RATIO_FLOOR and m.file_size > MAX_MEMBER_RATIO * max(m.compress_size, 1):
            raise LoadError(f"« {m.filename} » se décompresse {m.file_size // max(m.compress_size, 1)} fois : "
                            "fichier refusé (possible bombe de décompression)")


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


def load_html(path: Path) -> LoadedDocument:
    import trafilatura

    html = _decode(path.read_bytes(), path)
    # Main content only: trafilatura drops navigation, banners, scripts and footers; Markdown output
    # keeps the headings, so the same heading-path splitter as for .md applies.
    extracted = trafilatura.extract(
        html, output_format="markdown", include_formatting=True, include_comments=False,
        include_tables=True, favor_recall=True,
    )
    if not extracted:
        raise LoadError("aucun contenu principal n'a été trouvé dans la page HTML")
    sections, h1 = markdown_sections(extracted)
    meta = trafilatura.extract_metadata(html)
    title = (meta.title if meta is not None else None) or h1
    return LoadedDocument(sections, title=title)


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

    _decode(path.read_bytes(), path)  # clear error for binary junk or bad encoding
    try:
        captions = webvtt.from_srt(str(path)) if path.suffix.lower() == ".srt" else webvtt.read(str(path))
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
}
PAGED = {".pdf"}


def load(path: Path) -> LoadedDocument:
    """Load one file with the loader of its extension; raise LoadError with a plain French reason."""
    loader = LOADERS.get(path.suffix.lower())
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
