"""Structure-aware chunking: the document's own sections first (headings, sheet sections, slides,
pages, cues); a section too long for one chunk is packed from whole blocks — paragraphs, lists and
tables, each list or table together with the sentence that announces it — and only a block longer
than a chunk is cut (a list between items, a table between rows under its repeated header, a
paragraph between sentences, with overlap). Chunks do not overlap otherwise: an overlap of whole
lines made neighbouring passages repeat each other in answers."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.schema import Chunk, DocMeta, Section

# Bumped when chunking changes, so that the next ingestion re-chunks every file.
CHUNKER_VERSION = "5"  # 5: nested list items keep one level of indentation (ingest/clean.py)
_MIN_CHARS = 40  # a lone heading or a "Matériel :" line is merged into the next section of the same parent


def chunk_id(source: str, file_hash: str, ordinal: int, salt: str = "") -> str:
    """Deterministic id: same file content, chunking settings and position → same id (so re-ingestion
    is an upsert, and a vector already stored under this id is the vector of this very text)."""
    return hashlib.sha256(f"{source}\x00{file_hash}\x00{ordinal}\x00{salt}".encode()).hexdigest()[:32]


def _merge_small(sections: list[Section]) -> list[Section]:
    merged: list[Section] = []
    carry: Section | None = None
    for section in sections:
        if carry is not None:
            same_place = carry.page == section.page and carry.slide == section.slide
            if same_place:
                section = Section(f"{carry.text}\n{section.text}", carry.heading_path or section.heading_path,
                                  section.page, section.slide, carry.timestamp or section.timestamp)
            else:
                merged.append(carry)
            carry = None
        if len(section.text) < _MIN_CHARS:
            carry = section
            continue
        merged.append(section)
    if carry is not None:
        merged.append(carry)
    return merged


_ITEM = re.compile(r"^\s*([-*•–]|\d{1,2}[.)])\s")
_TABLE_RULE = re.compile(r"^\|[\s:|-]+\|$")


@dataclass
class _Block:
    kind: str  # para | list | table
    lines: list[str]
    lead: list[str]  # the announcing paragraph glued to a list or table ("… trois étapes :")
    gap: bool = False  # a blank line stood before the block (kept when blocks are packed together)
    lead_gap: bool = False  # a blank line stood between the lead and the block

    @property
    def text(self) -> str:
        lead = "\n".join(self.lead)
        return f"{lead}{self.joint}" + "\n".join(self.lines) if lead else "\n".join(self.lines)

    @property
    def joint(self) -> str:
        return "\n\n" if self.lead_gap else "\n"


def _line_kind(line: str) -> str:
    stripped = line.strip()
    if stripped.startswith("|"):
        return "table"
    return "list" if _ITEM.match(line) else "para"


def blocks_of(text: str) -> list[_Block]:
    """A section's text as paragraphs (one per line), lists (consecutive items) and tables
    (consecutive `|` rows). A paragraph right before a list or table announces it and goes with it,
    as does a paragraph ending with a colon and whatever follows it."""
    raw: list[_Block] = []
    blank = False
    for line in text.split("\n"):
        if not line.strip():
            blank = True
            continue
        kind = _line_kind(line)
        if raw and kind != "para" and raw[-1].kind == kind:
            raw[-1].lines.append(line)
        else:
            raw.append(_Block(kind, [line], [], gap=blank))
        blank = False
    blocks: list[_Block] = []
    for block in raw:
        prev = blocks[-1] if blocks else None
        if prev is not None and prev.kind == "para" and (block.kind != "para" or prev.lines[-1].rstrip().endswith(":")):
            blocks[-1] = _Block(block.kind, block.lines, prev.lead + prev.lines, gap=prev.gap, lead_gap=block.gap)
        else:
            blocks.append(block)
    return blocks


def _split_block(block: _Block, size: int, splitter: RecursiveCharacterTextSplitter) -> list[str]:
    """Pieces of a block longer than `size`: between items or rows (a table's header is repeated at
    the top of each piece), between sentences only inside a single over-long line. The announcing
    paragraph opens the first piece."""
    header: list[str] = []
    lines = list(block.lines)
    if block.kind == "table" and len(lines) > 2 and _TABLE_RULE.match(lines[1].strip()):
        header, lines = lines[:2], lines[2:]
    room = size - len("\n".join(header)) - 1 if header else size
    units: list[tuple[str, bool]] = []  # (text, is a table row)
    for line, is_row in [(ln, False) for ln in block.lead] + [(ln, bool(header)) for ln in lines]:
        units.extend((part, is_row) for part in ([line] if len(line) <= room else splitter.split_text(line)))
    pieces: list[list[str]] = []
    headed: list[bool] = []
    for unit, is_row in units:
        add = header + [unit] if is_row and pieces and not headed[-1] else [unit]
        if pieces and len("\n".join(pieces[-1] + add)) <= size:
            pieces[-1].extend(add)
            headed[-1] = headed[-1] or is_row
        else:
            carried: list[str] = []
            if (pieces and len(pieces[-1]) > 1 and pieces[-1][-1].rstrip().endswith(":") and not is_row
                    and len(pieces[-1][-1]) + 1 + len(unit) <= size):
                carried = [pieces[-1].pop()]  # an item announcing sub-items goes with them
            pieces.append(header + [unit] if is_row else carried + [unit])
            headed.append(is_row)
    texts = ["\n".join(p) for p in pieces]
    lead = len(block.lead)
    if lead and len(pieces[0]) > lead and pieces[0][:lead] == block.lead:
        texts[0] = "\n".join(block.lead) + block.joint + "\n".join(pieces[0][lead:])
    return texts


def split_text(text: str, chunk_size: int, overlap: int) -> list[str]:
    """A section's text as chunk texts of at most about `chunk_size` characters (see the module
    docstring); a text that fits is one chunk."""
    if len(text) <= chunk_size:
        return [text]
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=overlap,
        separators=[". ", "? ", "! ", "; ", ", ", " ", ""], keep_separator="end",
    )
    pieces: list[str] = []
    current = ""
    for block in blocks_of(text):
        body = block.text
        if len(body) > chunk_size:
            if current:
                pieces.append(current)
            parts = _split_block(block, chunk_size, splitter)
            pieces.extend(parts[:-1])
            current = parts[-1]
            continue
        joined = current + ("\n\n" if block.gap else "\n") + body if current else body
        if len(joined) <= chunk_size:
            current = joined
        else:
            pieces.append(current)
            current = body
    if current:
        pieces.append(current)
    return pieces


def chunk_sections(sections: list[Section], doc: DocMeta, file_hash: str, chunk_size: int, overlap: int) -> list[Chunk]:
    """Turn a document's cleaned sections into chunks with stable ids and full locators."""
    salt = f"{CHUNKER_VERSION}:{chunk_size}:{overlap}"
    chunks: list[Chunk] = []
    for section in _merge_small(sections):
        for piece in split_text(section.text, chunk_size, overlap):
            piece = piece.strip()
            if not piece:
                continue
            ordinal = len(chunks)
            chunks.append(Chunk(
                id=chunk_id(doc.source, file_hash, ordinal, salt), doc=doc, text=piece, ordinal=ordinal,
                heading_path=section.heading_path, page=section.page, slide=section.slide, timestamp=section.timestamp,
            ))
    return chunks
