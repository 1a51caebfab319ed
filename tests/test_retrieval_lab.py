"""Unit tests of the retrieval lab's document ranking (eval/retrieval_lab.py): hand-made scores, no model."""

from __future__ import annotations

import numpy as np

from eval.retrieval_lab import Case, Library, Variant, rank_documents

# Three documents: A has two passages (0, 1), B one (2), C two (3, 4); C is a session sheet for cycle 2.
LIB = Library(sources=["a", "a", "b", "c", "c"], doc_index=np.array([0, 0, 1, 2, 2]), doc_names=["a", "b", "c"],
              cycles=[set(), set(), {2}], competences=[set(), set(), set()], doc_types=["guide", "autre", "seance"],
              profiles=np.eye(3, dtype=np.float32))


def _case(bm25: list[float], dense: list[float], **kw) -> Case:  # type: ignore[no-untyped-def]
    return Case(("a",), {"stored": np.array(bm25, dtype=np.float32)}, np.array(dense, dtype=np.float32),
                kw.get("cycles", ()), (), kw.get("doc_types", ()), np.array([1.0, 0.0, 0.0], dtype=np.float32))


def test_fusion_ranks_documents_by_their_best_passage() -> None:
    case = _case([0.0, 1.0, 3.0, 0.0, 0.0], [0.2, 0.6, 0.9, 0.1, 0.1])
    assert rank_documents(LIB, case, Variant(weight=0.5))[0] == "b"
    assert rank_documents(LIB, case, Variant(weight=0.5))[:3] == ["b", "a", "c"]


def test_second_passage_and_single_passage_documents() -> None:
    case = _case([2.0, 1.8, 2.1, 0.0, 0.0], [0.80, 0.78, 0.81, 0.1, 0.1])
    assert rank_documents(LIB, case, Variant(weight=0.5))[0] == "b"
    assert rank_documents(LIB, case, Variant(weight=0.5, second_share=0.3))[0] == "a"
    # B is whole in its one passage: it counts twice and keeps first place.
    assert rank_documents(LIB, case, Variant(weight=0.5, second_share=0.3, single_whole=True))[0] == "b"


def test_level_and_type_boosts_move_a_sheet_up() -> None:
    case = _case([2.0, 0.0, 0.0, 1.9, 0.0], [0.8, 0.1, 0.1, 0.79, 0.1], cycles=(2,), doc_types=("seance",))
    assert rank_documents(LIB, case, Variant(level_boost=0.0, level_penalty=0.0, doc_type_boost=0.0))[0] == "a"
    assert rank_documents(LIB, case, Variant())[0] == "c"


def test_the_skill_read_moves_a_sheet_on_that_competence_up() -> None:
    lib = Library(sources=LIB.sources, doc_index=LIB.doc_index, doc_names=LIB.doc_names, cycles=LIB.cycles,
                  competences=[{"gerer_stress"}, set(), {"communiquer"}], doc_types=LIB.doc_types, profiles=LIB.profiles)
    case = _case([2.0, 0.0, 0.0, 1.9, 0.0], [0.8, 0.1, 0.1, 0.79, 0.1])
    assert rank_documents(lib, case, Variant())[0] == "a"  # no reading: no boost
    read = Case(case.expected, case.bm25, case.dense, (), (), (), case.query_vec, {"communiquer": 0.9, "gerer_stress": 0.1})
    assert rank_documents(lib, read, Variant())[0] == "c"
    assert rank_documents(lib, read, Variant(skill_boost=0.0))[0] == "a"
    # only session sheets are lifted: a guide on the competence read stays where it was
    other = Case(case.expected, case.bm25, case.dense, (), (), (), case.query_vec, {"gerer_stress": 1.0})
    assert rank_documents(lib, other, Variant())[:2] == ["a", "c"]
