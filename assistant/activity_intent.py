"""Is a message a request for something to run with pupils (a session, an activity, a game, a ritual)?

The patterns of `assistant/query.py` recognise the usual phrasings; written requests take many more
(« un jeu qui les oblige à coopérer ? », « … vous avez ça ? », « gestion du stress en CM1 ?? je trouve
rien pour mon niveau »). A model over two views of the message (`two_views.py`: its e5 query vector and
character n-grams) adds the requests the patterns miss; a pattern hit stays a hit. Trained by
`scripts/train_activity_intent.py` on `eval/activity_intent.jsonl` (messages written for it by people who
saw neither the evaluation sets nor the patterns); nothing is trained at start-up."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.two_views import TwoViewModel

if TYPE_CHECKING:
    import numpy as np

MODEL_FILE = "activity_intent.json"


@lru_cache(maxsize=1)
def load_model() -> TwoViewModel:
    """The shipped model (read once)."""
    return TwoViewModel.shipped(MODEL_FILE)


# Below this probability the model overrules a pattern hit: « comment organiser le suivi des enseignants
# formés ? » matches « comment organiser » but asks nothing to run with pupils. Of the 119 pattern-hit questions
# that session sheets answer in the evaluation and development sets, none scores below it (lowest 0.21).
OVERRULE_BELOW = 0.1


def probability(text: str, vector: np.ndarray | None) -> float | None:
    """The model's probability that `text` asks for an activity, given its multilingual-e5-small query vector
    (None without one: another embedding model or BM25-only mode, where the patterns alone decide)."""
    return None if vector is None else load_model().probability(text, vector)
