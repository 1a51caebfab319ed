"""Activity requests read by meaning: the shipped model matches its training data, adds the requests the
patterns miss without taking factual, procedural or adult-training questions for them, and retraining
reproduces it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant import activity_intent, query
from assistant.two_views import TwoViewModel, training_sha256
from tests.conftest import training_script

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "eval" / "activity_intent.jsonl"


def _rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_shipped_model_matches_its_training_data() -> None:
    rows = _rows()
    model = activity_intent.load_model()
    assert model.meta["training_sha256"] == training_sha256(rows), \
        "retrain: python scripts/train_activity_intent.py"
    assert model.w.shape == (384,) and model.text_w.shape == (model.ngrams.size,) and 0 < model.threshold < 1


def test_training_data_is_well_formed() -> None:
    rows = _rows()
    assert len({r["id"] for r in rows}) == len(rows) and len({r["text"] for r in rows}) == len(rows)
    labels = [r["label"] for r in rows]
    assert set(labels) == {"activity", "other"} and min(labels.count("activity"), labels.count("other")) >= 300


def test_without_a_vector_the_patterns_alone_decide() -> None:
    assert query.understand("Une activité sur la colère pour des CE1 ?").wants_activity
    assert not query.understand("un petit jeu calme après la cantine, t'aurais ?").wants_activity
    assert activity_intent.probability("un petit jeu calme après la cantine, t'aurais ?", None) is None


@pytest.mark.integration
@pytest.mark.parametrize(("message", "wanted"), [
    ("mes CE1 se coupent tout le temps la parole, un petit jeu pour travailler l'écoute ?", True),
    ("CM2 très agités après la cantine. t'aurais un truc calme à leur faire faire ?", True),
    ("je cherche de quoi faire travailler la confiance en soi à mes 6e, ça existe ?", True),
    ("Petite section : reconnaître quand on est fâché, vous proposez quoi ?", True),
    ("Qui a financé le programme En santé à l'école ?", False),
    ("Comment former mes collègues aux CPS en une demi-journée ?", False),
    ("Un élève m'a dit que son père le frappe, je fais quoi ?", False),
    ("Quels résultats a donné l'évaluation du programme ?", False),
    # the order of the competences in a progression (the model reads 0.65): the guide answers, not a session sheet
    ("dans quel ordre faire les compétences avec un double niveau CM1-CM2 ?", False),
])
def test_requests_the_patterns_miss_are_read_by_meaning(message: str, wanted: bool) -> None:
    from assistant.safety import question_vector

    assert not query.understand(message).wants_activity  # the patterns alone miss or rightly ignore it
    assert query.understand(message, question_vector(message)).wants_activity is wanted


@pytest.mark.integration
def test_the_model_overrules_a_pattern_hit_it_all_but_rules_out() -> None:
    from assistant.safety import question_vector

    tutoring = "Je dois tutorer des enseignants qui sortent de formation CPS. Comment mener le suivi sur l'année ?"
    assert query.understand(tutoring).wants_activity  # « comment mener » alone reads as a request
    assert not query.understand(tutoring, question_vector(tutoring)).wants_activity
    request = "Comment organiser une séance sur la colère avec mes CE1 ?"
    assert query.understand(request, question_vector(request)).wants_activity


@pytest.mark.integration
def test_retraining_reproduces_the_shipped_model_and_its_level() -> None:
    training = training_script("train_activity_intent")
    rows = _rows()
    X = training.encode([r["text"] for r in rows])
    shipped = json.loads((REPO / "assistant" / "data" / activity_intent.MODEL_FILE).read_text(encoding="utf-8"))
    fresh = training.train(rows, X)
    # Up to float noise: the e5 engine's SIMD kernels differ a little between CPUs (vectors within 2e-3, cosine
    # 0.99994, on an AMD EPYC against the machine that trained it), which a weakly regularised regression turns into
    # weights up to 0.5 apart and a bar on a neighbouring cross-validated probability (0.5124 for 0.5100). What must
    # reproduce is the model's reading: the same C, the same n-grams, the same probabilities within 0.05.
    assert (fresh["C"], fresh["threshold"]) == (shipped["C"], pytest.approx(shipped["threshold"], abs=0.01))
    assert fresh["text"]["features"]["ngrams"] == shipped["text"]["features"]["ngrams"]
    retrained = TwoViewModel.from_json(fresh)
    again = np.array([retrained.probability(r["text"], x) for r, x in zip(rows, X)])
    np.testing.assert_allclose(again, [TwoViewModel.from_json(shipped).probability(r["text"], x) for r, x in zip(rows, X)], atol=0.05)
    # in-sample floors (the cross-validated figures are in the model's meta): requests read, others not. Round aie's
    # questions on conducting a session, written in the words of activities, are read as requests by the patterns
    # alone 9.8 % of the others (7 % before it); patterns or model, 10.3 %.
    model = TwoViewModel.from_json(shipped)
    y = np.array([r["label"] == "activity" for r in rows])
    read = np.array([query.understand(r["text"]).wants_activity or model.probability(r["text"], x) >= model.threshold
                     for r, x in zip(rows, X)])
    assert read[y].mean() >= 0.97 and read[~y].mean() <= 0.11
