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


def normalise_unicode(text: str) -> str:
    """NFKC (ligatures such as 'ﬁ' from PDFs become plain letters), then NFC for composed accents."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text))


def clean_text(text: str) -> str:
    """Unicode normalisation, hyphenation across line breaks undone, whitespace normalised."""
    text = normalise_unicode(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _HYPHEN_BREAK.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def _line_key(line: str) -> str:
    # Page numbers change from page to page: "Page 3" and "Page 4" are the same footer.
    return re.sub(r"\d+", "#", line.strip().lower())


def remove_repeated_page_lines(pages: list[Section], edge_lines: int = 3, min_share: float = 0.5) -> list[Section]:
    """Drop running headers and footers: lines among the first or last few of a page that recur on at
    least half of the pages (digits ignored). Needs three pages or more to tell a pattern from chance."""
    if len(pages) < 3:
        return pages
    counts: Counter[str] = Counter()
    for page in pages:
        lines = [ln for ln in page.text.split("\n") if ln.strip()]
        edges = set(_line_key(ln) for ln in lines[:edge_lines] + lines[-edge_lines:])
        counts.update(edges)
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


def looks_like_heading(line: str) -> bool:
    """A short capitalised line with no final punctuation: in PDF text, a title of its own."""
    line = line.strip()
    return (
        3 <= len(line) <= 70 and line[0].isupper() and not line.endswith((".", ",", ";", ":", "!", "?", "»", ")"))
        and not _LIST_ITEM.match(line) and not line.startswith("|") and len(line.split()) <= 10
    )


def join_wrapped_lines(text: str) -> str:
    """PDF text comes as visual lines: join lines inside a paragraph, keep blank lines, list items
    and heading-like lines on their own."""
    out: list[str] = []
    for line in text.split("\n"):
        prev = out[-1] if out else ""
        if _LONE_NUMBER.match(prev) and line.strip():  # "3." alone, its item on the next line
            out[-1] = f"{prev} {line}"
            continue
        joinable = (
            prev and line and not _LIST_ITEM.match(line) and not prev.endswith((":", ".", "!", "?", "»"))
            and not looks_like_heading(prev) and not (looks_like_heading(line) and prev.endswith((".", "!", "?")))
        )
        if joinable:
            out[-1] = f"{prev} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def split_page_headings(page: Section, carried: tuple[str, ...] = ()) -> list[Section]:
    """Cut a PDF page at its heading-like lines, so that each part carries its heading (and the page).
    Text before the page's first heading continues the previous page's section (`carried`)."""
    parts: list[Section] = []
    heading: tuple[str, ...] = page.heading_path or carried
    buffer: list[str] = []
    lines = page.text.split("\n")
    for i, line in enumerate(lines):
        nxt = next((ln for ln in lines[i + 1:] if ln.strip()), "")
        if looks_like_heading(line) and nxt and not looks_like_heading(nxt):
            if buffer and "\n".join(buffer).strip():
                parts.append(Section("\n".join(buffer).strip(), heading, page.page))
            heading, buffer = (line.strip(),), []
            continue
        buffer.append(line)
    if "\n".join(buffer).strip():
        parts.append(Section("\n".join(buffer).strip(), heading, page.page))
    return parts


def clean_sections(sections: list[Section], paged: bool = False) -> list[Section]:
    """Clean every section; for paged documents also drop running headers/footers and rejoin lines."""
    sections = [Section(clean_text(s.text), s.heading_path, s.page, s.slide, s.timestamp) for s in sections]
    if paged:
        sections = remove_repeated_page_lines(sections)
        sections = [Section(join_wrapped_lines(s.text), s.heading_path, s.page, s.slide, s.timestamp) for s in sections]
        parts: list[Section] = []
        for section in sections:
            parts.extend(split_page_headings(section, parts[-1].heading_path if parts else ()))
        sections = parts
    return [s for s in sections if s.text.strip()]
