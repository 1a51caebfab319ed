"""Answers given in the UI and what users thought of them, in one SQLite file of the store.

Only what the user typed is kept (question, optional comment) with the answer, its citations and
the time: no user name, address or session id. Abstained answers are the corpus's content gaps.
Rows older than `feedback_retention_days` are deleted; `feedback_enabled=false` writes nothing at all.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.settings import Settings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    answer_json TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    rating INTEGER,
    comment TEXT,
    rated_at TEXT
);
CREATE INDEX IF NOT EXISTS answers_abstained ON answers (abstained);
"""

EXPORT_COLUMNS = ["id", "asked_at", "question", "answer", "sources", "abstained", "rating", "comment", "rated_at"]
UNANSWERED_COLUMNS = ["question", "times_asked", "first_asked", "last_asked"]
RATINGS = {1: "👍", -1: "👎"}


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")


PURGE_EVERY_S = 24 * 3600  # a long-running server applies the retention once a day


class FeedbackStore:
    """Records answers and ratings; safe to use from the UI's worker threads (one connection per call).

    `enabled=False` turns it into a no-op that creates no file; `retention_days` deletes older rows
    at start-up and then at most once a day, when an answer is recorded."""

    def __init__(self, path: Path, enabled: bool = True, retention_days: int | None = None) -> None:
        self.path = Path(path)
        self.enabled = enabled
        self.retention_days = retention_days
        self._purged_at = 0.0
        if not enabled:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)
        self.purge_expired()

    @classmethod
    def from_settings(cls, settings: Settings) -> FeedbackStore:
        """The store's feedback log as the settings configure it (on/off, retention)."""
        return cls(settings.store / "feedback.sqlite", settings.feedback_enabled, settings.feedback_retention_days)

    def purge_expired(self) -> int:
        """Delete the rows asked more than `retention_days` ago; returns how many were deleted."""
        self._purged_at = time.monotonic()
        if not self.enabled or not self.retention_days:
            return 0
        with self._connect() as db:
            # asked_at is local time (see _now), hence 'localtime' on SQLite's side too.
            cur = db.execute("DELETE FROM answers WHERE asked_at < datetime('now', 'localtime', ?)",
                             (f"-{int(self.retention_days)} days",))
            return cur.rowcount

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # A fresh connection per call: sqlite3 connections must not cross threads, and the UI
        # answers several users at once. WAL lets readers (exports) run beside writers.
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.row_factory = sqlite3.Row
            with db:
                yield db
        finally:
            db.close()

    def record_answer(self, question: str, answer_json: dict[str, Any] | str, abstained: bool) -> int | None:
        """Store one answer (the `Answer.to_json()` object); returns its id for later feedback (None when
        the log is turned off)."""
        if not self.enabled:
            return None
        if time.monotonic() - self._purged_at > PURGE_EVERY_S:
            self.purge_expired()
        data = json.loads(answer_json) if isinstance(answer_json, str) else answer_json
        citations = [
            {k: c.get(k) for k in ("n", "source", "title", "locator")} for c in data.get("citations", [])
        ]
        with self._connect() as db:
            cur = db.execute(
                "INSERT INTO answers (asked_at, question, answer, citations, answer_json, abstained) VALUES (?, ?, ?, ?, ?, ?)",
                (_now(), question, data.get("answer", ""), json.dumps(citations, ensure_ascii=False),
                 json.dumps(data, ensure_ascii=False), int(bool(abstained))),
            )
            return int(cur.lastrowid or 0)

    def record_feedback(self, answer_id: int, rating: int, comment: str | None = None) -> None:
        """Rate an answer (1 = 👍, -1 = 👎) with an optional comment; a new rating replaces the previous one."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be 1 or -1, not {rating!r}")
        if not self.enabled:
            return
        comment = (comment or "").strip() or None
        with self._connect() as db:
            cur = db.execute(
                "UPDATE answers SET rating = ?, comment = COALESCE(?, comment), rated_at = ? WHERE id = ?",
                (rating, comment, _now(), answer_id),
            )
            if cur.rowcount == 0:
                raise KeyError(f"no answer with id {answer_id}")

    def get(self, answer_id: int) -> dict[str, Any] | None:
        """One stored answer as a dict (used by tests and exports)."""
        if not self.enabled:
            return None
        with self._connect() as db:
            row = db.execute("SELECT * FROM answers WHERE id = ?", (answer_id,)).fetchone()
        return dict(row) if row else None

    def list_unanswered(self) -> list[dict[str, Any]]:
        """Questions the assistant abstained on, grouped by question text, most asked first."""
        if not self.enabled:
            return []
        with self._connect() as db:
            rows = db.execute(
                "SELECT question, COUNT(*) AS times_asked, MIN(asked_at) AS first_asked, MAX(asked_at) AS last_asked "
                "FROM answers WHERE abstained = 1 GROUP BY question ORDER BY times_asked DESC, last_asked DESC"
            ).fetchall()
        return [dict(r) for r in rows]

    def export_csv(self, path: Path) -> int:
        """Every answer with its sources and rating, as CSV; returns the number of rows written."""
        rows: list[sqlite3.Row] = []
        if self.enabled:
            with self._connect() as db:
                rows = db.execute("SELECT * FROM answers ORDER BY id").fetchall()
        out = []
        for r in rows:
            sources = "; ".join(
                f"[{c['n']}] {c['title']} ({c['source']}{', ' + c['locator'] if c.get('locator') else ''})"
                for c in json.loads(r["citations"])
            )
            out.append({
                "id": r["id"], "asked_at": r["asked_at"], "question": r["question"], "answer": r["answer"],
                "sources": sources, "abstained": r["abstained"], "rating": RATINGS.get(r["rating"], ""),
                "comment": r["comment"] or "", "rated_at": r["rated_at"] or "",
            })
        return _write_csv(path, EXPORT_COLUMNS, out)

    def export_unanswered_csv(self, path: Path) -> int:
        """The content gaps (see `list_unanswered`) as CSV; returns the number of rows written."""
        return _write_csv(path, UNANSWERED_COLUMNS, self.list_unanswered())


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> int:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # utf-8-sig: spreadsheet software on French desktops then shows accents correctly.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
