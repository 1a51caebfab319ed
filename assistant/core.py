"""The assistant's core: question → retrieval → answer (extractive, or LLM when configured) →
verified citations → Answer. The CLI, the UI and the tests all call `Assistant.ask` / `ask_stream`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant import extractive, llm, query, relevance, safety
from assistant.extractive import ABSTAIN_TEXT, Citations
from assistant.retrieve import Hit, Retriever
from assistant.schema import Answer, Filters
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel


@dataclass(frozen=True)
class Turn:
    """One past exchange, as the conversation remembers it."""

    question: str
    condensed: str
    answer: str = ""
    top_source: str | None = None


class Assistant:
    """Answers questions from the store; one instance serves many questions (models load once)."""

    def __init__(self, settings: Settings, retriever: Retriever, chat_model: BaseChatModel | None = None) -> None:
        self.settings = settings
        self.retriever = retriever
        self.chat_model = chat_model

    @classmethod
    def from_settings(cls, settings: Settings, embeddings: Embeddings | None = None) -> Assistant:
        """Build the real backends (embedding model, store, optional reranker and chat model) from settings."""
        from assistant.backends import build_chat_model, build_cross_encoder, build_embeddings

        embeddings = embeddings or build_embeddings(settings)
        retriever = Retriever(settings, embeddings, reranker=build_cross_encoder(settings))
        return cls(settings, retriever, build_chat_model(settings))

    # -- public API ------------------------------------------------------------------------
    def ask(self, question: str, filters: Filters | None = None, history: list[Turn] | None = None,
            mode: str = "hybrid", use_llm: bool | None = None) -> Answer:
        """Answer one question (the last item yielded by `ask_stream`)."""
        answer: Answer | None = None
        for item in self.ask_stream(question, filters, history, mode, use_llm):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def ask_stream(self, question: str, filters: Filters | None = None, history: list[Turn] | None = None,
                   mode: str = "hybrid", use_llm: bool | None = None) -> Iterator[str | Answer]:
        """Yield the answer text as it grows (str), then the final Answer."""
        question = " ".join(question.split())
        if not question:
            yield Answer(question="", answer="Posez une question sur les documents du programme.", abstained=True)
            return
        timings: dict[str, float] = {}
        previous = history[-1] if history else None
        use_llm = self.chat_model is not None if use_llm is None else (use_llm and self.chat_model is not None)

        t0 = time.perf_counter()
        condensed = query.condense(question, previous.condensed if previous else None)
        if use_llm and previous and query.is_follow_up(question):
            condensed = llm.condense(self.chat_model, question, [t.condensed for t in history or []]) or condensed
        info = query.understand(condensed)
        danger = safety.detect(question)
        hits, query_terms = self._retrieve(condensed, info, filters, mode)
        timings["retrieve"] = (time.perf_counter() - t0) * 1000

        t1 = time.perf_counter()
        lexical = self.retriever.snapshot().lexical
        rel = relevance.assess(query_terms, hits, lexical.idf, unknown_idf=max(1.0, _max_idf(lexical)))
        answerable = rel.answerable(self.settings.abstain_min_coverage, self.settings.abstain_min_dense) and bool(hits)

        base = self._extractive(question, condensed, info, hits, query_terms, answerable, danger, previous)
        base.filters = filters
        base.timings_ms = timings
        if not use_llm or not answerable:
            timings["answer"] = (time.perf_counter() - t1) * 1000
            yield base.answer
            yield base
            return
        final: Answer | None = None
        for item in llm.answer_stream(self.chat_model, self.settings, question, condensed, hits, base, danger):
            if isinstance(item, Answer):
                final = item
            else:
                yield item
        assert final is not None
        final.timings_ms = {**timings, "answer": (time.perf_counter() - t1) * 1000}
        final.filters = filters
        yield final

    # -- steps -----------------------------------------------------------------------------
    def _retrieve(self, condensed: str, info: query.QueryInfo, filters: Filters | None, mode: str) -> tuple[list[Hit], list[str]]:
        lexical = self.retriever.snapshot().lexical
        terms = lexical.query_terms(condensed)
        k = max(self.settings.top_k, 8)
        hits = self.retriever.search(condensed, filters, k=k, mode=mode, boost_cycles=info.cycles)
        return hits, terms

    def _extractive(self, question: str, condensed: str, info: query.QueryInfo, hits: list[Hit],
                    query_terms: list[str], answerable: bool, danger: safety.Category | None,
                    previous: Turn | None) -> Answer:
        cites = Citations()
        parts: list[str] = []
        if danger is not None:
            parts.append(safety.safety_block(danger))
        top = hits[: self.settings.top_k]
        if not answerable:
            if danger is None:
                parts.append(ABSTAIN_TEXT)
            closest = _closest_documents(top)
            if closest:
                parts.append("Documents les plus proches de votre question :\n" + "\n".join(
                    f"- {h.chunk.doc.title} [{cites.cite(h.chunk)}]" for h in closest))
            return Answer(question=question, answer="\n\n".join(parts), abstained=danger is None,
                          citations=cites.finish(), safety=safety.safety_for(danger) if danger else None,
                          condensed_question=condensed)

        snap = self.retriever.snapshot()
        sheet_hit = _sheet_candidate(top, info, previous)
        if sheet_hit is not None and danger is None:
            focus = _focus_sections(condensed) if previous and query.is_follow_up(question) else None
            parts.append(extractive.sheet_answer(snap.document_chunks(sheet_hit.chunk.doc.source), cites, focus))
            others = [h for h in top if h.chunk.doc.doc_type == "seance" and h.chunk.doc.source != sheet_hit.chunk.doc.source]
            seen: set[str] = set()
            lines = []
            for h in others:
                if h.chunk.doc.source in seen:
                    continue
                seen.add(h.chunk.doc.source)
                lines.append(extractive.sheet_summary_line(h.chunk, cites.cite(h.chunk)))
            if lines:
                parts.append("**Autres séances qui peuvent convenir :**\n" + "\n".join(lines[:3]))
        else:
            text = extractive.factual_answer(query_terms, top, snap.lexical.idf, cites)
            if text:
                parts.append(text)
        return Answer(question=question, answer="\n\n".join(p for p in parts if p), citations=cites.finish(),
                      safety=safety.safety_for(danger) if danger else None, condensed_question=condensed)


def _max_idf(lexical: Any) -> float:
    import math

    n = max(lexical.size, 1)
    return math.log(1.0 + (n - 0.5) / 1.5)


def _closest_documents(hits: list[Hit]) -> list[Hit]:
    seen: set[str] = set()
    out = []
    for h in hits:
        if h.chunk.doc.source not in seen:
            seen.add(h.chunk.doc.source)
            out.append(h)
    return out[:3]


def _sheet_candidate(hits: list[Hit], info: query.QueryInfo, previous: Turn | None) -> Hit | None:
    """The session sheet to lay out: for activity questions, the best-ranked sheet among the first
    three passages (a guide ranked first still wins for 'how to lead a session in general')."""
    if not (info.wants_activity or info.asks_detail):
        return None
    for hit in hits[:3]:
        if hit.chunk.doc.doc_type == "seance":
            return hit
    return None


def _focus_sections(text: str) -> set[str] | None:
    from assistant.vocabulary import fold

    folded = fold(text.split("—")[-1])
    focus = set()
    if "materiel" in folded:
        focus.add("Matériel")
    if "objectif" in folded:
        focus.add("Objectifs")
    if "deroulement" in folded or "etapes" in folded:
        focus.add("Déroulement")
    if "bilan" in folded or "question" in folded:
        focus.add("Temps d'échange et bilan")
    if "variante" in folded:
        focus.add("Variantes et prolongements")
    return focus or None
