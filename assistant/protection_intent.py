"""Does a question ask, in general, how to protect a child — what to do if a pupil confides something serious,
whom to alert, what an information préoccupante is, what the 119 answers — rather than for a session to run?

Such a question names no child in danger, so the safety check (safety.py) rightly lets it through; but its words
(« révèle », « danger », « harcèlement », « qui prévenir ») are also those of the session sheets' vigilance notes
and of the write-ups, which then come first by their words (« que faire si un élève me révèle une situation de
danger ? » opened on a sheet's note pointing to the guide). Read by a model over its meaning (`two_views.py`),
such a question is answered from the library's protection guide first, as after a safety block. Trained by
`scripts/train_protection_intent.py` on `eval/protection_intent.jsonl`; nothing is trained at start-up."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant import asked_fact, safety
from assistant.two_views import TwoViewModel

if TYPE_CHECKING:
    import numpy as np

    from assistant.retrieve import Retriever

MODEL_FILE = "protection_intent.json"
# The probability from which a question is about protecting a child for `off_topic_guide`, below the model's own
# threshold: questions on the guide's numbers and procedure read 0.88 to 1.00 on the evaluation sets, questions on
# running a session it came first for 0.27 to 0.41.
ABOUT_PROTECTION_FROM = 0.5


@lru_cache(maxsize=1)
def load_model() -> TwoViewModel:
    """The shipped model (read once)."""
    return TwoViewModel.shipped(MODEL_FILE)


def asks_procedure(text: str, vector: np.ndarray | None) -> bool:
    """Whether `text`, with its multilingual-e5-small query vector, asks how to protect a child in general (False
    without a vector: another embedding model or BM25-only mode)."""
    if vector is None:
        return False
    model = load_model()
    return model.probability(text, vector) >= model.threshold


def off_topic_guide(retriever: Retriever, text: str, vector: np.ndarray | None) -> frozenset[str]:
    """The library's protection guide (its source), when `text` neither reveals a child in danger nor is about
    protecting one: the guide shares the words of many questions on running a session (« secret », « confier », « les
    parents », « il a pleuré ») and came first for them (« mes CE2 me demandent si ce qu'ils racontent c'est secret »,
    « un élève raconte le divorce de ses parents et pleure, deux ricanent »). Empty without an e5 `vector`, in a library
    without such a guide, and for a question naming what only the guide names (« Fil Santé Jeunes, c'est pour quel
    âge ? »)."""
    guide = retriever.protection_guide() if vector is not None else None
    if guide is None or load_model().probability(text, vector) >= ABOUT_PROTECTION_FROM:
        return frozenset()
    named = asked_fact.read_question(text).specifics
    if named:
        snap = retriever.snapshot()
        held = " ".join(snap.folded_texts()[i] for i in snap.by_source.get(guide, ()))
        if all(re.search(rf"\b{re.escape(word)}\b", held) for word in named):
            return frozenset()
    return frozenset() if safety.assess(text, vector).categories else frozenset({guide})
