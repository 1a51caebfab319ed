"""LibreOffice documents with odfdo: Writer (.odt) with its heading path, lists and tables, and
Impress (.odp) with one section per slide (title as heading, speaker notes kept).

Both formats share one walker over the document's XML: headings (`text:h`, or a paragraph in a
"Heading n"/"Title" style), paragraphs, lists (numbered or not, from their list style), tables
(rendered by `ingest.tables`), frames, text boxes, shapes and sections walked through; footnotes
kept after their paragraph; tables of contents, comments, tracked deletions and alt texts skipped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import LoadError
from assistant.schema import LoadedDocument, Section
from ingest.archives import PASSWORD_ADVICE, check_zip_archive, read_member
from ingest.tables import render_table

MIMETYPES = {
    "application/vnd.oasis.opendocument.text": ("un document texte", ".odt"),
    "application/vnd.oasis.opendocument.text-template": ("un modèle de document texte", ".odt"),
    "application/vnd.oasis.opendocument.presentation": ("une présentation", ".odp"),
    "application/vnd.oasis.opendocument.presentation-template": ("un modèle de présentation", ".odp"),
    "application/vnd.oasis.opendocument.spreadsheet": ("un classeur", ".ods"),
    "application/vnd.oasis.opendocument.spreadsheet-template": ("un modèle de classeur", ".ods"),
    "application/vnd.oasis.opendocument.graphics": ("un dessin", ".odg"),
}
# Containers whose text is no part of the reading flow: generated indexes repeat the headings,
# comments and tracked deletions were never the text, alt texts describe images.
_SKIP = {
    "text:table-of-content", "text:illustration-index", "text:table-index", "text:object-index",
    "text:user-index", "text:alphabetical-index", "text:bibliography", "text:tracked-changes",
    "text:sequence-decls", "text:variable-decls", "text:user-field-decls", "office:annotation",
    "office:annotation-end", "office:forms", "svg:title", "svg:desc", "text:note-citation",
    "presentation:notes", "draw:page-thumbnail", "text:soft-page-break", "table:table-columns",
    "table:table-column", "table:table-column-group", "table:table-header-columns",
}
_ROW_CONTAINERS = {"table:table-header-rows", "table:table-rows", "table:table-row-group"}
# Titles that templates and generators leave in the metadata (odfdo's presentation template says
# "presentation"): the first slide's or heading's title is better.
_PLACEHOLDER_TITLES = {"", "presentation", "présentation", "drawing", "document", "untitled", "sans titre", "titre"}
MAX_REPEAT = 50  # an empty cell or row "repeated 16384 times" is one real cell or row
MAX_TABLE_ROWS = 2000
_HEADING_STYLE = re.compile(r"^(?:Heading|Titre)[ _](?:20_)?(\d)$")


@dataclass
class _Event:
    kind: str  # title | h | p | li | table
    text: str
    level: int = 0  # heading level, or the item's number (0: a bullet)


@dataclass
class _Walker:
    """Turns ODF elements into reading-order events; style look-ups are cached per name."""

    document: Any
    _roles: dict[str, int | None] = field(default_factory=dict)
    _numbered: dict[tuple[str, int], bool] = field(default_factory=dict)
    _counters: dict[str, int] = field(default_factory=dict)  # per list style, for continued numbering

    def walk(self, element: Any, out: list[_Event]) -> list[_Event]:
        for child in element.children:
            tag = child.tag
            if tag in _SKIP:
                continue
            if tag == "text:h":
                self._heading(child, int(child.get_attribute("text:outline-level") or 1), out)
            elif tag == "text:p":
                role = self._role(child.get_attribute("text:style-name"))
                if role is None:
                    self._paragraph(child, out)
                else:
                    self._heading(child, role, out)
            elif tag == "text:list":
                self._list(child, out, 1, None)
            elif tag == "table:table":
                table = render_table(self.table_rows(child))
                if table:
                    out.append(_Event("table", table))
            elif tag == "draw:frame" and child.get_attribute("presentation:class") == "title":
                text = " ".join(e.text for e in self.walk(child, []) if e.kind != "table")
                if text.strip():
                    out.append(_Event("title", _flat(text)))
            else:  # sections, frames, text boxes, shapes, groups: their text is part of the flow
                self.walk(child, out)
        return out

    def _heading(self, element: Any, level: int, out: list[_Event]) -> None:
        notes: list[str] = []
        text = _flat(self.inline(element, notes))
        if text:
            out.append(_Event("title" if level == 0 else "h", text, level))
        out.extend(_Event("p", f"Note : {n}") for n in notes)

    def _paragraph(self, element: Any, out: list[_Event], kind: str = "p", number: int = 0) -> None:
        notes: list[str] = []
        text = self.inline(element, notes).strip()
        if text:
            out.append(_Event(kind, _flat(text) if kind == "li" else text, number))
        out.extend(_Event("p", f"Note : {n}") for n in notes)

    def _list(self, element: Any, out: list[_Event], level: int, inherited: str | None) -> None:
        style = element.get_attribute("text:style-name") or inherited or self._paragraph_list_style(element)
        numbered = self._is_numbered(style, level)
        key = f"{style}:{level}"
        number = self._counters.get(key, 0) if element.get_attribute("text:continue-numbering") == "true" else 0
        for item in element.children:
            if item.tag not in ("text:list-item", "text:list-header"):
                continue
            header = item.tag == "text:list-header"
            if not header:
                number += 1
            first = True
            for child in item.children:
                role = (int(child.get_attribute("text:outline-level") or 1) if child.tag == "text:h"
                        else self._role(child.get_attribute("text:style-name")) if child.tag == "text:p" else None)
                if role is not None:  # outline-numbered headings are written as items of a list
                    self._heading(child, role, out)
                elif child.tag == "text:p":
                    if first and not header:
                        self._paragraph(child, out, "li", number if numbered else 0)
                    else:  # a second paragraph of the same item, or a list header: plain text
                        self._paragraph(child, out)
                    first = False
                elif child.tag == "text:list":
                    self._list(child, out, level + 1, style)
                else:  # a table or a frame inside an item
                    self.walk(_Only(child), out)
        self._counters[key] = number

    def inline(self, element: Any, notes: list[str]) -> str:
        """A paragraph's text: spaces, tabs and line breaks as written, footnotes moved to `notes`."""
        parts = [element.text or ""]
        for child in element.children:
            tag = child.tag
            if tag == "text:s":
                parts.append(" " * min(int(child.get_attribute("text:c") or 1), 100))
            elif tag == "text:tab":
                parts.append(" ")
            elif tag == "text:line-break":
                parts.append("\n")
            elif tag == "text:number":  # the rendered number of a numbered heading ("1.2")
                parts.append(f"{_flat(self.inline(child, notes))} ")
            elif tag == "text:note":
                body = [e.text for e in self.walk(child, []) if e.text.strip()]
                if body:
                    notes.append(_flat(" ".join(body)))
            elif tag in ("text:p", "text:h", "text:list", "table:table"):  # inside a frame anchored in the paragraph
                parts.append("\n" + "\n".join(e.text for e in self.walk_one(child)) + "\n")
            elif tag not in _SKIP:
                parts.append(self.inline(child, notes))
            parts.append(child.tail or "")
        return "".join(parts)

    def walk_one(self, element: Any) -> list[_Event]:
        """Events of one block element (walk() takes a container)."""
        return self.walk(_Only(element), [])

    def table_rows(self, table: Any) -> list[list[str]]:
        rows: list[list[str]] = []
        for row in _rows(table):
            cells: list[str] = []
            for cell in row.children:
                if cell.tag not in ("table:table-cell", "table:covered-table-cell"):
                    continue
                text = "" if cell.tag == "table:covered-table-cell" else _flat(
                    "\n".join(e.text for e in self.walk(cell, [])))
                repeat = int(cell.get_attribute("table:number-columns-repeated") or 1)
                cells.extend([text] * min(repeat, MAX_REPEAT))
            repeat = int(row.get_attribute("table:number-rows-repeated") or 1)
            rows.extend([cells] * (min(repeat, MAX_REPEAT) if any(cells) else 1))
            if len(rows) >= MAX_TABLE_ROWS:
                break
        return rows[:MAX_TABLE_ROWS]

    def _role(self, style_name: str | None) -> int | None:
        """0 for a title paragraph, n for a "Heading n" paragraph, None otherwise (parents followed)."""
        if not style_name:
            return None
        if style_name not in self._roles:
            role: int | None = None
            name: str | None = style_name
            for _ in range(6):  # automatic style → its named parent → …
                if not name:
                    break
                if name in ("Title", "Titre"):
                    role = 0
                    break
                match = _HEADING_STYLE.match(name)
                if match:
                    role = int(match.group(1))
                    break
                style = self.document.get_style("paragraph", name)
                name = style.get_attribute("style:parent-style-name") if style is not None else None
            self._roles[style_name] = role
        return self._roles[style_name]

    def _paragraph_list_style(self, element: Any) -> str | None:
        """A list without a style of its own takes the one its first paragraph's style carries."""
        for item in element.children:
            for child in item.children:
                if child.tag == "text:p":
                    style = self.document.get_style("paragraph", child.get_attribute("text:style-name") or "")
                    return style.get_attribute("style:list-style-name") if style is not None else None
        return None

    def _is_numbered(self, style_name: str | None, level: int) -> bool:
        if not style_name:
            return False
        key = (style_name, level)
        if key not in self._numbered:
            numbered = False
            style = self.document.get_style("list", style_name)
            if style is not None:
                for child in style.children:
                    if child.tag == "text:list-level-style-number" and int(child.get_attribute("text:level") or 1) == level:
                        numbered = bool(child.get_attribute("style:num-format"))
                        break
            self._numbered[key] = numbered
        return self._numbered[key]


