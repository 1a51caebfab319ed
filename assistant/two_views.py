"""A message classifier with two views: a logistic regression on its multilingual-e5-small query vector
(the retrieval's, no second encode) and one on TF-IDF character n-grams of its folded text
(`char_ngrams.py`); the probability is their mean. The activity-request, scope, subject and outside-school
(safety.py: whom a pupil's message is about, whether an adult writes from outside the school) models are of this
kind; their training scripts export plain weights, so only numpy runs in the assistant."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from assistant.char_ngrams import CharNgrams
from assistant.scores import sigmoid

if TYPE_CHECKING:
    import numpy as np


def training_sha256(rows: list[dict[str, Any]]) -> str:
    """Fingerprint of a training set, recorded in a model file (every shipped model, the danger model too): sha256
    of its rows as canonical JSON lines."""
    canonical = "\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def shipped_json(filename: str) -> dict[str, Any]:
    """A model file shipped in assistant/data, parsed (the two-view models and the skill model)."""
    return dict(json.loads(resources.files("assistant").joinpath("data", filename).read_text(encoding="utf-8")))


@dataclass(frozen=True)
class TwoViewModel:
    """Two logistic regressions, on the e5 vector and on the n-grams; the probability is their mean."""

    w: np.ndarray  # (dim,)
    b: float
    ngrams: CharNgrams
    text_w: np.ndarray  # (n_features,)
    text_b: float
    threshold: float  # the decision bar chosen in training (0.5 when the model only feeds another)
    meta: dict[str, Any]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TwoViewModel:
        import numpy as np

        return cls(np.asarray(data["w"], dtype=np.float32), float(data["b"]), CharNgrams.from_json(data["text"]["features"]),
                   np.asarray(data["text"]["w"], dtype=np.float32), float(data["text"]["b"]), float(data.get("threshold", 0.5)),
                   data.get("meta", {}))

    @classmethod
    def shipped(cls, filename: str) -> TwoViewModel:
        """A model shipped in assistant/data."""
        return cls.from_json(shipped_json(filename))

    def probability(self, text: str, vector: np.ndarray) -> float:
        """The mean of the two views' probabilities for `text` with its e5 query vector."""
        idx, values = self.ngrams.transform(text)
        by_text = float(values @ self.text_w[idx]) + self.text_b
        return (sigmoid(float(vector @ self.w) + self.b) + sigmoid(by_text)) / 2
