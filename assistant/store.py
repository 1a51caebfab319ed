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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import ModelMismatchError
from assistant.lexical import LexicalIndex
from assistant.schema import Chunk

if TYPE_CHECKING:
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

    def to_json(self) -> dict[str, Any]:
        return {
            "embedding_model": self.embedding_model,
            "pipeline": self.pipeline,
            "ingested_at": self.ingested_at,
            "files": {k: v.to_json() for k, v in sorted(self.files.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        files = {k: FileEntry(**v) for k, v in data.get("files", {}).items()}
        return cls(data.get("embedding_model"), data.get("pipeline"), files, data.get("ingested_at"))


class Store:
    """File layout and atomic commits of the store directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

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

    def snapshot_dir(self) -> Path | None:
        name = self.current_name()
        return self.directory / SNAPSHOTS / name if name else None

    def read_manifest(self) -> Manifest:
        snap = self.snapshot_dir()
        if snap is None:
            return Manifest()
        return Manifest.from_json(json.loads((snap / "manifest.json").read_text(encoding="utf-8")))

    def read_chunks(self) -> list[Chunk]:
        snap = self.snapshot_dir()
        if snap is None:
            return []
        with (snap / "chunks.jsonl").open(encoding="utf-8") as fh:
            return [Chunk.from_record(json.loads(line)) for line in fh if line.strip()]

    def read_lexical(self) -> LexicalIndex | None:
        snap = self.snapshot_dir()
        return LexicalIndex.load(snap / "bm25") if snap is not None else None

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
        lexical = LexicalIndex()
        lexical.build([c.indexed_text for c in chunks])
        lexical.save(tmp / "bm25")
        (tmp / "manifest.json").write_text(json.dumps(manifest.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        _fsync_tree(tmp)
        os.replace(tmp, snapshots / name)
        pointer = self.directory / "CURRENT.tmp"
        pointer.write_text(name, encoding="utf-8")
        with pointer.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(pointer, self.directory / "CURRENT")
        self._remove_old_snapshots(keep=name)

    def _remove_old_snapshots(self, keep: str) -> None:
        for path in (self.directory / SNAPSHOTS).iterdir():
            if path.name != keep:
                shutil.rmtree(path, ignore_errors=True)

    def vector_store(self, embeddings: Embeddings, model_name: str, create: bool = True) -> Chroma:
        """The Chroma collection, checked against the embedding model that built it."""
        from langchain_chroma import Chroma

        from assistant.backends import build_chroma_client

        client = build_chroma_client(self.directory)
        existing = {c.name for c in client.list_collections()}
        if COLLECTION in existing:
            stored = (client.get_collection(COLLECTION).metadata or {}).get("embedding_model")
            if stored and stored != model_name:
                raise ModelMismatchError(stored, model_name)
        return Chroma(
            collection_name=COLLECTION, embedding_function=embeddings, client=client,
            collection_metadata={"embedding_model": model_name, "hnsw:space": "cosine"},
            create_collection_if_not_exists=create,
        )

    def reset(self) -> None:
        """Delete everything (vectors, snapshots): used by `cartable ingest --rebuild`."""
        from assistant.backends import build_chroma_client

        client = build_chroma_client(self.directory)
        if COLLECTION in {c.name for c in client.list_collections()}:
            client.delete_collection(COLLECTION)
        (self.directory / "CURRENT").unlink(missing_ok=True)
        shutil.rmtree(self.directory / SNAPSHOTS, ignore_errors=True)


def _fsync_tree(directory: Path) -> None:
    for path in directory.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
