"""Free-text competences ("émotions", "coopération", "savoir dire non") to the general competences
of the vocabulary: an exact key or label wins; otherwise the multilingual embeddings compare the
text with each competence's label and keywords."""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from assistant import scope
from assistant.vocabulary import COMPETENCE_BY_KEY, COMPETENCES, fold

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

# Measured with multilingual-e5-small on query-to-description cosines (README "Planning"): the best
# competence of an in-domain word scores 0.85–0.91, unrelated words ("mathématiques", "gestion des
# écrans") 0.83–0.84; competences within MARGIN of the best are kept together ("émotions" → being
# aware of and regulating one's emotions).
MIN_SIMILARITY = 0.84
MARGIN = 0.015
# scope.reading of a theme alone: school subjects 0.006 (« l'anglais »), 0.014 (« la conjugaison »), 0.08–0.13
# (« le cycle de l'eau », « la lecture », « la multiplication »); the CPS themes measured 0.31 and up (« les
# disputes dans la cour » 0.31, « attendre son tour » 0.42, « la confiance en soi » 0.96). « les fractions » (0.17)
# and « le passé composé » (0.21) still pass.
OFF_SUBJECT_BELOW = 0.15

_VECTORS: weakref.WeakKeyDictionary[object, np.ndarray] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Resolved:
    text: str
    keys: tuple[str, ...]  # empty when nothing in the vocabulary matches


def description(key: str) -> str:
    comp = COMPETENCE_BY_KEY[key]
    return f"{comp.label} : " + ", ".join(comp.keywords)


def _competence_vectors(embeddings: Embeddings) -> np.ndarray:
    """Competence descriptions embedded once per embeddings object (as queries: a symmetric match)."""
    try:
        cached = _VECTORS.get(embeddings)
    except TypeError:
        cached = None
    if cached is None:
        cached = np.asarray([embeddings.embed_query(description(c.key)) for c in COMPETENCES], dtype=np.float32)
        cached /= np.linalg.norm(cached, axis=1, keepdims=True) + 1e-9
        try:
            _VECTORS[embeddings] = cached
        except TypeError:
            pass
    return cached


def exact(text: str) -> str | None:
    """A competence named by its key or its label (accent- and case-insensitive)."""
    folded = fold(text).strip(" .;:-")
    for comp in COMPETENCES:
        if folded in (comp.key, fold(comp.label)):
            return comp.key
    return None


def split_terms(text: str) -> list[str]:
    """'les émotions et la coopération' → ['les émotions', 'la coopération']."""
    parts = re.split(r",|;|\bet\b|\bpuis\b|\+", text)
    return [p.strip() for p in parts if p.strip()]


def resolve(texts: list[str], embeddings: Embeddings | None) -> list[Resolved]:
    """Each requested competence (free text) with the vocabulary keys it stands for."""
    out: list[Resolved] = []
    for text in texts:
        key = exact(text)
        if key:
            out.append(Resolved(text, (key,)))
            continue
        pieces = split_terms(text)
        if len(pieces) > 1:
            out.extend(resolve(pieces, embeddings))
            continue
        if embeddings is None:
            out.append(Resolved(text, ()))
            continue
        vectors = _competence_vectors(embeddings)
        query = np.asarray(embeddings.embed_query(text), dtype=np.float32)
        query /= np.linalg.norm(query) + 1e-9
        sims = vectors @ query
        best = float(sims.max())
        # The cosine alone does not tell a school subject from a CPS theme (« l'anglais » 0.846, « le respect »
        # 0.838): the scope model reads the theme too.
        if best < MIN_SIMILARITY or scope.reading(text) < OFF_SUBJECT_BELOW:
            out.append(Resolved(text, ()))
            continue
        order = np.argsort(-sims)
        keys = tuple(COMPETENCES[i].key for i in order if sims[i] >= best - MARGIN)
        out.append(Resolved(text, keys))
    return out
