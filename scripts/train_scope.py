"""Train the scope model shipped in assistant/data/scope.json (is a question about the programme's subjects?).

    python scripts/train_scope.py [--data eval/scope.jsonl] [--out assistant/data/scope.json]   (~2 min)

In scope: the questions of eval/scope.jsonl labelled in_scope, and the activity requests of
eval/activity_intent.jsonl; out of scope: those of eval/scope.jsonl labelled out_of_scope. eval/scope.jsonl holds
questions eight helpers wrote for it (w1–w8: in-scope and out-of-scope rounds, then look-alikes on both sides) and
the other messages of eval/activity_intent.jsonl, relabelled for scope by a ninth (those a reader could label
either way left out), then two more rounds of look-alikes by new writers (w9, w10). The same two views
as the activity-request model (`assistant/two_views.py`: logistic regressions on the e5 vector and on
character n-grams, their probabilities averaged). The e5 view's strength is chosen by cross-validation
grouped by writer (the id's prefix: a writer's phrasings never sit on both sides of a fold), on AUC. No
decision bar: the probability is an input of the answerability model (`python -m eval.calibrate`). Fixed
seed: two runs on the same data write the same file. The evaluation sets are never read here.
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

from train_safety import Views, compact, load_rows, strongest_by_auc, write_model  # noqa: E402

from assistant import scope  # noqa: E402
from assistant.two_views import training_sha256  # noqa: E402
from eval.safety_vectors import save, vectors  # noqa: E402

DATA = REPO / "eval" / "scope.jsonl"
ACTIVITY = REPO / "eval" / "activity_intent.jsonl"
OUT = REPO / "assistant" / "data" / scope.MODEL_FILE
# The questions' e5 vectors, stored (as for the safety questions: eval/safety_vectors.py), so that retraining and
# its test encode only new or edited questions.
VECTORS = REPO / "eval" / "scope_vectors.npz"
SEED = 0
VECTOR_C = (3.0, 10.0, 30.0, 100.0)
# The n-gram view's strength: 10 and 30 gave writer-grouped AUCs within 0.001 of each other on the first rounds of data.
TEXT_C = 10.0


# Activity rounds whose other messages were not relabelled for scope: their requests alone would teach the model that
# any request naming a class is in scope (round aie, twenty-eighth session: with its 150 requests, « un atelier de
# jardinage pour des CE2 sur la coopération ? » read in scope enough to lose its notice on « jardinage », and the
# answerability weights were calibrated on the model without them).
NOT_RELABELLED = frozenset({"aie"})


def training_rows(data: Path = DATA, activity: Path = ACTIVITY) -> list[dict[str, Any]]:
    """The scope questions, then the activity requests as in-scope questions (their writers' ids kept: the
    other messages of that file, labelled for scope, are in eval/scope.jsonl under the same writers), but for
    the rounds in NOT_RELABELLED."""
    rows = load_rows(data)
    requests = [{"id": r["id"], "text": r["text"], "label": "in_scope"} for r in load_rows(activity)
                if r["label"] == "activity" and writer(r["id"]) not in NOT_RELABELLED]
    return rows + requests


def writer(row_id: str) -> str:
    """The writer round of a row: its id up to the last dash (« w3-0012 » → « w3 »)."""
    return row_id.rsplit("-", 1)[0]


def train(rows: list[dict[str, Any]], X: np.ndarray, seed: int = SEED) -> dict[str, Any]:
    """Choose the e5 view's strength by writer-grouped cross-validation, then fit on every row."""
    texts = [r["text"] for r in rows]
    y = np.array([r["label"] == "in_scope" for r in rows])
    auc, c, oof, auc_by_c = strongest_by_auc(X, texts, y, [writer(r["id"]) for r in rows], VECTOR_C, TEXT_C, seed)
    model = Views(c, TEXT_C).fit(X, texts, y)
    return {
        **model.two_view_json(0.5),
        "meta": {"training_data": ["eval/scope.jsonl", "eval/activity_intent.jsonl (activity requests)"],
                 "training_sha256": training_sha256(rows),
                 "n_in_scope": int(y.sum()), "n_out_of_scope": int((~y).sum()), "seed": seed,
                 "cv_by_writer": {"auc": compact(auc), "in_scope_read_in": compact(float((oof[y] >= 0.5).mean())),
                                  "out_of_scope_read_out": compact(float((oof[~y] < 0.5).mean())),
                                  "auc_by_c": auc_by_c}},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = training_rows(args.data)
    t0 = time.perf_counter()
    texts = [r["text"] for r in rows]
    X, n_new = vectors(texts, VECTORS)
    if args.data == DATA:  # the stored vectors are the shipped data's, not an experiment's
        save(texts, X, VECTORS)
    model = train(rows, X)
    write_model(args.out, model)
    meta, cv = model["meta"], model["meta"]["cv_by_writer"]
    print(f"{len(rows)} questions ({meta['n_in_scope']} in scope; {n_new} encoded now) · {time.perf_counter() - t0:.1f} s · "
          f"C={model['C']}")
    print(f"cross-validated by writer: AUC {cv['auc']:.3f}, in scope read in {cv['in_scope_read_in']:.3f}, "
          f"out of scope read out {cv['out_of_scope_read_out']:.3f} (AUC by C: {cv['auc_by_c']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
