"""Plans reached from the chat: a planning request becomes an `Answer` that lays out the plan, every
line with its [n] citations to the sheets and guides, so the chat shows and cites it like any answer."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.extractive import Citations, passage_window, select_sentences, unmarked
from assistant.planning import intent
from assistant.planning.library import Ref
from assistant.planning.progression import SCHOOL_YEAR, Progression, build_progression, parse_period, sheet_minutes
from assistant.planning.workshop import SHORT_FORMAT_MIN, Workshop, build_workshop
from assistant.retrieve import Retriever, Snapshot
from assistant.schema import Answer, Filters
from assistant.vocabulary import COMPETENCE_BY_KEY, fold

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

EXPORT_HINT = "Pour l'imprimer (Markdown ou PDF, une page par séance) : onglet « Préparer » ou `cartable {command} --help`."


def _marks(refs: list[Ref], snap: Snapshot, cites: Citations) -> str:
    numbers: list[int] = []
    for ref in refs:
        idx = snap.index_of.get(ref.chunk_id)
        if idx is not None:
            numbers.append(cites.cite(snap.chunks[idx], ref.snippet))
    return "".join(f" [{n}]" for n in dict.fromkeys(numbers))  # two sentences of one passage: one marker


# « …combien de séances prévoir ? » with no count given: the plan's six are a default, and what the guides say about how
# many sessions a year goes under it.
_ASKS_HOW_MANY = re.compile(r"\bcombien de (?:seances|ateliers|heures)\b")


def sessions_guidance(retriever: Retriever) -> list[Ref]:
    """What the guides say about how many sessions to plan: the passage around their best sentence on it (with the
    list it announces), found by searching them, not by its wording."""
    snap = retriever.snapshot()
    query = "combien de séances par an prévoir : nombre de séances, ordre de grandeur"
    hits = retriever.search(query, Filters(doc_types=("guide",)), k=5, per_doc=1)
    chosen = select_sentences(snap.lexical.query_terms(query), hits, snap.lexical.idf, limit=1, figure=True)
    if not chosen:
        return []
    chunk = chosen[0].hit.chunk
    return [Ref.of(chunk, line) for line in passage_window(chunk, chosen[0].sentence, budget=GUIDANCE_CHARS)]


GUIDANCE_CHARS = 700


def progression_text(plan: Progression, snap: Snapshot, cites: Citations, defaults: Sequence[str] = (),
                     guidance: Sequence[Ref] = ()) -> str:
    if not plan.sessions:
        # Nothing to plan (« une progression en numération »): say why, with no heading that reads like a plan, nor the
        # sessions and minutes of a plan there is no competence for (a tryout read « 5 séance(s) de 50 min » as made up).
        size = f" : {plan.sessions_wanted} séance(s) de {plan.slot_min} min" if plan.competences else ""
        return "\n".join([f"**Pas de progression proposée — {plan.level}{size}**", ""] + [f"- {g}" for g in plan.gaps])
    comps = ", ".join(COMPETENCE_BY_KEY[k].label for k in plan.competences)
    lines = [f"**Progression proposée — {plan.level} : {plan.sessions_wanted} séance(s) de {plan.slot_min} min**"
             + (f" ({comps})" if comps else "")]
    if defaults:
        annual = plan.sessions_wanted == intent.ANNUAL_SESSIONS and parse_period(plan.period) == SCHOOL_YEAR
        named = {"sessions": f"{plan.sessions_wanted} séances" + (" (une toutes les trois semaines, comme l'exemple annuel du guide)"
                                                                    if annual else ""),
                 "minutes": f"{plan.slot_min} min par séance"}
        lines.append("*Valeurs par défaut, à ajuster dans l'onglet « Préparer » : "
                     + ", ".join(named[d] for d in defaults if d in named) + ".*")
    if guidance:
        lines += ["", "**Combien de séances ?**"] + [f"> {unmarked(g.snippet)}{_marks([g], snap, cites)}  " for g in guidance]
    lines.append("")
    for i, s in enumerate(plan.sessions, 1):
        part = f" ({s.part}/{s.parts})" if s.parts > 1 else ""
        when = f"{s.month} — " if s.month else ""
        lines.append(f"{i}. {when}**{s.title}**{part} — {s.duration_min} min{_marks([s.sheet_ref], snap, cites)}  ")
        lines.append(f"   {s.reason}{_marks(s.reason_refs, snap, cites)}")
    if plan.ritual:
        lines += ["", f"**À installer, tiré des fiches** — {unmarked(plan.ritual.snippet)}{_marks([plan.ritual], snap, cites)}"]
    for text, ref in plan.notes:
        lines += ["", f"*{text}*{_marks([ref] if ref else [], snap, cites)}"]
    if plan.gaps:
        lines += ["", "**Ce que la bibliothèque ne couvre pas**"] + [f"- {g}" for g in plan.gaps]
    return "\n".join(lines)


def workshop_text(plan: Workshop, snap: Snapshot, cites: Citations, defaults: Sequence[str] = ()) -> str:
    kind = "Intervention proposée" if plan.minutes < SHORT_FORMAT_MIN else "Atelier proposé"
    lines = [f"**{kind} — {plan.theme} ; public : {plan.public} ; {plan.minutes} min**"]
    if defaults:
        named = {"minutes": f"durée {plan.minutes} min", "theme": f"thème « {plan.theme} »"}
        lines.append("*Valeurs par défaut, à ajuster dans l'onglet « Préparer » : "
                     + ", ".join(named[d] for d in defaults if d in named) + ".*")
    lines += ["", "**Objectifs**"]
    lines += [f"- {o.text}{_marks([o.ref], snap, cites)}" for o in plan.objectives]
    lines += ["", "**Déroulé**"]
    for step in plan.sequence:
        lines.append(f"- {step.duration_min} min · **{step.title}** : {step.activity}{_marks([step.ref, *step.extra], snap, cites)}")
    if plan.key_messages:
        lines += ["", "**Messages clés**"] + [f"- {m.text}{_marks([m.ref], snap, cites)}" for m in plan.key_messages]
    if plan.handouts:
        lines += ["", "**Documents à distribuer** : " + " ; ".join(h.text for h in plan.handouts)]
    if plan.gaps:
        lines += ["", "**Ce que la bibliothèque ne couvre pas**"] + [f"- {g}" for g in plan.gaps]
    return "\n".join(lines)


def _with_presentation(model: BaseChatModel, question: str, body: str, refs: list[Ref], snap: Snapshot,
                       cites: Citations) -> str | None:
    """The model's verified presentation above the plan, its markers renumbered into `cites`."""
    from assistant.planning.prose import presentation

    outline = re.sub(r" \[\d+\]", "", body)  # the sources are numbered afresh for the model
    written = presentation(model, question, outline, refs, snap)
    if written is None:
        return None
    text, used = written
    numbers = [_marks([r], snap, cites).strip() for r in used]
    return re.sub(r"\[(\d+)\]", lambda m: numbers[int(m.group(1)) - 1], text)


