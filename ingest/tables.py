"""Tables from any loader (PDF, DOCX, PPTX) rendered as text that reads well in an answer and indexes
well: a Markdown table when it is narrow, one "header : value" line per row when it is wide (a wide
Markdown table wraps into an unreadable grid in a chat bubble, and a row line stays meaningful on its
own wherever a chunk or an answer cuts the table)."""

from __future__ import annotations

import re

# A Markdown table is kept when every row is short enough to read on one line of a chat answer.
MAX_MARKDOWN_COLUMNS = 3
MAX_MARKDOWN_ROW_CHARS = 90

_SPACES = re.compile(r"\s+")


def _cell(value: object) -> str:
    # A line break inside a cell is a wrap: "demi-\njournées" keeps its hyphen, other breaks become spaces.
    text = re.sub(r"-\s*\n\s*", "-", str(value or ""))
    return _SPACES.sub(" ", text).strip()


def normalise_rows(rows: list[list[object]]) -> list[list[str]]:
    """Cells as single-line strings; empty rows and empty columns dropped; ragged rows padded."""
    cleaned = [[_cell(c) for c in row] for row in rows]
    cleaned = [row for row in cleaned if any(row)]
    if not cleaned:
        return []
    width = max(len(row) for row in cleaned)
    cleaned = [row + [""] * (width - len(row)) for row in cleaned]
    keep = [j for j in range(width) if any(row[j] for row in cleaned)]
    return [[row[j] for j in keep] for row in cleaned]


def render_table(rows: list[list[object]]) -> str:
    """Render a table whose first row is its header (see the module docstring for the two forms)."""
    table = normalise_rows(rows)
    if not table:
        return ""
    if len(table[0]) == 1:  # a one-column table is a framed box: its cells are paragraphs
        return "\n\n".join(row[0] for row in table)
    header, body = table[0], table[1:]
    if not body:
        return " ; ".join(c for c in header if c)
    narrow = len(header) <= MAX_MARKDOWN_COLUMNS and all(
        sum(len(c) for c in row) + 3 * len(row) <= MAX_MARKDOWN_ROW_CHARS for row in table
    )
    if narrow:
        def line(cells: list[str]) -> str:
            return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

        return "\n".join([line(header), "| " + " | ".join("---" for _ in header) + " |"] + [line(r) for r in body])
    lines = []
    for row in body:
        parts = [f"{h} : {v}" if h and h != v else v for h, v in zip(header, row) if v]
        if parts:
            lines.append("- " + " ; ".join(parts))
    return "\n".join(lines)
