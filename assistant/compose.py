"""Compose the extractive answer from what retrieval found and what the judges decided: a safety
block first when a child is in danger, then a declined question, a session sheet laid out as a sheet,
or the passages that answer a factual question; further reading last. Every line is verbatim and cited
(assistant/extractive.py renders sheets and passages)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assistant import asked_fact, comparison, extractive, numbered_sections, passages, query, safety, sub_questions
from assistant.extractive import ABSTAIN_TEXT, Citations
from assistant.lexical import analyze
from assistant.planning.intent import minutes_stated, recurring
from assistant.planning.library import find_passage, parse_duration
from assistant.planning.progression import PRINCIPLES, following_sheets
from assistant.retrieve import Hit, Snapshot
from assistant.schema import Answer, Chunk, DocMeta
from assistant.sheet_steps import timed_step
from assistant.vocabulary import CLASSES, COMPETENCE_BY_KEY, CYCLE_LABELS, fold, levels_in_text, names_lycee

if TYPE_CHECKING:
    import numpy as np

    from assistant.core import Retrieval, Turn


def compose(question: str, found: Retrieval, dangers: list[safety.Category], previous: Turn | None, snap: Snapshot,
            top_k: int, protection: list[Hit] | None = None, pupil: bool = False, outside_school: bool = False, about_other: bool = False,
            compared: list[Retrieval] | None = None, firm: bool = True) -> Answer:
    """The extractive answer: safety block, then the body chosen by the kind of question, then further reading.
    `protection` holds the passages about protecting a child shown after a safety block, or as the whole answer to a
    general question on protecting a child when there is no danger (assistant/protection_intent.py); `pupil`,
    `outside_school` and `about_other` say whom the block addresses (safety.safety_block); `compared` holds what was found for each
    side of a comparison (assistant/comparison.py). `firm` is False when only one sentence of the message read alone
    routed it to safety (safety.Assessment): an adult's request for a session is then answered after the block too."""
    cites = Citations()
    # What was found beyond the session sheets: after a safety block, or for a question on protecting a child, a
    # sheet would only be quoted because it shares a word with the message.
    beyond_sheets = [h for h in found.hits[:top_k] if h.chunk.doc.doc_type != "seance"]
    if not dangers and protection:
        # A general question on protecting a child (assistant/protection_intent.py): the protection guide answers,
        # not a session sheet's vigilance note that shares its words; the other documents found are further reading.
        parts = [extractive.factual_answer(found.terms, protection, snap.lexical.idf, cites, more=1),
                 further_reading(beyond_sheets, cites)]
        return _answer(question, found, [p for p in parts if p], cites, dangers, abstained=False)
    if not dangers and previous is None and query.leans_on_a_turn(question):
        # Asked first, « et pour les plus petits ? » got a CM1-6e sheet: the turn it leans on is not there to read.
        return Answer(question=question, answer=DANGLING_TEXT, abstained=True, condensed_question=found.text)
    if not dangers:
        parts, abstained = _body(question, found, previous, snap, top_k, cites, compared)
        return _answer(question, found, [p for p in parts if p], cites, dangers, abstained=abstained)
    parts = [safety.safety_block(dangers, pupil=pupil, outside_school=outside_school, about_other=about_other)]
    if session_asked_too(found, firm, pupil):
        # « Ma 4e est à couteaux tirés depuis une embrouille sur le groupe WhatsApp. J'aimerais une séance sur la façon
        # de se parler par messages » read as harassment through its first sentence alone: the block stays first, the
        # session asked for follows it instead of being dropped, and what to do if a child confides comes after.
        body, abstained = _body(question, found, previous, snap, top_k, cites, None, further=False)
        if not abstained:
            parts += ["**Pour la séance demandée :**" if found.info.wants_activity else "**Pour votre question :**"] + body
    # Then only what the documents say about protecting a child: never a session sheet quoted because it shares a
    # word with the disclosure. A child gets the block alone, and so does an adult outside the school: the protection
    # guide is the school's procedure (who informs whom, article 40).
    shown = protection if protection is not None else beyond_sheets
    if shown and not pupil and not outside_school:
        parts.append("**Dans les documents du programme :**\n\n" + extractive.factual_answer(
            found.terms, shown, snap.lexical.idf, cites, more=1))
    return _answer(question, found, [p for p in parts if p], cites, dangers, abstained=False, pupil=pupil)


def session_asked_too(found: Retrieval, firm: bool, pupil: bool) -> bool:
    """Whether a message routed to safety also gets the answer it asks for: an adult's answerable question the rules did
    not route and the model read below its firm bar, or only through one sentence read alone (`safety.Assessment.firm`)."""
    return not firm and not pupil and found.answerable


