"""Faults during ingestion and in the store: a full disk (a small tmpfs), damaged snapshot files, a
damaged Chroma database. Each ends in a clear French message, a store that still answers from its
last consistent state (or says how to repair it), and a next ingestion that resumes without
duplicates. kill -9 and Ctrl-C during ingestion are in tests/test_ingest_interrupted.py."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.errors import DiskFullError, StoreCorruptError
from assistant.retrieve import Retriever
from assistant.settings import Settings
from assistant.store import Store
from ingest.pipeline import ingest
from tests.conftest import FAKE_MODEL
from tests.test_ingest_interrupted import _many_docs


def _sources(settings: Settings, embeddings, query: str = "document 2 coopération") -> list[str]:  # type: ignore[no-untyped-def]
    return [h.chunk.doc.source for h in Retriever(settings, embeddings).search(query, None, k=3)]


def _assert_no_duplicates(settings: Settings, embeddings) -> int:  # type: ignore[no-untyped-def]
    store = Store(settings.store)
    chunk_ids = [c.id for c in store.read_chunks()]
    stored = store.vector_store(embeddings, FAKE_MODEL).get(include=[])["ids"]
    assert len(chunk_ids) == len(set(chunk_ids)) and len(stored) == len(set(stored))
    assert set(stored) == set(chunk_ids), "Chroma holds exactly the committed chunks"
    return len(chunk_ids)


# -- disk full ---------------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 12 MB tmpfs (needs root, as in CI's container); unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("monter un tmpfs demande les droits root (le test du disque plein tourne en CI, en root)")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"tmpfs impossible à monter ici : {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _resize(mount: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(mount)], check=True)


@pytest.mark.parametrize("guard", ["reserve", "no-reserve"])
def test_disk_full_during_ingestion(small_disk: Path, tmp_path: Path, fake_embeddings, guard: str) -> None:  # type: ignore[no-untyped-def]
    """With the free-space reserve, ingestion stops before the disk fills; without it (or when another
    program fills the disk), the write error itself becomes the same French message."""
    settings = Settings(store=small_disk / "store", embedding_model=FAKE_MODEL,
                        min_free_mb=6 if guard == "reserve" else 0)
    docs = tmp_path / "docs"
    _many_docs(docs, 3, "coopération")
    ingest([docs], settings, fake_embeddings)
    committed = {c.id for c in Store(settings.store).read_chunks()}

    _many_docs(docs, 300, "respiration")  # ~1,800 chunks, ~9 MB in Chroma: more than the disk holds
    if guard == "no-reserve":
        _resize(small_disk, "5m")
    with pytest.raises(DiskFullError) as info:
        ingest([docs], settings, fake_embeddings)
    message = str(info.value)
    assert "Espace disque insuffisant" in message and "dernier état" in message and "cartable ingest" in message

    if guard == "no-reserve":
        _resize(small_disk, "12m")  # embedded Chroma cannot even be read while its disk is full
    assert {c.id for c in Store(settings.store).read_chunks()} == committed, "the last snapshot is still current"
    assert _sources(settings, fake_embeddings)[0] == "docs/doc002.md", "and it still answers"

    _resize(small_disk, "128m")
    report = ingest([docs], settings, fake_embeddings)
    assert report.ok and len(report.added) == 297 and report.chunks_embedded < report.chunks_total - len(committed)
    assert _assert_no_duplicates(settings, fake_embeddings) == report.chunks_total


def test_free_space_check_is_a_setting(tmp_path: Path, fake_embeddings) -> None:  # type: ignore[no-untyped-def]
    """No tmpfs needed: a reserve larger than any disk stops the first batch, and nothing is committed."""
    docs = tmp_path / "docs"
    _many_docs(docs, 2, "coopération")
    settings = Settings(store=tmp_path / "store", embedding_model=FAKE_MODEL, min_free_mb=1e12)
    with pytest.raises(DiskFullError, match="CARTABLE_MIN_FREE_MB"):
        ingest([docs], settings, fake_embeddings)
    assert Store(settings.store).current_name() is None
    assert ingest([docs], settings.model_copy(update={"min_free_mb": 0}), fake_embeddings).ok


# -- damaged files -------------------------------------------------------------------------------
def _garble(path: Path, at: float = 0.5, n: int = 64) -> None:
    raw = bytearray(path.read_bytes())
    i = int(len(raw) * at)
    raw[i:i + n] = (b"\xff\x00garbage" * (n // 9 + 1))[:n]
    path.write_bytes(bytes(raw))


@pytest.fixture
def built(tmp_path: Path, fake_embeddings) -> tuple[Settings, Path]:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    _many_docs(docs, 5, "coopération")
    settings = Settings(store=tmp_path / "built", embedding_model=FAKE_MODEL)
    assert ingest([docs], settings, fake_embeddings).ok
    return settings, docs


def _copy(settings: Settings, tmp_path: Path, name: str) -> Settings:
    # A fresh path: Chroma keeps one open system per path in this process, and a real restart opens the files anew.
    copy = settings.model_copy(update={"store": tmp_path / name})
    shutil.copytree(settings.store, copy.store)
    return copy


DAMAGES = {
    "chunks": lambda snap: _garble(snap / "chunks.jsonl"),
    "manifest": lambda snap: (snap / "manifest.json").write_text('{"files": {', encoding="utf-8"),
    "bm25-vocabulary": lambda snap: _garble(snap / "bm25" / "vocab.index.json", 0.3),
    "bm25-matrix": lambda snap: _garble(snap / "bm25" / "indices.csc.index.npy", 0.3),
    "bm25-header": lambda snap: _garble(snap / "bm25" / "indptr.csc.index.npy", 0.3),
    "missing": lambda snap: (snap / "chunks.jsonl").unlink(),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damaged_snapshot_file(built: tuple[Settings, Path], tmp_path: Path, fake_embeddings, damage: str) -> None:  # type: ignore[no-untyped-def]
    settings, docs = built
    store = _copy(settings, tmp_path, damage)
    running = Retriever(store, fake_embeddings)
    running.search("coopération", None, k=3)  # a server that loaded the snapshot before the damage
    DAMAGES[damage](Store(store.store).snapshot_dir())

    assert running.search("document 2 coopération", None, k=1)[0].chunk.doc.source == "docs/doc002.md", \
        "a running server keeps answering from the state it loaded"
    with pytest.raises(StoreCorruptError) as info:
        _sources(store, fake_embeddings)  # a restart finds the damage and says so
    message = str(info.value)
    assert "endommagé" in message and "snapshots/" in message and "`cartable ingest`" in message

    report = ingest([docs], store, fake_embeddings)  # the repair re-reads the files and reuses every vector
    assert report.ok and report.chunks_embedded == 0
    assert _sources(store, fake_embeddings)[0] == "docs/doc002.md"
    assert _assert_no_duplicates(store, fake_embeddings) == report.chunks_total


def test_damaged_chroma_database(built: tuple[Settings, Path], tmp_path: Path, fake_embeddings) -> None:  # type: ignore[no-untyped-def]
    settings, docs = built
    store = _copy(settings, tmp_path, "chroma-damaged")
    _garble(store.store / "chroma" / "chroma.sqlite3", 0.0, 100)  # its header: no longer an SQLite database
    with pytest.raises(StoreCorruptError) as info:
        _sources(store, fake_embeddings)
    assert "chroma/chroma.sqlite3" in str(info.value) and "--rebuild" in str(info.value)
    with pytest.raises(StoreCorruptError):  # a plain sync cannot repair the vectors: the same clear message
        ingest([docs], store, fake_embeddings)

    report = ingest([docs], store, fake_embeddings, rebuild=True)  # in the same process, as the CLI would
    assert report.ok and report.chunks_embedded == report.chunks_total
    assert _sources(store, fake_embeddings)[0] == "docs/doc002.md"
    assert _assert_no_duplicates(store, fake_embeddings) == report.chunks_total
