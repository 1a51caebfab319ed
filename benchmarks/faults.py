"""Faults during ingestion and in the store, measured: kill -9 and Ctrl-C mid-ingestion, a full disk
(a small tmpfs, with and without the free-space reserve; needs root), a damaged snapshot file and a
damaged Chroma database. For each: the message the user gets, whether the store still answers from its
last committed state, and what the next ingestion re-embeds (and that nothing is duplicated).

    python benchmarks/faults.py [--docs 300]

Deterministic fake embeddings (a slow variant for the interruptions) keep it to about a minute: what
is measured is consistency, not embedding speed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from langchain_core.embeddings import DeterministicFakeEmbedding  # noqa: E402

from assistant.errors import CartableError  # noqa: E402
from assistant.retrieve import Retriever  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store import Store  # noqa: E402
from ingest.pipeline import ingest  # noqa: E402

MODEL = "test:deterministic-fake-64"


@dataclass
class Outcome:
    scenario: str
    stopped_after_s: float
    message: str
    answers_from_last_state: bool
    reembedded: int
    kept: int
    total: int
    duplicates: int


def write_docs(root: Path, n: int, word: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        body = "\n\n".join(f"Paragraphe {j} du document {i} sur {word} : " + " ".join([word] * 40) for j in range(6))
        (root / f"doc{i:03d}.md").write_text(f"# Document {i}\n\n{body}\n", encoding="utf-8")


def answers(settings: Settings, committed: set[str]) -> bool:
    """The store answers, and only from the chunks of the last committed snapshot."""
    hits = Retriever(settings, DeterministicFakeEmbedding(size=64)).search("document 2 coopération", None, k=3)
    return bool(hits) and hits[0].chunk.doc.source.endswith("doc002.md") and {h.chunk.id for h in hits} <= committed


def resume(settings: Settings, docs: Path, scenario: str, stopped: float, message: str, ok: bool,
           rebuild: bool = False) -> Outcome:
    emb = DeterministicFakeEmbedding(size=64)
    report = ingest([docs], settings, emb, rebuild=rebuild)
    store = Store(settings.store)
    ids = store.vector_store(emb, MODEL).get(include=[])["ids"]
    chunk_ids = [c.id for c in store.read_chunks()]
    duplicates = (len(ids) - len(set(ids))) + (len(chunk_ids) - len(set(chunk_ids))) + len(set(ids) ^ set(chunk_ids))
    return Outcome(scenario, stopped, message, ok, report.chunks_embedded, report.chunks_total - report.chunks_embedded,
                   report.chunks_total, duplicates)


def fresh(base: Path, name: str, n_docs: int, **extra: float) -> tuple[Settings, Path, set[str]]:
    settings = Settings(store=base / name / "store", embedding_model=MODEL, **extra)
    docs = base / name / "docs"
    write_docs(docs, 3, "coopération")
    ingest([docs], settings, DeterministicFakeEmbedding(size=64))
    committed = {c.id for c in Store(settings.store).read_chunks()}
    write_docs(docs, n_docs, "respiration")
    return settings, docs, committed


def interrupted(base: Path, sig: signal.Signals, n_docs: int) -> Outcome:
    settings, docs, committed = fresh(base, f"sig{int(sig)}", n_docs)
    proc = subprocess.Popen([sys.executable, "-m", "tests.slow_ingest", str(settings.store), str(docs)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert proc.stdout is not None
    start, batches = time.perf_counter(), 0
    for line in proc.stdout:
        if line.startswith("BATCH"):
            batches += 1
            if batches == 3:
                proc.send_signal(sig)
                break
    proc.wait(timeout=60)
    stopped = time.perf_counter() - start
    name = "kill -9" if sig == signal.SIGKILL else "Ctrl-C (SIGINT)"
    return resume(settings, docs, f"{name} after 3 batches", stopped, f"exit code {proc.returncode}", answers(settings, committed))


def disk_full(base: Path, reserve: bool, n_docs: int) -> Outcome | None:
    if os.geteuid() != 0:
        return None
    mount = base / ("disk-reserve" if reserve else "disk-noreserve")
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)], capture_output=True).returncode:
        return None
    try:
        settings = Settings(store=mount / "store", embedding_model=MODEL, min_free_mb=6 if reserve else 0)
        docs = base / f"docs-{mount.name}"
        write_docs(docs, 3, "coopération")
        ingest([docs], settings, DeterministicFakeEmbedding(size=64))
        committed = {c.id for c in Store(settings.store).read_chunks()}
        write_docs(docs, n_docs, "respiration")
        if not reserve:
            subprocess.run(["mount", "-o", "remount,size=5m", str(mount)], check=True)
        start = time.perf_counter()
        try:
            ingest([docs], settings, DeterministicFakeEmbedding(size=64))
            message = "(no error)"
        except CartableError as exc:
            message = str(exc)
        stopped = time.perf_counter() - start
        subprocess.run(["mount", "-o", "remount,size=12m", str(mount)], check=True)
        ok = answers(settings, committed)
        subprocess.run(["mount", "-o", "remount,size=128m", str(mount)], check=True)
        label = "disk full, 6 MB reserve" if reserve else "disk full, no reserve (ENOSPC)"
        return resume(settings, docs, label, stopped, message, ok)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def damaged(base: Path, what: str, damage: Callable[[Store], None]) -> Outcome:
    settings = Settings(store=base / f"damaged-{what}" / "store", embedding_model=MODEL)
    docs = base / f"damaged-{what}" / "docs"
    write_docs(docs, 20, "coopération")
    ingest([docs], settings, DeterministicFakeEmbedding(size=64))
    damage(Store(settings.store))
    start = time.perf_counter()
    try:
        answers(settings, set())
        message = "(no error)"
    except CartableError as exc:
        message = str(exc)
    stopped = time.perf_counter() - start
    rebuild = what == "chroma.sqlite3"
    return resume(settings, docs, f"damaged {what}" + (" → ingest --rebuild" if rebuild else " → ingest"), stopped, message,
                  False, rebuild=rebuild)


def garble(path: Path, at: float, n: int) -> None:
    raw = bytearray(path.read_bytes())
    i = int(len(raw) * at)
    raw[i:i + n] = (b"\xff\x00garbage" * (n // 9 + 1))[:n]
    path.write_bytes(bytes(raw))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300, help="documents (6 passages each) of the interrupted ingestion")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="cartable-faults-"))
    started = time.perf_counter()
    try:
        outcomes = [interrupted(base, signal.SIGKILL, 60), interrupted(base, signal.SIGINT, 60),
                    disk_full(base, True, args.docs), disk_full(base, False, args.docs),
                    damaged(base, "chunks.jsonl", lambda s: garble(s.snapshot_dir() / "chunks.jsonl", 0.5, 64)),  # type: ignore[operator]
                    damaged(base, "chroma.sqlite3", lambda s: garble(s.directory / "chroma" / "chroma.sqlite3", 0.0, 100))]
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print("| fault | stopped after | message | answers from last state | next ingestion: re-embedded / reused / total | duplicates |")
    print("|---|---|---|---|---|---|")
    for o in outcomes:
        if o is None:
            print("| disk full | skipped: needs root to mount a tmpfs | | | | |")
            continue
        print(f"| {o.scenario} | {o.stopped_after_s:.1f} s | {o.message[:90]}{'…' if len(o.message) > 90 else ''} | "
              f"{'yes' if o.answers_from_last_state else 'no (message)'} | {o.reembedded} / {o.kept} / {o.total} | {o.duplicates} |")
    print(f"\n{time.perf_counter() - started:.0f} s in all")
    return 1 if any(o is not None and o.duplicates for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