def _body(question: str, found: Retrieval, previous: Turn | None, snap: Snapshot, top_k: int, cites: Citations,
          compared: list[Retrieval] | None, further: bool = True) -> tuple[list[str], bool]:
    """The answer's parts after any safety block (with further reading last unless not `further`), and whether the
    question is declined."""
    top = found.hits[:top_k]
    parts: list[str] = []
    if compared and any(side.answerable for side in compared):
        parts.append(compare_sides(found, compared, cites, snap, top_k))
        parts.append(further_reading(top, cites))
        return parts, False

    following = previous.top_source if previous is not None and query.asks_next_session(question) else None
    if following is not None and (text := next_sessions(snap, following, cites)):
        parts.append(text)
        return parts, False
    carried = carried_sheet(question, previous, snap, found.hits)
    if carried is None and found.info.wants_activity and not found.info.cycles and not found.info.competences \
            and names_lycee(question) and (nearest := no_lycee_sheet(found, cites, snap)):
        # Any session for a lycée class, no skill named: the library has none, and one 3e sheet laid out in full
        # would read as the answer. Say so, and list the nearest sheets to adapt.
        parts.append(nearest)
        return parts, True
    if not found.answerable and carried is None:
        # A question on the programme's own subjects (« les séances avec des élèves en ULIS ? ») is not outside the
        # library, even when no passage comes close: its nearest documents are listed rather than a claim that the
        # library does not deal with it.
        near = found.confidence is None or found.confidence >= NEAREST_FROM or found.relevance.off_topic > -ON_TOPIC_WITHIN
        parts.append(decline(top if near else [], cites, asked_fact.missing_sentence(found.relevance.missing, question)))
        return parts, True

    # Words the corpus never uses, when they leave a real part of the question uncovered and the answer is a
    # close call: « diapo », « clown », « surexcitée » in a question the library answers well are the asker's
    # words, not a gap (the notice opened a third of the answers it was shown on, most of them right).
    unsure = found.confidence is None or found.confidence < UNSURE_BELOW
    missing = unknown_words(question, found.relevance.unknown) if found.relevance.coverage < 0.75 and unsure else []
    if missing:
        parts.append("*Les documents ne contiennent pas " + ("le mot" if len(missing) == 1 else "les mots") + " « "
                     + " », « ".join(missing) + " » : vérifiez que les passages ci-dessous répondent bien à votre question.*")
    if found.mentioned_in_passing and carried is None:
        parts.append(f"*Les documents ne décrivent pas « {found.mentioned_in_passing} » : ils ne font que le citer en passant, "
                     "et les passages ci-dessous n'en disent pas plus.*")
    if carried is not None and query.asks_shorter(question):
        parts.append(extractive.sheet_brief(snap.document_chunks(carried), cites))
    elif carried is not None:
        # "Combien de temps dure-t-elle ?": a detail of the sheet the previous answer laid out.
        asked = snap.lexical.query_terms(question)
        chunks = snap.document_chunks(carried)
        focus = focus_sections(question)
        if query.fits_in_time(question):
            # « je n'ai que 20 min, je peux la couper en deux ? »: whether it fits, then its steps with their minutes
            if notice := time_notice(question, chunks[0].doc, say_fits=True):
                parts.append(notice)
            focus = (focus or set()) | {"Déroulement"}
        parts.append(extractive.sheet_answer(chunks, cites, focus, asked, snap.lexical.idf,
                                             priors=_passage_priors(snap, chunks, question, None),
                                             step=query.asked_step(question)))
    elif (choice := sheet_to_lay_out(top, found.info, found.sheets, snap.lexical.idf)) is not None:
        parts.append(sheet_with_others(question, choice, top, found, cites, snap))
    else:
        subs = sub_questions.read(question, snap.lexical.query_terms)
        # A follow-up's own words weigh double against the turn it leans on; so do a message's first question's words
        # against its later questions', which get sentences of their own (extractive.sub_answers).
        focus = frozenset(snap.lexical.query_terms(question)) if found.text != question else (subs[0].terms if subs else frozenset())
        # A follow-up asks what its own words ask (« et elle, elle en fait à quelle fréquence ? » after « c'est quoi… ? »).
        definitional = found.info.definitional if found.text == question else query.is_definitional(question)
        intro = introduction(snap, top[0].chunk.doc.source) if definitional and top else None
        # The passages of the best documents that answer, not only those retrieval kept (two per document).
        ranked = passages.answering_first(passages.rank_passages(snap, top, found.text, found.vector,
                                                                 advice=not found.info.wants_activity), question,
                                          acronyms=snap.acronyms())
        # (the question as searched: « les CPS, c'est quoi ? » asks about the competences spelled out)
        ranked = passages.definition_first(snap, ranked, found.text, found.vector)
        if intro is not None and ranked and passages.defines_asked(ranked[0].chunk, found.text):
            intro = None  # « c'est quoi les CPS ? »: the definition leads, not the history that opens its document
        # « Quelles sont les erreurs à éviter ? » answered by « Piège n° 3 »: the run of numbered sections first.
        run: list[Chunk] = []
        if ranked and numbered_sections.asks_for_a_list(question):
            run = numbered_sections.best_run(question, [r.chunk for r in ranked[:numbered_sections.RUN_CANDIDATES]],
                                             snap.document_chunks, found.terms, snap.lexical.idf)
        if run:
            parts.append(numbered_sections.overview(run, cites))
        parts.append(extractive.factual_answer(found.terms, top, snap.lexical.idf, cites, focus_terms=focus, intro=intro,
                                               next_chunk=snap.next_chunk, figure=extractive.asks_figure(question),
                                               fits=extractive.gives_the_kind(question),
                                               passages=ranked, subs=subs, doc_chunks=snap.document_chunks))
        # Every story quoted says it is one, not only the one the answer opens on (« comment les enseignants étaient-ils
        # formés ? » went on to a made-up trainer's account, which a newcomer read as the programme's own).
        for source in dict.fromkeys(c.source for c in cites.items):
            if notice := extractive.fiction_notice(snap.document_chunks(source), cites):
                parts.append(notice)
    if further:
        # A sheet for far older or younger pupils is no further reading for the class asked (« Brevet, oral, exposé »
        # after a sheet for CE1)
        near = [h for h in top if h.chunk.doc.doc_type != "seance"
                or _near_class(snap, h.chunk.doc.source, found.info.cycles, found.info.levels)]
        parts.append(further_reading(near, cites))
    return parts, False


def _answer(question: str, found: Retrieval, parts: list[str], cites: Citations, dangers: list[safety.Category],
            abstained: bool, pupil: bool = False) -> Answer:
    return Answer(question=question, answer="\n\n".join(parts), abstained=abstained, citations=cites.finish(),
                  safety=safety.safety_for(dangers, pupil=pupil) if dangers else None, condensed_question=found.text)


def compare_sides(found: Retrieval, compared: list[Retrieval], cites: Citations, snap: Snapshot, top_k: int) -> str:
    """Each side of a comparison under its own heading: a session sheet by its header and objectives, anything
    else by the passage that introduces it; first, a passage of the question's own retrieval that speaks of
    every side, when there is one. A side the documents do not cover is said to be missing."""
    idf = snap.lexical.idf
    names = [side.text for side in compared]
    out: list[str] = []
    joint = comparison.speaks_of_all([h.chunk.text for h in found.hits[:3]], names, idf)
    if joint is not None:
        chunk = found.hits[joint].chunk
        out += ["**Ce que les documents en disent ensemble**", ""] + extractive.lead_passage(found.terms, chunk, idf, cites) + [""]
    for side in compared:
        title = side.text[:1].upper() + side.text[1:]
        if not side.answerable or not side.hits:
            out += [f"### {title}", "", f"*Les documents ne disent rien de « {side.text} ».*", ""]
            continue
        best = side.hits[0].chunk
        if best.doc.doc_type == "seance":
            out += [extractive.sheet_answer(snap.document_chunks(best.doc.source), cites, {"Objectifs"}, name_the_rest=False), ""]
            continue
        ranked = passages.rank_passages(snap, side.hits[:top_k], side.text, side.vector)
        intro = introduction(snap, best.doc.source)
        near = {h.chunk.id for h in ranked[:extractive.INTRO_WITHIN]}
        chunk = intro if intro is not None and intro.id in near else (ranked[0].chunk if ranked else best)
        out += [f"### {title}", ""] + extractive.lead_passage(side.terms, chunk, idf, cites) + [""]
    return "\n".join(out).strip()


