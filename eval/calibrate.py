"""Calibrate abstention: is anything retrieved about the question? Signals measured per question through
the real retrieval: lexical coverage of the question by the best passages, the e5 cosine of the best
passage, its margin over the next passages, whether the question asks for an activity, and whether (and how many of) its
nouns are words the library never uses (assistant/nouns.py), and how much less the question is about the
programme's subjects than the library is (assistant/scope.py). Questions the asked-fact check declines (their
kind of answer is in no best passage: assistant/asked_fact.py) are declined whatever the score: the
model is fitted on the others, and counts them as declined when choosing the operating point. A
standardised logistic regression over them is cross-validated on the gold set, the fresh split and the two abstention
development sets pooled (the fresh split's typed, paraphrasing questions are what the gold set lacks; the development sets
hold near-domain questions the library does not answer); fresh2 stays out, as a held-out check; the operating point keeps wrongly abstained answerable questions
under the target in cross-validation. Per-set figures at that point are printed too.

    python -m eval.calibrate [--max-false 0.02] [--store DIR] [--guard ../shared/datasets/piaf/piaf-v1.0.json]

With --guard, answerable questions over another library (PIAF's Wikipedia paragraphs) join the fit and
bound the operating point: a cosine bar that only this library's questions clear would refuse 40 % of them.

Prints AUCs and the chosen weights (to copy into assistant/settings.py, ABSTENTION_WEIGHTS)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import numpy as np

from assistant.settings import Settings
from eval.gold import DEFAULT_SET, load_gold


def features(assistant: Any, questions: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Relevance.features() for each question, as the assistant computes them, and whether the
    asked-fact check declines it."""
    rows, vetoed = [], []
    for q in questions:
        relevance = assistant._retrieve(q, q, None, "hybrid").relevance
        rows.append(list(relevance.features()))
        vetoed.append(relevance.missing is not None)
    return np.asarray(rows, dtype=np.float64), np.asarray(vetoed, dtype=bool)


def labelled(path: Path) -> tuple[list[str], np.ndarray]:
    """Stand-alone questions of a set: answerable (1) or out of corpus (0); follow-ups and danger questions left out."""
    items = [i for i in load_gold(path) if i.kind in ("answerable", "out_of_corpus") and not i.follow_up_of and not i.control]
    return [i.question for i in items], np.asarray([1 if i.kind == "answerable" else 0 for i in items])


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores))


def operating_point(scores: np.ndarray, labels: np.ndarray, max_false: float,
                    guard: np.ndarray | None = None, guard_max_false: float = 0.10) -> tuple[float, float, float]:
    """The highest threshold whose wrongly-abstained share stays ≤ max_false on the labelled sets and
    ≤ guard_max_false on the `guard` scores (answerable questions over another library):
    (threshold, recall, false), recall and false counting vetoed questions as declined."""
    finite = scores[np.isfinite(scores)]
    t0 = float(finite.min()) - 1e-6
    best = (t0, float(np.mean(scores[labels == 0] < t0)), float(np.mean(scores[labels == 1] < t0)))
    for t in np.unique(finite):
        false = float(np.mean(scores[labels == 1] < t))
        if false <= max_false and (guard is None or float(np.mean(guard < t)) <= guard_max_false):
            recall = float(np.mean(scores[labels == 0] < t))
            best = (float(t), recall, false)
    return best


def fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None, strata: np.ndarray | None = None) -> tuple[Any, np.ndarray]:
    """A standardised, regularised logistic regression, and its 5-fold cross-validated scores (folds
    stratified on `strata`, default the labels; rows weighted by `weight`)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def model() -> Any:
        return make_pipeline(StandardScaler(), LogisticRegression(C=0.1))

    weight = np.ones(len(y)) if weight is None else weight
    cv = np.zeros(len(y))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y if strata is None else strata):
        cv[test] = model().fit(x[train], y[train], logisticregression__sample_weight=weight[train]).decision_function(x[test])
    return model().fit(x, y, logisticregression__sample_weight=weight), cv


def raw_weights(model: Any, threshold: float) -> list[float]:
    """The fitted model in the features' own units, its bias shifted by the threshold: answer when
    w · features + bias ≥ 0 (what assistant/settings.py ABSTENTION_WEIGHTS holds)."""
    scaler, logistic = model[0], model[1]
    w = logistic.coef_[0] / scaler.scale_
    bias = float(logistic.intercept_[0] - np.sum(logistic.coef_[0] * scaler.mean_ / scaler.scale_)) - threshold
    return [round(float(v), 4) for v in w] + [round(bias, 4)]


@click.command()
@click.option("--sets", "set_paths", multiple=True, type=click.Path(path_type=Path),
              default=[DEFAULT_SET, DEFAULT_SET.parent / "fresh.yaml", DEFAULT_SET.parent / "dev_abstention.yaml",
                       DEFAULT_SET.parent / "dev_abstention2.yaml"], show_default=True)
@click.option("--max-false", default=0.02, show_default=True, help="Largest share of answerable questions refused.")
@click.option("--store", type=click.Path(path_type=Path), help="Evaluation store (default: beside the main store).")
@click.option("--guard", "guard_path", type=click.Path(path_type=Path, exists=True),
              help="A SQuAD-format set (PIAF) over another library: its answerable questions join the fit (weight "
                   "--guard-weight) and the operating point keeps their wrongly-abstained share ≤ --max-false too.")
@click.option("--guard-sample", default=400, show_default=True)
@click.option("--guard-weight", default=0.5, show_default=True)
@click.option("--guard-max-false", default=0.10, show_default=True,
              help="Largest share of the guard's answerable questions refused (the asked-fact check alone refuses "
                   "about 6 % of PIAF's: its kinds of answer are read on another library's passages).")
def main(set_paths: tuple[Path, ...], max_false: float, store: Path | None, guard_path: Path | None,
         guard_sample: int, guard_weight: float, guard_max_false: float) -> None:
    """Cross-validated abstention calibration over the pooled sets."""
    from assistant.core import Assistant

    base = Settings()
    settings = base.model_copy(update={"store": store or base.store.parent / "eval-store"})
    assistant = Assistant.from_settings(settings)
    parts = []
    for path in set_paths:
        questions, labels = labelled(path)
        feats, vetoed = features(assistant, questions)
        parts.append((path, feats, labels, vetoed))
    x = np.vstack([p[1] for p in parts])
    y = np.concatenate([p[2] for p in parts])
    veto = np.concatenate([p[3] for p in parts])
    n_own = len(y)
    weight, strata = np.ones(n_own), y.copy()
    if guard_path is not None:
        from eval.squad import sample_questions, squad_store

        guard_settings, retriever, squad_questions, _ = squad_store(base.model_copy(update={"store": base.store.parent / "eval-squad"}), guard_path)
        guard_questions = [q for q, _, _ in sample_questions(squad_questions, guard_sample, last=True)]
        g_feats, g_veto = features(Assistant(guard_settings, retriever), guard_questions)
        x, y, veto = np.vstack([x, g_feats]), np.concatenate([y, np.ones(len(g_feats), dtype=int)]), np.concatenate([veto, g_veto])
        weight = np.concatenate([weight, np.full(len(g_feats), guard_weight)])
        strata = np.concatenate([strata, np.full(len(g_feats), 2)])
    model, kept_cv = fit(x[~veto], y[~veto], weight[~veto], strata[~veto])
    all_cv = np.full(len(y), -np.inf)  # a vetoed question is declined whatever its score
    all_cv[~veto] = kept_cv
    cv, guard_cv = all_cv[:n_own], (all_cv[n_own:] if guard_path is not None else None)
    threshold, recall, false = operating_point(cv, y[:n_own], max_false, guard_cv, guard_max_false)
    y, x = y[:n_own], x[:n_own]
    report: dict[str, Any] = {
        "sets": {str(path): {"answerable": int(lab.sum()), "out_of_corpus": int((1 - lab).sum()),
                             "vetoed_answerable": int((vet & (lab == 1)).sum()), "vetoed_out_of_corpus": int((vet & (lab == 0)).sum())}
                 for path, _, lab, vet in parts},
        "auc": {"coverage": auc(x[:, 0], y), "dense": auc(x[:, 1], y), "margin": auc(x[:, 2], y),
                "combined_cv_unvetoed": auc(cv[np.isfinite(cv)], y[np.isfinite(cv)])},
        "operating_point": {"threshold": threshold, "cv_abstention_recall": recall, "cv_false_abstention": false},
        "settings_weights": raw_weights(model, threshold),
    }
    if guard_cv is not None:
        report["cv_guard"] = {"set": str(guard_path), "questions": int(len(guard_cv)), "vetoed": int(np.sum(~np.isfinite(guard_cv))),
                              "false_abstention": float(np.mean(guard_cv < threshold))}
    start = 0
    for path, _, labels, _ in parts:
        scores = cv[start:start + len(labels)]
        start += len(labels)
        report[f"cv_{path.stem}"] = {"auc": auc(np.nan_to_num(scores, neginf=-1e9), labels),
                                     "abstention_recall": float(np.mean(scores[labels == 0] < threshold)),
                                     "false_abstention": float(np.mean(scores[labels == 1] < threshold))}
    click.echo(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
