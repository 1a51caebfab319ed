"""Train the document-type model shipped in assistant/data/doc_types.json.

    python scripts/train_doc_types.py [--data eval/doc_type_questions.jsonl] [--out assistant/data/doc_types.json]

A multinomial logistic regression (scikit-learn, exported as plain weights) from the multilingual-e5-small query
vector of a question to the type of the document that answers it (`assistant/doc_type_model.py`). The questions were
written for it by five helpers who saw neither the evaluation sets nor this code: ids `t…` as teachers, `f…` as
trainers and support staff, `n…` as newcomers (288 each, four to eight per document of the bundled library), `c…`
as teachers conducting a session (240: how to run any session, which a guide answers, against the steps of one
activity, which its sheet answers, and what a colleague did, which a write-up tells), and `s…` by a fifth (thirty-fifth
session, 200: handling situations that come up in a session — a debrief where nobody talks, a pupil who cries or answers
« je sais pas », a parent who objects —, 130 answered by a guide, 40 look-alikes by one sheet, 30 by a write-up). The
regularisation strength is chosen by cross-validation across writers (trained on three, measured on the fourth); fixed
solver and tolerance: two runs on the same data write the same file. The evaluation sets are never read here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from train_skills import fit_multinomial, run  # noqa: E402

from assistant import doc_type_model  # noqa: E402
from assistant.vocabulary import DOC_TYPES  # noqa: E402

DATA = REPO / "eval" / "doc_type_questions.jsonl"
OUT = REPO / "assistant" / "data" / doc_type_model.MODEL_FILE
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)


def writer(row: dict[str, Any]) -> str:
    """Who wrote a question: its id's letter (`t`, `f`, `n`, `c`)."""
    return str(row["id"])[0]


def train(rows: list[dict[str, Any]], X: np.ndarray, c_grid: tuple[float, ...] = C_GRID, data: Path = DATA) -> dict[str, Any]:
    """Choose C among `c_grid` by cross-validation across writers (best top-1, then the smallest C), then fit on
    every row."""
    unknown = sorted({r["doc_type"] for r in rows} - set(DOC_TYPES))
    if unknown:
        raise SystemExit(f"{data}: unknown doc_type(s) {unknown}; use one of {sorted(DOC_TYPES)}")
    return fit_multinomial(rows, X, sorted({r["doc_type"] for r in rows}), [r["doc_type"] for r in rows],
                           np.array([writer(r) for r in rows]), c_grid, data)


def main() -> None:
    run(__doc__.split("\n\n")[0], DATA, OUT, train)


if __name__ == "__main__":
    main()