def decline(top: list[Hit], cites: Citations, lacking: str = "") -> str:
    """A plain refusal, then the nearest documents by title only: nothing that reads like an answer. Without
    `top` (nothing close), what the documents cover instead. `lacking` says what the documents do not give
    (`asked_fact.missing_sentence`), when known."""
    text = ABSTAIN_TEXT + (f" {lacking}" if lacking else "")
    closest = closest_documents(top)
    if closest:
        text += "\n\nDocuments les plus proches de votre question, si vous voulez vérifier :\n" + "\n".join(
            f"- {h.chunk.doc.title} [{cites.cite(h.chunk)}]" for h in closest)
    else:
        text += " " + OUTSIDE_THE_LIBRARY
    return text


# Answerability (core.Retrieval.confidence) below which no document is close enough to be worth listing under a
# refusal. Of the 78 out-of-corpus questions the five answer splits decline, the 47 below it ask about other matters
# of school life (a PAI, the canteen menu, the holidays, a mutation, a switchboard's number), for which the titles
# listed were unrelated sheets; above it are the programme's budget, Unplugged, a training's price, where the
# documents listed are the nearest ones.
NEAREST_FROM = -1.0
# Scope shortfall (relevance.off_topic) within which a question reads as about the library's subjects. Of the 97
# questions the dev splits and dev_abstention sets decline below NEAREST_FROM, read by the scope model of round w10,
# six read within 0.5 (the Good Behavior Game −0.36, lice in a maternelle class −0.37, EVARS themes −0.43…), none
# within 0.35; a question about running the sessions with particular pupils reads within it (ULIS −0.28; −0.18
# with the model before w10, when the bar was 0.25).
ON_TOPIC_WITHIN = 0.3
OUTSIDE_THE_LIBRARY = ("Ce sujet ne fait pas partie de ceux que traitent les documents de la bibliothèque : les "
                       "compétences psychosociales à l'école (fiches séances, progressions, guides, évaluation et retours "
                       "d'expérience du programme).")


# Answerability score (core.Retrieval.confidence, ≥ 0: answered) below which an answer warns about the question's
# words the documents never use. Over the answers of gold, fresh and fresh2 that showed the warning, those
# answering off the question (a sex-education sequence, CM1 maths, « clans ») scored below 0.1, the sound ones
# mostly above 1.5.
UNSURE_BELOW = 1.0
DANGLING_TEXT = ("Votre message semble faire suite à un échange précédent, que je n'ai pas sous les yeux. Pouvez-vous poser "
                 "la question en entier, avec son sujet et, pour une séance, la classe ? Par exemple : « Une activité sur la "
                 "colère pour des MS ? » ou « Combien d'écoles ont participé à En santé à l'école ? »")


def unknown_words(question: str, unknown_terms: tuple[str, ...]) -> list[str]:
    """The words of the question behind the index terms the corpus never uses."""
    from assistant.lexical import analyze, words

    wanted = set(unknown_terms)
    return list(dict.fromkeys(w for w in words(question) if wanted & set(analyze(w))))[:4]


def introduction(snap: Snapshot, source: str) -> Chunk | None:
    """A document's first substantial passage (its introduction), skipping notices and headers."""
    for chunk in snap.document_chunks(source)[:4]:
        # Skip an editorial notice in italics ("*Synthèse rédigée pour…*") and header lines.
        body = [ln for ln in chunk.text.split("\n") if ln.strip() and not ln.strip().startswith(("*", "**", ">"))]
        if sum(len(ln) for ln in body) >= 200:
            return chunk
    return None


def further_reading(top: list[Hit], cites: Citations, limit: int = 3) -> str:
    """Other well-ranked documents the answer did not quote, so the reader can go further."""
    cited = {c.source for c in cites.items}
    extra = [h for h in closest_documents(top, limit=10) if h.chunk.doc.source not in cited][:limit]
    if not extra:
        return ""
    lines = [f"- **{h.chunk.doc.title}** [{cites.cite(h.chunk)}]" for h in extra]
    return "**Pour aller plus loin :**\n" + "\n".join(lines)


def closest_documents(hits: list[Hit], limit: int = 3) -> list[Hit]:
    """The best hit of each of the first `limit` documents."""
    seen: set[str] = set()
    out = []
    for h in hits:
        if h.chunk.doc.source not in seen:
            seen.add(h.chunk.doc.source)
            out.append(h)
    return out[:limit]


def carried_sheet(question: str, previous: Turn | None, snap: Snapshot, hits: list[Hit]) -> str | None:
    """The previous answer's session sheet, when the question asks one of its details (duration,
    materials, steps…), names no new level, and either leans on the previous turn, finds that same sheet
    again, or asks about a sheet's content in that sheet's words (« combien de temps je garde pour l'échange à la
    fin ? » right after a sheet; not « combien de temps dure une information préoccupante ? »)."""
    if previous is None or not previous.top_source or levels_in_text(question):
        return None
    shorter = query.asks_shorter(question)
    if not shorter and not query.understand(question).asks_detail and not query.fits_in_time(question):
        return None
    chunks = snap.document_chunks(previous.top_source)
    if not chunks or chunks[0].doc.doc_type != "seance":
        return None
    if shorter or query.is_follow_up(question) or previous.top_source in {h.chunk.doc.source for h in hits[:3]}:
        return previous.top_source
    # Otherwise its own words must find session sheets (not a guide, the programme or the protection document)
    # and be mostly this sheet's.
    own_sheet = bool(hits) and hits[0].chunk.doc.doc_type == "seance"
    return previous.top_source if own_sheet and about_the_sheet(question, chunks) else None


# Words that ask for a detail of a sheet rather than name what it is about.
_DETAIL_TERMS = frozenset(analyze("combien temps durée dure dure-t-elle matériel objectif objectifs déroulement bilan "
                                  "variante variantes étape étapes faut prévoir garder garde minutes"))


