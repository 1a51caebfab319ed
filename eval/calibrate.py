"""Calibrate abstention: is anything retrieved about the question? Signals measured per question through
the real retrieval: lexical coverage of the question by the best passages, the e5 cosine of the best
passage, and whether the question asks for an activity. A standardised logistic regression over them is
cross-validated on the gold set and the fresh split pooled (the fresh split's typed, paraphrasing
questions are what the gold set lacks); the operating point keeps wrongly abstained answerable questions
under the target in cross-validation. Per-set figures at that point are printed too.

    python -m eval.calibrate [--max-false 0.05] [--store DIR]

Prints AUCs and the chosen weights (to copy into assistant/settings.py, ABSTENTION_WEIGHTS)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import numpy as np

from assistant.settings import Settings
from eval.gold import DEFAULT_SET, load_gold


def features(assistant: Any, questions: list[str]) -> np.ndarray:
    """Relevance.features() for each question, as the assistant computes them."""
    rows = []
    for q in questions:
        rows.append(list(assistant._retrieve(q, q, None, "hybrid").relevance.features()))
    return np.asarray(rows, dtype=np.float64)


def labelled(path: Path) -> tuple[list[str], np.ndarray]:
    """Stand-alone questions of a set: answerable (1) or out of corpus (0); follow-ups and danger questions left out."""
    items = [i for i in load_gold(path) if i.kind in ("answerable", "out_of_corpus") and not i.follow_up_of and not i.control]
    return [i.question for i in items], np.asarray([1 if i.kind == "answerable" else 0 for i in items])


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores))


def operating_point(scores: np.ndarray, labels: np.ndarray, max_false: float) -> tuple[float, float, float]:
    """The highest threshold whose wrongly-abstained share stays ≤ max_false: (threshold, recall, false)."""
    best = (float(scores.min()) - 1e-6, 0.0, 0.0)
    for t in np.unique(scores):
        false = float(np.mean(scores[labels == 1] < t))
        if false <= max_false:
            recall = float(np.mean(scores[labels == 0] < t))
            best = (float(t), recall, false)
    return best


def fit(x: np.ndarray, y: np.ndarray) -> tuple[Any, np.ndarray]:
    """A standardised, regularised logistic regression, and its 5-fold cross-validated scores."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1))
    cv = cross_val_predict(model, x, y, cv=StratifiedKFold(5, shuffle=True, random_state=0), method="decision_function")
    return model.fit(x, y), cv


def raw_weights(model: Any, threshold: float) -> list[float]:
    """The fitted model in the features' own units, its bias shifted by the threshold: answer when
    w · features + bias ≥ 0 (what assistant/settings.py ABSTENTION_WEIGHTS holds)."""
    scaler, logistic = model[0], model[1]
    w = logistic.coef_[0] / scaler.scale_
    bias = float(logistic.intercept_[0] - np.sum(logistic.coef_[0] * scaler.mean_ / scaler.scale_)) - threshold
    return [round(float(v), 4) for v in w] + [round(bias, 4)]


@click.command()
@click.option("--sets", "set_paths", multiple=True, type=click.Path(path_type=Path),
              default=[DEFAULT_SET, DEFAULT_SET.parent / "fresh.yaml"], show_default=True)
@click.option("--max-false", default=0.05, show_default=True, help="Largest share of answerable questions refused.")
@click.option("--store", type=click.Path(path_type=Path), help="Evaluation store (default: beside the main store).")
def main(set_paths: tuple[Path, ...], max_false: float, store: Path | None) -> None:
    """Cross-validated abstention calibration over the pooled sets."""
    from assistant.core import Assistant

    base = Settings()
    settings = base.model_copy(update={"store": store or base.store.parent / "eval-store"})
    assistant = Assistant.from_settings(settings)
    parts = []
    for path in set_paths:
        questions, labels = labelled(path)
        parts.append((path, features(assistant, questions), labels))
    x = np.vstack([p[1] for p in parts])
    y = np.concatenate([p[2] for p in parts])
    model, cv = fit(x, y)
    threshold, recall, false = operating_point(cv, y, max_false)
    report: dict[str, Any] = {
        "sets": {str(path): {"answerable": int(lab.sum()), "out_of_corpus": int((1 - lab).sum())} for path, _, lab in parts},
        "auc": {"coverage": auc(x[:, 0], y), "dense": auc(x[:, 1], y), "combined_cv": auc(cv, y)},
        "operating_point": {"threshold": threshold, "cv_abstention_recall": recall, "cv_false_abstention": false},
        "settings_weights": raw_weights(model, threshold),
    }
    start = 0
    for path, feats, labels in parts:
        scores = cv[start:start + len(labels)]
        start += len(labels)
        report[f"cv_{path.stem}"] = {"auc": auc(scores, labels),
                                     "abstention_recall": float(np.mean(scores[labels == 0] < threshold)),
                                     "false_abstention": float(np.mean(scores[labels == 1] < threshold))}
    click.echo(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
