"""The assistant's core, one pipeline: understand → retrieve → judge (relevance, safety) → compose →
verify. The CLI, the UI and the tests all call `Assistant.ask` / `ask_stream`."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from assistant import (acronyms, comparison, compose, doc_type_model, lexical, llm, passages, protection_intent, query,
                       relevance, safety, scope, sheet_rank, skill_model, smalltalk, sms)
from assistant.compose import SheetChoice
from assistant.retrieve import (NOT_SHEETS, PROTECTION_DOCUMENT_FROM, PROTECTION_QUERY, SKILL_BOOST_FROM, Hit, Retriever,
                                Snapshot)
from assistant.schema import Answer, Filters
from assistant.settings import BUNDLED_MODEL, Settings
from assistant.vocabulary import levels_in_text, names_lycee

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from assistant.multinomial import Multinomial
    from assistant.planning.intent import ProgressionRequest, WorkshopRequest

    PlanRequest = ProgressionRequest | WorkshopRequest


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
    vector: np.ndarray | None = None  # the query vector of `text` (None in BM25-only mode)
    skills: tuple[str, ...] = ()  # competences an activity request asks for (named, or those of the sheets it finds)
    sheets: list[SheetChoice] = field(default_factory=list)  # activity requests: sheets, best fit first
    # The calibrated answerability score (≥ 0: answered; relevance.Relevance.score), None without a dense signal.
    confidence: float | None = None
    in_context: bool = False  # `text` is a follow-up completed by the previous turn
    mentioned_in_passing: str | None = None  # a name whose workings are asked that the library only names in passing


class Assistant:
    """Answers questions from the store; one instance serves many questions (models load once)."""

    def __init__(self, settings: Settings, retriever: Retriever, chat_model: BaseChatModel | None = None) -> None:
        self.settings = settings
        self.retriever = retriever
        self.chat_model = chat_model
        # The vectors of the last questions as rewritten for a reader (a request without its details and schedule, a
        # question with its acronyms spelled out): retrieval's skill boost and the sheet ranking, the search and the answer
        # each read the same rewriting, with one encode (lru_cache is thread-safe: the UI serves threads).
        self._rewritten_vector: Callable[[str], np.ndarray] = lru_cache(maxsize=8)(retriever.embed_query)

    @classmethod
    def from_settings(cls, settings: Settings, embeddings: Embeddings | None = None) -> Assistant:
        """Build the real backends (embedding model, store, optional reranker and chat model) from settings."""
        from assistant.backends import build_chat_model, build_cross_encoder, build_embeddings

        embeddings = embeddings or build_embeddings(settings, threads=settings.query_threads)
        retriever = Retriever(settings, embeddings, reranker=build_cross_encoder(settings))
        return cls(settings, retriever, build_chat_model(settings))

    def warm_up(self) -> None:
        """Compute now what the first questions would otherwise wait for: the session sheets' profiles
        (sheet_rank; cached by text, so only a new library costs an encode), the library's acronyms, template passages and topic
        (scope.py), the French tagger abstention reads unknown nouns with (a few seconds to load) and the French word
        list typo correction keeps real words with (lexical.french_words)."""
        from assistant.backends import build_tagger

        build_tagger()
        lexical.french_words()
        snap = self.retriever.snapshot()
        sheet_rank.profiles_for(snap, self.retriever.embeddings)
        snap.acronyms()
        snap.boilerplate()
        if self.settings.embedding_model == BUNDLED_MODEL:
            snap.scope()

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
        """Yield the answer text as it grows (str), then the final Answer. A question that cannot be
        processed as typed (too long, no words) raises QuestionRejected with a French reason."""
        question = query.check_question(question, self.settings.max_question_chars)
        if not question:
            yield Answer(question="", answer="Posez une question sur les documents du programme.", abstained=True)
            return
        # understand: thanks, greetings and « que peux-tu faire ? » get a short reply, not the nearest sheet
        social = smalltalk.reply(question)
        if social is not None:
            yield social
            yield Answer(question=question, answer=social)
            return
        previous = history[-1] if history else None
        use_llm = self.chat_model is not None if use_llm is None else (use_llm and self.chat_model is not None)

        # understand: a request for a plan ("prépare-moi 6 séances…"), or a change to the plan just given
        # (« plutôt 45 min »), goes to the planner, unless the message reveals a child in danger
        earlier = _plan_of(previous)
        # « tu peux me détailler la première ? » after a progression: that session's sheet, laid out as if asked by name
        asked = self._planned_session(question, _last_plan(history or []))
        if asked is not None:
            previous = earlier = None
        asked = sms.restore_elisions(asked or question)
        plan = self._plan(asked, use_llm, earlier)
        if plan is not None:
            yield plan.answer
            yield plan
            return

        # understand + retrieve
        # One snapshot from retrieval to composition: an ingestion committing meanwhile is for the next question.
        with self.retriever.pinned() as snap:
            t0 = time.perf_counter()
            found = self._understand_and_retrieve(asked, previous, filters, mode, use_llm, history or [],
                                                  after_plan=earlier is not None)
            timings = {"retrieve": (time.perf_counter() - t0) * 1000}

            # judge: relevance was judged with the retrieval; safety reads the question's own vector
            t1 = time.perf_counter()
            vector = self._question_vector(question, found)
            judged = safety.assess(question, vector)
            dangers = judged.categories
            # « que faire si un élève me révèle quelque chose de grave ? » names no child in danger but asks the
            # protection guide's question: answered from it, as after a safety block (without the block), when the
            # library answers it at all (which documents lead changes, not whether to answer).
            # A follow-up read with the turn before it asks about that turn's subject (« Et la médiation, on peut s'en
            # servir quand un élève se fait harceler ? » after an answer on peer mediation), not in general.
            procedure = (not dangers and earlier is None and found.answerable and not found.in_context
                         and protection_intent.asks_procedure(question, vector))
            protection = (self._protection_passages(question, found, vector if procedure else None)
                          if dangers or procedure else None)

            # retrieve again: each side of a comparison on its own
            compared = self._compared(question, found, filters, mode) if not dangers and not protection else []

            # compose
            base = compose.compose(asked, found, dangers, previous, snap, self.settings.top_k, protection,
                                   pupil=judged.pupil, outside_school=judged.outside_school, about_other=judged.about_other, compared=compared,
                                   firm=judged.firm)
        base.question, base.filters, base.timings_ms = question, filters, timings
        # A child writing about themself gets the block addressed to them, never a model's prose.
        if not use_llm or base.abstained or not found.hits or (dangers and judged.pupil):
            timings["answer"] = (time.perf_counter() - t1) * 1000
            yield base.answer
            yield base
            return
        # compose with the chat model, then verify its citations (llm.answer_stream)
        final: Answer | None = None
        block = safety.safety_block(dangers, pupil=judged.pupil, outside_school=judged.outside_school, about_other=judged.about_other) if dangers else ""
        # After a safety block, the model reads only what the documents say about protecting a child (and what was
        # found for what it asks too: compose.session_asked_too). A comparison's model reads what was found for
        # each side, in turn.
        protecting = None if dangers and compose.session_asked_too(found, judged.firm, judged.pupil) else protection
        sources = protecting or (_interleaved([found] + compared) if compared else found.hits)
        for item in llm.answer_stream(self.chat_model, self.settings, question, found.text, sources, base, block):
            if isinstance(item, Answer):
                final = item
            else:
                yield item
        assert final is not None
        final.timings_ms = {**timings, "answer": (time.perf_counter() - t1) * 1000}
        final.filters = filters
        yield final

    # -- steps -----------------------------------------------------------------------------
    def _plan(self, question: str, use_llm: bool, earlier: PlanRequest | None = None) -> Answer | None:
        """The plan a chat message asks for (assistant/planning), or the previous turn's plan (`earlier`)
        changed by a short follow-up (« et pour des CE1 ? »); None for an ordinary question."""
        from assistant.planning import intent
        from assistant.planning.chat import plan_from_chat

        request = intent.parse(question)
        tweak = None
        if request is None and earlier is not None:
            request = tweak = intent.revise(earlier, question)
        if request is None:
            return None
        if tweak is not None:
            # « plutôt une journée » after a workshop: a few words the classifier, trained on short cries for
            # help, may misread; read as a change to the plan, only a rule hit (a danger named) stops it.
            if safety.rule_categories(question):
                return None
        else:
            vector = self.retriever.embed_query(question) if self.settings.embedding_model == BUNDLED_MODEL else None
            if safety.assess(question, vector).categories:
                return None
        return plan_from_chat(question, self.retriever, self.retriever.embeddings, self.chat_model if use_llm else None,
                              request=request)

    def _planned_session(self, question: str, earlier: PlanRequest | None) -> str | None:
        """After a progression (`earlier`), a follow-up asking for one of its sessions by rank (« détaille la
        première », « et la séance 3 ? »), rewritten as a request for that session's sheet; None otherwise."""
        from assistant.planning import intent
        from assistant.planning.progression import build_progression

        rank = query.asked_session(question) if isinstance(earlier, intent.ProgressionRequest) else None
        if rank is None or earlier is None:
            return None
        plan = build_progression(self.retriever.snapshot(), earlier.level, earlier.competences, earlier.sessions, earlier.minutes,
                                 earlier.period, self.retriever.embeddings)
        index = rank - 1 if rank > 0 else rank  # « la dernière »: -1
        if not -len(plan.sessions) <= index < len(plan.sessions):
            return None
        return f"la fiche « {plan.sessions[index].title} » pour des {earlier.level}"

    def _understand_and_retrieve(self, question: str, previous: Turn | None, filters: Filters | None, mode: str,
                                 use_llm: bool, history: list[Turn], after_plan: bool = False) -> Retrieval:
        """Retrieve for the question as asked; in a conversation, also for the question completed by the
        previous turn, and keep that reading when the question leans on it or alone finds nothing. After a
        plan (`after_plan`), the plan request is no question to complete (« pourquoi ce jeu en premier ? »)."""
        own = self._retrieve(question, question, filters, mode)
        if previous is None or after_plan or not (query.is_follow_up(question) or not own.answerable):
            return own
        condensed = query.condense(question, previous.condensed)
        if use_llm:
            condensed = llm.condense(self.chat_model, question, [t.condensed for t in history]) or condensed
        # A real follow-up ("combien de temps dure-t-elle ?") is judged as completed by the previous
        # turn; a question that merely failed alone must still find its own words.
        # « ça passe aussi avec des MS ? » after a sheet asks whether that sheet adapts to the class now named.
        shown = previous.top_source if levels_in_text(question) and not query.asks_another(question) else None
        with_context = self._retrieve(condensed, condensed if query.is_follow_up(question) else question, filters, mode,
                                      in_context=True, shown_sheet=shown)
        if with_context.answerable or query.is_follow_up(question):
            return with_context
        return own

    def _compared(self, question: str, found: Retrieval, filters: Filters | None, mode: str) -> list[Retrieval]:
        """For a question comparing things (assistant/comparison.py), what is found for each side; an
        activity request in so many words (« une activité sur la différence entre filles et garçons ») compares
        nothing."""
        sides = comparison.sides(question)
        if not sides or (found.info.wants_activity and not found.info.activity_by_meaning):
            return []
        return [self._retrieve(side, side, filters, mode) for side in sides]

    def _retrieve(self, text: str, asked: str, filters: Filters | None, mode: str, in_context: bool = False,
                  shown_sheet: str | None = None) -> Retrieval:
        """Search for `text`; judge relevance on the words the user actually asked (`asked`). `in_context`: `text`
        is a follow-up completed by the previous turn; `shown_sheet`, the previous answer's first source (a sheet it laid
        out, when it is one of the sheets found), stays first if it fits the class now named (compose.keep_shown_sheet)."""
        snap = self.retriever.snapshot()
        text = self.searched_text(text, snap)
        vector = self.retriever.embed_query(text) if mode != "bm25" else None
        e5_vector = vector if self.settings.embedding_model == BUNDLED_MODEL else None
        info = query.understand(text, e5_vector)
        off_topic = self._off_topic(text, e5_vector, snap)
        hits = self._search(text, filters, mode, info, vector, k=max(self.settings.top_k, 8))
        # What the question is about is read on its own words (above); the search and the answer read it with the words
        # of its rare acronyms (`_spelled`).
        text, vector = self._spelled(text, vector)
        terms = snap.lexical.query_terms(text)
        asked_terms = terms if asked == text else snap.lexical.query_terms(asked)
        # « combien de profs… » asks a count of « enseignants », the library's word: the kind asked is read spelled out.
        fact = (relevance.check_asked_fact(sms.spell_out(asked), hits, snap, self.settings.abstain_rare_share)
                if self.settings.abstain_fact_check else None)
        rel = relevance.assess(asked_terms, hits, snap.lexical.idf, unknown_idf=_max_idf(snap.lexical.size),
                               activity=info.wants_activity, names_level=bool(info.levels or levels_in_text(asked)),
                               missing=fact.missing if fact else None, question=asked,
                               off_topic=off_topic)
        weights = self.settings.abstention_weights_for_model()
        ok = bool(hits) and rel.answerable(self.settings.abstain_min_coverage, self.settings.abstain_min_coverage_unknown, weights)
        confidence = rel.score(weights) if weights is not None and rel.dense > 0 else None
        # « Quel matériel pour le jeu du parachute ? » asks a detail of the document its rare word names in its
        # title: answered, however far the rest of its words (« matériel… en maternelle ») read from the programme.
        if not ok and hits and info.asks_detail and not rel.missing and _names_title(asked_terms, hits[0], snap):
            ok = True
        found = Retrieval(text, info, hits, terms, rel, ok, vector, confidence=confidence, in_context=in_context,
                          mentioned_in_passing=relevance.mentioned_in_passing(asked, snap, self.settings.abstain_rare_share) if ok else None)
        if info.wants_activity:
            found.skills, found.sheets = self._sheets_for(text, filters, mode, info, vector, in_context)
            if shown_sheet is not None:
                found.sheets = compose.keep_shown_sheet(found.sheets, shown_sheet)
            # An activity request naming a skill (« une séance sur la colère ? ») that a sheet for the class works
            # on, or a neighbour of it in its CPS category (sheet_rank.skills_asked: « s'écouter » in a request for
            # a group task, the cooperation sheet), is answered with it, whatever words describe the situation.
            first = found.sheets[0] if found.sheets else None
            # Not when it asks for a fact no passage gives (« le quatrième volume des kits empathie sort quand ? »).
            if not ok and rel.missing is None and first is not None and info.competences and first.level_fits \
                    and first.skill_fits:
                found.answerable = True
        return found

    def _search(self, text: str, filters: Filters | None, mode: str, info: query.QueryInfo, vector: np.ndarray | None,
                k: int, per_doc: int = 2) -> list[Hit]:
        """Retrieval with the boosts the question's reading gives: its class, the competence and the kind of document
        it names, the kind of document its meaning points at (the document-type model), and for a firm activity request
        the competence its meaning points at (the skill model)."""
        searched, searched_vector = self._spelled(text, vector)
        return self.retriever.search(searched, filters, k=k, mode=mode, boost_cycles=info.cycles,
                                     boost_competences=info.competences, boost_doc_types=info.doc_types,
                                     query_vec=searched_vector, per_doc=per_doc,
                                     boost_skills=self.skills_to_boost(info, vector), type_reading=self._doc_types(vector),
                                     advice=not info.wants_activity,
                                     demoted=protection_intent.off_topic_guide(self.retriever, text, self.retriever.e5(vector)))

    def skills_to_boost(self, info: query.QueryInfo, vector: np.ndarray | None) -> dict[str, float] | None:
        """The skill model's reading that retrieval adds to session sheets: for an activity request the activity-intent
        model reads firmly (`retrieve.SKILL_BOOST_FROM`), else None."""
        firm = info.wants_activity and (info.activity_reading or 0.0) >= SKILL_BOOST_FROM
        return self._request_skills(info.text, vector) if firm else None

    def _doc_types(self, vector: np.ndarray | None) -> dict[str, float] | None:
        """The document-type model's reading of a question."""
        return self._read_with(doc_type_model.load_model, vector)

    def _skills(self, text: str, vector: np.ndarray | None) -> dict[str, float] | None:
        """The skill model's reading of a request (its e5 vector and, for the n-gram view, its words)."""
        return self._read_with(skill_model.load_model, vector, text)

    def _request_skills(self, text: str, vector: np.ndarray | None) -> dict[str, float] | None:
        """The skill model's reading of an activity request, without its later questions on the sheet's details nor
        its schedule (query.skill_request): « … Et il y a quelque chose à préparer à l'avance ? » read as stress."""
        request = query.skill_request(text)
        if request != text and vector is not None:
            vector = self._rewritten_vector(request)
        return self._skills(request, vector)

    def _read_with(self, model: Callable[[], Multinomial], vector: np.ndarray | None,
                   text: str | None = None) -> dict[str, float] | None:
        """A shipped multinomial model's probabilities for the question's vector (and its `text`, for a model with an
        n-gram view); None without a vector, or when the store's vectors are not the bundled model's (the only ones
        these models read)."""
        if vector is None or self.settings.embedding_model != BUNDLED_MODEL:
            return None
        return model().probabilities(vector, text)

    @staticmethod
    def searched_text(text: str, snap: Snapshot) -> str:
        """The question as retrieval searches it."""
        # « activité pr des PS qui tapent qd… »: searched as written in full (the safety judge reads it as typed); « c koi
        # les cps » is « c'est quoi les cps » before its acronym is read
        text = lexical.complete_clipped(sms.spell_out(text), snap.word_forms())
        # « c'est quoi les CPS ? »: the acronym matches every document; its spelled-out form finds the definition
        if acronyms.may_ask_about_one(text):
            text = acronyms.expand(text, snap.acronyms())
        return query.where_to_start(text)

    def _spelled(self, text: str, vector: np.ndarray | None) -> tuple[str, np.ndarray | None]:
        """What retrieval searches for `text` and its vector: « en lien avec l'EMC ? » with the words a rare acronym
        stands for when the library also says them without it (acronyms.spell_out_named; not « CPS », in most passages,
        nor « ANPAA », always named so). Only the search and the answer: the models reading what the question is about
        read its own words (the scope model read « l'ARS (Agence régionale de santé) » as about health, and « qui est le
        directeur général actuel de l'ARS ? » was answered)."""
        snap = self.retriever.snapshot()
        spelled = acronyms.spell_out_named(text, snap.acronyms(), snap.folded_texts(),
                                           relevance.rare_in(snap, self.settings.abstain_rare_share))
        if spelled == text or vector is None:
            return spelled, vector
        return spelled, self._rewritten_vector(spelled)

    def ranked_documents(self, text: str, mode: str = "hybrid", k: int = 10) -> list[str]:
        """The documents retrieval ranks first for `text`, one passage each, searched as when answering (the same
        rewriting of the question, the same boosts): what evaluation measures as the expected document's rank."""
        text = self.searched_text(text, self.retriever.snapshot())
        vector = self.retriever.embed_query(text) if mode != "bm25" else None
        info = query.understand(text, vector if self.settings.embedding_model == BUNDLED_MODEL else None)
        return [h.chunk.doc.source for h in self._search(text, None, mode, info, vector, k=k, per_doc=1)]

    @staticmethod
    def _off_topic(text: str, e5_vector: np.ndarray | None, snap: Snapshot) -> float:
        """How much less `text` is about the programme's subjects than the library is (0 without an e5 vector)."""
        reading = scope.probability(text, e5_vector)
        return 0.0 if reading is None else scope.shortfall(reading, snap.scope())

    def _sheets_for(self, text: str, filters: Filters | None, mode: str, info: query.QueryInfo,
                    vector: np.ndarray | None, in_context: bool = False) -> tuple[tuple[str, ...], list[SheetChoice]]:
        """For an activity request: the skill asked and the sheets, those fitting both the class and the
        skill first, each group by document score (sheet_rank). A skill named in words is widened by the
        skill the request's meaning points at within its CPS category (sheet_rank.skills_asked), so that
        « stress » in « repérer ce qui les stresse » does not exclude the sheet on being aware of it; with
        no skill named, the class and the document score choose, and the chosen sheet's skill is reported."""
        only_sheets = Filters(("seance",), (filters or Filters()).cycles, (filters or Filters()).competences)
        profiles = sheet_rank.profiles_for(self.retriever.snapshot(), self.retriever.embeddings) if vector is not None else None
        k = max(12, len(profiles.sources)) if profiles is not None else 12
        topical = self.retriever.search(text, only_sheets, k=k, mode=mode, per_doc=1, query_vec=vector)
        if not topical:
            return info.competences, []
        # The competence the request is about, read from its meaning and its words (the skill model).
        read = self._request_skills(text, vector)
        sheets = sheet_rank.sheet_hits(topical, profiles, vector, only_sheets, read)
        skills = info.competences
        if skills:
            skills = sheet_rank.skills_asked(skills, sheet_rank.skills_by_meaning(profiles, vector, only_sheets))
        # With no skill named, the class is the firmest thing the request says: a sheet written for that very class
        # comes first among those of its cycle (« mes GS se tapent dessus… » → the MS-GS sheet, not a PS-MS one).
        # Not when a skill is named (its sheets are chosen by meaning within it: « empathie » in 3e is the 5e-4e
        # sheet on empathic listening, not the 4e-3e one on saying no), nor for a follow-up (« et ça marche avec des
        # CP ? » asks about the sheet just shown).
        named_class = info.levels if not info.competences and not in_context else ()
        # A lycée class is past the grid's last cycle: the oldest pupils' sheets are the nearest.
        cycles = info.cycles or ((4,) if names_lycee(text) else ())
        ranked = compose.named_sheet_first(compose.rank_sheets(sheets, cycles, skills, named_class), sheets, text)
        return skills or tuple(ranked[0].competences), ranked

    def _question_vector(self, question: str, found: Retrieval) -> np.ndarray | None:
        """The e5 vector of the question as asked, for the safety classifier: the retrieval's when the
        store uses the bundled e5 model (no second encode); None lets the classifier encode it itself."""
        if self.settings.embedding_model != BUNDLED_MODEL:
            return None
        if found.vector is not None and found.text == question:
            return found.vector
        return self.retriever.embed_query(question)

    def _protection_passages(self, question: str, found: Retrieval, asked: np.ndarray | None = None) -> list[Hit]:
        """Passages about protecting a child, for the answer after a safety block: from the library's
        document that best answers "what to do when a child is in danger" (the protection guide, found by
        meaning, not by name), the passages closest to the question; never session sheets. A disclosure is read
        together with that need; a question on the procedure itself (`asked`: its e5 vector) by its own words and
        meaning (read with that need added, every such question opened on the guide's section on reporting: gold key
        facts 0.832 against 0.837)."""
        best = self.retriever.protection_passage()
        if best is None:
            return []
        guide = [best]
        if asked is not None:
            # Only from a document about protecting a child: a library without one (PIAF's Wikipedia paragraphs: best
            # match 0.836, this library's guide 0.922) answers such a question the ordinary way.
            if guide[0].dense < PROTECTION_DOCUMENT_FROM:
                return []
            return passages.rank_passages(self.retriever.snapshot(), guide, question, asked, documents=1)[:2]
        source = guide[0].chunk.doc.source
        own = [h for h in self.retriever.search(f"{question} — {PROTECTION_QUERY}", Filters(NOT_SHEETS), k=10, per_doc=3)
               if h.chunk.doc.source == source]
        return (own or guide)[:2]