def about_the_sheet(question: str, chunks: list[Chunk]) -> bool:
    """Whether the question's own words, beyond those asking for a detail, are mostly the sheet's: then it asks
    about that sheet even though no pronoun leans on it."""
    asked = set(analyze(question)) - _DETAIL_TERMS
    if not asked:
        return True
    text = set(analyze(" ".join(c.text for c in chunks)))
    return len(asked & text) / len(asked) >= 0.5


# Title words that name no particular sheet.
_GENERIC_TITLE_TERMS = frozenset(analyze("séance activité fiche atelier ateliers jeu"))


def _title_terms(title: str) -> list[str]:
    """The index terms of (part of) a sheet's title that name it, in order."""
    return [t for t in analyze(title) if t not in _GENERIC_TITLE_TERMS]


def names_the_sheet(question: str, title: str, idf: Callable[[str], float] | None = None) -> bool:
    """Whether the question names the sheet: two words of its title before any subtitle (its only one, for a
    one-word title), or with `idf` one word of its title that rare (« le parachute coopératif »)."""
    named = set(_title_terms(title.split(" : ")[0]))
    asked = named & set(analyze(question))
    if idf is not None and any(idf(t) >= TITLE_WORD_IDF for t in asked):
        return True
    return bool(named) and len(asked) >= min(2, len(named))


# A title word this rare (idf; « parachute » 4.0, « tapis » 3.8) names its document; « séance » (1.5), « semaine »
# (2.5) or « émotion » (1.8) name none.
TITLE_WORD_IDF = 3.5


def sheet_to_lay_out(top: list[Hit], info: query.QueryInfo, sheets: list[SheetChoice] | None = None,
                     idf: Callable[[str], float] | None = None) -> SheetChoice | None:
    """The session sheet to lay out: for an activity request, the sheet ranking chose (`sheets`, best
    fit of level and skill first); otherwise the best passage's sheet, or for a question naming a class,
    the best-ranked sheet for that cycle among the first three passages."""
    # A request read by meaning alone gets a sheet when retrieval agrees: its best passage is a sheet's
    # (« des rituels quotidiens autour des émotions en maternelle ? » is answered by a write-up).
    if info.wants_activity and sheets and (not info.activity_by_meaning or (top and top[0].chunk.doc.doc_type == "seance")):
        return sheets[0]
    if not top:
        return None
    # A question about running the class or a sheet's detail gets the sheet; any other question whose best passage
    # happens to be a sheet's (« si un enfant me raconte quelque chose de grave pendant une séance ? ») gets that
    # passage, not the sheet's header.
    doc = top[0].chunk.doc
    named = names_the_sheet(info.text, doc.title, idf)
    # A question that is no activity request and names a class the sheet is not written for (« un élève de 5e refuse
    # les jeux de rôle… » and the CE1-CE2 sheet whose posture advice matched) gets that passage, not the sheet laid out.
    other_class = bool(info.cycles) and bool(doc.cycles) and not set(doc.cycles) & set(info.cycles) \
        and not info.wants_activity and not named
    # A question naming a class that the activity model reads as no request at all (« en CE1 un élève refuse de jouer,
    # je l'oblige ? ») asks how to conduct the session: the passages answer it, not a sheet laid out whole.
    class_named = bool(info.cycles) and (info.wants_activity or info.activity_reading is None
                                         or info.activity_reading >= CLASS_SHEET_READING)
    if doc.doc_type == "seance" and not other_class and (info.wants_activity or info.asks_detail or class_named or named):
        return SheetChoice(doc.source, top[0].score, True, True)
    # A question asking no activity whose best passage is a guide's (« une élève de CP pleure pendant la séance, je fais
    # quoi ? ») is answered by the guide, not by the sheet of its class ranked below it.
    guided = doc.doc_type == "guide" and not info.wants_activity
    if ((info.wants_activity and not info.activity_by_meaning) or class_named) and not guided:
        for hit in top[:3]:
            doc = hit.chunk.doc
            # « la médiation par les pairs au collège » names a class for a write-up retrieval ranks far above any sheet
            if hit.score < SHEET_WITHIN * top[0].score and not info.wants_activity:
                break
            if doc.doc_type == "seance" and (not info.cycles or set(doc.cycles) & set(info.cycles)):
                # An activity request read by meaning that retrieval also answers with a sheet of the class gets the
                # sheet the document ranking chose for it (« mes CP n'ont qu'un mot… » : the CP-CE1 sheet on
                # emotions, not the CE1-CE2 one on saying no that a passage on « dire » brought up).
                if info.wants_activity and sheets and sheets[0].level_fits:
                    return sheets[0]
                return SheetChoice(doc.source, hit.score, True, True)
    return None


# For a question that names a class without asking for an activity, a sheet among the first passages is laid out only
# if retrieval scores it within this share of the best passage (a write-up at 0.90 against a sheet at 0.49 is the answer).
SHEET_WITHIN = 0.75
# Below this activity reading, a question naming a class gets no sheet laid out. Dev splits: the requests the
# patterns miss that a sheet answers read 0.18 and above (« comment faire comprendre à mes CM1 que demander de l'aide
# ce n'est pas balancer ? »), questions on conducting a session 0.01–0.10.
CLASS_SHEET_READING = 0.15


@dataclass(frozen=True)
class SheetChoice:
    """A session sheet proposed for an activity request, and whether it fits the class and the skill asked."""

    source: str
    score: float
    level_fits: bool
    skill_fits: bool
    competences: tuple[str, ...] = ()  # the sheet's own competences
    named: bool = False  # put first because the question names it by its title (`named_sheet_first`)
    distance: int = 0  # cycles between the sheet's and those asked (0: it fits, or none asked)


