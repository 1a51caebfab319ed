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


def test_a_class_named_lifts_its_session_sheets_not_other_documents_about_that_class(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A write-up about a CM1-CM2 class matches « CM2 » by its words already; lifted for the cycle too, it came
    # before the guide a CM2 teacher asking for a year's progression needs.
    story = DocMeta(source="corpus/recits/cm2.md", title="Une année en CM2", doc_type="retour_experience", levels=("CM1", "CM2"))
    sheet = DocMeta(source="corpus/seances/c3.md", title="Séance CM2", doc_type="seance", levels=("CM2",))
    other = DocMeta(source="corpus/seances/c1.md", title="Séance MS", doc_type="seance", levels=("MS",))
    chunks = [_chunk(story, 0, "Une progression sur l'année."), _chunk(sheet, 0, "Une progression pour la classe."),
              _chunk(other, 0, "Une progression en maternelle."), _chunk(GUIDE, 0, "Construire une progression."), N0]
    lexical = LexicalIndex()
    lexical.build([c.indexed_text for c in chunks])
    snap = Snapshot("s2", chunks, {c.id: i for i, c in enumerate(chunks)}, lexical,
                    {c.doc.source: [i] for i, c in enumerate(chunks)})
    retriever = _retriever(tmp_path, 0.0, 0.0)
    retriever.dense_weight, retriever.reranker = 0.5, None
    retriever.snapshot = lambda: snap  # type: ignore[method-assign]

    def scores(cycles: tuple[int, ...]) -> dict[str, float]:
        return {h.chunk.doc.source: h.score for h in retriever.search("progression", k=4, mode="bm25", boost_cycles=cycles)}

    plain, for_cm2 = scores(()), scores((3,))
    assert for_cm2[sheet.source] > plain[sheet.source]  # the sheet for the class, lifted
    assert for_cm2[story.source] == plain[story.source]  # the write-up about that class, not
    assert for_cm2[GUIDE.source] == plain[GUIDE.source]  # a guide for every class, untouched
    assert for_cm2[other.source] < plain[other.source]  # a document for another cycle, pushed back
