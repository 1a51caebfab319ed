"""Character n-grams of accent-folded text, TF-IDF weighted: the safety classifier's second view of a
question, next to its e5 vector. Sub-word pieces read what an embedding of a short, misspelt message
blurs (« jveu », « g envi de crevé », « tt le monde se moque ») and need no model at run time.

The features are those of scikit-learn's `TfidfVectorizer(analyzer="char_wb", preprocessor=fold,
sublinear_tf=True)`: the training script fits that vectorizer and ships its vocabulary and IDF weights;
this module recomputes the same sparse vector with numpy only (a unit test checks they agree)."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.vocabulary import fold

if TYPE_CHECKING:
    import numpy as np

_SPACES = re.compile(r"\s\s+")


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """The n-grams of each space-padded word (scikit-learn's `char_wb` analyzer, after folding)."""
    out: list[str] = []
    for word in _SPACES.sub(" ", fold(text)).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:
                # a word no longer than n gives itself once, and no longer n-grams (as scikit-learn does)
                out.append(padded)
                break
            out.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return out


@dataclass(frozen=True)
class CharNgrams:
    """A fitted TF-IDF vocabulary of character n-grams."""

    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_features,)

    @property
    def size(self) -> int:
        return len(self.vocabulary)

    def transform(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The L2-normalised TF-IDF vector of `text` as (indices, values): n-grams outside the vocabulary
        are ignored; a text with none gives empty arrays."""
        import numpy as np

        counts = Counter(g for g in char_wb_ngrams(text, *self.ngram_range) if g in self.vocabulary)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        idx = np.fromiter((self.vocabulary[g] for g in counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts))
        values = tf * self.idf[idx]
        values /= np.linalg.norm(values)
        return idx, values.astype(np.float32)

    def to_json(self) -> dict[str, Any]:
        ordered = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {"ngram_range": list(self.ngram_range), "ngrams": ordered,
                "idf": [float(f"{float(v):.7g}") for v in self.idf]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CharNgrams:
        import numpy as np

        low, high = data["ngram_range"]
        return cls((int(low), int(high)), {g: i for i, g in enumerate(data["ngrams"])}, np.asarray(data["idf"], dtype=np.float64))