def rank_sheets(hits: list[Hit], cycles: tuple[int, ...], competences: tuple[str, ...],
                levels: tuple[str, ...] = ()) -> list[SheetChoice]:
    """Session sheets among the hits: those that fit both the class and the skill asked first; then those
    on the skill, from the nearest cycle (a sheet on the skill asked, adapted from a neighbouring class,
    serves the request better than another skill at the right level); then those for the class; each
    group by score (for activity requests, the document score of assistant/sheet_rank.py). Within a group,
    a sheet written for the very class named (`levels`: « GS » for an MS-GS sheet) gets `CLASS_NAMED_BONUS`
    over one of its cycle written for other classes (a PS-MS sheet): enough to settle near ties, not to pass
    over a sheet far better on the subject (« le trac » in 4e: the 3e sheet on stage fright, not a 4e-3e sheet
    on peer pressure)."""
    best: dict[str, SheetChoice] = {}
    for hit in hits:
        doc = hit.chunk.doc
        if doc.doc_type != "seance" or doc.source in best:
            continue
        level = not cycles or bool(set(doc.cycles) & set(cycles))
        skill = not competences or bool(set(doc.competences) & set(competences))
        score = hit.score + (CLASS_NAMED_BONUS if set(levels) & set(doc.levels) else 0.0)
        distance = min((abs(a - b) for a in doc.cycles for b in cycles), default=0)
        best[doc.source] = SheetChoice(doc.source, score, level, skill, tuple(doc.competences), distance=distance)
    return sorted(best.values(), key=lambda s: (-(s.level_fits + s.skill_fits), -s.skill_fits, s.distance, -s.score))


def keep_shown_sheet(ranked: list[SheetChoice], shown: str) -> list[SheetChoice]:
    """A follow-up naming a class after a sheet was laid out (« ça passe aussi avec des MS ? », « et pour des CP,
    c'est adaptable ? ») keeps that sheet first when it fits the class now named, and the skill as well as the best
    one does: its adaptations answer, not another sheet of the cycle that scores a little higher. A class of another
    cycle (« et pour des CM2 ? » after a CE1 sheet) gets its own sheet."""
    best = ranked[0] if ranked else None
    kept = next((c for c in ranked if c.source == shown), None)
    if best is None or kept is None or kept is best or not kept.level_fits or kept.skill_fits < best.skill_fits:
        return ranked
    return [kept] + [c for c in ranked if c is not kept]


def named_sheet_first(ranked: list[SheetChoice], hits: list[Hit], question: str) -> list[SheetChoice]:
    """A request that names a sheet by its title (« le message clair avec des CM2, vous avez une fiche ? ») gets that
    sheet first, what differs said by `fit_notice`, not the sheet written for its class on a neighbouring skill."""
    asked = analyze(question)
    named = next((h.chunk.doc.source for h in hits
                  if h.chunk.doc.doc_type == "seance" and quotes_the_title(asked, h.chunk.doc.title)), None)
    kept = next((c for c in ranked if c.source == named), None)
    if kept is None or kept is ranked[0]:
        return ranked
    return [replace(kept, named=True)] + [c for c in ranked if c is not kept]


def quotes_the_title(asked: list[str], title: str) -> bool:
    """Whether the question's terms (`asked`, in order) hold the words of a title before its subtitle (after « : »,
    « ! » or « ? »), two at least, in a row (« le message clair » → messag, clair; « Feu rouge, tortue ! Je m'arrête… »
    → feu, roug, tortu)."""
    words = _title_terms(_SUBTITLE.split(title)[0])
    return len(words) >= 2 and any(asked[i:i + len(words)] == words for i in range(len(asked) - len(words) + 1))


_SUBTITLE = re.compile(r"\s:\s|[!?](?:\s|$)")


# In standardised document-score units (sheet_rank): what being written for the class named is worth.
CLASS_NAMED_BONUS = 1.0


def fit_notice(choice: SheetChoice, cycles: tuple[int, ...], competences: tuple[str, ...], snap: Snapshot) -> str:
    """Say plainly when no sheet fits both the class and the skill asked, and what differs."""
    if choice.level_fits and (choice.skill_fits or choice.named):
        return ""
    asked_level = ", ".join(CYCLE_LABELS[c] for c in cycles)
    asked_skill = " / ".join(COMPETENCE_BY_KEY[k].label.lower() for k in competences if k in COMPETENCE_BY_KEY)
    doc = snap.document_chunks(choice.source)[0].doc
    if choice.named:
        # Another sheet may fit the class: the notice says what differs in the sheet asked for, nothing about the rest.
        theirs = ", ".join(CYCLE_LABELS[c] for c in doc.cycles) or "niveau non précisé"
        return f"*Cette fiche est prévue pour : {theirs} ; pour {asked_level}, elle est à adapter.*"
    if not choice.level_fits and not choice.skill_fits:
        what = f"ni pour ce niveau ({asked_level}) ni sur cette compétence ({asked_skill})"
    elif not choice.level_fits:
        theirs = ", ".join(CYCLE_LABELS[c] for c in doc.cycles) or "niveau non précisé"
        what = f"sur cette compétence pour ce niveau ({asked_level}) ; la plus proche est prévue pour : {theirs}, à adapter"
    else:
        theirs = ", ".join(COMPETENCE_BY_KEY[k].label.lower() for k in doc.competences if k in COMPETENCE_BY_KEY) or "autre compétence"
        what = f"pour ce niveau sur cette compétence ({asked_skill}) ; la plus proche travaille : {theirs}"
    return f"*La bibliothèque ne contient pas de fiche {what}.*"


# In standardised document-score units (sheet_rank): how much better on the request a sheet of a neighbouring cycle,
# on the same competence, must score than the sheet chosen for the class to be named beside it. The chosen sheet may
# work on another side of the competence (« réfléchir avant d'agir » in CE2: the cycle-2 sheet on self-control is
# about reaching goals, 3.0 below the CM2-6e one on pausing before acting). Of the 209 activity requests of the dev
# splits and eval/dev_activity.yaml answered with a sheet for their class, 3 pass 1.0 (« faire la paix après une
# dispute » in CE1: Le tapis de la paix, MS-GS, 3.2 above Le message clair) and 8 pass 0.5, several of them on two
# sheets equally apt (« confiance en soi » in CP); of 7 tryout requests answered with a sheet on another side of the
# competence, 4 pass 1.0. The sheet chosen stays first: the notice only names the other.
CLOSER_SHEET_GAP = 1.0


def closer_sheet(choice: SheetChoice, ranked: list[SheetChoice], cycles: tuple[int, ...]) -> SheetChoice | None:
    """A sheet of a neighbouring cycle (`rank_sheets`' distance 1) that shares the chosen sheet's competence and fits the
    request clearly better (CLOSER_SHEET_GAP), for a chosen sheet that fits the class; None otherwise."""
    if not cycles or not choice.level_fits or choice.named:
        return None
    return next((other for other in ranked
                 if not other.level_fits and other.skill_fits and set(other.competences) & set(choice.competences)
                 and other.distance == 1 and other.score - choice.score >= CLOSER_SHEET_GAP), None)


