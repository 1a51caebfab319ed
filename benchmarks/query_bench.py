"""Warm query latency of `Retriever.search` (hybrid) and `Assistant.ask` (extractive) on the
bundled corpus store and on synthetic stores of growing size, against a bare Chroma
`collection.query` of the same k on the same store, interleaved query by query.

Synthetic stores are not embedded with the model (100 k texts would take hours at ~5 passages/s):
their chunks recombine the corpus's sentences under the corpus's own documents' structure (doc
types, levels, headings), their vectors are random unit vectors of the model's dimension written
straight into the store's Chroma collection, and the snapshot (chunk records, BM25, manifest) is
committed with `Store.commit`. They are cached under the cache directory.

Random vectors are the hard case for HNSW (no cluster structure), and they make every dense
cosine close to 0: the dense side of the fusion is noise there, so these stores measure latency only.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import random
import re
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.common import (
    DEFAULT_CACHE, QUESTIONS, Table, corpus_store, embeddings, fmt_ms, loadavg, model_name, nproc, pct, setup_environment, verdict,
)

SIZES = (1_000, 10_000, 50_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
TARGET_SIZE = 50_000
TARGET_ASK_P50_S = 0.150
K = 5  # Retriever.search k and the bare Chroma n_results
SYNTHETIC_VERSION = 2  # 2: the store records the embedding model (multilingual-e5-small, 384 dims)
UPSERT_BATCH = 2_000
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


# -- synthetic stores ------------------------------------------------------------------------

def _templates(corpus_dir: Path) -> tuple[list[tuple[Any, list[Any]]], list[str]]:
    """The corpus store's documents (meta + chunks in order) and its pool of sentences."""
    from assistant.store import Store

    docs: dict[str, list[Any]] = {}
    for chunk in Store(corpus_dir).read_chunks():
        docs.setdefault(chunk.doc.source, []).append(chunk)
    templates = [(chunks[0].doc, sorted(chunks, key=lambda c: c.ordinal)) for chunks in docs.values()]
    pool = []
    for _, chunks in templates:
        for c in chunks:
            pool += [s.strip() for s in _SENTENCE_END.split(c.text.replace("\n", " ")) if len(s.strip()) >= 25]
    return templates, sorted(set(pool))


def _recombine(rng: random.Random, pool: list[str], length: int) -> str:
    parts: list[str] = []
    total = 0
    while total < length:
        sentence = rng.choice(pool)
        parts.append(sentence)
        total += len(sentence) + 1
    return " ".join(parts)[:800]


