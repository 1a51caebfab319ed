"""Which CPS competence an activity request is about, read from its meaning.

Teachers describe a situation more often than they name a skill (« ils se chamaillent pour un rien et
viennent me voir vingt fois par jour » asks for conflict resolution; « ils se dévalorisent, je suis nul »
for self-esteem). A multinomial logistic regression over the request's multilingual-e5-small query vector
(the retrieval's, no second encode) gives a probability per competence of `assistant/vocabulary.py`;
`sheet_rank.sheet_hits` adds it to a sheet's document score. Trained by `scripts/train_skills.py` on
`eval/skill_requests.jsonl` (1,798 requests written for it by four helpers who saw neither the evaluation sets
nor the library; trained on three writers, it reads the fourth's competence first 0.81 of the time); nothing is
trained at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from assistant.two_views import shipped_json

MODEL_FILE = "skills.json"


@dataclass(frozen=True)
class SkillModel:
    keys: tuple[str, ...]
    w: np.ndarray  # (n_competences, dim)
    b: np.ndarray  # (n_competences,)
    meta: dict[str, Any]

    def probabilities(self, vector: np.ndarray) -> dict[str, float]:
        """The probability of each competence for a request with this e5 query vector (they sum to 1)."""
        logits = self.w @ np.asarray(vector, dtype=np.float32) + self.b
        exp = np.exp(logits - logits.max())
        return dict(zip(self.keys, (exp / exp.sum()).tolist()))


@lru_cache(maxsize=1)
def load_model() -> SkillModel:
    """The shipped model (read once)."""
    data = shipped_json(MODEL_FILE)
    return SkillModel(tuple(data["keys"]), np.asarray(data["w"], dtype=np.float32), np.asarray(data["b"], dtype=np.float32),
                      data.get("meta", {}))