def closer_notice(closer: SheetChoice, info: query.QueryInfo, snap: Snapshot) -> str:
    """Name the closer sheet of a neighbouring cycle (`closer_sheet`) above the sheet laid out for the class."""
    doc = snap.document_chunks(closer.source)[0].doc
    asked = ", ".join(info.levels) or ", ".join(CYCLE_LABELS[c] for c in info.cycles)
    return (f"*Une autre fiche est plus proche de votre demande, mais écrite pour {', '.join(doc.levels) or 'un autre niveau'} : "
            f"« {doc.title} », à adapter pour {asked} (en tête des autres séances, en fin de réponse).*")


def no_lycee_sheet(found: Retrieval, cites: Citations, snap: Snapshot, limit: int = 3) -> str:
    """For an activity request naming a lycée class and no skill: there is no sheet for the lycée; the nearest
    sheets (the oldest pupils' first, then by the request's sheet ranking), one line each. "" without sheets."""
    ranked = [s.source for s in (found.sheets or [])]
    ranked.sort(key=lambda src: -max(snap.document_chunks(src)[0].doc.cycles or [0]))
    lines = [extractive.sheet_summary_line(snap.document_chunks(src), cites) for src in ranked[:limit]]
    if not lines:
        return ""
    return (ABSTAIN_TEXT + " Les fiches séances de la bibliothèque sont écrites pour l'école et le collège : "
            "aucune n'est prévue pour le lycée.\n\n**Les plus proches, à adapter :**\n" + "\n".join(lines))


def sheet_with_others(question: str, choice: SheetChoice, top: list[Hit], found: Retrieval, cites: Citations,
                      snap: Snapshot) -> str:
    """The chosen session sheet laid out as a sheet, then other sheets that may suit."""
    chunks = snap.document_chunks(choice.source)
    if not chunks:
        return ""
    notice = fit_notice(choice, found.info.cycles, found.skills, snap) if found.info.wants_activity else ""
    doc = chunks[0].doc
    if not notice and found.info.wants_activity and not found.info.cycles and names_lycee(question) and doc.cycles:
        # Sheets are tagged from PS to 3e: a lycée class asked is never matched, so say what the sheet is for.
        cycles = ", ".join(f"cycle {c}" for c in doc.cycles)
        notice = f"*Cette fiche n'est pas prévue pour le lycée mais pour : {', '.join(doc.levels)} ({cycles}) ; à adapter.*"
    if not notice:
        notice = class_notice(found.info.levels, doc, bool(extractive.lines_for_classes(chunks, found.info.levels)))
    closer = closer_sheet(choice, found.sheets or [], found.info.cycles) if found.info.wants_activity else None
    if closer is not None:
        notice = "\n\n".join(n for n in (notice, closer_notice(closer, found.info, snap)) if n)
    own = found.text == question
    priors = _passage_priors(snap, chunks, question, found.vector if own else None)
    needs = query.pupil_needs(question) if found.info.wants_activity else ()
    notice = "\n\n".join(n for n in (notice, time_notice(question, doc, chunks=chunks, priors=priors),
                                      group_notice(question, chunks[0].text), space_notice(question, chunks[0].text),
                                      needs_notice(needs, chunks)) if n)
    # A detail of a sheet asked without asking for an activity (« il faut quoi comme matériel pour le défi des
    # gobelets ? »): the sections asked for, whole, come first.
    focus = focus_sections(question) if not found.info.wants_activity and found.info.asks_detail else None
    if focus == {"Durée"}:
        focus = None  # the header gives the duration; « combien de temps par atelier ? » also wants the steps
    # A follow-up (« et combien de passages pendant le forum ? ») is searched with the turn before it; what answers
    # it within the sheet is what answers its own words.
    asked = found.terms if own else snap.lexical.query_terms(question)
    text = extractive.sheet_answer(chunks, cites, focus, asked, snap.lexical.idf, priors=priors,
                                   step=query.asked_step(question), levels=found.info.levels, needs=needs)
    if notice:
        text = notice + "\n\n" + text
    ranked = ([closer.source] if closer else []) + [s.source for s in (found.sheets or [])] \
        + [h.chunk.doc.source for h in top if h.chunk.doc.doc_type == "seance"]
    # the closer sheet the notice announces heads them, whatever its class
    others = [s for s in dict.fromkeys(ranked) if s != choice.source and (
        (closer is not None and s == closer.source) or _near_class(snap, s, found.info.cycles, found.info.levels))]
    lines = [extractive.sheet_summary_line(snap.document_chunks(src), cites) for src in others[:3]]
    if lines:
        text += "\n\n**Autres séances qui peuvent convenir :**\n" + "\n".join(lines)
    return text


def next_sessions(snap: Snapshot, source: str, cites: Citations) -> str:
    """After a session sheet, « et la suite ? »: the sheets that may follow it in a progression (the order of the
    guides, from identifying towards acting), each in one line; "" when `source` is no session sheet."""
    chunks = snap.document_chunks(source)
    if not chunks or chunks[0].doc.doc_type != "seance":
        return ""
    nexts = following_sheets(snap, source)
    if not nexts:
        return ""
    lines = [f"**Après « {chunks[0].doc.title} », séances qui peuvent suivre :**"]
    principle = find_passage(snap, PRINCIPLES["order"])
    if principle is not None and principle.chunk_id in snap.index_of:
        chunk = snap.chunks[snap.index_of[principle.chunk_id]]
        lines.append(f"*Le principe des progressions : {extractive.unmarked(principle.snippet)}* [{cites.cite(chunk, principle.snippet)}]")
    lines += [extractive.sheet_summary_line(list(sheet.chunks), cites) for sheet in nexts]
    lines.append("\n*Pour une progression complète, demandez par exemple : « prépare-moi une progression de 6 séances en "
                 f"{chunks[0].doc.levels[0] if chunks[0].doc.levels else 'CM1'} ».*")
    return "\n".join(lines)


def class_notice(asked: tuple[str, ...], doc: DocMeta, has_lines: bool) -> str:
    """Say so when the class asked (« et ça marche en GS ? ») is not one the sheet is written for, though of its
    cycle; and whether the sheet itself says how to adapt it (its lines for that class, shown first)."""
    if not asked or not doc.levels or set(asked) & set(doc.levels):
        return ""
    how = " ; ses indications pour cette classe viennent en premier" if has_lines else ""
    return f"*Cette fiche est écrite pour : {', '.join(doc.levels)}. Pour {', '.join(asked)}, elle est à adapter{how}.*"


