"""Train the skill model shipped in assistant/data/skills.json.

    python scripts/train_skills.py [--data eval/skill_requests.jsonl] [--out assistant/data/skills.json]

A multinomial logistic regression (scikit-learn, exported as plain weights so that only numpy runs in the
assistant) from the multilingual-e5-small query vector of an activity request to the CPS competence it is
about (`assistant/vocabulary.py`: nine competences). The training requests were written for it by four helpers
(ids `sk-…`, `sk2-…`, `sk3-…` and `sk4-…`, 450, 450, 448 and 450; the second wrote shorter, chattier requests, the
third 50 per competence with hard boundaries between neighbouring ones, the fourth the same from more speakers, most
without the skill's usual words) who saw neither the evaluation sets nor the
library; most describe a class situation without naming the skill (« ils se chamaillent pour un
rien et viennent me voir vingt fois par jour »). The regularisation strength is chosen by cross-validation across
writers (trained on one, measured on the other: what a new writer's requests will meet); fixed seed: two runs on
the same data write the same file. The evaluation sets are never read here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut, RepeatedStratifiedKFold

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from train_safety import NGRAM_RANGE, compact, load_rows, vectorizer, write_model  # noqa: E402

from assistant import skill_model  # noqa: E402
from assistant.char_ngrams import CharNgrams  # noqa: E402
from assistant.two_views import training_sha256  # noqa: E402
from assistant.vocabulary import COMPETENCE_BY_KEY, COMPETENCES  # noqa: E402
from eval.safety_vectors import encode  # noqa: E402

DATA = REPO / "eval" / "skill_requests.jsonl"
OUT = REPO / "assistant" / "data" / skill_model.MODEL_FILE
SEED = 0
C_GRID = (3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
# The n-gram view (thirty-fifth session): words the e5 vector blurs (« perdre », « tricher », « bouder ») read on their
# own. A fifth writer who drew hard boundaries on purpose, read by models trained on the first four: top-1 0.653 (e5
# alone) → 0.724 (the two views' mean); across all five writers, one out, 0.787 → 0.873.
TEXT_C_GRID = (3.0, 10.0, 30.0, 100.0)


def _fit(X: np.ndarray, y: np.ndarray, c: float) -> LogisticRegression:
    # Fitted to a tight tolerance: weakly regularised, the default one stops on a path that the e5 engine's float
    # noise between CPUs moves (probabilities up to 0.1 apart), where a converged fit moves by 0.003.
    return LogisticRegression(C=c, max_iter=100000, tol=1e-8).fit(X, y)


def _fit_text(T: Any, y: np.ndarray, c: float) -> LogisticRegression:
    # The n-grams carry none of the e5 engine's float noise between CPUs; the tolerance only keeps the file stable.
    return LogisticRegression(C=c, max_iter=100000, tol=1e-6).fit(T, y)


def writer(row: dict[str, Any]) -> str:
    """Who wrote a request: its id's prefix (`sk`, `sk2`)."""
    return str(row["id"]).rsplit("-", 1)[0]


Folds = list[tuple[np.ndarray, np.ndarray]]
Reading = list[tuple[np.ndarray, np.ndarray]]  # per fold: the classes seen in training, the test rows' probabilities


def _folds(X: np.ndarray, y: np.ndarray, seed: int, groups: np.ndarray | None) -> Folds:
    """(train, test) rows: across writers when `groups` holds several, else repeated stratified 5-fold."""
    return list(LeaveOneGroupOut().split(X, y, groups) if groups is not None and len(set(groups)) > 1
                else RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=seed).split(X, y))


def _e5_reading(X: np.ndarray, y: np.ndarray, c: float, folds: Folds) -> Reading:
    """The e5 view at `c`, fitted on each fold's training rows, read on its test rows."""
    models = [_fit(X[train], y[train], c) for train, _ in folds]
    return [(model.classes_, model.predict_proba(X[test])) for model, (_, test) in zip(models, folds)]


def _with_text(reading: Reading, y: np.ndarray, texts: Sequence[str], text_c: float, folds: Folds) -> Reading:
    """The two views' mean: `reading` (the e5 view's) averaged with the n-gram view at `text_c`, fitted on each fold."""
    out: Reading = []
    for (classes, proba), (train, test) in zip(reading, folds):
        vec = vectorizer().fit([texts[i] for i in train])
        text_model = _fit_text(vec.transform([texts[i] for i in train]), y[train], text_c)
        assert list(text_model.classes_) == list(classes)
        out.append((classes, (proba + text_model.predict_proba(vec.transform([texts[i] for i in test]))) / 2))
    return out


def cross_validated(y: np.ndarray, reading: Reading, folds: Folds) -> dict[str, float]:
    """Out-of-fold top-1 and top-2 accuracy of a reading (the competence read is the first, or among the first two)."""
    top1, top2, n = 0, 0, 0
    for (classes, proba), (_, test) in zip(reading, folds):
        ranked = classes[np.argsort(-proba, axis=1)]
        top1 += int((ranked[:, 0] == y[test]).sum())
        top2 += int((ranked[:, :2] == y[test][:, None]).any(axis=1).sum())
        n += len(test)
    return {"top1": top1 / n, "top2": top2 / n}


