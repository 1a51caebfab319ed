"""The protection-procedure model: it matches its training data, reads the held-out split, retraining reproduces it,
and a general question on protecting a child is answered from the protection guide."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from assistant import protection_intent
from assistant.two_views import training_sha256
from tests.conftest import training_script

REPO = Path(__file__).resolve().parent.parent
GUIDE = "corpus/protection/que-faire-revelation-enfant-en-danger.md"


def _training() -> ModuleType:
    return training_script("train_protection_intent")


def _rows(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_shipped_model_matches_its_training_data() -> None:
    training = _training()
    model = protection_intent.load_model()
    assert model.meta["training_sha256"] == training_sha256(training.load_rows(training.DATA)), \
        "retrain: python scripts/train_protection_intent.py"
    assert model.w.shape == (384,) and 0.0 < model.threshold < 1.0


def test_training_data_is_well_formed_and_the_held_out_split_is_apart() -> None:
    from eval.protection_intent import HELD_OUT
    from eval.safety_combiners import writer_round

    training = _training()
    rows = training.load_rows(training.DATA)
    assert len({r["id"] for r in rows}) == len(rows) and len({r["text"] for r in rows}) == len(rows)
    labels = [r["label"] for r in rows]
    assert set(labels) == {"procedure", "other"} and labels.count("procedure") >= 300
    assert len({writer_round(r["id"]) for r in rows}) >= 4  # cross-validation is grouped by writer
    held_out = _rows(HELD_OUT)
    assert {r["label"] for r in held_out} == {"procedure", "other"}
    assert not {r["text"].strip().lower() for r in held_out} & {r["text"].strip().lower() for r in rows}


def test_every_question_has_a_stored_vector() -> None:
    from eval.safety_vectors import load, text_key

    training = _training()
    stored = load(training.VECTORS)
    missing = [r["id"] for r in training.load_rows(training.DATA) if text_key(r["text"]) not in stored]
    assert not missing, f"{len(missing)} questions without a stored vector (python scripts/train_protection_intent.py): {missing[:5]}"


def test_the_bar_keeps_false_alarms_under_the_chosen_rate() -> None:
    training = _training()
    oof = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.95, 0.85])
    y = np.array([False] * 10 + [True] * 2)
    bar = training.bar_at(oof, y, false_alarms=0.1)  # one negative of ten may pass
    assert (oof[~y] >= bar).sum() == 1 and bar > 0.8


def test_without_a_vector_nothing_is_read_as_a_procedure_question() -> None:
    assert protection_intent.asks_procedure("que faire si un élève me révèle une situation de danger ?", None) is False


@pytest.mark.integration
def test_the_held_out_split_is_read_as_measured() -> None:
    """The split by a writer who saw no training row (README: recall 0.808, no false alarm): a floor, not a target."""
    from eval.protection_intent import HELD_OUT, read_split

    rows, p = read_split(HELD_OUT)
    y = np.array([r["label"] == "procedure" for r in rows])
    fired = p >= protection_intent.load_model().threshold
    assert fired[y].mean() >= 0.75 and fired[~y].mean() <= 0.03


@pytest.mark.integration
def test_retraining_reproduces_the_shipped_model() -> None:
    training = _training()
    rows = training.load_rows(training.DATA)
    X, encoded_now = training.vectors([r["text"] for r in rows], training.VECTORS)
    assert encoded_now == 0
    fresh = training.train(rows, X)
    shipped = json.loads((REPO / "assistant" / "data" / protection_intent.MODEL_FILE).read_text(encoding="utf-8"))
    # Up to float noise: the e5 engine's SIMD kernels differ a little between CPUs.
    assert fresh["C"] == shipped["C"]
    assert fresh["threshold"] == pytest.approx(shipped["threshold"], abs=0.02)
    np.testing.assert_allclose(fresh["w"], shipped["w"], atol=1e-3)
    assert fresh["text"]["features"]["ngrams"] == shipped["text"]["features"]["ngrams"]


@pytest.mark.integration
def test_a_general_question_on_protecting_a_child_is_answered_from_the_guide(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    # Found first by its words before: a session sheet's vigilance note pointing to the guide, or the CE2 interview.
    for question in ("que faire si un élève me révèle une situation de danger ?",
                     "si un eleve de ce2 me confie des choses inquietantes a la maison, qui je previens ?"):
        answer = bundled_assistant.ask(question)
        assert not answer.abstained and answer.citations[0].source == GUIDE, question
        assert all("/seances/" not in c.source for c in answer.citations), question
    # A session on the same subject is still a session sheet; a question the library does not answer is still declined.
    session = bundled_assistant.ask("une séance pour apprendre à des CM1 à demander de l'aide à un adulte")
    assert "/seances/" in session.citations[0].source
    fall = bundled_assistant.ask("Quelle est la procédure à suivre après une chute d'un élève dans la cour ?")
    assert fall.abstained


@pytest.mark.integration
def test_a_follow_up_asks_about_the_subject_of_the_turn_before(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    # Read alone, « …quand un élève se fait harceler ? » is near the bar; after an answer on peer mediation it asks
    # whether mediation suits harassment, which the mediation write-up answers (never), not the protection guide.
    from assistant.core import Turn

    first = bundled_assistant.ask("On voudrait former des élèves médiateurs dans notre collège, comment s'y prendre ?")
    answer = bundled_assistant.ask("Et la médiation, on peut s'en servir quand un élève se fait harceler ?",
                                   history=[Turn.from_answer(first)])
    assert answer.citations[0].source == "corpus/retours-experience/mediation-pairs-affirmation-college.pdf"
    assert "jamais être utilisée pour une situation de harcèlement" in answer.answer