def synthetic_store(n: int, cache: Path, corpus_dir: Path, dim: int) -> tuple[Path, float | None]:
    """A store of n synthetic chunks (built once, then reused); returns (directory, build seconds or None)."""
    import numpy as np

    from assistant.settings import Settings
    from assistant.store import FileEntry, Manifest, Store
    from ingest.pipeline import pipeline_signature

    directory = cache / f"synthetic-{n}"
    settings = Settings(store=directory)
    ready = directory / "READY.json"
    expected = {"n": n, "dim": dim, "version": SYNTHETIC_VERSION, "model": settings.embedding_model}
    signature = pipeline_signature(settings)
    store = Store(directory)
    if ready.exists() and store.current_name():
        try:
            info = json.loads(ready.read_text())
        except (OSError, ValueError):
            info = {}
        if {k: v for k, v in info.items() if k in expected} == expected:
            if store.read_manifest().pipeline == signature:
                return directory, None
            # The chunker or the French analyzer changed since the store was built: the random vectors
            # stay valid, the snapshot (BM25 built by the current analyzer) is committed again.
            started = time.perf_counter()
            print(f"  re-committing the snapshot of {directory} (pipeline now {signature}) …", flush=True)
            manifest = store.read_manifest()
            manifest.pipeline, manifest.ingested_at = signature, time.time()
            store.commit(manifest, store.read_chunks())
            return directory, time.perf_counter() - started
    shutil.rmtree(directory, ignore_errors=True)
    print(f"  building synthetic store of {n} chunks in {directory} …", flush=True)
    started = time.perf_counter()
    rng = random.Random(n)
    np_rng = np.random.default_rng(n)
    templates, pool = _templates(corpus_dir)

    chunks: list[Any] = []
    files: dict[str, Any] = {}
    doc_i = 0
    while len(chunks) < n:
        template, template_chunks = templates[doc_i % len(templates)]
        source = f"synthetique/{doc_i:06d}-{Path(template.source).name}"
        doc = replace(template, source=source, title=f"{template.title} (variante {doc_i // len(templates) + 1})")
        doc_chunks = []
        for tc in template_chunks:
            if len(chunks) + len(doc_chunks) >= n:
                break
            # Short sections (durations, materials lists) stay as they are; the rest is recombined text.
            text = tc.text if len(tc.text) < 120 else _recombine(rng, pool, len(tc.text))
            cid = hashlib.sha1(f"{source}#{tc.ordinal}".encode()).hexdigest()[:24]
            doc_chunks.append(replace(tc, id=cid, doc=doc, text=text))
        files[source] = FileEntry(
            source=source, root=str(directory / "virtual-root"), sha256=hashlib.sha256(source.encode()).hexdigest(),
            size=sum(len(c.text) for c in doc_chunks), chunk_ids=[c.id for c in doc_chunks], title=doc.title,
            doc_type=doc.doc_type,
        )
        chunks += doc_chunks
        doc_i += 1

    collection = store.vector_store(embeddings(), settings.embedding_model)._collection
    for start in range(0, n, UPSERT_BATCH):
        batch = chunks[start:start + UPSERT_BATCH]
        vectors = np_rng.standard_normal((len(batch), dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        collection.upsert(ids=[c.id for c in batch], embeddings=vectors, documents=[c.indexed_text for c in batch],
                          metadatas=[c.chroma_metadata() for c in batch])
    upserted = time.perf_counter() - started
    store.commit(Manifest(settings.embedding_model, signature, files, time.time()), chunks)
    seconds = time.perf_counter() - started
    ready.write_text(json.dumps({**expected, "docs": doc_i, "build_seconds": seconds}))
    print(f"  built in {seconds:.0f} s (chunks + Chroma upsert {upserted:.0f} s, BM25 + commit {seconds - upserted:.0f} s)", flush=True)
    return directory, seconds


# -- measurement -----------------------------------------------------------------------------

def measure(store_dir: Path, label: str, qvecs: list[Any], reps: int) -> dict[str, Any]:
    from assistant.core import Assistant
    from assistant.settings import Settings

    emb = embeddings()
    settings = Settings(store=store_dir)
    assistant = Assistant.from_settings(settings, embeddings=emb)
    retriever = assistant.retriever
    t0 = time.perf_counter()
    snap = retriever.snapshot()
    collection = retriever.vectors._collection
    collection.query(query_embeddings=[qvecs[0].tolist()], n_results=K)
    load_s = time.perf_counter() - t0
    n_chunks = len(snap.chunks)

    def chroma(v: Any) -> None:
        collection.query(query_embeddings=[v.tolist()], n_results=K)

    # Warm-up: one pass over every question on each path.
    for q, v in zip(QUESTIONS, qvecs):
        chroma(v)
        retriever.search(q, k=K, query_vec=v)
        assistant.ask(q)

    times: dict[str, list[float]] = {"chroma": [], "search": [], "ask": [], "embed": [], "ask_retrieve": [], "ask_answer": []}
    abstained = 0
    for _ in range(reps):
        for q, v in zip(QUESTIONS, qvecs):
            t = time.perf_counter(); chroma(v); times["chroma"].append(time.perf_counter() - t)  # noqa: E702
            t = time.perf_counter(); retriever.search(q, k=K, query_vec=v); times["search"].append(time.perf_counter() - t)  # noqa: E702
            t = time.perf_counter(); answer = assistant.ask(q); times["ask"].append(time.perf_counter() - t)  # noqa: E702
            t = time.perf_counter(); emb.embed_query(q); times["embed"].append(time.perf_counter() - t)  # noqa: E702
            times["ask_retrieve"].append(answer.timings_ms.get("retrieve", float("nan")) / 1000)
            times["ask_answer"].append(answer.timings_ms.get("answer", float("nan")) / 1000)
            abstained += bool(answer.abstained)
    samples = reps * len(QUESTIONS)
    result = {"label": label, "chunks": n_chunks, "load_seconds": load_s, "samples": samples,
              "abstain_rate": abstained / samples}
    for key, values in times.items():
        result[f"{key}_p50"] = pct(values, 50)
        result[f"{key}_p95"] = pct(values, 95)
    result["search_over_chroma"] = result["search_p50"] / result["chroma_p50"]
    result["ask_over_chroma"] = result["ask_p50"] / result["chroma_p50"]
    print(f"  {label}: {n_chunks} chunks, search p50 {fmt_ms(result['search_p50'])} ms, ask p50 {fmt_ms(result['ask_p50'])} ms, "
          f"chroma p50 {fmt_ms(result['chroma_p50'])} ms", flush=True)
    del assistant, retriever, snap, collection
    gc.collect()
    return result


def run(quick: bool = False, cache: Path | None = None, sizes: tuple[int, ...] | None = None, **_: Any) -> dict[str, Any]:
    setup_environment()
    import numpy as np

    cache = Path(cache or DEFAULT_CACHE)
    cache.mkdir(parents=True, exist_ok=True)
    sizes = sizes or (QUICK_SIZES if quick else SIZES)
    reps = 1 if quick else 2

    emb = embeddings()
    corpus_dir = corpus_store(cache)
    qvecs = [np.asarray(emb.embed_query(q), dtype=np.float32) for q in QUESTIONS]
    dim = int(qvecs[0].shape[0])

    builds: dict[int, float | None] = {}
    stores = [(corpus_dir, "bundled corpus")]
    for n in sizes:
        directory, seconds = synthetic_store(n, cache, corpus_dir, dim)
        builds[n] = seconds
        stores.append((directory, f"synthetic {n // 1000} k"))

    results = [measure(d, label, qvecs, reps) for d, label in stores]

    base_ask = next((r["ask_p50"] for r in results if r["label"] == f"synthetic {sizes[0] // 1000} k"), None)
    table = Table(
        f"Query latency, warm, ms — {len(QUESTIONS)} questions × {reps} (p50 / p95)",
        ["store", "chunks", "Chroma k=5", "search (hybrid)", "ask (extractive)", "ask: retrieve / answer p50",
         "embed_query", "search ÷ Chroma", "ask ÷ Chroma", "ask ÷ ask@1k", "abstained", "snapshot load, s"],
    )
    for r in results:
        table.add(
            r["label"], r["chunks"],
            f"{fmt_ms(r['chroma_p50'])} / {fmt_ms(r['chroma_p95'])}",
            f"{fmt_ms(r['search_p50'])} / {fmt_ms(r['search_p95'])}",
            f"{fmt_ms(r['ask_p50'])} / {fmt_ms(r['ask_p95'])}",
            f"{fmt_ms(r['ask_retrieve_p50'])} / {fmt_ms(r['ask_answer_p50'])}",
            f"{fmt_ms(r['embed_p50'])} / {fmt_ms(r['embed_p95'])}",
            f"{r['search_over_chroma']:.1f}×", f"{r['ask_over_chroma']:.1f}×",
            f"{r['ask_p50'] / base_ask:.1f}×" if base_ask and r["label"].startswith("synthetic") else "",
            f"{r['abstain_rate']:.0%}", f"{r['load_seconds']:.2f}",
        )
    at_target = next((r for r in results if r["chunks"] == TARGET_SIZE), None)
    target_ok = None if at_target is None else at_target["ask_p50"] <= TARGET_ASK_P50_S
    table.notes.append(
        f"target: extractive answer p50 ≤ {TARGET_ASK_P50_S * 1000:.0f} ms at {TARGET_SIZE:,} chunks → "
        + (f"{fmt_ms(at_target['ask_p50'])} ms: {verdict(target_ok)}" if at_target else "not measured (--quick)")
    )
    table.notes.append(
        f"model {model_name()} ({dim} dims). search is timed with the query vector given (like the bare Chroma query); "
        "ask embeds the question itself (embed_query column: the same encode timed alone, interleaved; "
        "threads: the engine's default in this process, see the threads benchmark)."
    )
    table.notes.append("synthetic stores: recombined corpus sentences, random unit vectors (dense cosines ≈ 0 and unstructured: "
                       "these rows measure latency, not answer quality).")
    built = {n: s for n, s in builds.items() if s is not None}
    if built:
        table.notes.append("built or re-committed this run (s): " + ", ".join(f"{n // 1000} k: {s:.0f}" for n, s in built.items()))
    table.notes.append(f"load average after: {loadavg()} (nproc {nproc()}).")
    table.show()
    return {"tables": [table.to_json()],
            "metrics": {"model": model_name(), "dim": dim, "stores": results, "target_ask_p50_s": TARGET_ASK_P50_S, "target_size": TARGET_SIZE,
                        "target_pass": target_ok, "synthetic_build_seconds": builds}}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    run(quick=args.quick, cache=args.cache)
