"""The feedback store: answers, ratings, content gaps and their CSV exports (no browser, no model)."""

from __future__ import annotations

import csv
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.feedback import FeedbackStore


def _answer(question: str, abstained: bool = False) -> dict:
    return {
        "question": question,
        "answer": "Je n'ai pas trouvé de réponse." if abstained else "Réponse [1].",
        "mode": "extractive",
        "abstained": abstained,
        "citations": [] if abstained else [
            {"n": 1, "source": "corpus/seances/x.md", "title": "Fiche X", "doc_type": "seance",
             "locator": "§ Déroulement", "snippet": "Le passage cité.", "chunk_id": "abc"},
        ],
        "safety": None,
        "timings_ms": {},
    }


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_answer_then_feedback_then_export(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    first = store.record_answer("Comment animer une séance ?", _answer("Comment animer une séance ?"), abstained=False)
    second = store.record_answer("Et le matériel ?", _answer("Et le matériel ?"), abstained=False)
    store.record_feedback(first, -1, "  Il manquait la durée.  ")
    store.record_feedback(second, 1)

    row = store.get(first)
    assert row is not None and row["rating"] == -1 and row["comment"] == "Il manquait la durée."
    assert row["asked_at"] and row["rated_at"]

    n = store.export_csv(tmp_path / "out" / "feedback.csv")
    rows = _read_csv(tmp_path / "out" / "feedback.csv")
    assert n == len(rows) == 2
    assert rows[0]["question"] == "Comment animer une séance ?"
    assert rows[0]["rating"] == "👎" and rows[0]["comment"] == "Il manquait la durée."
    assert "[1] Fiche X (corpus/seances/x.md, § Déroulement)" in rows[0]["sources"]
    assert rows[1]["rating"] == "👍" and rows[1]["comment"] == ""
    # Nothing personal: only what the user typed, the answer and times.
    assert set(rows[0]) == {"id", "asked_at", "question", "answer", "sources", "abstained", "rating", "comment", "rated_at"}


def test_new_rating_replaces_old_and_keeps_comment(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite")
    aid = store.record_answer("q", _answer("q"), abstained=False)
    store.record_feedback(aid, -1, "trop long")
    store.record_feedback(aid, 1)
    row = store.get(aid)
    assert row is not None and row["rating"] == 1 and row["comment"] == "trop long"


def test_invalid_rating_and_unknown_answer(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite")
    aid = store.record_answer("q", _answer("q"), abstained=False)
    with pytest.raises(ValueError):
        store.record_feedback(aid, 5)
    with pytest.raises(KeyError):
        store.record_feedback(aid + 100, 1)


def test_abstentions_listed_as_content_gaps(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite")
    for q in ["Quel est le budget 2031 ?", "Quel est le budget 2031 ?", "Qui a gagné le match ?"]:
        store.record_answer(q, _answer(q, abstained=True), abstained=True)
    store.record_answer("Une vraie question", _answer("Une vraie question"), abstained=False)

    gaps = store.list_unanswered()
    assert [g["question"] for g in gaps] == ["Quel est le budget 2031 ?", "Qui a gagné le match ?"]
    assert gaps[0]["times_asked"] == 2

    n = store.export_unanswered_csv(tmp_path / "gaps.csv")
    rows = _read_csv(tmp_path / "gaps.csv")
    assert n == 2 and rows[0]["question"] == "Quel est le budget 2031 ?" and rows[0]["times_asked"] == "2"


def test_answer_json_string_accepted(tmp_path: Path) -> None:
    import json

    store = FeedbackStore(tmp_path / "f.sqlite")
    aid = store.record_answer("q", json.dumps(_answer("q")), abstained=False)
    row = store.get(aid)
    assert row is not None and json.loads(row["citations"])[0]["source"] == "corpus/seances/x.md"


def test_concurrent_writers(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite")
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            aid = store.record_answer(f"question {i}", _answer(f"question {i}"), abstained=i % 2 == 0)
            store.record_feedback(aid, 1 if i % 3 else -1, f"commentaire {i}")
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.export_csv(tmp_path / "all.csv") == 20
    assert len(store.list_unanswered()) == 10


def test_cli_feedback_export(tmp_path: Path) -> None:
    from assistant.cli import main

    store_dir = tmp_path / "store"
    store = FeedbackStore(store_dir / "feedback.sqlite")
    store.record_answer("Sans réponse ?", _answer("Sans réponse ?", abstained=True), abstained=True)
    store.record_answer("Avec réponse", _answer("Avec réponse"), abstained=False)

    runner = CliRunner()
    result = runner.invoke(main, ["feedback", "export", "--store", str(store_dir), "-o", str(tmp_path / "a.csv")])
    assert result.exit_code == 0, result.output
    assert "2 ligne(s)" in result.output
    result = runner.invoke(main, ["feedback", "export", "--unanswered", "--store", str(store_dir), "-o", str(tmp_path / "b.csv")])
    assert result.exit_code == 0, result.output
    assert _read_csv(tmp_path / "b.csv")[0]["question"] == "Sans réponse ?"