def time_notice(question: str, doc: DocMeta, say_fits: bool = False, chunks: list[Chunk] | None = None,
                priors: dict[str, float] | None = None) -> str:
    """Say so when the time the teacher has (« j'ai 25 min ») is shorter than the sheet's, naming with the sheet's
    `chunks` the steps that fit in it and answer the request best (`priors`: passage id → score); with `say_fits`, also
    when it is long enough (« j'ai 45 min, ça tient ? » asked of the sheet just shown)."""
    folded = fold(question)
    asked = minutes_stated(folded)
    planned = parse_duration(doc.duration)
    if not asked or planned is None:
        return ""
    sessions, each = planned
    # « 2 × 55 min » fits « une heure tous les quinze jours » (each session has its hour), not « j'ai une heure »
    if (each if recurring(folded) else sessions * each) <= asked:
        return f"*Cette fiche prévoit {doc.duration} : elle tient dans les {asked} minutes dont vous disposez.*" if say_fits else ""
    # Two steps picked out of a sheet whose time is nearly the teacher's (« Pause stratégie » and the second round of
    # a 45-minute game for 40 minutes) cut the session where it needs all its parts: steps are named only for a time
    # well short of the sheet's.
    short = asked <= STEPS_WITHIN_SHARE * (each if recurring(folded) else sessions * each)
    steps = steps_within(chunks or [], asked, priors or {}) if short else []
    if steps:
        # « 10 min pour que mes CP se calment » and a 40-minute sheet: the step that does it in 10 minutes, by name.
        exchange = steps[-1] if _EXCHANGE_STEP.search(fold(steps[-1][0])) else None
        doing = steps[:-1] if exchange else steps
        named = " et ".join(f"« {title} » ({minutes} min)" for title, minutes in doing)
        if exchange:
            named += f", puis « {exchange[0]} » ({exchange[1]} min) pour en parler ensemble"
        which = "les étapes les plus proches" if len(doing) > 1 else "l'étape la plus proche"
        return (f"*Cette fiche prévoit {doc.duration}, plus que les {asked} minutes dont vous disposez. Dans ce temps, "
                f"{which} de votre demande : {named} ; ou faites la fiche en plusieurs temps.*")
    return (f"*Cette fiche prévoit {doc.duration}, plus que les {asked} minutes dont vous disposez : gardez les étapes "
            "essentielles, ou faites-la en plusieurs temps.*")


# The share of the sheet's time under which `time_notice` names the steps that fit (a 50-minute sheet for 30 minutes
# does, for 40 minutes does not).
STEPS_WITHIN_SHARE = 0.75
# A step that frames a session rather than does its work: welcoming, the rules, the closing exchange.
_FRAMING_STEP = re.compile(r"\b(?:accueil|rappel|regles|echanges?|bilan|point d.etape|conclusion|cloture|introduction|lancement)\b")
# The sheet's closing exchange (« Temps d'échange », « Échange et bilan », « Sortir du rôle et temps d'échange »).
_EXCHANGE_STEP = re.compile(r"\b(?:echanges?|bilan)\b")


def steps_within(chunks: list[Chunk], minutes: int, priors: dict[str, float]) -> list[tuple[str, int]]:
    """The sheet's steps that fit in `minutes` (their heading gives their time): the one whose passages answer the
    request best (`priors`), a second if both fit together, then the sheet's closing exchange when it fits with them
    (a tryout's 30 minutes of a cooperation game had kept two rounds and dropped the talk that makes them a lesson);
    none without a reading of the request, and no other step that only frames the session (welcome, rules)."""
    if not priors:
        return []
    timed = _steps(chunks)
    exchange = _exchange_step(timed)
    if exchange is not None:
        # The step that answers best is chosen first: room kept for the exchange must not push it out for a shorter
        # step (« un truc de 10 minutes pour les poser »: the breathing step, 8 min, not the worry box, 4, and a talk).
        steps = _doing_steps(timed, minutes, priors, keep=exchange[1])
        if steps and sum(m for _, m in steps) + exchange[1] <= minutes:
            return steps + [exchange]
    return _doing_steps(timed, minutes, priors)


def _steps(chunks: list[Chunk]) -> list[tuple[int, Chunk, str, int]]:
    """The sheet's timed steps: (position, passage, title, minutes), for the passages of its « Déroulement »."""
    out: list[tuple[int, Chunk, str, int]] = []
    for at, chunk in enumerate(chunks):
        if extractive.section_label(chunk) != "Déroulement" or len(chunk.heading_path) < 2:
            continue
        step = timed_step(chunk.heading_path[-1])
        if step is not None:
            out.append((at, chunk, *step))
    return out


def _exchange_step(timed: list[tuple[int, Chunk, str, int]]) -> tuple[str, int] | None:
    """The last of a sheet's timed steps (`_steps`) that is an exchange with the pupils, if any."""
    found = [(title, minutes) for _, _, title, minutes in timed if _EXCHANGE_STEP.search(fold(title))]
    return found[-1] if found else None


def _doing_steps(timed: list[tuple[int, Chunk, str, int]], minutes: int, priors: dict[str, float],
                 keep: int = 0) -> list[tuple[str, int]]:
    """Of a sheet's timed steps (`_steps`), those that do the session's work within `minutes`: the best read, and a
    second that fits with it and leaves `keep` minutes over."""
    best: dict[str, tuple[float, int]] = {}
    order: dict[str, int] = {}
    for at, chunk, title, needed in timed:
        if _FRAMING_STEP.search(fold(title)):
            continue
        score = priors.get(chunk.id, 0.0)
        if needed <= minutes and score > best.get(title, (float("-inf"), 0))[0]:
            best[title] = (score, needed)
            order.setdefault(title, at)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])
    if not ranked:
        return []
    chosen = [(ranked[0][0], ranked[0][1][1])]
    left = minutes - chosen[0][1] - keep
    second = next(((t, m) for t, (_, m) in ranked[1:2] if m <= left), None)
    return sorted(chosen + ([second] if second else []), key=lambda step: order[step[0]])  # in the sheet's order


