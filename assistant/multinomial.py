"""A multinomial logistic regression over a question's multilingual-e5-small query vector, shipped as plain weights
(assistant/data) so that only numpy runs in the assistant: the skill model and the document-type model."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from assistant.two_views import shipped_json


@dataclass(frozen=True)
class Multinomial:
    keys: tuple[str, ...]
    w: np.ndarray  # (n_classes, dim)
    b: np.ndarray  # (n_classes,)
    meta: dict[str, Any]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Multinomial:
        """The model from its JSON form (a shipped file, or a training script's output)."""
        return cls(tuple(data["keys"]), np.asarray(data["w"], dtype=np.float32), np.asarray(data["b"], dtype=np.float32),
                   data.get("meta", {}))

    def probabilities(self, vector: np.ndarray) -> dict[str, float]:
        """The probability of each class for a question with this e5 query vector (they sum to 1)."""
        logits = self.w @ np.asarray(vector, dtype=np.float32) + self.b
        exp = np.exp(logits - logits.max())
        return dict(zip(self.keys, (exp / exp.sum()).tolist()))


@lru_cache(maxsize=4)
def load_shipped(filename: str) -> Multinomial:
    """A shipped model file (read once)."""
    return Multinomial.from_json(shipped_json(filename))
