"""Run an ingestion whose embedding model is slow, printing a line per embedded batch, so that a
test can interrupt it (kill -9, Ctrl-C) at a known point. Usage: python -m tests.slow_ingest STORE DOCS"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from langchain_core.embeddings import DeterministicFakeEmbedding

from assistant.settings import Settings
from ingest.pipeline import ingest


class SlowEmbeddings(DeterministicFakeEmbedding):
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        time.sleep(0.4)
        out = super().embed_documents(texts)
        print("BATCH", len(texts), flush=True)
        return out


if __name__ == "__main__":
    store, docs = Path(sys.argv[1]), Path(sys.argv[2])
    settings = Settings(store=store, embedding_model="test:deterministic-fake-64")
    report = ingest([docs], settings, SlowEmbeddings(size=64))
    print("DONE", report.chunks_embedded, flush=True)
