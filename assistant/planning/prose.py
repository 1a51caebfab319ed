"""LLM mode for plans: the model writes a short presentation of the plan from the plan's own cited
passages, and the text is verified like any LLM answer (llm.verify: markers must point to the given
sources, sentences must share their words). The plan itself — sheets, order, timings, gaps — stays
the deterministic, cited one; on any failure the plan is shown without the presentation."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant import llm
from assistant.planning.library import Ref
from assistant.retrieve import Hit, Snapshot

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

MAX_SOURCES = 8
TASK = ("Rédige en trois à cinq phrases une présentation de ce plan pour la personne qui l'a demandé : "
        "ce qu'il fait travailler, pourquoi cet ordre ou ce déroulé, et un point de vigilance. "
        "Appuie chaque phrase sur les SOURCES, avec leurs références [n]. N'ajoute aucune séance ni activité.")


def presentation(model: BaseChatModel, request: str, plan_outline: str, refs: list[Ref],
                 snap: Snapshot) -> tuple[str, list[Ref]] | None:
    """(verified text with [k] markers numbered over the returned refs, those refs) or None."""
    hits: list[Hit] = []
    by_chunk: dict[str, Ref] = {}
    for ref in refs:
        idx = snap.index_of.get(ref.chunk_id)
        if idx is None or ref.chunk_id in by_chunk:
            continue
        by_chunk[ref.chunk_id] = ref
        hits.append(Hit(snap.chunks[idx], 1.0))
        if len(hits) == MAX_SOURCES:
            break
    if not hits:
        return None
    user = (f"SOURCES :\n\n{llm.format_sources(hits)}\n\nDEMANDE : {request}\n\n"
            f"PLAN (déjà établi, à présenter) :\n{llm._as_data(plan_outline)}\n\nTÂCHE : {TASK}")
    try:
        result = model.invoke([("system", llm.SYSTEM_PROMPT), ("human", user)])
    except Exception:  # timeouts, HTTP errors: the plan is complete without its presentation
        return None
    text, used, _ = llm.verify(str(result.content), hits)
    if not used:
        return None
    # Renumber the kept markers 1..k in order of first use, over the refs they point to.
    order = {n: i + 1 for i, n in enumerate(used)}
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{order[int(m.group(1))]}]" if int(m.group(1)) in order else "", text)
    return text, [by_chunk[hits[n - 1].chunk.id] for n in used]