def plan_from_chat(question: str, retriever: Retriever, embeddings: Embeddings | None = None,
                   chat_model: BaseChatModel | None = None,
                   request: intent.ProgressionRequest | intent.WorkshopRequest | None = None) -> Answer | None:
    """The plan a chat message asks for (or `request`, already read: a plan changed in conversation), as a
    cited Answer; None when the message is a question. With a chat model, a verified presentation written
    by the model leads the plan (mode "llm"). The answer remembers the request as a message (`intent.describe`)."""
    request = request or intent.parse(question)
    if request is None:
        return None
    t0 = time.perf_counter()
    snap = retriever.snapshot()
    cites = Citations()
    if isinstance(request, intent.ProgressionRequest):
        if "minutes" in request.defaults:
            # No length given: the longest sheet of the class's cycle sets it (« sur tout le cycle 1 » planned 60-minute
            # sessions for sheets of 20 to 35 minutes); kept in the request, so that « détaille la première » finds the
            # same plan.
            request = dataclasses.replace(request, minutes=sheet_minutes(snap, request.level, request.minutes))
        plan = build_progression(snap, request.level, request.competences, request.sessions, request.minutes,
                                 request.period, embeddings or retriever.embeddings)
        asks = "sessions" in request.defaults and bool(_ASKS_HOW_MANY.search(fold(question)))
        text = progression_text(plan, snap, cites, request.defaults,
                                sessions_guidance(retriever) if asks and plan.sessions else ())
        command, empty, refs = "progression", not plan.sessions, plan.refs()
    else:
        workshop = build_workshop(retriever, request.public, request.minutes, request.theme)
        text = workshop_text(workshop, snap, cites, request.defaults)
        command, empty, refs = "atelier", not workshop.sequence, workshop.refs()
    mode = "extractive"
    if chat_model is not None and not empty:
        intro = _with_presentation(chat_model, question, text, refs, snap, cites)
        if intro:
            text, mode = f"{intro}\n\n{text}", "llm"
    if not empty:
        text += "\n\n" + EXPORT_HINT.format(command=command)
    return Answer(question=question, answer=text, mode=mode, abstained=empty, citations=cites.finish(),
                  timings_ms={"plan": (time.perf_counter() - t0) * 1000}, condensed_question=intent.describe(request))
