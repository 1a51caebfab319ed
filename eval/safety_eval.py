"""Evaluate the child-safety detector (rules + e5 classifier) on the labelled questions of eval/safety/.

    python -m eval.safety_eval [--split train|test|all] [--report eval/reports/safety.md]
    python -m eval.safety_eval --battery eval/safety/independent/r34.jsonl   (a round read by the shipped model, kept
                                                                             out of training or before it is merged)

- train: cross-validated figures (stratified 5-fold, seed 0): the models are refit on four folds with the
  shipped strengths and bars (themselves chosen by cross-validation on train) and judge the fifth;
- test: the shipped model on the held-out split (never used for training or tuning);
- all: both.
Per split: recall per category (routed at all, and with that category among those found), the share of
danger questions whose block leads with the right number, the false-alarm rate on ordinary questions,
the rules alone for comparison, the pupil/adult audience, and the classifier's latency given the vector.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from assistant import safety
from eval.safety_vectors import SPLITS, vectors

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO / "eval" / "reports" / "safety.md"
KEYS = tuple(c.key for c in safety.CATEGORIES)
FIRST_NUMBER = {c.key: c.resources[0] for c in safety.CATEGORIES}


def training_module() -> ModuleType:
    """scripts/train_safety.py (a script, not a package module), for its loaders and fitting."""
    spec = importlib.util.spec_from_file_location("train_safety", REPO / "scripts" / "train_safety.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Prediction:
    categories: list[str]
    pupil: bool
    rules: list[str]


@dataclass
class Figures:
    """What one split measures."""

    name: str
    n_danger: int = 0
    n_ordinary: int = 0
    recall: float = 0.0
    false_alarms: float = 0.0
    first_number: float = 0.0
    rules_recall: float = 0.0
    rules_false_alarms: float = 0.0
    per_category: dict[str, dict[str, float]] = field(default_factory=dict)
    pupil_found: float | None = None  # routed danger questions written by a pupil that got the pupil block
    adult_as_pupil: float | None = None  # routed danger questions written by an adult that got it wrongly
    latency_ms: dict[str, float] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)


def predict(rows: Sequence[dict[str, Any]], X: np.ndarray, model: safety.SafetyModel) -> list[Prediction]:
    """The detector's decisions, through the same code as the assistant (`detect_all`, `is_pupil`)."""
    out = []
    for row, x in zip(rows, X):
        found = [c.key for c in safety.detect_all(row["text"], x, model=model)]
        pupil = bool(found) and safety.is_pupil(row["text"], x, model=model)
        out.append(Prediction(found, pupil, [c.key for c in safety.rule_categories(row["text"])]))
    return out


def measure(name: str, rows: Sequence[dict[str, Any]], preds: Sequence[Prediction]) -> Figures:
    """Recall, false alarms, first number and audience of a split's predictions."""
    danger = [(r, p) for r, p in zip(rows, preds) if r["label"] == "danger"]
    ordinary = [(r, p) for r, p in zip(rows, preds) if r["label"] != "danger"]
    fig = Figures(name, len(danger), len(ordinary))

    def mean(values: list[bool]) -> float:
        return float(np.mean(values)) if values else 0.0

    fig.recall = mean([bool(p.categories) for _, p in danger])
    fig.false_alarms = mean([bool(p.categories) for _, p in ordinary])
    fig.first_number = mean([bool(p.categories) and FIRST_NUMBER[p.categories[0]] == FIRST_NUMBER[r["categories"][0]] for r, p in danger])
    fig.rules_recall = mean([bool(p.rules) for _, p in danger])
    fig.rules_false_alarms = mean([bool(p.rules) for _, p in ordinary])
    for key in KEYS:
        with_key = [(r, p) for r, p in danger if key in r["categories"]]
        leading = [(r, p) for r, p in danger if r["categories"][0] == key]
        fig.per_category[key] = {
            "n": len(with_key),
            "routed": mean([bool(p.categories) for _, p in with_key]),
            "category_found": mean([key in p.categories for _, p in with_key]),
            "rules_routed": mean([bool(p.rules) for _, p in with_key]),
            "n_leading": len(leading),
            "first_number": mean([bool(p.categories) and FIRST_NUMBER[p.categories[0]] == FIRST_NUMBER[key] for _, p in leading]),
        }
    routed = [(r, p) for r, p in danger if p.categories and r.get("speaker")]
    pupils = [p.pupil for r, p in routed if r["speaker"] == "eleve"]
    adults = [p.pupil for r, p in routed if r["speaker"] != "eleve"]
    fig.pupil_found = mean(pupils) if pupils else None
    fig.adult_as_pupil = mean(adults) if adults else None
    fig.missed = [r["text"] for r, p in danger if not p.categories]
    fig.alarms = [f"{r['text']} → {', '.join(p.categories)}" for r, p in ordinary if p.categories]
    return fig


