"""Structure-aware chunking: the document's own sections first (headings, sheet sections, slides,
pages, cues), then size with overlap inside a section that is too long."""

from __future__ import annotations

import hashlib

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.schema import Chunk, DocMeta, Section

# Bumped when chunking changes, so that the next ingestion re-chunks every file.
CHUNKER_VERSION = "3"
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


def chunk_sections(sections: list[Section], doc: DocMeta, file_hash: str, chunk_size: int, overlap: int) -> list[Chunk]:
    """Turn a document's cleaned sections into chunks with stable ids and full locators."""
    # The header (title + section path) is embedded with each chunk; keep the text part within budget.
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=overlap,
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""], keep_separator="end",
    )
    salt = f"{CHUNKER_VERSION}:{chunk_size}:{overlap}"
    chunks: list[Chunk] = []
    for section in _merge_small(sections):
        pieces = [section.text] if len(section.text) <= chunk_size else splitter.split_text(section.text)
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            ordinal = len(chunks)
            chunks.append(Chunk(
                id=chunk_id(doc.source, file_hash, ordinal, salt), doc=doc, text=piece, ordinal=ordinal,
                heading_path=section.heading_path, page=section.page, slide=section.slide, timestamp=section.timestamp,
            ))
    return chunks