# The pupils a question says the teacher has: « en demi-groupe (12) », « une classe de 28 », « 30 élèves », « on est 26 »
# (six at least: « 3 élèves en difficulté » are no group; « groupes de 4 » is how the teacher would split them).
_GROUP_STATED = re.compile(r"\b(?:demi[- ](?:groupe|classe)|classe|effectif)\s*(?:de\s*|d'environ\s*|:\s*)?\(?\s*(\d{1,2})\b"
                           r"|\b(\d{1,2})\s*(?:eleves|enfants|gamins|participants)\b"
                           r"|\b(?:on est|ils sont|elles sont|nous sommes)\s*(\d{1,2})\b")
# What a sheet's « Effectif et espace » line plans: « (24 à 28 élèves) », « 15 à 25 enfants », « (14 enfants, … ) ».
_GROUP_PLANNED = re.compile(r"(\d{1,2})\s*(?:à|a)\s*(\d{1,2})\s*(?:élèves|enfants)|(\d{1,2})\s*(?:élèves|enfants)")
_GROUP_LINE = re.compile(r"^\W*effectif[^:\n]*:(.*)$", re.IGNORECASE | re.MULTILINE)


def group_notice(question: str, header: str) -> str:
    """Say so when the number of pupils the question gives (« je les ai en demi-groupe (12) ») is far from the one
    the sheet's « Effectif » line plans (« classe entière (24 à 28 élèves) »)."""
    stated = next((int(n) for m in _GROUP_STATED.finditer(fold(question)) for n in m.groups() if n), None)
    line = _GROUP_LINE.search(header)
    planned = _GROUP_PLANNED.search(line.group(1)) if line else None
    if stated is None or stated < 6 or planned is None:
        return ""
    low, high = (int(planned.group(1)), int(planned.group(2))) if planned.group(1) else (int(planned.group(3)),) * 2
    if low - 2 <= stated <= high + 2:
        return ""
    return (f"*Cette fiche prévoit {planned.group(0)} ; avec {stated}, adaptez le nombre et la taille des groupes (ou "
            "des rôles).*")


# A limit on the place the question states (« pas d'autre salle que la classe », « on a juste accès à la cour », « on peut
# pas pousser les tables », « une petite salle »), not a place merely named (« ils se disputent dans la cour »).
_PLACE = r"(?:classe|cour|salle|preau|gymnase|gym|couloir|cdi|dehors|exterieur|plein air)"
_SPACE_STATED = re.compile(
    r"\b(?:seulement|juste|uniquement|rien que|n'(?:a|ai|avons|ont|y a) que)\b[^,;:.!?()]{0,25}?\b" + _PLACE + r"\b"
    r"|\bpas (?:d'autres?|de|d') ?(?:salles?|place|espace|preau|gymnase|gym)\b"
    r"|\b(?:petite salle|salle (?:trop |tres |assez )?(?:petite|exigue)|(?:peu|pas) de place|(?:place|espace) (?:limitee?|reduite?))\b"
    r"|\btables?\b[^,;:.!?()]{0,20}\b(?:fixes?|vissees?|ne bougent pas|bougent pas)\b"
    r"|\b(?:pas|impossible de|sans|interdit de)\b[^,;:.!?()]{0,15}\b(?:pousser|bouger|deplacer|enlever) (?:les|nos|mes) tables\b"
    r"|\b(?:on sera|on est|ce sera|ca se passe|ca se fera|on fait ca) (?:dehors|en exterieur|en plein air|dans la cour)\b")
_CLAUSE_END = re.compile(r"[,;:.!?()\n]+")


def space_notice(question: str, header: str) -> str:
    """Put the limit on the place the question states (« pas d'autre salle que la classe ») beside the space the
    sheet's « Effectif et espace » line plans, so that the teacher sees at once whether it can be set up; nothing
    when the question states none or the sheet plans none."""
    said = next((clause.strip() for clause in _CLAUSE_END.split(question) if _SPACE_STATED.search(fold(clause))), None)
    line = _GROUP_LINE.search(header)
    planned = line.group(1).replace("*", "").strip() if line else ""
    if not said or not planned:
        return ""
    return f"*Pour l'espace, vous indiquez « {said} » ; la fiche prévoit : {planned}*"


def _passage_priors(snap: Snapshot, chunks: list[Chunk], question: str, vector: np.ndarray | None) -> dict[str, float]:
    """How well each passage of a sheet answers the question (passages.rank_passages: its stored e5 vector and BM25;
    BM25 alone without the question's own vector, as for a follow-up searched with the turn before it)."""
    if not chunks:
        return {}
    return {h.chunk.id: h.score for h in passages.rank_passages(snap, [Hit(chunks[0], 1.0)], question, vector, documents=1)}


def needs_notice(needs: tuple[query.PupilNeed, ...], chunks: list[Chunk]) -> str:
    """Say so when the sheet says nothing of a pupil's particular need the request names (« un élève en fauteuil
    roulant », « un élève allophone »), and whether its own differentiation lines come first instead."""
    text = fold("\n".join(c.text for c in chunks))
    unspoken = [n.label for n in needs if not n.in_sheet.search(text)]
    if not unspoken:
        return ""
    has_lines = bool(extractive.lines_for_needs(chunks, needs))
    how = " ; ses indications de différenciation viennent en premier, à adapter" if has_lines else " : elle est à adapter"
    whom = " ni d'".join(unspoken)
    return f"*La fiche ne parle pas d'{whom}{how}.*"


def _near_class(snap: Snapshot, source: str, cycles: tuple[int, ...], levels: tuple[str, ...] = ()) -> bool:
    """A sheet worth suggesting for the class asked: for a class named, one within two classes of it (CE2 and CM1
    for a CM2, not 4e); for a cycle, its cycle or a neighbouring one (a maternelle sheet is no alternative for a 3e
    class); any sheet when no class is asked or the sheet names none."""
    chunks = snap.document_chunks(source)
    doc = chunks[0].doc if chunks else None
    if doc is None or not doc.cycles:
        return True
    order = list(CLASSES)
    asked = [order.index(lv) for lv in levels if lv in CLASSES]
    theirs = [order.index(lv) for lv in doc.levels if lv in CLASSES]
    if asked and theirs:
        return min(abs(a - b) for a in asked for b in theirs) <= 2
    return not cycles or min(abs(a - b) for a in doc.cycles for b in cycles) <= 1


def focus_sections(text: str) -> set[str] | None:
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

