"""The shipped safety classifier on real multilingual-e5-small vectors: regression floors over the whole
labelled set (eval/safety/train.jsonl + test.jsonl), and the shipped weights equal a fresh training run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant import safety

# Encoding the 15,742 labelled questions takes 13–16 min on 2 cores: more than the suite-wide 900 s timeout.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(2400)]

REPO = Path(__file__).resolve().parent.parent
SPLITS = [REPO / "eval" / "safety" / "train.jsonl", REPO / "eval" / "safety" / "test.jsonl"]
# Measured with the shipped model on train (15,348) + test (394), 2026-12-02: recall 0.992, false alarms
# 0.028, right first number 0.949, pupils addressed 0.965, suicide routed 0.984 (train is in-sample here, and the
# nearest-neighbour view remembers it: these are regression floors, not generalisation figures — python -m
# eval.safety_eval reports cross-validated and held-out ones).
# In-sample floors, a little under the shipped model's. The first number and suicide floors were lowered (0.95 →
# 0.945, 0.985 → 0.98) when rounds 17–18 brought rarer forms of danger (a minor paid for sex, excision, children
# used by dealers) and suicidal wishes told inside family conflicts, whose leading category is harder to read.
FLOORS = {"recall": 0.99, "false_alarms_max": 0.035, "first_number": 0.945, "pupil_found": 0.96}
CATEGORY_ROUTED_FLOORS = {"suicide": 0.98, "automutilation": 0.99, "violences_sexuelles": 0.99, "violences": 0.99,
                          "harcelement": 0.985, "mal_etre": 0.99}


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def training():  # type: ignore[no-untyped-def]
    from eval.safety_eval import training_module

    return training_module()


@pytest.fixture(scope="module")
def labelled(training):  # type: ignore[no-untyped-def]
    """Every labelled question with its e5 query vector (encoded once for the module)."""
    rows = [row for path in SPLITS if path.exists() for row in _rows(path)]
    return rows, training.encode([r["text"] for r in rows])


def test_detector_keeps_its_measured_level(labelled) -> None:  # type: ignore[no-untyped-def]
    from eval.safety_eval import measure, predict

    rows, X = labelled
    figures = measure("all", rows, predict(rows, X, safety.load_model()))
    assert figures.recall >= FLOORS["recall"], figures.missed
    assert figures.false_alarms <= FLOORS["false_alarms_max"], figures.alarms
    assert figures.first_number >= FLOORS["first_number"]
    assert figures.pupil_found is not None and figures.pupil_found >= FLOORS["pupil_found"]
    for key, floor in CATEGORY_ROUTED_FLOORS.items():
        assert figures.per_category[key]["routed"] >= floor, key


def test_the_vector_given_is_the_vector_computed(labelled) -> None:  # type: ignore[no-untyped-def]
    rows, X = labelled
    for row, x in list(zip(rows, X))[:5]:
        assert np.array_equal(safety.question_vector(row["text"]), x)
        assert detect_keys(row["text"], None) == detect_keys(row["text"], x)


def detect_keys(question: str, vector: np.ndarray | None) -> list[str]:
    return [c.key for c in safety.detect_all(question, vector)]


def test_shipped_weights_equal_a_fresh_training_run(training, labelled) -> None:  # type: ignore[no-untyped-def]
    """Fitting the training split with the shipped strengths and bars gives the shipped weights. (The
    cross-validated choice of those strengths takes minutes: `python scripts/train_safety.py` runs it.)"""
    rows, X = labelled
    train_rows = _rows(SPLITS[0])
    shipped = json.loads((REPO / "assistant" / "data" / safety.MODEL_FILE).read_text(encoding="utf-8"))
    fresh = training.fit(train_rows, X[: len(train_rows)], training.params_of(shipped))
    for key in ("training_sha256", "n_danger", "n_ordinary", "seed"):
        assert fresh["meta"][key] == shipped["meta"][key], key
    # Up to float noise: the e5 engine's SIMD kernels differ a little between CPUs (weights within 1e-4 seen).
    for part in ("danger", "categories", "speaker"):
        assert fresh[part]["C"] == shipped[part]["C"], part
        assert fresh[part]["threshold"] == pytest.approx(shipped[part]["threshold"], abs=1e-3), part
        np.testing.assert_allclose(np.array(fresh[part]["w"]), np.array(shipped[part]["w"]), atol=1e-3)
        np.testing.assert_allclose(np.array(fresh[part]["b"]), np.array(shipped[part]["b"]), atol=1e-3)
    # the neighbours' view: the same int8 vectors (shipped beside the JSON; a rounding step apart at most), scales and labels
    neighbours = np.load(REPO / "assistant" / "data" / safety.NEIGHBOURS_FILE, allow_pickle=False)
    assert np.abs(fresh["neighbours"]["vectors"].astype(np.int16) - neighbours.astype(np.int16)).max() <= 1
    assert fresh["neighbours"]["danger"] == shipped["neighbours"]["danger"]
    np.testing.assert_allclose(np.array(fresh["neighbours"]["scale"]), np.array(shipped["neighbours"]["scale"]), rtol=1e-4)
    assert (fresh["neighbours"]["k"], fresh["neighbours"]["temperature"]) == (shipped["neighbours"]["k"], shipped["neighbours"]["temperature"])
    # the n-gram view: same vocabulary, same weights
    assert fresh["text"]["features"]["ngrams"] == shipped["text"]["features"]["ngrams"]
    np.testing.assert_allclose(np.array(fresh["text"]["features"]["idf"]), np.array(shipped["text"]["features"]["idf"]), atol=1e-5)
    for part in ("danger", "categories"):
        np.testing.assert_allclose(np.array(fresh["text"][part]["w"]), np.array(shipped["text"][part]["w"]), atol=1e-3)
        np.testing.assert_allclose(np.array(fresh["text"][part]["b"]), np.array(shipped["text"][part]["b"]), atol=1e-3)
