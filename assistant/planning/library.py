"""What the planners read from the committed snapshot: the session sheets with their metadata, and
verbatim passages (the guides' principles, a sheet's objectives or ritual) to cite."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.extractive import sentences
from assistant.retrieve import Snapshot
from assistant.schema import Chunk, DocMeta
from assistant.sheet_steps import heading_minutes
from assistant.vocabulary import CLASSES, fold

_DURATION = re.compile(r"(?:(\d+)\s*[×x]\s*)?(\d+)\s*(h|min)\s*(\d+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Ref:
    """A cited passage: which document, where in it, and the verbatim words it rests on."""

    source: str
    title: str
    doc_type: str
    locator: str
    snippet: str
    chunk_id: str

    @classmethod
    def of(cls, chunk: Chunk, snippet: str | None = None) -> Ref:
        text = snippet if snippet and snippet in chunk.text else chunk.text
        return cls(chunk.doc.source, chunk.doc.title, chunk.doc.doc_type, chunk.locator, text.strip(), chunk.id)

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "title": self.title, "locator": self.locator, "snippet": self.snippet}


def parse_duration(text: str | None) -> tuple[int, int] | None:
    """'45 min' → (1, 45); '2 × 55 min' → (2, 55); '1 h 30' → (1, 90). None when no duration is given."""
    if not text:
        return None
    m = _DURATION.search(text)
    if not m:
        return None
    parts = int(m.group(1) or 1)
    value = int(m.group(2))
    minutes = value * 60 + int(m.group(4) or 0) if m.group(3).lower() == "h" else value
    return parts, minutes


@dataclass(frozen=True)
class Sheet:
    """A session sheet of the library as the progression builder sees it."""

    doc: DocMeta
    parts: int  # sessions the sheet takes ('2 × 55 min' → 2)
    minutes: int  # length of each of them
    chunks: tuple[Chunk, ...]

    @property
    def source(self) -> str:
        return self.doc.source

    def first_level_rank(self) -> int:
        order = list(CLASSES)
        return min((order.index(lv) for lv in self.doc.levels if lv in CLASSES), default=len(order))

    def section(self, word: str) -> list[Chunk]:
        """The chunks under a heading containing `word` (accent-insensitive)."""
        key = fold(word)
        return [c for c in self.chunks if c.heading_path and key in fold(c.heading_path[0])]

    def duration_ref(self) -> Ref:
        """The sheet's own statement of its duration (else its first passage): the sheet's citation."""
        for chunk in self.chunks:
            for line in chunk.text.split("\n"):
                if fold(line).lstrip("*- ").startswith("duree"):
                    return Ref.of(chunk, line.strip())
        return Ref.of(self.chunks[0], first_sentence(self.chunks[0]))

    def objectives(self, limit: int = 4) -> list[Ref]:
        out: list[Ref] = []
        for chunk in self.section("objectif"):
            out.extend(Ref.of(chunk, s) for s in sentences(chunk.text))
        return out[:limit]

    def ritual(self) -> Ref | None:
        """The sheet's own suggestion of a ritual that carries the session into daily class life."""
        for chunk in self.section("variante") + self.section("prolongement"):
            for sent in sentences(chunk.text):
                if "rituel" in fold(sent) or "routine" in fold(sent):
                    return Ref.of(chunk, sent)
        return None

    def variant_for(self, levels: list[str]) -> Ref | None:
        """The sheet's variant for one of `levels` ('**CE2** : ajouter une échelle…'), if it has one."""
        for chunk in self.section("variante"):
            for sent in sentences(chunk.text):
                head = sent.split(":")[0]
                if any(re.search(rf"\b{re.escape(lv)}\b", head) for lv in levels):
                    return Ref.of(chunk, sent)
        return None

    def main_activity(self) -> Ref | None:
        """The longest timed step of the sheet's procedure (what participants of a workshop can live)."""
        best: tuple[int, Chunk] | None = None
        for chunk in self.section("deroulement"):
            heading = chunk.heading_path[-1] if len(chunk.heading_path) > 1 else ""
            folded = fold(heading)
            if any(w in folded for w in ("accueil", "echange", "bilan", "retour au calme")):
                continue
            minutes = heading_minutes(heading) or 0
            if best is None or minutes > best[0]:
                best = (minutes, chunk)
        return Ref.of(best[1], first_sentence(best[1], 2)) if best else None


def first_sentence(chunk: Chunk, n: int = 1) -> str:
    """The first n sentences of a chunk as one verbatim span."""
    sents = [s for s in sentences(chunk.text) if not s.startswith("*")] or sentences(chunk.text) or [chunk.text]
    first, last = sents[0], sents[min(n, len(sents)) - 1]
    start = chunk.text.find(first)
    end = chunk.text.find(last, max(start, 0)) + len(last)
    return chunk.text[start:end] if 0 <= start < end else first


def sheets(snap: Snapshot) -> list[Sheet]:
    """Every session sheet of the snapshot that states a duration, in a stable order."""
    out: list[Sheet] = []
    for source in sorted(snap.by_source):
        chunks = sorted(snap.document_chunks(source), key=lambda c: c.ordinal)
        doc = chunks[0].doc
        if doc.doc_type != "seance":
            continue
        parsed = parse_duration(doc.duration)
        if parsed is None:
            continue
        out.append(Sheet(doc, parsed[0], parsed[1], tuple(chunks)))
    return out


_FOUND: dict[tuple[str, str, tuple[str, ...]], Ref | None] = {}


def find_passage(snap: Snapshot, needle: str, doc_types: tuple[str, ...] = ("guide",)) -> Ref | None:
    """The sentence of the library that contains `needle` (accent- and case-insensitive), cited.
    Principles are looked up by their words, so a library without the guide yields None, not a
    citation to something absent. Remembered per snapshot (a new ingestion has a new name)."""
    cache_key = (snap.name, needle, doc_types)
    if cache_key not in _FOUND:
        if len(_FOUND) > 1000:
            _FOUND.clear()
        _FOUND[cache_key] = _find_passage(snap, needle, doc_types)
    return _FOUND[cache_key]


def _find_passage(snap: Snapshot, needle: str, doc_types: tuple[str, ...]) -> Ref | None:
    key = fold(needle)
    for chunk in snap.chunks:
        if doc_types and chunk.doc.doc_type not in doc_types:
            continue
        if key not in fold(chunk.text) and key not in fold(" ".join(chunk.heading_path)):
            continue
        for sent in sentences(chunk.text):
            if key in fold(sent):
                return Ref.of(chunk, sent)
        return Ref.of(chunk, first_sentence(chunk))
    return None
