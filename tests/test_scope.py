"""The scope model: it matches its training data, reads the subject of questions it was not trained on,
feeds the answerability model, and retraining reproduces it."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from assistant import scope
from assistant.relevance import Relevance
from assistant.settings import ABSTENTION_FEATURES, ABSTENTION_WEIGHTS, BUNDLED_MODEL
from assistant.two_views import training_sha256
from tests.conftest import training_script

REPO = Path(__file__).resolve().parent.parent


def _training() -> ModuleType:
    return training_script("train_scope")


def test_shipped_model_matches_its_training_data() -> None:
    rows = _training().training_rows()
    model = scope.load_model()
    assert model.meta["training_sha256"] == training_sha256(rows), \
        "retrain: python scripts/train_scope.py"
    assert model.w.shape == (384,) and model.text_w.shape == (model.ngrams.size,)


def test_training_data_is_well_formed() -> None:
    training = _training()
    rows = training.load_rows(training.DATA)
    assert len({r["id"] for r in rows}) == len(rows) and len({r["text"].strip().lower() for r in rows}) == len(rows)
    labels = [r["label"] for r in rows]
    assert set(labels) == {"in_scope", "out_of_scope"} and min(labels.count("in_scope"), labels.count("out_of_scope")) >= 400
    assert len({training.writer(r["id"]) for r in rows}) >= 4  # cross-validation is grouped by writer


def test_every_question_has_a_stored_vector() -> None:
    from eval.safety_vectors import load, text_key

    training = _training()
    stored = load(training.VECTORS)
    missing = [r["id"] for r in training.training_rows() if text_key(r["text"]) not in stored]
    assert not missing, f"{len(missing)} questions without a stored vector (python scripts/train_scope.py stores them): {missing[:5]}"


@pytest.mark.integration
def test_the_stored_vectors_are_those_the_encoder_gives() -> None:
    from eval.safety_vectors import encode, load, text_key

    training = _training()
    texts = [r["text"] for r in training.training_rows()][::100]
    stored = load(training.VECTORS)
    now = encode(texts)
    cosines = [float(stored[text_key(t)] @ v) for t, v in zip(texts, now)]
    assert min(cosines) > 0.9999


def test_without_a_vector_there_is_no_reading() -> None:
    assert scope.probability("Il y a quoi au menu de la cantine ?", None) is None


def test_the_library_is_sampled_from_end_to_end() -> None:
    chunks = list(range(763))
    sample = scope.evenly_spaced(chunks, 400)  # type: ignore[arg-type]
    assert len(sample) == 400 == len(set(sample)) and sample[0] == 0 and sample[-1] == 762
    assert max(b - a for a, b in zip(sample, sample[1:])) == 2  # no stretch of the library left out
    assert scope.evenly_spaced(chunks[:10], 400) == chunks[:10]  # type: ignore[arg-type]


def test_a_question_is_read_against_the_library_topic() -> None:
    assert scope.shortfall(0.1, 0.93) == pytest.approx(-0.83)  # the canteen menu, over this library
    assert scope.shortfall(0.3, 0.37) == pytest.approx(-0.07)  # an encyclopaedia question, over an encyclopaedia
    assert scope.shortfall(0.97, 0.93) == 0.0  # as much on topic as the library, or more: no evidence either way
    assert scope.shortfall(0.1, None) == 0.0  # a library whose vectors cannot be read


def test_a_stored_reading_is_used_only_if_this_scope_model_made_it() -> None:
    assert scope.stored_reading({"scope_model": scope.model_id(), "reading": 0.93}) == 0.93
    assert scope.stored_reading({"scope_model": "retrained since", "reading": 0.93}) is None
    assert scope.stored_reading(None) is None and scope.stored_reading({"scope_model": scope.model_id()}) is None


def test_being_off_the_library_topic_lowers_the_answerability_score() -> None:
    weights = ABSTENTION_WEIGHTS[BUNDLED_MODEL]
    base = dict(coverage=0.5, dense=0.83, informative_terms=2, margin=0.01)
    on_topic, off_topic = Relevance(**base), Relevance(**base, off_topic=-0.8)
    assert len(on_topic.features()) == ABSTENTION_FEATURES == len(weights) - 1
    assert off_topic.score(weights) < on_topic.score(weights)


@pytest.mark.integration
@pytest.mark.parametrize(("question", "about_the_programme"), [
    # written for this test, none in the training data
    ("ma classe de CE2 se dispute sans arrêt à la récré, un jeu pour apprendre à régler ça sans les poings ?", True),
    ("comment on sait si les séances ont changé quelque chose chez les élèves ?", True),
    ("Qui finance le programme et depuis quand ?", True),
    ("Un élève m'a confié que son père le frappe, je fais quoi ?", True),
    ("à quelle date tombent les vacances de février pour la zone B ?", False),
    ("le barème pour passer hors classe cette année ?", False),
    ("quel livre de lecture suivie pour des CM1 qui lisent mal ?", False),
    ("mon fils a de la fièvre, il peut aller à l'école demain ?", False),
])
def test_questions_it_never_saw_are_read_by_their_subject(question: str, about_the_programme: bool) -> None:
    from assistant.safety import question_vector

    assert (scope.probability(question, question_vector(question)) >= 0.5) is about_the_programme


@pytest.mark.integration
def test_the_bundled_library_reads_as_the_programme_s_subjects(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    library = bundled_assistant.retriever.snapshot().scope()
    assert library is not None and library > 0.85
    menu = "Il y a quoi au menu de la cantine cette semaine ?"
    found = bundled_assistant._retrieve(menu, menu, None, "hybrid")
    assert found.relevance.off_topic < -0.5 and not found.answerable


@pytest.mark.integration
def test_ingestion_stores_the_library_reading_for_the_answering_processes(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    retriever = bundled_assistant.retriever
    snap = retriever.snapshot()
    topic = retriever.store.read_manifest(snap.name).library_topic
    assert topic is not None and topic["scope_model"] == scope.model_id()
    computed = scope.library_topic(snap.chunks, snap.passage_vectors)
    assert computed is not None and topic["reading"] == pytest.approx(computed["reading"], abs=1e-5)
    # Read from the manifest: no stored vector is fetched for it.
    unread = replace(snap, fetch_vectors=None, _vectors={}, _scope=None)
    assert unread.scope() == pytest.approx(topic["reading"])
    # A reading made by another scope model is not trusted: the library is read anew (here it cannot be).
    assert replace(unread, stored_topic={**topic, "scope_model": "another"}, _scope=None).scope() is None


@pytest.mark.integration
def test_retraining_reproduces_the_shipped_model() -> None:
    training = _training()
    rows = training.training_rows()
    X, encoded_now = training.vectors([r["text"] for r in rows], training.VECTORS)
    assert encoded_now == 0
    fresh = training.train(rows, X)
    shipped = json.loads((REPO / "assistant" / "data" / scope.MODEL_FILE).read_text(encoding="utf-8"))
    # Up to float noise: the e5 engine's SIMD kernels differ a little between CPUs.
    assert fresh["C"] == shipped["C"]
    np.testing.assert_allclose(fresh["w"], shipped["w"], atol=1e-3)
    np.testing.assert_allclose(fresh["text"]["w"], shipped["text"]["w"], atol=1e-3)
    assert fresh["text"]["features"]["ngrams"] == shipped["text"]["features"]["ngrams"]
    assert fresh["meta"]["cv_by_writer"]["auc"] == pytest.approx(shipped["meta"]["cv_by_writer"]["auc"], abs=2e-3)
