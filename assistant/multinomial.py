"""A multinomial logistic regression over a question's multilingual-e5-small query vector, shipped as plain weights
(assistant/data) so that only numpy runs in the assistant: the skill model and the document-type model. A model may
also ship a second view, a multinomial regression on the character n-grams of the question's folded text
(`char_ngrams.py`); its probabilities are then the mean of the two views'."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from assistant.char_ngrams import CharNgrams
from assistant.two_views import shipped_json


def softmax(logits: np.ndarray) -> np.ndarray:
    """Probabilities from one logit per class."""
    exp = np.exp(logits - logits.max())
    return exp / exp.sum()


@dataclass(frozen=True)
class Multinomial:
    keys: tuple[str, ...]
    w: np.ndarray  # (n_classes, dim)
    b: np.ndarray  # (n_classes,)
    meta: dict[str, Any]
    text: CharNgrams | None = None
    text_w: np.ndarray | None = None  # (n_classes, n_features)
    text_b: np.ndarray | None = None  # (n_classes,)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Multinomial:
        """The model from its JSON form (a shipped file, or a training script's output)."""
        text = data.get("text")
        return cls(tuple(data["keys"]), np.asarray(data["w"], dtype=np.float32), np.asarray(data["b"], dtype=np.float32),
                   data.get("meta", {}),
                   text=CharNgrams.from_json(text["features"]) if text else None,
                   text_w=np.asarray(text["w"], dtype=np.float32).reshape(len(data["keys"]), -1) if text else None,
                   text_b=np.asarray(text["b"], dtype=np.float32) if text else None)

    def probabilities(self, vector: np.ndarray, text: str | None = None) -> dict[str, float]:
        """The probability of each class for a question with this e5 query vector (they sum to 1); with the
        question's `text` and a model that has the n-gram view, the mean of both views'."""
        p = softmax(self.w @ np.asarray(vector, dtype=np.float32) + self.b)
        if text is not None and self.text is not None and self.text_w is not None and self.text_b is not None:
            idx, values = self.text.transform(text)
            p = (p + softmax(self.text_w[:, idx] @ values + self.text_b)) / 2
        return dict(zip(self.keys, p.tolist()))


@lru_cache(maxsize=4)
def load_shipped(filename: str) -> Multinomial:
    """A shipped model file (read once)."""
    return Multinomial.from_json(shipped_json(filename))
