"""Train the model shipped in assistant/data/protection_intent.json (does a question ask, in general, how to protect a
child — what to do when a child confides something, whom to alert, how a report or a helpline works?).

    python scripts/train_protection_intent.py [--data eval/protection_intent.jsonl]   (~2 min)

Rows: ordinary (no child in danger) questions of the safety set eval/safety/train.jsonl — written to share the
vocabulary of danger: sessions on harassment, body safety, helplines, reporting — the 1,534 closest in meaning to
the protection guide's question and 250 others, relabelled one by one by four helpers who read the guide first
(« procedure »: the guide is what should answer it; « other »: anything else); then the questions of the scope and
activity-request sets (eval/scope.jsonl, eval/activity_intent.jsonl: the programme, training, school
administration, sessions), 599 of them relabelled one by one by two more helpers (those the first model read above
0.3 or that name a helpline, a report, a disclosure, violence…), the other 2,663 taken as « other »; then a round by
a new writer (p2: 299 questions, half of them terse — « crip c quoi », « art 40 profs ? » —, read by the model before
it at recall 0.640 and 2.7 % false alarms). The same two views as the scope and activity-request models (`assistant/two_views.py`), the
e5 view's strength chosen by cross-validation grouped by writer round (the id without its number). The decision
bar is the lowest that keeps cross-validated false alarms — questions read as procedure that are not — at or
under FALSE_ALARMS: a false alarm answers a question with the protection guide instead of its own document, a miss
only leaves the ordinary ranking. At 2 % the model trained with round p2 answered the gold set's « Dans l'interview
de la formatrice, qu'est-ce qu'elle cherche à transmettre aux enseignants ? » from the guide; at 1 % no dev question
the library answers is misread. The held-out split (eval/protection_intent_test.jsonl, by a writer who saw no other row) is
never read here: `python -m eval.protection_intent` measures it. Fixed seed: two runs write the same file.
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

from assistant import protection_intent  # noqa: E402
from assistant.two_views import training_sha256  # noqa: E402
from eval.safety_combiners import writer_round  # noqa: E402
from eval.safety_vectors import save, vectors  # noqa: E402

DATA = REPO / "eval" / "protection_intent.jsonl"
OUT = REPO / "assistant" / "data" / protection_intent.MODEL_FILE
# The questions' e5 vectors, stored (as for the safety questions: eval/safety_vectors.py), so that retraining and
# its test encode only new or edited questions.
VECTORS = REPO / "eval" / "protection_intent_vectors.npz"
SEED = 0
VECTOR_C = (1.0, 3.0, 10.0, 30.0)
TEXT_C = 10.0
FALSE_ALARMS = 0.01


def bar_at(oof: np.ndarray, y: np.ndarray, false_alarms: float = FALSE_ALARMS) -> float:
    """The lowest decision bar whose false-alarm rate on the out-of-fold probabilities stays ≤ `false_alarms`."""
    negatives = np.sort(oof[~y])[::-1]
    allowed = int(np.floor(false_alarms * len(negatives)))
    return float(negatives[allowed]) + 1e-6 if allowed < len(negatives) else 0.0


def train(rows: list[dict[str, Any]], X: np.ndarray, seed: int = SEED) -> dict[str, Any]:
    """Choose the e5 view's strength (writer-grouped AUC) and the bar, then fit on every row."""
    texts = [r["text"] for r in rows]
    y = np.array([r["label"] == "procedure" for r in rows])
    auc, c, oof, auc_by_c = strongest_by_auc(X, texts, y, [writer_round(r["id"]) for r in rows], VECTOR_C, TEXT_C, seed)
    bar = bar_at(oof, y)
    model = Views(c, TEXT_C).fit(X, texts, y)
    return {
        **model.two_view_json(bar),
        "meta": {"training_data": ["eval/protection_intent.jsonl"], "training_sha256": training_sha256(rows),
                 "n_procedure": int(y.sum()), "n_other": int((~y).sum()), "seed": seed,
                 "cv_by_writer": {"auc": compact(auc), "recall": compact(float((oof[y] >= bar).mean())),
                                  "false_alarms": compact(float((oof[~y] >= bar).mean())),
                                  "auc_by_c": auc_by_c}},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = load_rows(args.data)
    t0 = time.perf_counter()
    texts = [r["text"] for r in rows]
    X, n_new = vectors(texts, VECTORS)
    if args.data == DATA:  # the stored vectors are the shipped data's, not an experiment's
        save(texts, X, VECTORS)
    model = train(rows, X)
    write_model(args.out, model)
    meta, cv = model["meta"], model["meta"]["cv_by_writer"]
    print(f"{len(rows)} questions ({meta['n_procedure']} procedure; {n_new} encoded now) · {time.perf_counter() - t0:.1f} s · "
          f"C={model['C']} · bar {model['threshold']:.3f}")
    print(f"cross-validated by writer: AUC {cv['auc']:.3f}, recall {cv['recall']:.3f} at false alarms {cv['false_alarms']:.3f} "
          f"(AUC by C: {cv['auc_by_c']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
