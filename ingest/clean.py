"""Text cleaning applied to every loaded section before chunking."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from assistant.schema import Section

# A word broken across a line end by a hyphen: "compé-\ntences" → "compétences". Only when both
# sides are lower-case letters, so "Saint-\nNazaire" and list dashes survive.
_HYPHEN_BREAK = re.compile(r"(?<=[a-zà-öø-ÿœ])-\n(?=[a-zà-öø-ÿœ])")
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# An indented list item is a sub-item of the one above (« Une affiche des phrases outils : » then the
# phrases): it keeps one level of indentation, so that the list reads as nested where it is shown.
_NESTED_ITEM = re.compile(r"^(?:[ \u00a0]{2,}|\t)[ \t\u00a0]*(?=(?:[-*•+]|\d{1,2}[.)])\s)")
NESTED_INDENT = "  "
# A link to another file of the library (« Voir la fiche [Que faire…](../../protection/….md) ») is shown by its
# words: the relative path means nothing in an answer and its words would match searches. Web links stay.
_RELATIVE_LINK = re.compile(r"\[([^\]\n]+)\]\((?!https?:|mailto:|#)[^()\s]+\)")


def normalise_unicode(text: str) -> str:
    """NFKC (ligatures such as 'ﬁ' from PDFs become plain letters), then NFC for composed accents."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text))


