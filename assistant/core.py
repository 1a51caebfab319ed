"""The assistant's core: question → retrieval → answer (extractive, or LLM when configured) →
verified citations → Answer. The CLI, the UI and the tests all call `Assistant.ask` / `ask_stream`."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant import extractive, llm, query, relevance, safety
from assistant.extractive import ABSTAIN_TEXT, Citations
from assistant.retrieve import Hit, Retriever, Snapshot
from assistant.schema import Answer, Chunk, Filters
from assistant.settings import Settings
from assistant.vocabulary import fold, levels_in_text

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

    @classmethod
    def from_answer(cls, answer: Answer) -> Turn:
        """Remember an answered question: its standalone form and the document it leaned on."""
        top = answer.citations[0].source if answer.citations and not answer.abstained else None
        return cls(answer.question, answer.condensed_question or answer.question, answer.answer, top)


@dataclass
class Retrieval:
    """What was found for one formulation of the question."""

    text: str
    info: query.QueryInfo
    hits: list[Hit]
    terms: list[str]
    relevance: relevance.Relevance
    answerable: bool


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

        embeddings = embeddings or build_embeddings(settings, threads=settings.query_threads)
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
        previous = history[-1] if history else None
        use_llm = self.chat_model is not None if use_llm is None else (use_llm and self.chat_model is not None)
        dangers = safety.detect_all(question)

        t0 = time.perf_counter()
        found = self._understand_and_retrieve(question, previous, filters, mode, use_llm, history or [])
        timings = {"retrieve": (time.perf_counter() - t0) * 1000}

        t1 = time.perf_counter()
        base = self._extractive(question, found, dangers, previous)
        base.filters = filters
        base.timings_ms = timings
        if not use_llm or base.abstained or not found.hits:
            timings["answer"] = (time.perf_counter() - t1) * 1000
            yield base.answer
            yield base
            return
        final: Answer | None = None
        for item in llm.answer_stream(self.chat_model, self.settings, question, found.text, found.hits, base, dangers):
            if isinstance(item, Answer):
                final = item
            else:
                yield item
        assert final is not None
        final.timings_ms = {**timings, "answer": (time.perf_counter() - t1) * 1000}
        final.filters = filters
        yield final

    # -- steps -----------------------------------------------------------------------------
    def _understand_and_retrieve(self, question: str, previous: Turn | None, filters: Filters | None, mode: str,
                                 use_llm: bool, history: list[Turn]) -> Retrieval:
        """Retrieve for the question as asked; in a conversation, also for the question completed by the
        previous turn, and keep that reading when the question leans on it or alone finds nothing."""
        own = self._retrieve(question, question, filters, mode)
        if previous is None or not (query.is_follow_up(question) or not own.answerable):
            return own
        condensed = query.condense(question, previous.condensed)
        if use_llm:
            condensed = llm.condense(self.chat_model, question, [t.condensed for t in history]) or condensed
        # A real follow-up ("combien de temps dure-t-elle ?") is judged as completed by the previous
        # turn; a question that merely failed alone must still find its own words.
        with_context = self._retrieve(condensed, condensed if query.is_follow_up(question) else question, filters, mode)
        if with_context.answerable or query.is_follow_up(question):
            return with_context
        return own

    def _retrieve(self, text: str, asked: str, filters: Filters | None, mode: str) -> Retrieval:
        """Search for `text`; judge relevance on the words the user actually asked (`asked`)."""
        snap = self.retriever.snapshot()
        info = query.understand(text)
        k = max(self.settings.top_k, 8)
        hits = self.retriever.search(text, filters, k=k, mode=mode, boost_cycles=info.cycles, boost_competences=info.competences,
                                     boost_doc_types=info.doc_types)
        terms = snap.lexical.query_terms(text)
        asked_terms = terms if asked == text else snap.lexical.query_terms(asked)
        rel = relevance.assess(asked_terms, hits, snap.lexical.idf, unknown_idf=_max_idf(snap.lexical.size))
        ok = bool(hits) and rel.answerable(self.settings.abstain_min_coverage, self.settings.abstain_min_coverage_unknown)
        return Retrieval(text, info, hits, terms, rel, ok)

    def _extractive(self, question: str, found: Retrieval, dangers: list[safety.Category], previous: Turn | None) -> Answer:
        cites = Citations()
        parts: list[str] = [safety.safety_block(dangers)] if dangers else []
        snap = self.retriever.snapshot()
        top = found.hits[: self.settings.top_k]
        carried = _carried_sheet(question, previous, snap, found.hits)
        if not found.answerable and carried is None:
            if not dangers:
                parts.append(ABSTAIN_TEXT)
            closest = _closest_documents(top)
            if closest:
                parts.append("Documents les plus proches de votre question :\n" + "\n".join(
                    f"- {h.chunk.doc.title} [{cites.cite(h.chunk)}]" for h in closest))
            return self._answer(question, found, parts, cites, dangers, abstained=not dangers)

        # Words the corpus never uses, when they leave a real part of the question uncovered.
        missing = _unknown_words(question, found.relevance.unknown) if found.relevance.coverage < 0.75 else []
        if missing:
            parts.append("*Les documents ne contiennent pas " + ("le mot" if len(missing) == 1 else "les mots") + " « "
                         + " », « ".join(missing) + " » : vérifiez que les passages ci-dessous répondent bien à votre question.*")
        if dangers:
            # After the safety block, only what the documents say (no session to run).
            parts.append(extractive.factual_answer(found.terms, top, snap.lexical.idf, cites))
        elif carried is not None:
            # "Combien de temps dure-t-elle ?": a detail of the sheet the previous answer laid out.
            sheet = snap.document_chunks(carried)
            asked = snap.lexical.query_terms(question)
            parts.append(extractive.sheet_answer(sheet, cites, _focus_sections(question), asked, snap.lexical.idf))
        elif (sheet := _sheet_to_lay_out(top, found.info)) is not None:
            parts.append(self._sheet_with_others(sheet, top, found, cites, snap))
        else:
            focus = frozenset(snap.lexical.query_terms(question)) if found.text != question else frozenset()
            intro = _introduction(snap, top[0].chunk.doc.source) if found.info.definitional and top else None
            parts.append(extractive.factual_answer(found.terms, top, snap.lexical.idf, cites, focus_terms=focus, intro=intro,
                                                          next_chunk=snap.next_chunk))
        parts.append(_further_reading(top, cites))
        return self._answer(question, found, [p for p in parts if p], cites, dangers, abstained=False)

    def _sheet_with_others(self, best: str, top: list[Hit], found: Retrieval, cites: Citations, snap: Snapshot) -> str:
        """The chosen session sheet laid out as a sheet, then other sheets that may suit."""
        text = extractive.sheet_answer(snap.document_chunks(best), cites, None, found.terms, snap.lexical.idf)
        others = list(dict.fromkeys(h.chunk.doc.source for h in top if h.chunk.doc.doc_type == "seance" and h.chunk.doc.source != best))
        lines = [extractive.sheet_summary_line(snap.document_chunks(src), cites) for src in others[:3]]
        if lines:
            text += "\n\n**Autres séances qui peuvent convenir :**\n" + "\n".join(lines)
        return text

    @staticmethod
    def _answer(question: str, found: Retrieval, parts: list[str], cites: Citations, dangers: list[safety.Category],
                abstained: bool) -> Answer:
        return Answer(question=question, answer="\n\n".join(parts), abstained=abstained, citations=cites.finish(),
                      safety=safety.safety_for(dangers) if dangers else None, condensed_question=found.text)


def _max_idf(n_chunks: int) -> float:
    """Weight of a query word the corpus never uses: the IDF of a word seen once."""
    n = max(n_chunks, 1)
    return max(1.0, math.log(1.0 + (n - 0.5) / 1.5))


def _unknown_words(question: str, unknown_terms: tuple[str, ...]) -> list[str]:
    """The words of the question behind the index terms the corpus never uses."""
    from assistant.lexical import analyze, words

    wanted = set(unknown_terms)
    return list(dict.fromkeys(w for w in words(question) if wanted & set(analyze(w))))[:4]


def _introduction(snap: Snapshot, source: str) -> Chunk | None:
    """A document's first substantial passage (its introduction), skipping notices and headers."""
    for chunk in snap.document_chunks(source)[:4]:
        # Skip an editorial notice in italics ("*Synthèse rédigée pour…*") and header lines.
        body = [ln for ln in chunk.text.split("\n") if ln.strip() and not ln.strip().startswith(("*", "**", ">"))]
        if sum(len(ln) for ln in body) >= 200:
            return chunk
    return None


