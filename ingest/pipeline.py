"""Ingestion as a sync: discover → load → clean → metadata → chunk → embed → upsert → commit.

Unchanged files embed nothing, changed files have their chunks replaced, vanished files lose theirs,
and a failed file keeps what was stored before. Vectors are upserted batch by batch before the
snapshot is committed, so an interrupted run loses no embedding work: the next run finds the
deterministic chunk ids already in Chroma and only commits.
"""

from __future__ import annotations

import errno
import hashlib
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant import scope
from assistant.errors import CartableError, DiskFullError, LoadError, StoreCorruptError
from assistant.lexical import ANALYZER_VERSION
from assistant.schema import Chunk
from assistant.settings import BUNDLED_MODEL, Settings
from assistant.store import FileEntry, Manifest, Store, stored_vectors
from ingest.chunking import CHUNKER_VERSION, chunk_sections
from ingest.clean import clean_sections
from ingest.discover import Found, discover
from ingest.loaders import PAGED, load
from ingest.metadata import build_doc_meta

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

EMBED_BATCH = 128  # texts per upsert: one progress step, and the most work an interruption can lose
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks_total: int = 0
    chunks_embedded: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """French summary printed at the end of `cartable ingest` and shown in the UI."""
        lines = [
            f"Fichiers : {len(self.added)} ajouté(s), {len(self.updated)} mis à jour, {len(self.unchanged)} inchangé(s), "
            f"{len(self.removed)} supprimé(s), {len(self.failed)} en échec.",
            f"Passages : {self.chunks_total} dans le magasin, {self.chunks_embedded} encodé(s) pendant cette ingestion "
            f"({self.seconds:.1f} s).",
        ]
        for path, reason in self.failed:
            lines.append(f"  ÉCHEC {path} : {reason}")
        return "\n".join(lines)


def pipeline_signature(settings: Settings) -> str:
    return f"chunker={CHUNKER_VERSION};size={settings.chunk_size};overlap={settings.chunk_overlap};analyzer={ANALYZER_VERSION}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prepare_file(found: Found, file_hash: str, settings: Settings) -> list[Chunk]:
    """Load, clean, describe and chunk one file (pure with respect to the store)."""
    loaded = load(found.path)
    loaded.sections = clean_sections(loaded.sections, paged=found.path.suffix.lower() in PAGED)
    if not loaded.sections:
        raise LoadError("le fichier est vide (aucun texte à indexer)")
    doc = build_doc_meta(loaded, found.source, found.path.suffix.lower())
    return chunk_sections(loaded.sections, doc, file_hash, settings.chunk_size, settings.chunk_overlap)


def _check_size(path: Path, settings: Settings) -> int:
    size = path.stat().st_size
    if size == 0:
        raise LoadError("le fichier est vide")
    if size > settings.max_file_mb * 1024 * 1024:
        raise LoadError(
            f"fichier trop volumineux ({size / 1024 / 1024:.1f} Mo, limite {settings.max_file_mb:g} Mo) : "
            "découpez-le ou augmentez CARTABLE_MAX_FILE_MB"
        )
    return size


