"""Template lines a library repeats across documents (assistant/boilerplate.py) and what retrieval does with a passage
made of them (retrieve.BOILERPLATE_PENALTY), or with a sheet's opening passage for a question asking no activity
(retrieve.SHEET_HEADER_PENALTY): pure functions first, then the bundled corpus in a real Chroma with fake embeddings."""

from __future__ import annotations

import pytest

from assistant import boilerplate, retrieve
from assistant.retrieve import Retriever
from assistant.schema import Chunk, DocMeta
from assistant.settings import Settings
from tests.conftest import CORPUS, FAKE_MODEL

WARNING = "- **Si un enfant révèle quelque chose de grave** : l'écouter calmement, sans le questionner, et prévenir."
DISCLAIMER = "*Exemple illustratif rédigé pour la bibliothèque : ce n'est pas une fiche officielle.*"


def _sheet(name: str, *texts: str) -> list[Chunk]:
    doc = DocMeta(source=f"corpus/seances/{name}.md", title=name, doc_type="seance")
    return [Chunk(id=f"{doc.source}#{i}", doc=doc, text=text, ordinal=i) for i, text in enumerate(texts)]


def test_a_passage_repeating_a_line_of_three_documents_is_a_template() -> None:
    chunks = [c for name in ("a", "b", "c") for c in _sheet(
        name, f"{DISCLAIMER}\n\n**Objectif** : la séance {name} apprend à reconnaître la colère dans son corps, à la nommer "
              "et à choisir comment y répondre.", WARNING)]
    share = boilerplate.shared_share(chunks)
    assert list(share[1::2]) == [1.0, 1.0, 1.0]  # the warning, word for word in each sheet
    # the opening passage: a template disclaimer but objectives of its own, under the share that makes a template
    assert all(0.0 < s < boilerplate.MOSTLY for s in share[0::2])


def test_lines_two_documents_share_or_short_lines_are_no_template() -> None:
    chunks = _sheet("a", WARNING, "Questions ci-dessous.") + _sheet("b", WARNING, "Questions ci-dessous.") \
        + _sheet("c", "Une page à elle.", "Questions ci-dessous.")
    assert list(boilerplate.shared_share(chunks)) == [0.0] * 6
    # markup does not hide a shared line: a DOCX sheet's plain text matches a Markdown sheet's bold
    plain = _sheet("d", WARNING.replace("**", ""))
    assert boilerplate.shared_share(chunks + plain)[0] == 1.0


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    from langchain_core.embeddings import DeterministicFakeEmbedding

    from ingest.pipeline import ingest

    settings = Settings(store=tmp_path_factory.mktemp("templates") / "store", embedding_model=FAKE_MODEL, corpus=CORPUS)
    assert ingest([CORPUS], settings, DeterministicFakeEmbedding(size=64)).ok
    return Retriever(settings, DeterministicFakeEmbedding(size=64))


def test_a_sheet_s_template_passage_does_not_carry_the_sheet(retriever: Retriever, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every sheet of the bundled library closes on the same « si un enfant révèle quelque chose de grave » paragraph:
    # its words made sheets answer « je lui dis que c'est pas grave ? » before the guides.
    question = "propos inquiétants d'un enfant : l'écouter calmement ?"
    penalty = retrieve.BOILERPLATE_PENALTY
    penalised = {h.chunk.id: h.score for h in retriever.search(question, k=60, mode="bm25", per_doc=60)}
    monkeypatch.setattr(retrieve, "BOILERPLATE_PENALTY", 0.0)
    plain = retriever.search(question, k=60, mode="bm25", per_doc=60)
    snap = retriever.snapshot()
    template = {h.chunk.id for h in plain if snap.boilerplate()[snap.index_of[h.chunk.id]] >= boilerplate.MOSTLY}
    assert len(template) >= 10 and plain[0].chunk.id in template  # without the penalty, the template leads
    for hit in plain:
        assert penalised[hit.chunk.id] == pytest.approx(hit.score - penalty * (hit.chunk.id in template), abs=1e-5)
    assert max(penalised, key=penalised.__getitem__) not in template


def test_a_sheet_s_opening_passage_answers_no_question_on_running_a_session(retriever: Retriever) -> None:
    # Found by the thirty-fourth session's tryout: « une élève s'est mise à pleurer pendant l'activité sur les émotions,
    # comment on gère ça ? » opened on a sheet whose opening passage (title, competence, level, duration) matched.
    question = "une élève s'est mise à pleurer pendant l'activité sur les émotions, comment on gère ça ?"
    snap = retriever.snapshot()
    plain = {h.chunk.id: h.score for h in retriever.search(question, k=1000, mode="bm25", per_doc=1000)}
    advice = {h.chunk.id: h.score for h in retriever.search(question, k=1000, mode="bm25", per_doc=1000, advice=True)}
    headers = {cid for cid in plain if (c := snap.chunks[snap.index_of[cid]]).doc.doc_type == "seance" and not c.heading_path}
    assert len(headers) >= 5 and set(plain) == set(advice)
    for cid, score in plain.items():
        assert advice[cid] == pytest.approx(score - retrieve.SHEET_HEADER_PENALTY * (cid in headers), abs=1e-5)


def test_a_sheet_s_opening_is_what_comes_before_its_first_heading_and_a_sheet_without_headings_has_none() -> None:
    # A sheet saved as plain text, with no heading, is all body: none of its passages is taken for an opening.
    doc = DocMeta(source="corpus/seances/s.md", title="s", doc_type="seance")
    head = Chunk(id="s#0", doc=doc, text="**Niveau** : CE1", ordinal=0)
    steps = Chunk(id="s#1", doc=doc, text="1. Accueil", ordinal=1, heading_path=("Déroulement",))
    assert retrieve.preamble([head, steps]) == [head]
    plain = [Chunk(id=f"t#{i}", doc=doc, text=f"ligne {i}", ordinal=i) for i in range(3)]
    assert retrieve.preamble(plain) == []
