"""The gold set as data: questions, expected sources, key facts, abstention and safety expectations."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

KINDS = ("answerable", "out_of_corpus", "sensitive")
AUDIENCES = ("enseignant", "formateur", "nouvel_arrivant")
DEFAULT_SET = Path(__file__).resolve().parent / "gold.yaml"


@dataclass(frozen=True)
class GoldItem:
    id: str
    audience: str
    kind: str
    question: str
    expected_sources: tuple[str, ...] = ()
    key_facts: tuple[str, ...] = ()
    follow_up_of: str | None = None
    safety_category: str | None = None
    expected_resources: tuple[str, ...] = ()
    control: bool = field(default=False)  # an ordinary emotions/conflict question: must not raise a safety alarm


def load_gold(path: Path = DEFAULT_SET) -> list[GoldItem]:
    """Load and validate the gold set; a malformed item raises ValueError naming its id and field."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a YAML list of questions")
    items: list[GoldItem] = []
    seen: set[str] = set()
    for entry in raw:
        item_id = str(entry.get("id", "?"))
        for key in ("id", "audience", "kind", "question"):
            if not entry.get(key):
                raise ValueError(f"{path}: item {item_id}: missing field '{key}'")
        if entry["kind"] not in KINDS:
            raise ValueError(f"{path}: item {item_id}: kind must be one of {KINDS}")
        if entry["audience"] not in AUDIENCES:
            raise ValueError(f"{path}: item {item_id}: audience must be one of {AUDIENCES}")
        if item_id in seen:
            raise ValueError(f"{path}: duplicate id {item_id}")
        seen.add(item_id)
        items.append(GoldItem(
            id=item_id, audience=entry["audience"], kind=entry["kind"], question=str(entry["question"]),
            expected_sources=tuple(entry.get("expected_sources") or ()), key_facts=tuple(str(f) for f in entry.get("key_facts") or ()),
            follow_up_of=entry.get("follow_up_of"), safety_category=entry.get("safety_category"),
            expected_resources=tuple(str(r) for r in entry.get("expected_resources") or ()),
            control=item_id.startswith("c"),
        ))
    for item in items:
        if item.follow_up_of and item.follow_up_of not in seen:
            raise ValueError(f"{path}: item {item.id}: follow_up_of '{item.follow_up_of}' is not an id of the set")
    return items


def quick_subset(items: list[GoldItem], every: int = 3) -> list[GoldItem]:
    """A fixed subset for CI: every n-th answerable question (with the questions its follow-ups need),
    and every out-of-corpus, sensitive and control question."""
    by_id = {i.id: i for i in items}
    chosen: dict[str, GoldItem] = {}
    answerable = [i for i in items if i.kind == "answerable" and not i.control]
    for n, item in enumerate(answerable):
        if n % every == 0:
            if item.follow_up_of:
                chosen[item.follow_up_of] = by_id[item.follow_up_of]
            chosen[item.id] = item
    for item in items:
        if item.kind != "answerable" or item.control:
            chosen[item.id] = item
    return [i for i in items if i.id in chosen]
