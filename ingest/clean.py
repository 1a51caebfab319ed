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


def join_wrapped_lines(text: str) -> str:
    """PDF text comes as visual lines: join lines inside a paragraph, keep blank lines and list items."""
    out: list[str] = []
    for line in text.split("\n"):
        if out and line and out[-1] and not re.match(r"^([-•*–]|\d+[.)])\s", line) and not out[-1].endswith((":", ".", "!", "?", "»")):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def clean_sections(sections: list[Section], paged: bool = False) -> list[Section]:
    """Clean every section; for paged documents also drop running headers/footers and rejoin lines."""
    sections = [Section(clean_text(s.text), s.heading_path, s.page, s.slide, s.timestamp) for s in sections]
    if paged:
        sections = remove_repeated_page_lines(sections)
        sections = [Section(join_wrapped_lines(s.text), s.heading_path, s.page, s.slide, s.timestamp) for s in sections]
    return [s for s in sections if s.text.strip()]
