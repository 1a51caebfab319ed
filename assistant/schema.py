"""Typed hand-off objects between the stages: loader → chunker → store → retriever → answer.

The source and its locator (page, slide, heading path, timestamp) travel from the loader to the
citation shown to the user without being lost.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.vocabulary import COMPETENCE_BY_KEY, cycles_of


@dataclass(frozen=True)
class Section:
    """A piece of a loaded document with where it sits in the original."""

    text: str
    heading_path: tuple[str, ...] = ()
    page: int | None = None
    slide: int | None = None
    timestamp: str | None = None  # "00:02:15" for transcript cues


@dataclass
class LoadedDocument:
    """What a loader returns: the sections in reading order and what the file says about itself."""

    sections: list[Section]
    title: str | None = None
    front_matter: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DocMeta:
    """Document-level metadata, copied onto every chunk of the document."""

    source: str
    title: str
    doc_type: str = "autre"
    levels: tuple[str, ...] = ()
    competences: tuple[str, ...] = ()  # keys of vocabulary.COMPETENCES
    duration: str | None = None
    illustrative: bool | None = None

    @property
    def cycles(self) -> tuple[int, ...]:
        return tuple(cycles_of(list(self.levels)))


def locator_text(page: int | None, slide: int | None, timestamp: str | None, heading_path: tuple[str, ...]) -> str:
    """The human locator shown next to a citation: 'p. 3', 'diapo 4', '02:15', '§ Déroulement'."""
    parts: list[str] = []
    if page is not None:
        parts.append(f"p. {page}")
    if slide is not None:
        parts.append(f"diapo {slide}")
    if timestamp:
        parts.append(timestamp)
    if heading_path:
        parts.append("§ " + " › ".join(heading_path))
    return " · ".join(parts)


@dataclass(frozen=True)
class Chunk:
    """A passage of a document as stored and cited."""

    id: str
    doc: DocMeta
    text: str
    ordinal: int
    heading_path: tuple[str, ...] = ()
    page: int | None = None
    slide: int | None = None
    timestamp: str | None = None

    @property
    def locator(self) -> str:
        return locator_text(self.page, self.slide, self.timestamp, self.heading_path)

    @property
    def context_header(self) -> str:
        """Title and section path: prefixed to the text that is embedded and indexed, so that a
        'Déroulement' chunk is still found by the session's theme."""
        path = " › ".join(self.heading_path)
        return f"{self.doc.title} — {path}" if path else self.doc.title

    @property
    def indexed_text(self) -> str:
        return f"{self.context_header}\n{self.text}"

    def to_record(self) -> dict[str, Any]:
        """JSON-safe record kept in the store snapshot (lexical index and citations)."""
        return {
            "id": self.id,
            "text": self.text,
            "ordinal": self.ordinal,
            "heading_path": list(self.heading_path),
            "page": self.page,
            "slide": self.slide,
            "timestamp": self.timestamp,
            "doc": {**asdict(self.doc), "levels": list(self.doc.levels), "competences": list(self.doc.competences)},
        }

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Chunk:
        d = rec["doc"]
        doc = DocMeta(
            source=d["source"], title=d["title"], doc_type=d.get("doc_type", "autre"),
            levels=tuple(d.get("levels", ())), competences=tuple(d.get("competences", ())),
            duration=d.get("duration"), illustrative=d.get("illustrative"),
        )
        return cls(
            id=rec["id"], doc=doc, text=rec["text"], ordinal=rec["ordinal"],
            heading_path=tuple(rec.get("heading_path", ())), page=rec.get("page"),
            slide=rec.get("slide"), timestamp=rec.get("timestamp"),
        )

    def chroma_metadata(self) -> dict[str, str | int | float | bool]:
        """Flat metadata for Chroma: one boolean per cycle and competence so `where` filters stay simple."""
        meta: dict[str, str | int | float | bool] = {
            "source": self.doc.source,
            "title": self.doc.title,
            "doc_type": self.doc.doc_type,
            "levels": ",".join(self.doc.levels),
            "locator": self.locator,
            "ordinal": self.ordinal,
        }
        for cycle in self.doc.cycles:
            meta[f"cycle_{cycle}"] = True
        for key in self.doc.competences:
            meta[f"cps_{key}"] = True
        if self.doc.duration:
            meta["duration"] = self.doc.duration
        return meta


@dataclass(frozen=True)
class Filters:
    """Retrieval filters chosen by the user (UI, CLI) or understood from the question."""

    doc_types: tuple[str, ...] = ()
    cycles: tuple[int, ...] = ()
    competences: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.doc_types or self.cycles or self.competences)

    def accepts(self, doc: DocMeta) -> bool:
        """True when the document passes every active filter (documents without levels pass level filters
        only when no cycle is asked: a guide is not 'for CE1')."""
        if self.doc_types and doc.doc_type not in self.doc_types:
            return False
        if self.cycles and not set(self.cycles) & set(doc.cycles):
            return False
        if self.competences and not set(self.competences) & set(doc.competences):
            return False
        return True

    def describe(self) -> str:
        from assistant.vocabulary import CYCLE_LABELS, DOC_TYPES

        parts = [DOC_TYPES.get(t, t) for t in self.doc_types]
        parts += [CYCLE_LABELS.get(c, f"cycle {c}") for c in self.cycles]
        parts += [COMPETENCE_BY_KEY[k].label for k in self.competences if k in COMPETENCE_BY_KEY]
        return ", ".join(parts)


@dataclass
class Citation:
    n: int
    source: str
    title: str
    doc_type: str
    locator: str
    snippet: str
    chunk_id: str
    levels: tuple[str, ...] = ()
    page: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n, "source": self.source, "title": self.title, "doc_type": self.doc_type,
            "locator": self.locator, "snippet": self.snippet, "chunk_id": self.chunk_id,
            "levels": list(self.levels), "page": self.page,
        }


@dataclass
class Safety:
    category: str
    label: str
    resources: list[str]
    audience: str = "adulte"  # whom the safety block addresses: "adulte", or "eleve" (a child writing about themself)

    def to_json(self) -> dict[str, Any]:
        return {"category": self.category, "label": self.label, "resources": self.resources, "audience": self.audience}


@dataclass
class Answer:
    question: str
    answer: str
    mode: str = "extractive"
    abstained: bool = False
    citations: list[Citation] = field(default_factory=list)
    safety: Safety | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    notice: str | None = None  # e.g. "the LLM did not answer; extractive answer shown"
    condensed_question: str | None = None
    filters: Filters | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "question": self.question,
            "answer": self.answer,
            "mode": self.mode,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "safety": self.safety.to_json() if self.safety else None,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }
        if self.notice:
            out["notice"] = self.notice
        if self.condensed_question and self.condensed_question != self.question:
            out["condensed_question"] = self.condensed_question
        return out

    def to_json_line(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False)
