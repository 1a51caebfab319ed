"""Is a message a request for something to run with pupils (a session, an activity, a game, a ritual)?

The patterns of `assistant/query.py` recognise the usual phrasings; written requests take many more
(« un jeu qui les oblige à coopérer ? », « … vous avez ça ? », « gestion du stress en CM1 ?? je trouve
rien pour mon niveau »). A logistic model over two views of the message — its e5 query vector (the
retrieval's, no second encode) and TF-IDF character n-grams of the folded text (`char_ngrams.py`) —
adds the requests the patterns miss; a pattern hit stays a hit. Trained by
`scripts/train_activity_intent.py` on `eval/activity_intent.jsonl` (messages written for it by people who
saw neither the evaluation sets nor the patterns); nothing is trained at start-up."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from assistant.char_ngrams import CharNgrams
from assistant.scores import sigmoid

if TYPE_CHECKING:
    import numpy as np

MODEL_FILE = "activity_intent.json"


@dataclass(frozen=True)
class IntentModel:
    """Two logistic regressions, on the e5 vector and on the n-grams; the probability is their mean."""

    w: np.ndarray  # (dim,)
    b: float
    ngrams: CharNgrams
    text_w: np.ndarray  # (n_features,)
    text_b: float
    threshold: float
    meta: dict[str, Any]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IntentModel:
        import numpy as np

        return cls(np.asarray(data["w"], dtype=np.float32), float(data["b"]), CharNgrams.from_json(data["text"]["features"]),
                   np.asarray(data["text"]["w"], dtype=np.float32), float(data["text"]["b"]), float(data["threshold"]),
                   data.get("meta", {}))

    def probability(self, text: str, vector: np.ndarray) -> float:
        """How likely `text` (with its e5 query vector) asks for an activity to run with pupils."""
        idx, values = self.ngrams.transform(text)
        by_text = float(values @ self.text_w[idx]) + self.text_b
        return (sigmoid(float(vector @ self.w) + self.b) + sigmoid(by_text)) / 2


@lru_cache(maxsize=1)
def load_model() -> IntentModel:
    """The shipped model (read once)."""
    text = resources.files("assistant").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    return IntentModel.from_json(json.loads(text))


# Below this probability the model overrules a pattern hit: « comment organiser le suivi des enseignants
# formés ? » matches « comment organiser » but asks nothing to run with pupils. Of the 119 pattern-hit questions
# that session sheets answer in the evaluation and development sets, none scores below it (lowest 0.21).
OVERRULE_BELOW = 0.1


def probability(text: str, vector: np.ndarray | None) -> float | None:
    """The model's probability that `text` asks for an activity, given its multilingual-e5-small query vector
    (None without one: another embedding model or BM25-only mode, where the patterns alone decide)."""
    return None if vector is None else load_model().probability(text, vector)
