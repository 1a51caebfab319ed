"""How the danger model's three views are best combined, measured for new writers on the training split only.

    python -m eval.safety_combiners [--seed 0]

Cross-validation by writer round (the id prefix: `r13a-`, `p4-`…; a round is never on both sides of a fold, so the
neighbours' vote cannot lean on a same-writer paraphrase): out-of-fold views (`Views.danger_views`, the shipped
strength), then, at the bar that keeps false alarms at MAX_FALSE_ALARMS and at 5 %, the recall of
- the mean of the three views' probabilities (the model before the stacker);
- the stacker, itself cross-validated by writer over those views.
Also the shipped protocol applied to new writers: combiner and bar fitted on ordinary stratified out-of-fold views
(as `scripts/train_safety.py` does), then judged on the by-writer views. The held-out split is never read.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence

import numpy as np

from assistant import safety
from eval.safety_eval import training_module
from eval.safety_vectors import SPLITS, vectors


def writer_round(row_id: str) -> str:
    """The round a labelled question comes from: its id without the running number."""
    return re.sub(r"\d+$", "", row_id)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare les façons de combiner les vues du modèle de danger (validation croisée par rédacteur).")
    parser.add_argument("--seed", type=int, default=0, help="graine des découpages (défaut : 0)")
    args = parser.parse_args(argv)
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict

    ts = training_module()
    rows = ts.load_rows(SPLITS["train"])
    texts = [r["text"] for r in rows]
    X, _ = vectors(texts)
    y = np.array([r["label"] == "danger" for r in rows])
    rules = np.array([bool(safety.rule_categories(t)) for t in texts])
    groups = [writer_round(r["id"]) for r in rows]
    c = json.loads(ts.OUT.read_text(encoding="utf-8"))["danger"]["C"]
    by_writer = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=args.seed)

    grouped = np.zeros((len(rows), 3))
    for train, test in by_writer.split(X, y, groups):
        model = ts.Views(c, neighbours=True).fit(X[train], [texts[i] for i in train], y[train])
        grouped[test] = model.danger_views(X[test], [texts[i] for i in test])
    stratified = ts.danger_oof(X, texts, y, c, args.seed, repeats=1)

    def mean(V: np.ndarray) -> np.ndarray:
        return (1 / (1 + np.exp(-V[:, 0])) + 1 / (1 + np.exp(-V[:, 1])) + V[:, 2]) / 3

    def show(name: str, bar_on: np.ndarray, judged: np.ndarray) -> None:
        for max_fa in (ts.MAX_FALSE_ALARMS, 0.05):
            fired = rules | (judged >= ts.lowest_threshold(bar_on, rules, y, max_fa))
            print(f"{name:58s} bar at {max_fa:.0%} FA: recall {fired[y].mean():.3f}, false alarms {fired[~y].mean():.3f}")

    stacked = cross_val_predict(ts.stacker(), grouped, y, groups=groups, cv=by_writer, method="predict_proba")[:, 1]
    print(f"{len(rows)} questions, {len(set(groups))} writer rounds, danger C={c}")
    show("by writer: mean of the views", mean(grouped), mean(grouped))
    show("by writer: stacker", stacked, stacked)
    combiner = ts.stacker().fit(stratified, y)
    show("shipped protocol on new writers: mean of the views", mean(stratified), mean(grouped))
    show("shipped protocol on new writers: stacker", ts.stacked_oof(stratified, y, args.seed),
         combiner.predict_proba(grouped)[:, 1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
