"""An ingestion killed mid-way (kill -9, Ctrl-C) leaves the store answering from its last committed
state, and the next run completes the work without re-embedding what was already stored."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.store import Store
from ingest.pipeline import ingest
from tests.conftest import FAKE_MODEL, REPO


def _many_docs(root: Path, n: int, word: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        paragraphs = "\n\n".join(f"Paragraphe {j} du document {i} sur {word} : " + " ".join([word] * 40) for j in range(6))
        (root / f"doc{i:03d}.md").write_text(f"# Document {i}\n\n{paragraphs}\n", encoding="utf-8")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_interrupted_ingestion_is_consistent_then_resumes(tmp_path: Path, fake_embeddings, sig: signal.Signals) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(store=tmp_path / "store", embedding_model=FAKE_MODEL)
    docs = tmp_path / "docs"
    _many_docs(docs, 3, "coopération")
    ingest([docs], settings, fake_embeddings)
    committed = {c.id for c in Store(settings.store).read_chunks()}

    _many_docs(docs, 60, "respiration")  # rewrites the 3 documents and adds 57: several batches to embed
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.slow_ingest", str(settings.store), str(docs)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    batches = 0
    for line in proc.stdout:
        if line.startswith("BATCH"):
            batches += 1
            if batches == 2:
                proc.send_signal(sig)
                break
    proc.wait(timeout=60)
    assert proc.returncode != 0, "the run was interrupted before it could finish"

    # Queries are answered from the last committed snapshot: the old chunks, all still in Chroma.
    store = Store(settings.store)
    assert {c.id for c in store.read_chunks()} == committed
    vectors = store.vector_store(fake_embeddings, FAKE_MODEL)
    stored_ids = set(vectors.get(include=[])["ids"])
    assert committed <= stored_ids
    assert len(stored_ids - committed) >= 128, "the batches embedded before the kill are kept"
    lexical = store.read_lexical()
    assert lexical is not None and lexical.size == len(committed)
    assert lexical.scores("document 2").max() > 0

    report = ingest([docs], settings, fake_embeddings)
    assert report.ok and len(report.added) == 57 and len(report.updated) == 3
    assert report.chunks_embedded <= report.chunks_total - 128, "work done before the kill is not redone"
    final = {c.id for c in store.read_chunks()}
    assert set(vectors.get(include=[])["ids"]) == final
    assert store.read_lexical().scores("document 42").max() > 0