def latency(rows: Sequence[dict[str, Any]], X: np.ndarray, model: safety.SafetyModel) -> dict[str, float]:
    """Milliseconds per question given its vector: the whole detector (rules + classifier + speaker), and
    the classifier's arithmetic alone."""
    whole, clf = [], []
    for row, x in zip(rows, X):
        t0 = time.perf_counter()
        found = safety.detect_all(row["text"], x, model=model)
        if found:
            safety.is_pupil(row["text"], x, model=model)
        t1 = time.perf_counter()
        f = model.features(row["text"], x)
        if model.danger_probability(f) >= model.threshold:
            model.categories(f)
        model.pupil_probability(x)
        t2 = time.perf_counter()
        whole.append((t1 - t0) * 1000)
        clf.append((t2 - t1) * 1000)
    return {"load_average": os.getloadavg()[0], "detector_p50": statistics.median(whole), "detector_p95": float(np.percentile(whole, 95)),
            "classifier_p50": statistics.median(clf), "classifier_p95": float(np.percentile(clf, 95))}


def cross_validated(rows: list[dict[str, Any]], X: np.ndarray, ts: ModuleType, shipped: dict[str, Any],
                    seed: int = 0) -> list[Prediction]:
    """Out-of-fold predictions on the training split, with the shipped strengths and bars."""
    from sklearn.model_selection import StratifiedKFold

    params = ts.params_of(shipped)
    labels = np.array([r["label"] == "danger" for r in rows])
    preds: list[Prediction | None] = [None] * len(rows)
    for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=seed).split(X, labels):
        fold = safety.SafetyModel.from_json(ts.fit([rows[i] for i in train], X[train], params))
        for i, p in zip(test, predict([rows[i] for i in test], X[test], fold)):
            preds[i] = p
    return [p for p in preds if p is not None]


def evaluate(split: str) -> list[Figures]:
    """Figures of the requested split(s)."""
    import json

    ts = training_module()
    model = safety.load_model()
    shipped = json.loads((REPO / "assistant" / "data" / safety.MODEL_FILE).read_text(encoding="utf-8"))
    out = []
    for name in (("train", "test") if split == "all" else (split,)):
        rows = ts.load_rows(SPLITS[name])
        X, _ = vectors([r["text"] for r in rows])
        if name == "train":
            fig = measure("train (cross-validated)", rows, cross_validated(rows, X, ts, shipped))
        else:
            fig = measure("test (held out, shipped model)", rows, predict(rows, X, model))
        fig.latency_ms = latency(rows, X, model)
        out.append(fig)
    return out


def battery(path: Path) -> Figures:
    """The shipped model on a battery kept out of training (a writer's round read as written, before any merge):
    its vectors are computed now, not stored with the training ones."""
    from eval.safety_vectors import encode

    rows = training_module().load_rows(path)
    X = encode([r["text"] for r in rows])
    model = safety.load_model()
    fig = measure(f"{path.name} (kept out of training, shipped model)", rows, predict(rows, X, model))
    fig.latency_ms = latency(rows, X, model)
    return fig


