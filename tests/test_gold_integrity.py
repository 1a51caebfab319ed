"""The gold set, the fresh splits and the development sets are sound: their sources exist in the bundled corpus and each key fact is stated,
verbatim (accent- and case-insensitive), in the text our loaders extract from its source."""

from __future__ import annotations

from functools import lru_cache

import pytest

from eval.gold import AUDIENCES, load_gold, quick_subset
from eval.metrics import norm
from ingest.clean import clean_sections
from ingest.loaders import PAGED, load
from tests.conftest import REPO

GOLD = load_gold()
# The fresh splits, written by others without seeing the gold set, and the abstention development sets must be as sound.
SETS = {"gold": GOLD, **{name: load_gold(REPO / "eval" / f"{name}.yaml") for name in ("fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "dev_abstention", "dev_abstention2")}}


@lru_cache(maxsize=None)
def source_text(source: str) -> str:
    path = REPO / source
    loaded = load(path)
    sections = clean_sections(loaded.sections, paged=path.suffix.lower() in PAGED)
    # What the store keeps of a document: its title, the heading path of each passage, the text.
    parts = [loaded.title or ""] + [" ".join(s.heading_path) + "\n" + s.text for s in sections]
    return norm("\n".join(parts))


def test_gold_set_size_and_shape() -> None:
    kinds = [i.kind for i in GOLD]
    assert kinds.count("answerable") >= 120
    assert kinds.count("out_of_corpus") >= 20
    assert kinds.count("sensitive") >= 12
    assert {i.audience for i in GOLD} == set(AUDIENCES)
    assert all(i.safety_category and i.expected_resources for i in GOLD if i.kind == "sensitive")
    assert all(not i.expected_sources for i in GOLD if i.kind == "out_of_corpus")
    quick = quick_subset(GOLD)
    assert {i.follow_up_of for i in quick if i.follow_up_of} <= {i.id for i in quick}


@pytest.mark.parametrize("item", [i for items in SETS.values() for i in items if i.expected_sources],
                         ids=[f"{name}:{i.id}" for name, items in SETS.items() for i in items if i.expected_sources])
def test_sources_exist_and_state_the_key_facts(item) -> None:  # type: ignore[no-untyped-def]
    for source in item.expected_sources:
        assert (REPO / source).is_file(), f"{item.id}: {source} is not in the corpus"
    texts = " ".join(source_text(s) for s in item.expected_sources)
    for fact in item.key_facts:
        assert norm(fact) in texts, f"{item.id}: key fact « {fact} » not found in {item.expected_sources}"
