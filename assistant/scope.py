"""Is a question about what this library is for — psychosocial skills, running sessions and progressions,
class climate, the programmes built on them, protecting a child — or about something else (the canteen
menu, a transfer to another académie, lice in the classroom)?

Abstention reads how well the best passages match the question; an out-of-scope question still finds a
nearest passage (« le menu de la cantine cette semaine » finds a sheet about « ma semaine »). The topic of
the question, read by a model over its meaning (`two_views.py`: the retrieval's e5 vector and character
n-grams), is one more input of the calibrated answerability model (`relevance.Relevance.features`), not a
veto, and it is read against the library's own topic (the same model's mean reading of its passages): in a
library about something else (PIAF's Wikipedia paragraphs read 0.39, this one 0.93), questions off the
programme's subjects are that library's ordinary questions, not out-of-scope ones.
Trained by `scripts/train_scope.py` on `eval/scope.jsonl` (questions written for it by people who saw
neither the evaluation sets nor the library); nothing is trained at start-up."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from assistant.two_views import TwoViewModel

if TYPE_CHECKING:
    import numpy as np

    from assistant.schema import Chunk

MODEL_FILE = "scope.json"
# Passages read to gauge a library's topic: evenly spaced, enough for a stable mean, few enough that any library
# costs the same couple of seconds, once per ingestion (the manifest keeps the reading: `library_topic`).
LIBRARY_SAMPLE = 400


@lru_cache(maxsize=1)
def load_model() -> TwoViewModel:
    """The shipped model (read once)."""
    return TwoViewModel.shipped(MODEL_FILE)


@lru_cache(maxsize=1)
def model_id() -> str:
    """A digest of the shipped model: a library's stored reading is only reused if this model made it."""
    data = resources.files("assistant").joinpath("data", MODEL_FILE).read_bytes()
    return hashlib.sha256(data).hexdigest()[:16]


def probability(text: str, vector: np.ndarray | None) -> float | None:
    """How likely `text` is about the programme's subjects, given its multilingual-e5-small query vector
    (None without one: another embedding model or BM25-only mode)."""
    return None if vector is None else load_model().probability(text, vector)


def reading(text: str) -> float:
    """`probability` of a short text read with the bundled e5 engine whatever the store's model (a plan's theme)."""
    from assistant.safety import question_vector

    return load_model().probability(text, question_vector(text))


def evenly_spaced(chunks: list[Chunk], n: int = LIBRARY_SAMPLE) -> list[Chunk]:
    """At most `n` passages spread over the whole library (its first and last included), in its order."""
    if len(chunks) <= n:
        return list(chunks)
    step = (len(chunks) - 1) / (n - 1)
    return [chunks[round(i * step)] for i in range(n)]


def library_reading(chunks: list[Chunk], vectors: np.ndarray) -> float:
    """The model's mean probability over a library's passages (their text and stored e5 vectors)."""
    model = load_model()
    return sum(model.probability(c.text, v) for c, v in zip(chunks, vectors)) / max(len(chunks), 1)


def shortfall(question: float, library: float | None) -> float:
    """How much less the question is about the programme's subjects than the library is (≤ 0; 0 when it is
    as much or more, or when the library could not be read)."""
    return 0.0 if library is None else min(0.0, question - library)


def library_topic(chunks: list[Chunk], vectors_of: Callable[[list[Chunk]], np.ndarray | None]) -> dict[str, Any] | None:
    """The library's reading over evenly spaced passages, as the manifest stores it ({"scope_model", "reading"});
    None for an empty library or when `vectors_of` cannot give the stored vectors."""
    sample = evenly_spaced(chunks)
    vectors = vectors_of(sample) if sample else None
    return None if vectors is None else {"scope_model": model_id(), "reading": round(library_reading(sample, vectors), 6)}


def stored_reading(topic: dict[str, Any] | None) -> float | None:
    """The reading a manifest holds, if this scope model made it (a retrained model reads the library anew)."""
    if not topic or topic.get("scope_model") != model_id():
        return None
    reading = topic.get("reading")
    return float(reading) if isinstance(reading, (int, float)) else None
