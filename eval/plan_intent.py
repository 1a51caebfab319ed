"""Plan-request recognition measured on eval/dev_plan_intent.yaml: intent accuracy per label, false plans
on ordinary questions, and the accuracy of the fields the planner is filled with.

    python -m eval.plan_intent            # figures for the dev and test parts
    python -m eval.plan_intent --failures # also the dev part's failures (never the test part's)
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.planning import intent
from assistant.vocabulary import fold

DEFAULT_SET = Path(__file__).with_name("dev_plan_intent.yaml")
LABELS = ("progression", "workshop", "question")
FIELDS = ("level", "sessions", "minutes", "audience", "theme")

Parsed = intent.ProgressionRequest | intent.WorkshopRequest | None


def load(path: Path = DEFAULT_SET) -> list[dict[str, Any]]:
    """The labelled messages, each with its `split` (dev or test)."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [it for it in items if isinstance(it, dict) and it.get("text")]


def label_of(req: Parsed) -> str:
    if isinstance(req, intent.ProgressionRequest):
        return "progression"
    if isinstance(req, intent.WorkshopRequest):
        return "workshop"
    return "question"


def field_ok(name: str, expected: Any, req: Parsed) -> bool:
    """Whether the parsed request carries the expected field (words compared folded)."""
    if isinstance(req, intent.ProgressionRequest):
        if name == "level":
            return fold(str(expected)) in [fold(p.strip()) for p in req.level.split(",")]
        if name == "sessions":
            return "sessions" not in req.defaults and req.sessions == expected
        if name == "minutes":
            return "minutes" not in req.defaults and req.minutes == expected
        if name == "theme":
            return fold(str(expected)) in fold(" ".join(req.competences))
    if isinstance(req, intent.WorkshopRequest):
        if name == "minutes":
            return "minutes" not in req.defaults and req.minutes == expected
        if name == "audience":
            return fold(str(expected)) in fold(req.public).replace("-", " ").split() or fold(str(expected)) in fold(req.public)
        if name == "theme":
            return "theme" not in req.defaults and fold(str(expected)) in fold(req.theme)
    return False


@dataclass
class Score:
    n: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    fields_n: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    fields_ok: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    failures: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(self.right.values()) / max(1, sum(self.n.values()))

    @property
    def false_plans(self) -> float:
        """Share of ordinary questions turned into a plan."""
        return 1 - self.right["question"] / max(1, self.n["question"])

    @property
    def field_accuracy(self) -> float:
        return sum(self.fields_ok.values()) / max(1, sum(self.fields_n.values()))


def score(items: list[dict[str, Any]], parse: Callable[[str], Parsed] = intent.parse) -> Score:
    """Intent and field accuracy of `parse` over `items`; fields count only when the intent is right."""
    out = Score()
    for it in items:
        req = parse(it["text"])
        got = label_of(req)
        out.n[it["label"]] += 1
        if got != it["label"]:
            out.failures.append(f"{it['label']:>11} → {got:<11} {it['text']}")
            continue
        out.right[got] += 1
        for name in FIELDS:
            if name in it:
                out.fields_n[name] += 1
                if field_ok(name, it[name], req):
                    out.fields_ok[name] += 1
                else:
                    out.failures.append(f"{name:>11} ≠ {it[name]!s:<11} {it['text']}  → {req}")
    return out


def report(name: str, s: Score) -> str:
    per_label = "  ".join(f"{lab} {s.right[lab]}/{s.n[lab]} ({s.right[lab] / max(1, s.n[lab]):.3f})" for lab in LABELS)
    per_field = "  ".join(f"{f} {s.fields_ok[f]}/{s.fields_n[f]}" for f in FIELDS if s.fields_n[f])
    return (f"{name}: intent accuracy {s.accuracy:.3f} ({sum(s.right.values())}/{sum(s.n.values())})  "
            f"false plans on questions {s.false_plans:.3f}\n  {per_label}\n"
            f"  fields {s.field_accuracy:.3f}: {per_field}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", type=Path, default=DEFAULT_SET)
    ap.add_argument("--failures", action="store_true", help="list the dev part's failures")
    args = ap.parse_args(argv)
    items = load(args.set)
    for part in ("dev", "test"):
        s = score([it for it in items if it.get("split") == part])
        print(report(part, s))
        if args.failures and part == "dev":
            print("\n".join("    " + f for f in s.failures))


if __name__ == "__main__":
    main()