def ingest(
    paths: list[Path],
    settings: Settings,
    embeddings: Embeddings,
    progress: Progress | None = None,
    rebuild: bool = False,
) -> IngestReport:
    """Sync the store with the files under `paths`; see the module docstring for the guarantees."""
    from filelock import FileLock, Timeout

    started = time.perf_counter()
    store = Store.from_settings(settings)
    store.directory.mkdir(parents=True, exist_ok=True)
    report = IngestReport()
    try:
        lock = FileLock(str(store.lock_path), timeout=0)
        lock.acquire()
    except Timeout as exc:
        raise CartableError(f"Une autre ingestion est en cours sur le magasin {store.directory} : attendez sa fin.") from exc
    try:
        if rebuild:
            store.reset()
        vectors = store.vector_store(embeddings, settings.embedding_model)
        try:
            old = store.read_manifest()
            old_chunks = {c.id: c for c in store.read_chunks()}
            store.read_lexical()  # a damaged index is rebuilt too, even when no file changed
        except StoreCorruptError:
            # A damaged snapshot is rebuilt from the files; the vectors already in Chroma are reused
            # (content-derived ids), so the repair embeds nothing that was stored.
            old, old_chunks = Manifest(), {}
        signature = pipeline_signature(settings)
        same_pipeline = old.pipeline == signature

        found, listing_failures = discover(paths)
        report.failed.extend(listing_failures)
        roots = {str(f.root) for f in found} | {str(p.expanduser().resolve()) for p in paths if p.expanduser().resolve().is_dir()}

        entries: dict[str, FileEntry] = {}
        kept_chunks: list[Chunk] = []
        new_chunks: list[Chunk] = []
        seen: set[str] = set()
        for i, item in enumerate(found, start=1):
            if progress:
                progress("files", i, len(found))
            seen.add(item.source)
            previous = old.files.get(item.source)
            try:
                size = _check_size(item.path, settings)
                digest = file_sha256(item.path)
                if previous and previous.sha256 == digest and same_pipeline and all(cid in old_chunks for cid in previous.chunk_ids):
                    entries[item.source] = previous
                    kept_chunks.extend(old_chunks[cid] for cid in previous.chunk_ids)
                    report.unchanged.append(item.source)
                    continue
                chunks = prepare_file(item, digest, settings)
            except (LoadError, OSError) as exc:
                reason = str(exc) if isinstance(exc, LoadError) else f"lecture impossible ({exc.strerror or exc})"
                report.failed.append((str(item.path), reason))
                if previous:  # nothing already stored is lost
                    entries[item.source] = previous
                    kept_chunks.extend(old_chunks[cid] for cid in previous.chunk_ids if cid in old_chunks)
                continue
            except Exception as exc:  # a library choking on a strange file must not stop the batch
                report.failed.append((str(item.path), f"erreur inattendue lors de la lecture ({type(exc).__name__}: {exc})"))
                if previous:
                    entries[item.source] = previous
                    kept_chunks.extend(old_chunks[cid] for cid in previous.chunk_ids if cid in old_chunks)
                continue
            entries[item.source] = FileEntry(
                source=item.source, root=str(item.root), sha256=digest, size=size,
                chunk_ids=[c.id for c in chunks], title=chunks[0].doc.title, doc_type=chunks[0].doc.doc_type,
            )
            new_chunks.extend(chunks)
            (report.updated if previous else report.added).append(item.source)

        # Files of other roots stay; files that vanished from a root ingested now are removed.
        for source, entry in old.files.items():
            if source in entries or source in seen:
                continue
            if entry.root in roots:
                report.removed.append(source)
            else:
                entries[source] = entry
                kept_chunks.extend(old_chunks[cid] for cid in entry.chunk_ids if cid in old_chunks)

        report.chunks_embedded = _embed_missing(vectors, new_chunks, progress,
                                                lambda: check_free_space(store.directory, settings.min_free_mb))
        all_chunks = kept_chunks + new_chunks
        changed = bool(report.added or report.updated or report.removed) or not same_pipeline or store.current_name() is None
        # A library ingested before the scope model existed, or read by an older one, gets its reading now.
        stale_topic = (bool(all_chunks) and settings.embedding_model == BUNDLED_MODEL
                       and (old.library_topic or {}).get("scope_model") != scope.model_id())
        if changed or stale_topic or set(old.files) != set(entries):
            check_free_space(store.directory, settings.min_free_mb)
            manifest = Manifest(settings.embedding_model, signature, entries, time.time(), _library_topic(vectors, all_chunks, settings))
            store.commit(manifest, all_chunks)
        _delete_orphans(vectors, {c.id for c in all_chunks})
        report.chunks_total = len(all_chunks)
    except CartableError:
        raise
    except Exception as exc:
        if _out_of_space(exc, store.directory):
            store.drop_embedded_client()
            raise DiskFullError(str(store.directory), _free_mb(store.directory)) from exc
        raise
    finally:
        lock.release()
    report.seconds = time.perf_counter() - started
    return report


def _library_topic(vectors: Any, chunks: list[Chunk], settings: Settings) -> dict[str, Any] | None:
    """The scope model's reading of the library (assistant/scope.py), stored in the manifest so that answering
    processes need not read it; only for the bundled multilingual-e5-small vectors (the model reads no other)."""
    if settings.embedding_model != BUNDLED_MODEL:
        return None

    def vectors_of(sample: list[Chunk]) -> np.ndarray | None:
        got = stored_vectors(vectors._collection, [c.id for c in sample])
        return np.stack([got[c.id] for c in sample]) if all(c.id in got for c in sample) else None

    # A reading that failed (a vector missing) is remembered as such: the next ingestion does not commit for it alone.
    return scope.library_topic(chunks, vectors_of) or {"scope_model": scope.model_id(), "reading": None}


def _free_mb(directory: Path) -> float:
    return shutil.disk_usage(directory).free / 1024 / 1024


def check_free_space(directory: Path, min_free_mb: float) -> None:
    """Stop before the store's disk fills up: once a Chroma write fails for lack of space, the
    embedded collection cannot even be counted until space is freed (measured on a full tmpfs)."""
    if min_free_mb > 0 and (free := _free_mb(directory)) < min_free_mb:
        raise DiskFullError(str(directory), free, min_free_mb)


def _out_of_space(exc: BaseException, directory: Path) -> bool:
    """Whether a failure was the disk filling up (Chroma reports it as a generic InternalError)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if any(s in str(seen).lower() for s in ("no space left", "database or disk is full", "disk full")):
            return True
        seen = seen.__cause__ or seen.__context__
    try:
        return _free_mb(directory) < 1
    except OSError:
        return False


def _embed_missing(vectors, chunks: list[Chunk], progress: Progress | None,  # type: ignore[no-untyped-def]
                   before_batch: Callable[[], None] | None = None) -> int:
    """Embed and upsert, batch by batch, the chunks whose ids Chroma does not hold yet."""
    if not chunks:
        return 0
    present: set[str] = set()
    ids = [c.id for c in chunks]
    for start in range(0, len(ids), 1000):
        present.update(vectors.get(ids=ids[start:start + 1000], include=[])["ids"])
    todo = [c for c in chunks if c.id not in present]
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start:start + EMBED_BATCH]
        if before_batch:
            before_batch()
        vectors.add_texts(
            texts=[c.indexed_text for c in batch], metadatas=[c.chroma_metadata() for c in batch], ids=[c.id for c in batch],
        )
        if progress:
            progress("embeddings", min(start + EMBED_BATCH, len(todo)), len(todo))
    return len(todo)


def _delete_orphans(vectors, keep: set[str]) -> None:  # type: ignore[no-untyped-def]
    """Remove vectors that no committed chunk refers to (replaced, deleted, or left by an interruption)."""
    stored = set(vectors.get(include=[])["ids"])
    orphans = sorted(stored - keep)
    for start in range(0, len(orphans), 1000):
        vectors.delete(ids=orphans[start:start + 1000])