def train(rows: list[dict[str, Any]], X: np.ndarray, seed: int = SEED, c_grid: tuple[float, ...] = C_GRID,
          data: Path = DATA, text_c_grid: tuple[float, ...] = TEXT_C_GRID) -> dict[str, Any]:
    """Choose the e5 view's C among `c_grid` by cross-validation across writers (best top-1, then the smallest C), then
    the n-gram view's among `text_c_grid` (best top-1 of the two views' mean, then the smallest), and fit both on every
    row."""
    keys = [c.key for c in COMPETENCES]
    unknown = sorted({r["competences"][0] for r in rows} - set(COMPETENCE_BY_KEY))
    if unknown:
        raise SystemExit(f"{data}: unknown competence key(s) {unknown}; use one of {keys}")
    return fit_multinomial(rows, X, keys, [r["competences"][0] for r in rows], np.array([writer(r) for r in rows]),
                           c_grid, data, seed, text_c_grid=text_c_grid)


def fit_multinomial(rows: list[dict[str, Any]], X: np.ndarray, keys: list[str], labels: list[str], groups: np.ndarray,
                    c_grid: tuple[float, ...], data: Path, seed: int = SEED,
                    text_c_grid: tuple[float, ...] = ()) -> dict[str, Any]:
    """A shipped multinomial model (assistant/multinomial.py) over `keys`: C chosen among `c_grid` by cross-validation
    across the writers in `groups` (best top-1, then the smallest C), then fitted on every row; a key no row is
    labelled with is never read. With `text_c_grid`, an n-gram view too, its C chosen the same way for the two views'
    mean. Shared by this script and train_doc_types.py (e5 view only)."""
    y = np.array([keys.index(label) for label in labels])
    folds = _folds(X, y, seed, groups)
    readings = {c: _e5_reading(X, y, c, folds) for c in c_grid}
    trials = {c: cross_validated(y, readings[c], folds) for c in c_grid}
    for c, scores in trials.items():
        print(f"C={c:<5} top-1 {scores['top1']:.3f}  top-2 {scores['top2']:.3f}")
    best = max(c_grid, key=lambda c: (round(trials[c]["top1"], 3), -c))
    model = _fit(X, y, best)
    meta: dict[str, Any] = {"C": best, "cross_validated": trials[best],
                            "folds": "one writer out" if len(set(groups)) > 1 else "stratified 5-fold, twice",
                            "writers": sorted(set(groups)), "rows": len(rows), "seed": seed, "training_sha256": training_sha256(rows),
                            "data": str(data.resolve().relative_to(REPO)) if data.resolve().is_relative_to(REPO) else str(data)}
    out = {"keys": keys, "w": [compact(w) for w in _per_key(model, len(keys))],
           "b": compact(_bias_per_key(model, len(keys))), "meta": meta}
    if text_c_grid:
        texts = [r["text"] for r in rows]
        # the e5 view's out-of-fold reading at the chosen C, averaged with each n-gram strength's
        text_trials = {c: cross_validated(y, _with_text(readings[best], y, texts, c, folds), folds) for c in text_c_grid}
        for c, scores in text_trials.items():
            print(f"two views, n-gram C={c:<5} top-1 {scores['top1']:.3f}  top-2 {scores['top2']:.3f}")
        text_c = max(text_c_grid, key=lambda c: (round(text_trials[c]["top1"], 3), -c))
        vec = vectorizer().fit(texts)
        text_model = _fit_text(vec.transform(texts), y, text_c)
        features = CharNgrams(NGRAM_RANGE, {g: int(i) for g, i in vec.vocabulary_.items()}, vec.idf_)
        out["text"] = {"features": features.to_json(), "C": text_c,
                       "w": compact(_per_key(text_model, len(keys))),
                       "b": compact(_bias_per_key(text_model, len(keys)))}
        meta.update({"text_C": text_c, "cross_validated_two_views": text_trials[text_c]})
    return out


def _per_key(model: LogisticRegression, n_keys: int) -> np.ndarray:
    """A fitted model's weights, one row per key (zeros for a key no row is labelled with)."""
    weights = np.zeros((n_keys, model.coef_.shape[1]), dtype=np.float64)
    for row, cls in enumerate(model.classes_):
        weights[cls] = model.coef_[row]
    return weights


def _bias_per_key(model: LogisticRegression, n_keys: int) -> np.ndarray:
    bias = np.full(n_keys, -30.0)  # a class with no training row is never read
    for row, cls in enumerate(model.classes_):
        bias[cls] = model.intercept_[row]
    return bias


def run(description: str, data: Path, out: Path, fit: Callable[..., dict[str, Any]]) -> None:
    """The command line of a multinomial model's training script (this one, train_doc_types.py): read `--data`, encode,
    `fit(rows, X, data=…)`, write `--out`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=data)
    parser.add_argument("--out", type=Path, default=out)
    args = parser.parse_args()
    rows = load_rows(args.data)
    model = fit(rows, encode([r["text"] for r in rows]), data=args.data)
    write_model(args.out, model)
    meta = model["meta"]
    print(f"{args.out}: C={meta['C']}, cross-validated ({meta['folds']}) {meta['cross_validated']}")


def main() -> None:
    run(__doc__.split("\n\n")[0], DATA, OUT, train)


if __name__ == "__main__":
    main()
