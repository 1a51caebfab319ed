"""Small evaluators: retrieval ranks, key facts, citation support, abstention and safety."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from assistant.lexical import analyze
from assistant.schema import Answer
from assistant.vocabulary import fold


def norm(text: str) -> str:
    """Comparison form for key facts: accents, case, Markdown emphasis and spacing ignored."""
    text = fold(text).replace("*", "").replace("_", " ")
    text = re.sub(r"[’']", "'", text)
    return re.sub(r"\s+", " ", text).strip()


def first_rank(ranked_sources: Sequence[str], expected: Sequence[str]) -> int | None:
    """1-based rank of the first expected source in a deduplicated list of sources."""
    for i, src in enumerate(ranked_sources, start=1):
        if src in expected:
            return i
    return None


def hit_at(rank: int | None, k: int) -> float:
    return 1.0 if rank is not None and rank <= k else 0.0


def mrr_at(rank: int | None, k: int = 10) -> float:
    return 1.0 / rank if rank is not None and rank <= k else 0.0


def ndcg_at(ranked_sources: Sequence[str], expected: Sequence[str], k: int = 10) -> float:
    gains = [1.0 if s in expected else 0.0 for s in ranked_sources[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(expected), k)))
    return dcg / ideal if ideal else 0.0


def key_fact_share(answer_text: str, facts: Sequence[str]) -> float:
    """Share of key facts found verbatim (accent- and case-insensitive) in the answer."""
    if not facts:
        return 1.0
    haystack = norm(answer_text)
    return sum(1 for f in facts if norm(f) in haystack) / len(facts)


_MARKER = re.compile(r"\[(\d+)\]")


def citation_support(answer: Answer, chunk_text: dict[str, str]) -> tuple[int, int]:
    """(supported, total) answer sentences carrying markers: a sentence is supported when each cited
    snippet is verbatim in its chunk and the cited snippets contain most of the sentence's words."""
    by_n = {c.n: c for c in answer.citations}
    supported = total = 0
    for line in answer.answer.split("\n"):
        markers = [int(m) for m in _MARKER.findall(line)]
        if not markers:
            continue
        total += 1
        cites = [by_n.get(m) for m in markers]
        if any(c is None for c in cites):
            continue
        if any(c.snippet not in chunk_text.get(c.chunk_id, "") for c in cites):  # type: ignore[union-attr]
            continue
        words = set(analyze(_MARKER.sub("", re.sub(r"\*\*[^*]+\*\*", "", line))))
        support = set().union(*(set(analyze(c.snippet)) for c in cites))  # type: ignore[union-attr]
        if not words or len(words & support) / len(words) >= 0.6:
            supported += 1
    return supported, total


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[idx]
