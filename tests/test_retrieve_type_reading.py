"""The document-type model's reading in retrieval (retrieve.DOC_TYPE_PRIOR, DOC_TYPE_PRIOR_FIRM), on the bundled corpus in a
real Chroma with fake embeddings: each passage is lifted by its document type's probability, more when one type is read
firmly, and by nothing for a type not read."""

from __future__ import annotations

import pytest

from assistant.retrieve import DOC_TYPE_PRIOR, DOC_TYPE_PRIOR_FIRM, FIRM_TYPE_READING, Retriever
from assistant.settings import Settings
from tests.conftest import CORPUS, FAKE_MODEL


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    from langchain_core.embeddings import DeterministicFakeEmbedding

    from ingest.pipeline import ingest

    settings = Settings(store=tmp_path_factory.mktemp("types") / "store", embedding_model=FAKE_MODEL, corpus=CORPUS)
    assert ingest([CORPUS], settings, DeterministicFakeEmbedding(size=64)).ok
    return Retriever(settings, DeterministicFakeEmbedding(size=64))


def test_passages_are_lifted_by_their_document_types_probability(retriever: Retriever) -> None:
    question = "que faire quand un enfant se met en colère pendant la séance ?"
    plain = retriever.search(question, k=40, mode="bm25", per_doc=40)
    read = {"retour_experience": 0.7, "seance": 0.3}
    lifted = retriever.search(question, k=40, mode="bm25", per_doc=40, type_reading=read)
    before = {h.chunk.id: h.score for h in plain}
    both = [h for h in lifted if h.chunk.id in before]
    assert {h.chunk.doc.doc_type for h in both} >= {"guide", "seance", "retour_experience"}
    for h in both:
        assert h.score == pytest.approx(before[h.chunk.id] + DOC_TYPE_PRIOR * read.get(h.chunk.doc.doc_type, 0.0), abs=1e-5)

    def first_write_up(hits: list) -> int:  # type: ignore[type-arg]
        return next(i for i, h in enumerate(hits) if h.chunk.doc.doc_type == "retour_experience")

    # read firmly, the type weighs more, and decides between passages the words rank close: a write-up passes a guide
    firm = {"retour_experience": FIRM_TYPE_READING + 0.05, "seance": 0.15}
    lifted_firmly = retriever.search(question, k=40, mode="bm25", per_doc=40, type_reading=firm)
    for h in lifted_firmly:
        if h.chunk.id in before:
            lift = DOC_TYPE_PRIOR_FIRM * firm.get(h.chunk.doc.doc_type, 0.0)
            assert h.score == pytest.approx(before[h.chunk.id] + lift, abs=1e-5)
    assert first_write_up(lifted_firmly) < first_write_up(lifted) <= first_write_up(plain)


def test_no_reading_changes_nothing(retriever: Retriever) -> None:
    question = "combien d'écoles ont participé ?"
    plain = [(h.chunk.id, h.score) for h in retriever.search(question, k=10, mode="bm25")]
    assert [(h.chunk.id, h.score) for h in retriever.search(question, k=10, mode="bm25", type_reading={})] == plain