class _Only:
    """A container view holding a single element, so that walk() can handle one block."""

    def __init__(self, element: Any) -> None:
        self.children = [element]


def _rows(table: Any) -> list[Any]:
    rows: list[Any] = []
    for child in table.children:
        if child.tag == "table:table-row":
            rows.append(child)
        elif child.tag in _ROW_CONTAINERS:
            rows.extend(_rows(child))
    return rows


def _flat(text: str) -> str:
    return " ".join(text.split())


def _event_line(event: _Event) -> str:
    if event.kind == "li":
        return f"{event.level}. {event.text}" if event.level else f"- {event.text}"
    return event.text


def check_odf_package(path: Path, expected: str) -> None:
    """Refuse, in French, an OpenDocument archive that is protected, damaged, or of another kind
    than its extension says (".odt", ".odp", ".ods")."""
    check_zip_archive(path)
    mimetype = (read_member(path, "mimetype") or b"").decode("ascii", "replace").strip()
    manifest = read_member(path, "META-INF/manifest.xml") or b""
    if b"encryption-data" in manifest:
        raise LoadError(f"le document LibreOffice est protégé par un mot de passe : {PASSWORD_ADVICE}")
    what, suffix = MIMETYPES.get(mimetype, (None, None))
    if what is None:
        raise LoadError(f"ce n'est pas un document LibreOffice ({expected}) lisible : type interne "
                        f"« {mimetype[:80] or 'absent'} »")
    if suffix != expected:
        raise LoadError(f"ce fichier {expected} contient en fait {what} : renommez-le en {suffix} puis relancez l'ingestion")


