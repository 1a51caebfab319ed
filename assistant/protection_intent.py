"""Does a question ask, in general, how to protect a child — what to do if a pupil confides something serious,
whom to alert, what an information préoccupante is, what the 119 answers — rather than for a session to run?

Such a question names no child in danger, so the safety check (safety.py) rightly lets it through; but its words
(« révèle », « danger », « harcèlement », « qui prévenir ») are also those of the session sheets' vigilance notes
and of the write-ups, which then come first by their words (« que faire si un élève me révèle une situation de
danger ? » opened on a sheet's note pointing to the guide). Read by a model over its meaning (`two_views.py`),
such a question is answered from the library's protection guide first, as after a safety block. Trained by
`scripts/train_protection_intent.py` on `eval/protection_intent.jsonl`; nothing is trained at start-up."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.two_views import TwoViewModel

if TYPE_CHECKING:
    import numpy as np

MODEL_FILE = "protection_intent.json"


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
