"""What a store holds, for `cartable status` and the UI's index tab."""

from __future__ import annotations

import time
from typing import Any

from assistant.settings import Settings


def store_status(settings: Settings) -> dict[str, Any]:
    """What the store holds: documents by type, chunks, model, last ingestion (used by CLI and UI)."""
    from assistant.store import Store

    store = Store(settings.store)
    manifest = store.read_manifest()
    by_type: dict[str, int] = {}
    for entry in manifest.files.values():
        by_type[entry.doc_type] = by_type.get(entry.doc_type, 0) + 1
    return {
        "store": str(settings.store),
        "documents": len(manifest.files),
        "documents_by_type": dict(sorted(by_type.items())),
        "chunks": sum(len(e.chunk_ids) for e in manifest.files.values()),
        "embedding_model": manifest.embedding_model,
        "last_ingest": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(manifest.ingested_at)) if manifest.ingested_at else None,
        "roots": sorted({e.root for e in manifest.files.values()}),
    }