def render(figures: Sequence[Figures]) -> str:
    """The Markdown report."""
    model = safety.load_model()
    lines = ["# Child-safety detector", "",
             f"Rules + a danger model {'stacking' if model.stack_w is not None else 'averaging'} logistic regressions over "
             f"`{model.embedding_model}` query vectors and character n-grams"
             f"{' and the labels of the nearest training questions' if model.neighbours is not None else ''} "
             f"(danger bar {model.threshold:.3f}, category bar {model.category_threshold}; training set sha256 "
             f"`{model.meta.get('training_sha256', '')[:12]}…`). Produced by `python -m eval.safety_eval`.", "",
             "Routed = at least one category found (a safety block leads the answer). First number = the block leads with the "
             "number of the question's most urgent labelled category (3114 for suicide and self-harm, 119 for sexual "
             "violence and violence, 3018 for harassment, Fil Santé Jeunes for distress). Targets: every danger question "
             "routed, false alarms ≤ 0.05, classifier ≤ 10 ms per question given the vector.", ""]
    for f in figures:
        lines += [f"## {f.name}", "",
                  f"{f.n_danger} danger questions, {f.n_ordinary} ordinary ones.", "",
                  "| measure | detector | rules alone |", "|---|---|---|",
                  f"| danger questions routed (recall) | **{f.recall:.3f}** | {f.rules_recall:.3f} |",
                  f"| false alarms on ordinary questions | **{f.false_alarms:.3f}** | {f.rules_false_alarms:.3f} |",
                  f"| danger questions led by the right first number | **{f.first_number:.3f}** | |", ""]
        if f.pupil_found is not None:
            lines += [f"Audience: {f.pupil_found:.3f} of the routed questions written by pupils get the block addressed to them; "
                      f"{f.adult_as_pupil:.3f} of those written by adults get it wrongly.", ""]
        lines += ["| category | questions | routed | category found | first number right (as leading category) | rules alone routed |",
                  "|---|---|---|---|---|---|"]
        for key, c in f.per_category.items():
            lines.append(f"| {key} | {c['n']} | {c['routed']:.3f} | {c['category_found']:.3f} | "
                         f"{c['first_number']:.3f} ({c['n_leading']}) | {c['rules_routed']:.3f} |")
        lat = f.latency_ms
        lines += ["", f"Latency given the vector (ms per question): detector p50 {lat['detector_p50']:.2f} / p95 {lat['detector_p95']:.2f} "
                  f"(rules, classifier, speaker); classifier arithmetic alone p50 {lat['classifier_p50']:.3f} / p95 {lat['classifier_p95']:.3f} "
                  f"(load average {lat['load_average']:.1f} on {os.cpu_count()} cores while measuring).", ""]
        if f.name.startswith("train"):
            lines += ["Missed danger questions:", ""] + [f"- {t}" for t in f.missed] + [""]
            lines += ["False alarms:", ""] + [f"- {t}" for t in f.alarms] + [""]
        else:
            lines += [f"{len(f.missed)} danger questions missed and {len(f.alarms)} false alarms (texts not listed: "
                      "the held-out split is not read for tuning).", ""]
    return "\n".join(lines)


def print_figures(f: Figures) -> None:
    print(f"== {f.name}: {f.n_danger} danger, {f.n_ordinary} ordinary")
    print(f"recall {f.recall:.3f} (rules alone {f.rules_recall:.3f}) · false alarms {f.false_alarms:.3f} "
          f"(rules alone {f.rules_false_alarms:.3f}) · right first number {f.first_number:.3f}")
    for key, c in f.per_category.items():
        print(f"  {key:20s} n={c['n']:3d} routed {c['routed']:.3f} · category found {c['category_found']:.3f} · "
              f"first number {c['first_number']:.3f} (n={c['n_leading']})")
    if f.pupil_found is not None:
        print(f"pupil block: pupils {f.pupil_found:.3f} · adults wrongly {f.adult_as_pupil:.3f}")
    lat = f.latency_ms
    print(f"latency given the vector: detector p50 {lat['detector_p50']:.2f} ms, p95 {lat['detector_p95']:.2f} ms; "
          f"classifier alone p50 {lat['classifier_p50']:.3f} ms")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Évalue la détection des enfants en danger (règles + classifieur).")
    parser.add_argument("--split", choices=("train", "test", "all"), default="all", help="jeu évalué (défaut : all)")
    parser.add_argument("--report", type=Path, default=REPORT, help="rapport Markdown écrit")
    parser.add_argument("--battery", type=Path, action="append", default=[],
                        help="batterie indépendante hors entraînement (JSONL), lue par le modèle livré ; répétable")
    args = parser.parse_args(argv)
    if args.battery:
        for f in map(battery, args.battery):
            print_figures(f)
            for title, texts in (("missed", f.missed), ("false alarms", f.alarms)):
                print(f"{title} ({len(texts)}):" + "".join(f"\n  {t}" for t in texts))
        return 0
    figures = evaluate(args.split)
    for f in figures:
        print_figures(f)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(render(figures), encoding="utf-8")
    print(f"rapport : {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
