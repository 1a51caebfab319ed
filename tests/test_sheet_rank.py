"""Fast tests of session sheets ranked as documents (assistant/sheet_rank.py): the profile a sheet is
judged by, the document score, the skills a request asks for, and the profile cache."""

from __future__ import annotations

import numpy as np

from assistant import sheet_rank
from assistant.compose import rank_sheets
from assistant.retrieve import Hit
from assistant.schema import Chunk, DocMeta, Filters


def _doc(name: str, levels: tuple[str, ...], competences: tuple[str, ...], doc_type: str = "seance") -> DocMeta:
    return DocMeta(source=f"corpus/seances/{name}.md", title=name.replace("-", " ").capitalize(), doc_type=doc_type,
                   levels=levels, competences=competences)


def _chunks(doc: DocMeta, competence_line: str | None = None) -> list[Chunk]:
    head = "*Exemple illustratif.*\n\n" + (f"**Compétence(s) visée(s)** : {competence_line}\n" if competence_line else "") + "**Durée** : 45 minutes"
    return [
        Chunk(id=f"{doc.source}#0", doc=doc, text=head, ordinal=0),
        Chunk(id=f"{doc.source}#1", doc=doc, text="- Coopérer pour réussir un défi.", ordinal=1, heading_path=("Objectifs",)),
        Chunk(id=f"{doc.source}#2", doc=doc, text="- Dix gobelets par équipe.", ordinal=2, heading_path=("Matériel",)),
    ]


TEAM = _doc("defi-equipe", ("CE1", "CE2"), ("relations_constructives",))
ANGER = _doc("colere-ce1", ("CE1",), ("reguler_emotions",))
STRESS = _doc("stress-cm2", ("CM2",), ("gerer_stress",))
EMOTIONS = _doc("ou-se-cache-emotion", ("CP", "CE1"), ("conscience_emotions",))
WORRIES = _doc("boite-a-soucis", ("CP", "CE1", "CE2"), ("gerer_stress", "conscience_emotions"))  # emotions « en appui »


def test_the_profile_is_title_competence_line_and_objectives() -> None:
    text = sheet_rank.profile_text(_chunks(TEAM, "Développer des relations constructives — coopérer"))
    assert text.splitlines()[0] == TEAM.title
    assert "coopérer" in text and "Coopérer pour réussir un défi." in text
    assert "gobelets" not in text and "Durée" not in text


def test_without_a_competence_line_the_profile_names_the_metadata_competences() -> None:
    text = sheet_rank.profile_text(_chunks(ANGER))
    assert "Réguler ses émotions" in text


def _profiles(vectors: dict[str, list[float]]) -> sheet_rank.SheetProfiles:
    docs = {d.source: d for d in (TEAM, ANGER, STRESS, EMOTIONS, WORRIES)}
    firsts = tuple(_chunks(docs[s])[0] for s in vectors)
    matrix = np.asarray(list(vectors.values()), dtype=np.float32)
    return sheet_rank.SheetProfiles(firsts, matrix / np.linalg.norm(matrix, axis=1, keepdims=True))


def test_a_sheet_whose_profile_answers_the_request_beats_a_slightly_better_passage() -> None:
    profiles = _profiles({TEAM.source: [1, 0, 0], ANGER.source: [0, 1, 0], STRESS.source: [0, 0, 1]})
    topical = [Hit(_chunks(ANGER)[2], 0.82), Hit(_chunks(TEAM)[2], 0.80), Hit(_chunks(STRESS)[2], 0.2)]
    query = np.asarray([1, 0.1, 0], dtype=np.float32)
    ranked = sheet_rank.sheet_hits(topical, profiles, query, Filters(("seance",)))
    assert [h.chunk.doc.source for h in ranked][:2] == [TEAM.source, ANGER.source]
    # Without a query vector (BM25 mode), the passage order stands.
    assert [h.chunk.doc.source for h in sheet_rank.sheet_hits(topical, profiles, None, Filters(("seance",)))][0] == ANGER.source


def test_the_skill_the_request_is_about_settles_sheets_close_on_words_and_profile() -> None:
    profiles = _profiles({TEAM.source: [1, 0, 0], ANGER.source: [1, 0, 0], STRESS.source: [0, 0, 1]})
    topical = [Hit(_chunks(ANGER)[2], 0.81), Hit(_chunks(TEAM)[2], 0.80), Hit(_chunks(STRESS)[2], 0.2)]
    query = np.asarray([1, 0, 0], dtype=np.float32)
    assert sheet_rank.sheet_hits(topical, profiles, query, Filters(("seance",)))[0].chunk.doc.source == ANGER.source
    read = {"relations_constructives": 0.7, "reguler_emotions": 0.1, "gerer_stress": 0.2}
    assert sheet_rank.sheet_hits(topical, profiles, query, Filters(("seance",)), read)[0].chunk.doc.source == TEAM.source


