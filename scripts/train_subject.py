"""Train the model shipped in assistant/data/subject.json: when a pupil writes about a child in danger, is that
child the writer, or another child (a friend, a sibling, a classmate) the writer worries about?

    python scripts/train_subject.py [--out assistant/data/subject.json]   (~1 min)

Rows: the danger questions of eval/safety/train.jsonl written by pupils (speaker « eleve »). The 469 of them that
mention another child were labelled by a helper who read each one (eval/safety/subject.jsonl: self, other or both);
the others are about the writer. Positive: « other » (the writer is a witness or a confidant); « self » and « both »
keep the block addressed to a child in danger. The same two views as the scope and activity-request models
(`assistant/two_views.py`), on the stored e5 vectors of the safety questions (eval/safety/vectors.npz). The bar is
chosen on out-of-fold probabilities grouped by writer round, on the rows that mention another child: the lowest at
which at most `MAX_SELF_AS_OTHER` of the writers in danger would be told to help a friend (the worse error).
eval/safety/subject_heldout.jsonl (200 messages another helper wrote, labelled by their writer) is measured after
the choice, never used for it. Fixed seed: two runs on the same data write the same file.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from train_safety import Views, compact, grouped_oof, load_rows, write_model  # noqa: E402

from assistant.two_views import training_sha256  # noqa: E402
from eval.safety_combiners import writer_round  # noqa: E402
from eval.safety_vectors import VECTORS as SAFETY_VECTORS  # noqa: E402
from eval.safety_vectors import save, vectors  # noqa: E402

SAFETY = REPO / "eval" / "safety" / "train.jsonl"
LABELS = REPO / "eval" / "safety" / "subject.jsonl"
HELDOUT = REPO / "eval" / "safety" / "subject_heldout.jsonl"
HELDOUT_VECTORS = REPO / "eval" / "safety" / "subject_heldout_vectors.npz"
OUT = REPO / "assistant" / "data" / "subject.json"
SEED = 0
# The scope model's strengths, not tuned here.
VECTOR_C = 10.0
TEXT_C = 10.0
MAX_SELF_AS_OTHER = 0.10


def training_rows(safety: Path = SAFETY, labels: Path = LABELS) -> list[dict[str, Any]]:
    """Pupils' danger questions with their subject (« self » unless the labels say otherwise) and whether they
    were labelled (they mention another child)."""
    subject = {r["id"]: r["subject"] for r in load_rows(labels)}
    return [{"id": r["id"], "text": r["text"], "subject": subject.get(r["id"], "self"), "labelled": r["id"] in subject}
            for r in load_rows(safety) if r["label"] == "danger" and r.get("speaker") == "eleve"]


def bar(prob: np.ndarray, other: np.ndarray, max_self: float = MAX_SELF_AS_OTHER) -> float:
    """The lowest decision bar at which at most `max_self` of the non-« other » rows read as « other »."""
    for t in np.round(np.arange(0.3, 0.951, 0.01), 2):
        if (prob[~other] >= t).mean() <= max_self:
            return float(t)
    return 0.95


def figures(prob: np.ndarray, other: np.ndarray, threshold: float) -> dict[str, float]:
    return {"auc": compact(float(roc_auc_score(other, prob))), "other_read_other": compact(float((prob[other] >= threshold).mean())),
            "self_read_other": compact(float((prob[~other] >= threshold).mean()))}


def train(rows: list[dict[str, Any]], X: np.ndarray, heldout: list[dict[str, Any]] | None = None,
          heldout_X: np.ndarray | None = None, seed: int = SEED) -> dict[str, Any]:
    """Fit on every row; the bar and the cross-validated figures come from writer-grouped out-of-fold probabilities."""
    texts = [r["text"] for r in rows]
    y = np.array([r["subject"] == "other" for r in rows])
    oof = grouped_oof(X, texts, y, [writer_round(r["id"]) for r in rows], VECTOR_C, TEXT_C, seed)
    mention = np.array([r["labelled"] for r in rows])
    threshold = bar(oof[mention], y[mention])
    model = Views(VECTOR_C, TEXT_C).fit(X, texts, y)
    meta: dict[str, Any] = {
        "training_data": ["eval/safety/train.jsonl (pupils' danger questions)", "eval/safety/subject.jsonl"],
        "training_sha256": training_sha256(rows), "seed": seed,
        "n": len(rows), "n_other": int(y.sum()), "n_labelled": int(mention.sum()),
        "cv_by_writer_mentioning_another": figures(oof[mention], y[mention], threshold),
        "cv_by_writer_all": figures(oof, y, threshold)}
    if heldout and heldout_X is not None:
        hy = np.array([r["subject"] == "other" for r in heldout])
        meta["heldout"] = {"n": len(heldout), **figures(model.predict(heldout_X, [r["text"] for r in heldout])[:, 0], hy, threshold)}
    return {**model.two_view_json(threshold), "meta": meta}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    rows = training_rows()
    X, n_new = vectors([r["text"] for r in rows], SAFETY_VECTORS)
    if n_new:
        raise SystemExit(f"{n_new} questions without a stored vector: python -m eval.safety_vectors")
    heldout = load_rows(HELDOUT)
    hX, _ = vectors([r["text"] for r in heldout], HELDOUT_VECTORS)
    save([r["text"] for r in heldout], hX, HELDOUT_VECTORS)
    model = train(rows, X, heldout, hX)
    write_model(args.out, model)
    meta = model["meta"]
    print(f"{meta['n']} pupils' danger questions ({meta['n_other']} about another child, {meta['n_labelled']} labelled) · "
          f"{time.perf_counter() - t0:.1f} s · bar {model['threshold']}")
    for key in ("cv_by_writer_mentioning_another", "cv_by_writer_all", "heldout"):
        print(f"{key}: {meta.get(key)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