def open_document(path: Path, expected: str) -> Any:
    """Open an OpenDocument file of the expected kind with odfdo after check_odf_package."""
    from odfdo import Document

    check_odf_package(path, expected)
    try:
        document = Document(str(path))
        document.body  # parses content.xml now, so that a damaged one is reported here
        return document
    except Exception as exc:  # odfdo raises lxml, zipfile or its own errors on a damaged part
        raise LoadError(f"ce n'est pas un document LibreOffice ({expected}) lisible (fichier abîmé ?) : "
                        f"{type(exc).__name__} : {str(exc)[:200]}") from exc


def _meta_title(document: Any) -> str | None:
    try:
        title = document.meta.title
    except Exception:  # a missing or damaged meta.xml leaves the title to the content
        return None
    title = title.strip() if isinstance(title, str) else ""
    return title if title.lower() not in _PLACEHOLDER_TITLES else None


def load_odt(path: Path) -> LoadedDocument:
    """A Writer document: one section per heading, with its heading path; the title from the
    metadata, else the "Title" paragraph, else the first level-1 heading."""
    document = open_document(path, ".odt")
    events = _Walker(document).walk(document.body, [])
    title = _meta_title(document)
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    buffer: list[str] = []

    def flush() -> None:
        text = "\n".join(buffer).strip()
        if text:
            sections.append(Section(text, tuple(h for _, h in stack)))
        buffer.clear()

    previous = ""
    for event in events:
        if event.kind in ("title", "h"):
            flush()
            if event.kind == "title" or (event.level == 1 and title is None and not sections and not stack):
                title = title or event.text
            elif not (event.level == 1 and event.text == title):
                stack = [(lvl, h) for lvl, h in stack if lvl < event.level] + [(event.level, event.text)]
            previous = event.kind
            continue
        if event.kind == "table" or previous == "table":
            buffer.append("")  # a table is a block of its own for the cleaner and the chunker
        buffer.append(_event_line(event))
        previous = event.kind
    flush()
    return LoadedDocument(sections, title=title)


def load_odp(path: Path) -> LoadedDocument:
    """An Impress presentation: one section per slide (numbered as shown), its title as heading,
    speaker notes after the slide's text."""
    document = open_document(path, ".odp")
    walker = _Walker(document)
    sections: list[Section] = []
    for number, page in enumerate(document.body.get_draw_pages(), start=1):
        events = walker.walk(page, [])
        slide_title = next((e.text for e in events if e.kind == "title"), "")
        lines = [_event_line(e) for e in events if e.kind != "title"]
        for child in page.children:
            if child.tag == "presentation:notes":
                notes = " ".join(e.text for e in walker.walk(child, []) if e.kind != "title")
                if notes.strip():
                    lines.append(f"Notes : {_flat(notes)}")
        body = "\n".join(lines).strip()
        if body or slide_title:
            sections.append(Section(body or slide_title, (slide_title,) if slide_title else (), slide=number))
    first = sections[0].heading_path[0] if sections and sections[0].heading_path else None
    return LoadedDocument(sections, title=_meta_title(document) or first)
