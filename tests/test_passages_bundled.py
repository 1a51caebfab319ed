"""The passages of the best documents are scored with the vectors the store already holds: the same
cosines retrieval computed, no second encoding (real bundled model and corpus)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.passages import rank_passages

pytestmark = pytest.mark.integration


def test_ranked_passages_reuse_the_stored_vectors_of_retrieval(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    retriever = bundled_assistant.retriever
    question = "Quels organismes ont coordonné le programme En santé à l'école ?"
    vector = retriever.embed_query(question)
    hits = retriever.search(question, k=5, query_vec=vector)
    snap = retriever.snapshot()
    calls = 0
    encode = retriever.embeddings.embed_documents

    def counting(texts):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return encode(texts)

    retriever.embeddings.embed_documents = counting  # type: ignore[method-assign]
    try:
        ranked = rank_passages(snap, hits, question, vector)
    finally:
        retriever.embeddings.embed_documents = encode  # type: ignore[method-assign]
    assert calls == 0
    best_docs = list(dict.fromkeys(h.chunk.doc.source for h in hits))[:2]
    assert {h.chunk.doc.source for h in ranked} == set(best_docs)
    assert len(ranked) > len([h for h in hits if h.chunk.doc.source in best_docs])  # more than retrieval kept
    by_id = {h.chunk.id: h for h in ranked}
    for hit in hits:
        if hit.chunk.id in by_id:
            assert np.isclose(by_id[hit.chunk.id].dense, hit.dense, atol=1e-4)