def test_a_sheet_working_on_the_skill_read_beats_one_that_only_leans_on_it() -> None:
    # The stress sheet names emotions « en appui »: a request read as naming emotions gets the emotions sheet, though
    # the stress sheet's passage scored a little better.
    emotions, worries = EMOTIONS, WORRIES
    profiles = _profiles({emotions.source: [1, 0, 0], worries.source: [1, 0, 0], STRESS.source: [0, 0, 1]})
    topical = [Hit(_chunks(worries)[2], 0.82), Hit(_chunks(emotions)[2], 0.80), Hit(_chunks(STRESS)[2], 0.2)]
    query = np.asarray([1, 0, 0], dtype=np.float32)
    read = {"conscience_emotions": 0.9, "gerer_stress": 0.1}
    assert sheet_rank.sheet_hits(topical, profiles, query, Filters(("seance",)), read)[0].chunk.doc.source == emotions.source
    # Read as stress, the sheet that works on stress comes first.
    read = {"conscience_emotions": 0.1, "gerer_stress": 0.9}
    assert sheet_rank.sheet_hits(topical, profiles, query, Filters(("seance",)), read)[0].chunk.doc.source == worries.source


def test_a_supporting_competence_counts_half() -> None:
    from assistant import skill_model

    read = {"conscience_emotions": 0.8, "gerer_stress": 0.1}
    assert skill_model.fit(("gerer_stress", "conscience_emotions"), read) == 0.4
    assert skill_model.fit(("conscience_emotions", "gerer_stress"), read) == 0.8
    assert skill_model.fit((), read) == 0.0


def test_the_shipped_skill_model_reads_a_probability_per_competence() -> None:
    from assistant import skill_model
    from assistant.vocabulary import COMPETENCE_BY_KEY

    model = skill_model.load_model()
    assert set(model.keys) == set(COMPETENCE_BY_KEY) and model.w.shape == (len(model.keys), 384)
    read = model.probabilities(np.full(384, 1 / np.sqrt(384), dtype=np.float32))
    assert abs(sum(read.values()) - 1) < 1e-5 and all(0 <= p <= 1 for p in read.values())


def test_sheets_no_passage_reached_are_still_ranked_and_filters_hold() -> None:
    profiles = _profiles({TEAM.source: [1, 0, 0], ANGER.source: [0, 1, 0], STRESS.source: [0.9, 0, 0.1]})
    topical = [Hit(_chunks(ANGER)[2], 0.9), Hit(_chunks(TEAM)[2], 0.5)]
    query = np.asarray([1, 0, 0], dtype=np.float32)
    ranked = sheet_rank.sheet_hits(topical, profiles, query, Filters(("seance",)))
    assert STRESS.source in {h.chunk.doc.source for h in ranked}
    cycle2 = sheet_rank.sheet_hits(topical, profiles, query, Filters(("seance",), cycles=(2,)))
    assert STRESS.source not in {h.chunk.doc.source for h in cycle2}
    # The class fit still comes first once sheets are scored as documents.
    choices = rank_sheets(ranked, cycles=(3,), competences=())
    assert choices[0].source == STRESS.source and choices[0].level_fits


def test_skills_asked_widen_a_named_skill_within_its_category_only() -> None:
    # "stress": being aware of it (emotional) is a neighbour of managing it (emotional)…
    assert sheet_rank.skills_asked(("gerer_stress",), ("conscience_emotions",)) == ("gerer_stress", "conscience_emotions")
    # …but a social skill named is not widened by an emotional reading.
    assert sheet_rank.skills_asked(("communiquer",), ("conscience_emotions",)) == ("communiquer",)
    assert sheet_rank.skills_asked((), ("conscience_emotions",)) == ()


class _CountingEmbeddings:
    def __init__(self) -> None:
        self.calls = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        return [[float(len(t)), 1.0, 0.5] for t in texts]


class _Snap:
    def __init__(self, name: str, chunks: list[Chunk]) -> None:
        self.name, self.chunks = name, chunks

    def document_chunks(self, source: str) -> list[Chunk]:
        return [c for c in self.chunks if c.doc.source == source]


def test_profiles_are_embedded_once_per_snapshot() -> None:
    guide = Chunk(id="g#0", doc=DocMeta(source="corpus/guides/g.md", title="Guide", doc_type="guide"), text="Guide.", ordinal=0)
    chunks = [*_chunks(TEAM), *_chunks(ANGER), guide]
    emb = _CountingEmbeddings()
    first = sheet_rank.profiles_for(_Snap("snap-a", chunks), emb)  # type: ignore[arg-type]
    again = sheet_rank.profiles_for(_Snap("snap-a", chunks), emb)  # type: ignore[arg-type]
    assert first is again and emb.calls == 1
    assert first is not None and first.sources == [TEAM.source, ANGER.source]
    sheet_rank.profiles_for(_Snap("snap-b", chunks), emb)  # type: ignore[arg-type]
    assert emb.calls == 2


def test_a_large_library_profiles_sheets_from_stored_vectors_without_encoding(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    class _StoredSnap(_Snap):
        def document_profiles(self, sources: list[str]) -> np.ndarray:
            return np.eye(len(sources), 3, dtype=np.float32)

    monkeypatch.setattr(sheet_rank, "MAX_EMBEDDED_PROFILES", 1)
    emb = _CountingEmbeddings()
    profiles = sheet_rank.profiles_for(_StoredSnap("snap-large", [*_chunks(TEAM), *_chunks(ANGER)]), emb)  # type: ignore[arg-type]
    assert emb.calls == 0
    assert profiles is not None and profiles.sources == [TEAM.source, ANGER.source]
    assert np.allclose(profiles.vectors, np.eye(2, 3))
