"""An ingestion killed mid-way (kill -9, Ctrl-C) leaves the store answering from its last committed
state, and the next run completes the work without re-embedding what was already stored.

The result must not depend on how pytest was launched: a process started from a non-interactive
background shell (`make test &`, CI runners, nohup) inherits SIGINT as *ignored*, and so would its
children, so Ctrl-C would never reach the ingestion. The child therefore restores the default
disposition itself, and the SIGINT case runs with SIGINT ignored in the parent to prove it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.retrieve import Retriever
from assistant.settings import Settings
from assistant.store import Store
from ingest.pipeline import ingest
from tests.conftest import FAKE_MODEL, REPO


def _many_docs(root: Path, n: int, word: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        paragraphs = "\n\n".join(f"Paragraphe {j} du document {i} sur {word} : " + " ".join([word] * 40) for j in range(6))
        (root / f"doc{i:03d}.md").write_text(f"# Document {i}\n\n{paragraphs}\n", encoding="utf-8")


def _default_sigint() -> None:
    """Runs in the child before exec: Ctrl-C must interrupt it however the parent was started."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """The parent as a background shell would start it (SIGINT ignored, inherited by children)."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def start_slow_ingest(store: Path, docs: Path) -> subprocess.Popen[str]:
    """The slow ingestion of tests/slow_ingest.py in a child whose SIGINT is at its default."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.slow_ingest", str(store), str(docs)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint,
    )


def interrupt_after(proc: subprocess.Popen[str], batches: int, sig: signal.Signals) -> None:
    """Send `sig` once the child has embedded `batches` batches, and wait for it to end."""
    assert proc.stdout is not None
    seen = 0
    for line in proc.stdout:
        if line.startswith("BATCH"):
            seen += 1
            if seen == batches:
                proc.send_signal(sig)
                break
    proc.wait(timeout=60)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_interrupted_ingestion_is_consistent_then_resumes(tmp_path: Path, fake_embeddings, sig: signal.Signals) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(store=tmp_path / "store", embedding_model=FAKE_MODEL, abstain_min_coverage=0.0,
                        abstain_min_coverage_unknown=0.0)
    docs = tmp_path / "docs"
    _many_docs(docs, 3, "coopération")
    ingest([docs], settings, fake_embeddings)
    committed = {c.id for c in Store(settings.store).read_chunks()}

    _many_docs(docs, 60, "respiration")  # rewrites the 3 documents and adds 57: several batches to embed
    if sig == signal.SIGINT:
        with _sigint_ignored():
            proc = start_slow_ingest(settings.store, docs)
    else:
        proc = start_slow_ingest(settings.store, docs)
    interrupt_after(proc, 2, sig)
    # Killed by the signal itself (Python re-raises SIGINT after an uncaught KeyboardInterrupt),
    # not finished: a run that ignored the signal would exit 0.
    assert proc.returncode == -sig, f"the run was not interrupted (exit code {proc.returncode})"

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
    answer = Assistant(settings, Retriever(settings, fake_embeddings)).ask("Que dit le document 2 sur la coopération ?")
    assert not answer.abstained and answer.citations
    assert {c.chunk_id for c in answer.citations} <= committed, "only the committed state is cited"

    report = ingest([docs], settings, fake_embeddings)
    assert report.ok and len(report.added) == 57 and len(report.updated) == 3
    assert report.chunks_embedded <= report.chunks_total - 128, "work done before the kill is not redone"
    final = [c.id for c in store.read_chunks()]
    assert len(final) == len(set(final)), "no chunk is duplicated"
    stored = vectors.get(include=[])["ids"]
    assert len(stored) == len(set(stored)) and set(stored) == set(final)
    assert store.read_lexical().scores("document 42").max() > 0
