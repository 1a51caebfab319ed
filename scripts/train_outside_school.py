"""Train the model shipped in assistant/data/outside_school.json: when an adult writes about a child in danger, is
the writer outside the school (a parent, a relative, a neighbour, a passer-by) or on its staff (a teacher, a CPE, a
nurse, a head teacher, an AESH, a youth worker)? The school's internal procedure (« informez le directeur ou le chef
d'établissement ») is for its staff; someone outside is told what is theirs to do.

    python scripts/train_outside_school.py [--out assistant/data/outside_school.json]   (~1 min)

Rows: the danger questions of eval/safety/train.jsonl not written by pupils, labelled by their writer's speaker
field (« parent » and « autre » are outside; every school or youth-work role is staff). The same two views as the
scope, activity-request and subject models (`assistant/two_views.py`) on the stored e5 vectors. The bar is chosen on
out-of-fold probabilities grouped by writer round: the lowest at which at most `MAX_STAFF_AS_OUTSIDE` of the staff
would lose their procedure (the worse error: the outside writer still gets every number). The adults' danger
questions of eval/safety/test.jsonl are measured after the choice, never used for it. Fixed seed: two runs on the
same data write the same file.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from train_safety import CONVERGED_TOL, Views, grouped_oof, load_rows, write_model  # noqa: E402
from train_subject import bar, figures  # noqa: E402

from assistant.two_views import training_sha256  # noqa: E402
from eval.safety_combiners import writer_round  # noqa: E402
from eval.safety_vectors import VECTORS as SAFETY_VECTORS  # noqa: E402
from eval.safety_vectors import vectors  # noqa: E402

SAFETY = REPO / "eval" / "safety" / "train.jsonl"
TEST = REPO / "eval" / "safety" / "test.jsonl"
OUT = REPO / "assistant" / "data" / "outside_school.json"
SEED = 0
OUTSIDE = frozenset({"parent", "autre"})
# The scope model's strengths, not tuned here.
VECTOR_C = 10.0
TEXT_C = 10.0
MAX_STAFF_AS_OUTSIDE = 0.05


def adult_rows(path: Path) -> list[dict[str, Any]]:
    """Adults' danger questions with whether their writer is outside the school."""
    return [{"id": r["id"], "text": r["text"], "outside": r["speaker"] in OUTSIDE}
            for r in load_rows(path) if r["label"] == "danger" and r.get("speaker") not in (None, "eleve")]


def train(rows: list[dict[str, Any]], X: np.ndarray, test: list[dict[str, Any]] | None = None,
          test_X: np.ndarray | None = None, seed: int = SEED) -> dict[str, Any]:
    """Fit on every row; the bar and the cross-validated figures come from writer-grouped out-of-fold probabilities."""
    texts = [r["text"] for r in rows]
    y = np.array([r["outside"] for r in rows])
    oof = grouped_oof(X, texts, y, [writer_round(r["id"]) for r in rows], VECTOR_C, TEXT_C, seed)
    threshold = bar(oof, y, MAX_STAFF_AS_OUTSIDE)
    model = Views(VECTOR_C, TEXT_C, tol=CONVERGED_TOL).fit(X, texts, y)
    meta: dict[str, Any] = {
        "training_data": ["eval/safety/train.jsonl (adults' danger questions, by speaker)"],
        "training_sha256": training_sha256(rows), "seed": seed,
        "n": len(rows), "n_outside": int(y.sum()),
        # other_read_other: writers outside the school found; self_read_other: staff read as outside
        "cv_by_writer": figures(oof, y, threshold)}
    if test and test_X is not None:
        ty = np.array([r["outside"] for r in test])
        meta["test"] = {"n": len(test), **figures(model.predict(test_X, [r["text"] for r in test])[:, 0], ty, threshold)}
    return {**model.two_view_json(threshold), "meta": meta}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    rows, test = adult_rows(SAFETY), adult_rows(TEST)
    X, n_new = vectors([r["text"] for r in rows + test], SAFETY_VECTORS)
    if n_new:
        raise SystemExit(f"{n_new} questions without a stored vector: python -m eval.safety_vectors")
    model = train(rows, X[:len(rows)], test, X[len(rows):])
    write_model(args.out, model)
    meta = model["meta"]
    print(f"{meta['n']} adults' danger questions ({meta['n_outside']} from outside the school) · "
          f"{time.perf_counter() - t0:.1f} s · bar {model['threshold']}")
    print("(other_read_other: outside writers found; self_read_other: staff read as outside)")
    for key in ("cv_by_writer", "test"):
        print(f"{key}: {meta.get(key)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
