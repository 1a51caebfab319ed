"""Is anything retrieved actually about the question? The signal behind abstention.

Fused scores are min-max normalised per query, so they say nothing about absolute relevance.
Two absolute signals are used instead: how much of the question's weighted vocabulary the best
passage covers (IDF-weighted, so 'enseignant' counts little and 'scarification' a lot), and the
dense cosine of the best passage. Thresholds are calibrated on the gold set (eval/)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.lexical import analyze
from assistant.retrieve import Hit


@dataclass(frozen=True)
class Relevance:
    coverage: float  # IDF-weighted share of query terms found in the best passage (0–1)
    dense: float  # best cosine similarity among the passages (-1–1)
    informative_terms: int  # query terms that exist in the corpus

    def answerable(self, min_coverage: float, min_dense: float) -> bool:
        if self.informative_terms == 0:
            return False
        return self.coverage >= min_coverage or self.dense >= min_dense


def assess(query_terms: list[str], hits: list[Hit], idf: Callable[[str], float], unknown_idf: float) -> Relevance:
    """Coverage of the query by the best of the retrieved passages, and their best dense score.

    Terms absent from the corpus count with the highest weight: a question about 'salaire' or
    'cantine' in a corpus that never mentions them is exactly what must not be answered."""
    terms = list(dict.fromkeys(query_terms))
    if not terms or not hits:
        return Relevance(0.0, max((h.dense for h in hits), default=0.0), 0)
    weights = {t: (idf(t) or unknown_idf) for t in terms}
    total = sum(weights.values()) or 1.0
    best = 0.0
    for hit in hits[:5]:
        present = set(analyze(hit.chunk.indexed_text))
        best = max(best, sum(w for t, w in weights.items() if t in present) / total)
    informative = sum(1 for t in terms if idf(t) > 0)
    return Relevance(best, max(h.dense for h in hits), informative)
