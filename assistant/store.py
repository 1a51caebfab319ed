"""The store directory: a Chroma collection (dense vectors) and committed snapshots (manifest of
file hashes, chunk records, BM25 index).

Consistency rule: a snapshot is written to a fresh folder and made current by atomically replacing
the `CURRENT` pointer. Chroma may briefly hold vectors of chunks that are not (or no longer) in the
current snapshot — after an interrupted ingestion — and readers ignore them; the next ingestion
removes them. So a kill at any moment leaves queries answered from the last committed state.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import ModelMismatchError, StoreCorruptError
from assistant.lexical import LexicalIndex
from assistant.schema import Chunk

if TYPE_CHECKING:
    import numpy as np

    from assistant.settings import Settings
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

COLLECTION = "cartable"
SNAPSHOTS = "snapshots"


@dataclass
class FileEntry:
    """What the manifest remembers about one ingested file."""

    source: str
    root: str
    sha256: str
    size: int
    chunk_ids: list[str]
    title: str
    doc_type: str

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class Manifest:
    embedding_model: str | None = None
    pipeline: str | None = None
    files: dict[str, FileEntry] = field(default_factory=dict)
    ingested_at: float | None = None
    # The library's topic as the scope model read it at ingestion ({"scope_model": id, "reading": p}), so that
    # a `cartable ask` process does not read 400 stored vectors to know it (assistant/scope.py).
    library_topic: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "embedding_model": self.embedding_model,
            "pipeline": self.pipeline,
            "ingested_at": self.ingested_at,
            "library_topic": self.library_topic,
            "files": {k: v.to_json() for k, v in sorted(self.files.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        files = {k: FileEntry(**v) for k, v in data.get("files", {}).items()}
        return cls(data.get("embedding_model"), data.get("pipeline"), files, data.get("ingested_at"), data.get("library_topic"))


class Store:
    """File layout and atomic commits of the store directory; the vectors live in an embedded Chroma
    inside it, or in a Chroma server when the settings name one (CARTABLE_CHROMA_HOST)."""

    def __init__(self, directory: Path, settings: Settings | None = None) -> None:
        self.directory = Path(directory)
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        """The store the settings describe: its directory, and its Chroma (embedded or server)."""
        return cls(settings.store, settings)

    @property
    def collection_name(self) -> str:
        return self.settings.chroma_collection if self.settings is not None else COLLECTION

    def _client(self) -> tuple[Any, str]:
        """(Chroma client, address used in messages) for this store."""
        from assistant.backends import build_chroma_client, chroma_address

        address = chroma_address(self.settings)
        if address is not None:
            return build_chroma_client(self.directory, self.settings), address
        try:
            return build_chroma_client(self.directory, self.settings), str(self.directory / "chroma")
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # a damaged chroma.sqlite3 makes Chroma's Rust core panic (a BaseException)
            _forget_chroma_system(self.directory / "chroma")
            raise StoreCorruptError(str(self.directory), "chroma/chroma.sqlite3", str(exc)[:160]) from exc

    def drop_embedded_client(self) -> None:
        """Forget this process's embedded Chroma system: after a write failed (a full disk), its next
        writes hang (measured), so the next client must open the files anew. No-op for a server."""
        from assistant.backends import chroma_address

        if chroma_address(self.settings) is None:
            _forget_chroma_system(self.directory / "chroma")

    @property
    def lock_path(self) -> Path:
        return self.directory / "ingest.lock"

    @property
    def feedback_db(self) -> Path:
        return self.directory / "feedback.sqlite"

    def current_name(self) -> str | None:
        try:
            name = (self.directory / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name if name and (self.directory / SNAPSHOTS / name).is_dir() else None

    def snapshot_dir(self, name: str | None = None) -> Path | None:
        """A snapshot's folder: the named one, else the current one. Readers that load several files
        pass the name they resolved once, so an ingestion committing meanwhile cannot mix two snapshots."""
        name = name or self.current_name()
        return self.directory / SNAPSHOTS / name if name else None

    def read_manifest(self, name: str | None = None) -> Manifest:
        snap = self.snapshot_dir(name)
        if snap is None:
            return Manifest()
        with self._reading(snap / "manifest.json"):
            return Manifest.from_json(json.loads((snap / "manifest.json").read_text(encoding="utf-8")))

    def read_chunks(self, name: str | None = None) -> list[Chunk]:
        snap = self.snapshot_dir(name)
        if snap is None:
            return []
        with self._reading(snap / "chunks.jsonl"), (snap / "chunks.jsonl").open(encoding="utf-8") as fh:
            return [Chunk.from_record(json.loads(line)) for line in fh if line.strip()]

    def read_lexical(self, name: str | None = None) -> LexicalIndex | None:
        snap = self.snapshot_dir(name)
        if snap is None:
            return None
        with self._reading(snap / "bm25"):
            index = LexicalIndex.load(snap / "bm25")
            _check_csc(index.retriever.scores, index.size)
            return index

    @contextmanager
    def _reading(self, path: Path) -> Iterator[None]:
        """A snapshot file that cannot be parsed (truncated, overwritten, missing) is reported as a
        damaged store, in French, with the way to repair it, instead of a parser's traceback."""
        try:
            yield
        except Exception as exc:  # json, numpy and bm25s each raise their own errors on damaged bytes
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__} : {str(exc)[:120]}"
            raise StoreCorruptError(str(self.directory), str(path.relative_to(self.directory)), reason) from exc

    def commit(self, manifest: Manifest, chunks: list[Chunk]) -> None:
        """Write a complete new snapshot, then switch CURRENT to it in one atomic rename."""
        snapshots = self.directory / SNAPSHOTS
        snapshots.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        tmp = snapshots / f".{name}.tmp"
        tmp.mkdir()
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(json.dumps(chunk.to_record(), ensure_ascii=False) + "\n")
        lexical_index(chunks).save(tmp / "bm25")
        (tmp / "manifest.json").write_text(json.dumps(manifest.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        _fsync_tree(tmp)
        os.replace(tmp, snapshots / name)
        pointer = self.directory / "CURRENT.tmp"
        pointer.write_text(name, encoding="utf-8")
        with pointer.open("rb") as fh:
            os.fsync(fh.fileno())
        previous = self.current_name()
        os.replace(pointer, self.directory / "CURRENT")
        # The previous snapshot stays one more round: another process (a UI replica) may have just
        # resolved its name and be reading it.
        self._remove_old_snapshots(keep={name, previous})

    def _remove_old_snapshots(self, keep: set[str | None]) -> None:
        for path in (self.directory / SNAPSHOTS).iterdir():
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)

    def vector_store(self, embeddings: Embeddings, model_name: str, create: bool = True) -> Chroma:
        """The Chroma collection, checked against the embedding model that built it. Its calls retry
        over dropped connections and fail with a French message (assistant/chroma_client.py)."""
        from langchain_chroma import Chroma

        from assistant.chroma_client import GuardedCollection, guard_client_call

        client, address = self._client()
        name = self.collection_name
        existing = guard_client_call(address, lambda: {c.name for c in client.list_collections()})
        if name in existing:
            stored = (guard_client_call(address, lambda: client.get_collection(name)).metadata or {}).get("embedding_model")
            if stored and stored != model_name:
                raise ModelMismatchError(stored, model_name)
        vectors = guard_client_call(address, lambda: Chroma(
            collection_name=name, embedding_function=embeddings, client=client,
            collection_metadata={"embedding_model": model_name, "hnsw:space": "cosine"},
            create_collection_if_not_exists=create,
        ))
        vectors._chroma_collection = GuardedCollection(vectors._chroma_collection, client, address)
        return vectors

    def reset(self) -> None:
        """Delete everything (vectors, snapshots): used by `cartable ingest --rebuild`."""
        from assistant.chroma_client import guard_client_call

        try:
            client, address = self._client()
        except StoreCorruptError:
            # An embedded Chroma too damaged to open is deleted whole: --rebuild is the way out.
            shutil.rmtree(self.directory / "chroma", ignore_errors=True)
            client, address = self._client()
        name = self.collection_name
        if name in guard_client_call(address, lambda: {c.name for c in client.list_collections()}):
            guard_client_call(address, lambda: client.delete_collection(name))
        (self.directory / "CURRENT").unlink(missing_ok=True)
        shutil.rmtree(self.directory / SNAPSHOTS, ignore_errors=True)


def lexical_index(chunks: list[Chunk]) -> LexicalIndex:
    """The BM25 index of passages as a snapshot stores it: over their indexed texts (title and section, then text)."""
    index = LexicalIndex()
    index.build([c.indexed_text for c in chunks])
    return index


def stored_vectors(collection: Any, ids: list[str], batch: int = 500) -> dict[str, np.ndarray]:
    """The vectors a Chroma collection holds for these chunk ids (in batches: SQLite caps a query's variables)."""
    import numpy as np

    out: dict[str, np.ndarray] = {}
    for start in range(0, len(ids), batch):
        got = collection.get(ids=ids[start:start + batch], include=["embeddings"])
        out.update({cid: np.asarray(emb, dtype=np.float32) for cid, emb in zip(got["ids"], got["embeddings"])})
    return out


def _check_csc(scores: dict[str, Any], n_docs: int) -> None:
    """The BM25 matrix's structure is consistent (a damaged array would otherwise surface later, as an
    IndexError in the middle of a query)."""
    import numpy as np

    data, indices, indptr = (np.asarray(scores[k]) for k in ("data", "indices", "indptr"))
    if not (len(data) == len(indices) == int(indptr[-1]) and int(indptr[0]) == 0 and bool(np.all(np.diff(indptr) >= 0))):
        raise ValueError("matrice BM25 incohérente")
    if len(indices) and (int(indices.min()) < 0 or int(indices.max()) >= max(n_docs, 1)):
        raise ValueError("matrice BM25 : indice de document hors limites")


def _forget_chroma_system(path: Path) -> None:
    """Chroma caches one system per path even when it failed to start; drop it so that the next
    client (after a repair) opens the files again instead of reusing the broken one."""
    from chromadb.api.shared_system_client import SharedSystemClient

    for identifier in [k for k in SharedSystemClient._identifier_to_system if k == str(path)]:
        SharedSystemClient._identifier_to_system.pop(identifier, None)


def _fsync_tree(directory: Path) -> None:
    for path in directory.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