def _further_reading(top: list[Hit], cites: Citations, limit: int = 3) -> str:
    """Other well-ranked documents the answer did not quote, so the reader can go further."""
    cited = {c.source for c in cites.items}
    extra = [h for h in _closest_documents(top, limit=10) if h.chunk.doc.source not in cited][:limit]
    if not extra:
        return ""
    lines = [f"- **{h.chunk.doc.title}** [{cites.cite(h.chunk)}]" for h in extra]
    return "**Pour aller plus loin :**\n" + "\n".join(lines)


def _closest_documents(hits: list[Hit], limit: int = 3) -> list[Hit]:
    seen: set[str] = set()
    out = []
    for h in hits:
        if h.chunk.doc.source not in seen:
            seen.add(h.chunk.doc.source)
            out.append(h)
    return out[:limit]


def _carried_sheet(question: str, previous: Turn | None, snap: Snapshot, hits: list[Hit]) -> str | None:
    """The previous answer's session sheet, when the question asks one of its details (duration,
    materials, steps…), names no new level, and either leans on the previous turn or finds that
    same sheet again."""
    if previous is None or not previous.top_source or levels_in_text(question):
        return None
    if not query.understand(question).asks_detail:
        return None
    chunks = snap.document_chunks(previous.top_source)
    if not chunks or chunks[0].doc.doc_type != "seance":
        return None
    if query.is_follow_up(question) or previous.top_source in {h.chunk.doc.source for h in hits[:3]}:
        return previous.top_source
    return None


def _sheet_to_lay_out(top: list[Hit], info: query.QueryInfo) -> str | None:
    """The session sheet to lay out: the best passage's, or for a 'how do I run / which activity'
    question, or one naming a class, the best-ranked sheet (for that cycle) among the first three."""
    if not top:
        return None
    if top[0].chunk.doc.doc_type == "seance":
        return top[0].chunk.doc.source
    if info.wants_activity or info.cycles:
        # A teacher naming a class wants something to run with it: a sheet for that cycle if one ranks high.
        for hit in top[:3]:
            doc = hit.chunk.doc
            if doc.doc_type == "seance" and (not info.cycles or set(doc.cycles) & set(info.cycles)):
                return doc.source
    return None


def _focus_sections(text: str) -> set[str] | None:
    """The sheet sections a detail question asks for (None: the whole sheet)."""
    folded = fold(text)
    focus = set()
    if re.search(r"\bdur(?:e|ee)\b|combien de temps", folded):
        focus.add("Durée")
    # The sheet's own section names, and "étapes" for its course.
    for needle, label in [*extractive.SHEET_SECTIONS, ("etapes", "Déroulement")]:
        if needle in folded:
            focus.add(label)
    return focus or None