def _plan_of(turn: Turn | None) -> PlanRequest | None:
    """The plan a past turn gave, if it was one (the planner remembers its request as a message it reads back)."""
    if turn is None:
        return None
    from assistant.planning import intent

    return intent.parse(turn.condensed)


def _last_plan(history: list[Turn], within: int = 3) -> PlanRequest | None:
    """The plan given in the last few turns (« et la deuxième ? » after « détaille la première » still reads the plan)."""
    return next((plan for turn in reversed(history[-within:]) if (plan := _plan_of(turn)) is not None), None)


def _interleaved(found: list[Retrieval]) -> list[Hit]:
    """The hits of several retrievals taken in turn (best of each first), each passage once."""
    out: dict[str, Hit] = {}
    for rank in range(max((len(f.hits) for f in found), default=0)):
        for f in found:
            if rank < len(f.hits):
                out.setdefault(f.hits[rank].chunk.id, f.hits[rank])
    return list(out.values())


def _names_title(asked_terms: list[str], hit: Hit, snap: Snapshot) -> bool:
    """Whether the question names `hit`'s document by a rare word of its title (« parachute »)."""
    title = set(snap.lexical.query_terms(hit.chunk.doc.title))
    return any(snap.lexical.idf(t) >= compose.TITLE_WORD_IDF for t in asked_terms if t in title)


def _max_idf(n_chunks: int) -> float:
    """Weight of a query word the corpus never uses: the IDF of a word seen once."""
    n = max(n_chunks, 1)
    return max(1.0, math.log(1.0 + (n - 0.5) / 1.5))
