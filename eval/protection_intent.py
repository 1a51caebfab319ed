"""How the shipped protection-procedure model (assistant/protection_intent.py) reads the held-out split, written by
a helper who saw no training row: recall of the general questions on protecting a child, and false alarms on the
questions that share their words but that the protection guide should not answer (sessions on harassment or body
safety, first aid naming the 15, the programme's figures).

    python -m eval.protection_intent [--set eval/protection_intent_test.jsonl]   (~15 s)
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant import protection_intent
from eval.safety_vectors import encode

HELD_OUT = Path(__file__).resolve().parent / "protection_intent_test.jsonl"


def read_split(path: Path) -> tuple[list[dict[str, Any]], np.ndarray]:
    """The split's rows and the model's probabilities for them (each question encoded now)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    X = encode([r["text"] for r in rows])
    model = protection_intent.load_model()
    return rows, np.array([model.probability(r["text"], x) for r, x in zip(rows, X)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=HELD_OUT)
    args = parser.parse_args(argv)
    rows, p = read_split(args.set)
    bar = protection_intent.load_model().threshold
    y = np.array([r["label"] == "procedure" for r in rows])
    fired = p >= bar
    print(f"{args.set.name}: {int(y.sum())} questions on the procedure, {int((~y).sum())} others · bar {bar:.3f}")
    print(f"recall {fired[y].mean():.3f} ({int(fired[y].sum())}/{int(y.sum())}) · false alarms {fired[~y].mean():.3f} "
          f"({int(fired[~y].sum())}/{int((~y).sum())})")
    for r, q, f in zip(rows, p, fired):
        if f != (r["label"] == "procedure"):
            print(f"  {'missed' if not f else 'false alarm'} {q:.2f} {r['id']}: {r['text']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
