"""The passages of the best documents are scored with the vectors the store already holds: the same
cosines retrieval computed, no second encoding; only their section labels are embedded, once (real bundled
model and corpus)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from assistant.passages import rank_passages
from assistant.retrieve import section_label

pytestmark = pytest.mark.integration


def test_ranked_passages_reuse_the_stored_vectors_of_retrieval(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    retriever = bundled_assistant.retriever
    question = "Quels organismes ont coordonné le programme En santé à l'école ?"
    vector = retriever.embed_query(question)
    hits = retriever.search(question, k=5, query_vec=vector)
    embedded: list[str] = []

    def recording(texts: list[str]) -> list[list[float]]:
        embedded.extend(texts)
        return retriever.embeddings.embed_documents(texts)

    # a snapshot of its own, with no section label embedded yet
    snap = dataclasses.replace(retriever.snapshot(), embed_texts=recording, _labels={}, _vectors={})
    ranked = rank_passages(snap, hits, question, vector)
    assert sorted(embedded) == sorted({section_label(h.chunk) for h in ranked})
    rank_passages(snap, hits, question, vector)
    assert len(embedded) == len({section_label(h.chunk) for h in ranked})
    best_docs = list(dict.fromkeys(h.chunk.doc.source for h in hits))[:2]
    assert {h.chunk.doc.source for h in ranked} == set(best_docs)
    assert len(ranked) > len([h for h in hits if h.chunk.doc.source in best_docs])  # more than retrieval kept
    by_id = {h.chunk.id: h for h in ranked}
    for hit in hits:
        if hit.chunk.id in by_id:
            assert np.isclose(by_id[hit.chunk.id].dense, hit.dense, atol=1e-4)
