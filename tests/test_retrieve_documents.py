"""Fast unit tests of document scoring in retrieval (Retriever._by_document, Snapshot.document_profiles):
hand-made vectors and hits, no model, no store."""

from __future__ import annotations

import numpy as np

from assistant.lexical import LexicalIndex
from assistant.retrieve import Hit, Retriever, Snapshot, diversify
from assistant.schema import Chunk, DocMeta
from assistant.settings import Settings

GUIDE = DocMeta(source="corpus/guides/emotions.md", title="Guide des émotions", doc_type="guide")
SHEET = DocMeta(source="corpus/seances/colere.md", title="La colère", doc_type="seance")
NEWS = DocMeta(source="corpus/actualites/rentree.md", title="Rentrée", doc_type="autre")
MEMO = DocMeta(source="corpus/actualites/memo.md", title="Mémo", doc_type="autre")


def _chunk(doc: DocMeta, ordinal: int, text: str) -> Chunk:
    return Chunk(id=f"{doc.source}#{ordinal}", doc=doc, text=text, ordinal=ordinal)


G0, G1 = _chunk(GUIDE, 0, "Nommer ses émotions."), _chunk(GUIDE, 1, "Reconnaître la colère chez l'enfant.")
S0, S1 = _chunk(SHEET, 0, "Objectif : apaiser la colère."), _chunk(SHEET, 1, "Matériel : une affiche.")
N0, N1 = _chunk(NEWS, 0, "La rentrée se prépare."), _chunk(NEWS, 1, "Les fournitures de la rentrée.")
M0 = _chunk(MEMO, 0, "Un mémo d'une ligne.")
CHUNKS = [G0, G1, S0, S1, N0, N1, M0]
# The question's vector is (1, 0, 0): the guide is about it as a whole, the sheet and the news much less.
VECTORS = {G0.id: [1.0, 0.0, 0.0], G1.id: [0.8, 0.6, 0.0], S0.id: [0.0, 1.0, 0.0], S1.id: [0.0, 0.0, 1.0],
           N0.id: [0.0, 0.6, 0.8], N1.id: [0.0, 0.0, 1.0], M0.id: [0.0, 1.0, 0.0]}
QUESTION = np.array([1.0, 0.0, 0.0], dtype=np.float32)


def _snapshot(fetched: list[list[str]] | None = None) -> Snapshot:
    lexical = LexicalIndex()
    lexical.build([c.indexed_text for c in CHUNKS])
    by_source: dict[str, list[int]] = {}
    for i, c in enumerate(CHUNKS):
        by_source.setdefault(c.doc.source, []).append(i)

    def fetch(ids: list[str]) -> dict[str, np.ndarray]:
        if fetched is not None:
            fetched.append(list(ids))
        return {i: np.array(VECTORS[i], dtype=np.float32) for i in ids if i in VECTORS}

    return Snapshot("s1", CHUNKS, {c.id: i for i, c in enumerate(CHUNKS)}, lexical, by_source, fetch_vectors=fetch)


def _retriever(tmp_path, second: float, profile: float) -> Retriever:  # type: ignore[no-untyped-def]
    retriever = Retriever.__new__(Retriever)
    retriever.settings = Settings(store=tmp_path / "store", doc_second_share=second, doc_profile_share=profile)
    return retriever


def _documents(hits: list[Hit]) -> list[str]:
    return [h.chunk.doc.source for h in diversify(hits, 10, 1)]


def test_a_document_answering_in_two_places_beats_one_lucky_passage(tmp_path) -> None:  # type: ignore[no-untyped-def]
    hits = [Hit(N0, 0.80), Hit(S0, 0.75), Hit(S1, 0.60)]
    assert _documents(_retriever(tmp_path, 0.0, 0.0)._by_document(_snapshot(), hits, None)) == [NEWS.source, SHEET.source]
    ranked = _retriever(tmp_path, 0.2, 0.0)._by_document(_snapshot(), hits, None)
    assert _documents(ranked) == [SHEET.source, NEWS.source]
    assert [h.score for h in ranked] == [0.75, 0.80, 0.60]  # reordered, passage scores kept


def test_a_one_passage_document_is_not_outranked_for_its_length(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The memo is whole in its one passage: that passage also counts as its second best.
    hits = [Hit(M0, 0.80), Hit(S0, 0.75), Hit(S1, 0.60)]
    assert _documents(_retriever(tmp_path, 0.2, 0.0)._by_document(_snapshot(), hits, None)) == [MEMO.source, SHEET.source]


def test_the_document_closest_as_a_whole_wins_a_near_tie(tmp_path) -> None:  # type: ignore[no-untyped-def]
    hits = [Hit(S0, 0.70), Hit(G1, 0.68)]
    assert _documents(_retriever(tmp_path, 0.0, 0.0)._by_document(_snapshot(), hits, QUESTION)) == [SHEET.source, GUIDE.source]
    assert _documents(_retriever(tmp_path, 0.0, 0.15)._by_document(_snapshot(), hits, QUESTION)) == [GUIDE.source, SHEET.source]
    # Without a query vector (BM25 setups) the profile cannot be compared: the order stays.
    assert _documents(_retriever(tmp_path, 0.0, 0.15)._by_document(_snapshot(), hits, None)) == [SHEET.source, GUIDE.source]


def test_document_profiles_are_normalised_means_read_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    fetched: list[list[str]] = []
    snap = _snapshot(fetched)
    profiles = snap.document_profiles([GUIDE.source, SHEET.source])
    assert profiles is not None
    mean = np.array([0.9, 0.3, 0.0]) / np.linalg.norm([0.9, 0.3, 0.0])
    assert np.allclose(profiles[0], mean, atol=1e-6)
    assert np.allclose(np.linalg.norm(profiles, axis=1), 1.0, atol=1e-6)
    snap.document_profiles([SHEET.source, GUIDE.source])
    assert sorted(i for ids in fetched for i in ids) == sorted([G0.id, G1.id, S0.id, S1.id])  # each vector read once