def clean_text(text: str) -> str:
    """Unicode normalisation, hyphenation across line breaks undone, whitespace normalised."""
    text = normalise_unicode(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _HYPHEN_BREAK.sub("", text)
    text = _RELATIVE_LINK.sub(r"« \1 »", text)
    lines = [(NESTED_INDENT if _NESTED_ITEM.match(line) else "") + _SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def _line_key(line: str) -> str:
    # Page numbers change from page to page: "Page 3" and "Page 4" are the same footer.
    return re.sub(r"\d+", "#", line.strip().lower())


def remove_repeated_page_lines(pages: list[Section], edge_lines: int = 3, min_share: float = 0.5) -> list[Section]:
    """Drop running headers and footers: lines among the first or last few of a page that recur on at
    least half of the pages (digits ignored). With two pages, chance is likelier: only a first line
    repeated as the first line, or a last line as the last, counts."""
    if len(pages) < 2:
        return pages
    if len(pages) == 2:
        one, two = ([_line_key(ln) for ln in page.text.split("\n") if ln.strip()] for page in pages)
        repeated = {edge[0] for edge in (one[:1] + two[:1], one[-1:] + two[-1:]) if len(edge) == 2 and edge[0] == edge[1]}
        edge_lines = 1
    else:
        counts: Counter[str] = Counter()
        for page in pages:
            lines = [ln for ln in page.text.split("\n") if ln.strip()]
            counts.update(set(_line_key(ln) for ln in lines[:edge_lines] + lines[-edge_lines:]))
        repeated = {key for key, n in counts.items() if n >= max(2, min_share * len(pages))}
    if not repeated:
        return pages
    cleaned: list[Section] = []
    for page in pages:
        lines = page.text.split("\n")
        non_empty = [i for i, ln in enumerate(lines) if ln.strip()]
        edge_idx = set(non_empty[:edge_lines] + non_empty[-edge_lines:])
        kept = [ln for i, ln in enumerate(lines) if not (i in edge_idx and _line_key(ln) in repeated)]
        cleaned.append(Section("\n".join(kept).strip(), page.heading_path, page.page, page.slide, page.timestamp))
    return cleaned


_LIST_ITEM = re.compile(r"^([-•*–]|\d+[.)])\s")
_LONE_NUMBER = re.compile(r"^\d+[.)]$")
_HEADING_MARK = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
_TABLE_ROW = re.compile(r"^\|")
_OPEN_END = (".", "!", "?", ":", "»", "…", ")", '"', "”")


def looks_like_heading(line: str) -> bool:
    """A short capitalised line with no final punctuation: in PDF text without font information,
    a title of its own."""
    line = line.strip()
    return (
        3 <= len(line) <= 70 and line[0].isupper() and not line.endswith((".", ",", ";", ":", "!", "?", "»", ")"))
        and not _LIST_ITEM.match(line) and not line.startswith(("|", "#")) and len(line.split()) <= 10
    )


# Items as `ingest.pdf_layout` writes them: a dash at a line start may also be a wrapped "– …" aside.
_LAYOUT_ITEM = re.compile(r"^(-|\d{1,2}[.)])\s")


def _starts_unit(line: str) -> bool:
    return bool(_LAYOUT_ITEM.match(line) or _TABLE_ROW.match(line) or _HEADING_MARK.match(line))


def join_wrapped_lines(text: str) -> str:
    """Rejoin the visual lines of PDF text: inside a paragraph (blank lines separate paragraphs, see
    `ingest.pdf_layout`) every line continues the previous one, except a list item, a table row or a
    heading, which start lines of their own."""
    out: list[str] = []
    for line in text.split("\n"):
        prev = out[-1] if out else ""
        if _LONE_NUMBER.match(prev) and line.strip():  # "3." alone, its item on the next line
            out[-1] = f"{prev} {line}"
        elif prev and line and not _starts_unit(line) and not _TABLE_ROW.match(prev) and not _HEADING_MARK.match(prev):
            out[-1] = f"{prev} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def _join_across_pages(pages: list[Section]) -> list[Section]:
    """A paragraph cut by a page break ("…trois façons de réagir" | "(passive, agressive…") is made
    whole on the page where it starts."""
    pages = list(pages)
    for i in range(len(pages) - 1):
        head, tail = pages[i], pages[i + 1]
        last = head.text.rstrip().rsplit("\n", 1)[-1]
        first, sep, rest = tail.text.lstrip().partition("\n\n")
        if (not last or last.endswith(_OPEN_END) or _TABLE_ROW.match(last)
                or (_LAYOUT_ITEM.match(last) and last.endswith((";", ","))) or _HEADING_MARK.match(last) or not first
                or _starts_unit(first) or "\n" in first):
            continue
        pages[i] = Section(f"{head.text.rstrip()} {first}", head.heading_path, head.page, head.slide, head.timestamp)
        pages[i + 1] = Section(rest.strip() if sep else "", tail.heading_path, tail.page, tail.slide, tail.timestamp)
    return pages


def split_page_headings(page: Section, stack: list[tuple[int, str]], marked: bool) -> tuple[list[Section], list[tuple[int, str]]]:
    """Cut a PDF page at its headings, so that each part carries its heading path (and the page).
    `marked`: headings are the loader's `#` lines (found by font); otherwise heading-like lines.
    `stack` is the (level, heading) path carried over from the previous page; the new one is returned."""
    parts: list[Section] = []
    buffer: list[str] = []

    def flush() -> None:
        text = "\n".join(buffer).strip()
        if text:
            parts.append(Section(text, tuple(h for _, h in stack) or page.heading_path, page.page))
        buffer.clear()

    lines = page.text.split("\n")
    for i, line in enumerate(lines):
        mark = _HEADING_MARK.match(line)
        if marked and mark:
            flush()
            level = len(mark.group(1))
            stack = [(lvl, h) for lvl, h in stack if lvl < level] + [(level, mark.group(2))]
            continue
        nxt = next((ln for ln in lines[i + 1:] if ln.strip()), "")
        if not marked and looks_like_heading(line) and nxt and not looks_like_heading(nxt):
            flush()
            stack = [(1, line.strip())]
            continue
        buffer.append(line)
    flush()
    return parts, stack


def drop_repeated_lines(text: str) -> str:
    """No line twice in a section: merged table cells, repeated captions and similar artefacts.
    Short lines (a "Page" label, a table rule) and blank lines are left alone."""
    seen: set[str] = set()
    out: list[str] = []
    for line in text.split("\n"):
        key = line.strip().lower()
        if len(key) >= 25 and key in seen:
            continue
        seen.add(key)
        out.append(line)
    return "\n".join(out)


def clean_sections(sections: list[Section], paged: bool = False) -> list[Section]:
    """Clean every section; for paged documents also drop running headers/footers, rejoin wrapped
    lines and cut pages at their headings."""
    sections = [Section(clean_text(s.text), s.heading_path, s.page, s.slide, s.timestamp) for s in sections]
    if paged:
        sections = remove_repeated_page_lines(sections)
        sections = [Section(join_wrapped_lines(s.text), s.heading_path, s.page, s.slide, s.timestamp) for s in sections]
        sections = _join_across_pages(sections)
        marked = any(_HEADING_MARK.match(ln) for s in sections for ln in s.text.split("\n"))
        parts: list[Section] = []
        stack: list[tuple[int, str]] = []
        for section in sections:
            split, stack = split_page_headings(section, stack, marked)
            parts.extend(split)
        sections = parts
    sections = [Section(drop_repeated_lines(s.text), s.heading_path, s.page, s.slide, s.timestamp) for s in sections]
    return [s for s in sections if s.text.strip()]
