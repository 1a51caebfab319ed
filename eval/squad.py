"""External French benchmarks in SQuAD format (PIAF, service-public.fr): the contexts are written as
documents, ingested by the real pipeline into a scratch store, and each mode is scored on document
recall@k, MRR@10 and answer-in-passage@5."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from eval import metrics


def load_squad(path: Path) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, list[str]]]]:
    """(documents: id → (title, context), questions: (question, gold doc id, answers))."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    docs: dict[str, tuple[str, str]] = {}
    questions: list[tuple[str, str, list[str]]] = []
    for a, article in enumerate(data):
        for p, para in enumerate(article["paragraphs"]):
            doc_id = f"d{a:04d}-{p:03d}"
            docs[doc_id] = (article.get("title", ""), para["context"])
            for qa in para.get("qas", []):
                questions.append((qa["question"], doc_id, [ans["text"] for ans in qa.get("answers", [])]))
    return docs, questions


def write_documents(docs: dict[str, tuple[str, str]], directory: Path, with_titles: bool) -> None:
    """One Markdown file per context (the title in front matter when it means something)."""
    directory.mkdir(parents=True, exist_ok=True)
    for doc_id, (title, context) in docs.items():
        path = directory / f"{doc_id}.md"
        heading = f"---\ntitle: {json.dumps(title if with_titles and title else doc_id, ensure_ascii=False)}\n---\n"
        content = heading + context + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")


def run_squad(settings: Settings, path: Path, modes: list[str], sample: int, out_dir: Path | None) -> dict[str, Any]:
    from assistant.backends import build_embeddings
    from assistant.retrieve import Retriever
    from ingest.pipeline import ingest

    docs, questions = load_squad(path)
    # Titles that are page ids (service-public "F1234") carry no meaning: keep them off the chunks.
    meaningful_titles = sum(1 for t, _ in docs.values() if t and not t[1:].isdigit()) > len(docs) / 2
    name = path.stem
    settings = settings.model_copy(update={"store": settings.store / name})
    doc_dir = settings.store.parent / f"{name}-documents" / name
    write_documents(docs, doc_dir, meaningful_titles)
    embeddings = build_embeddings(settings)
    t0 = time.perf_counter()
    report = ingest([doc_dir], settings, embeddings)
    ingest_s = time.perf_counter() - t0
    retriever = Retriever(settings, embeddings)
    snap = retriever.snapshot()

    rng = random.Random(0)
    picked = questions if len(questions) <= sample else rng.sample(questions, sample)
    per_mode: dict[str, dict[str, list[float]]] = {m: {"r1": [], "r5": [], "r10": [], "mrr": [], "ans5": []} for m in modes}
    latencies: dict[str, list[float]] = {m: [] for m in modes}
    for question, gold, answers in picked:
        vec = retriever.embed_query(question) if any(m != "bm25" for m in modes) else None
        gold_source = f"{name}/{gold}.md"
        for mode in modes:
            t = time.perf_counter()
            hits = retriever.search(question, k=50, mode=mode, per_doc=50, query_vec=vec)
            latencies[mode].append((time.perf_counter() - t) * 1000)
            ranked = list(dict.fromkeys(h.chunk.doc.source for h in hits))
            rank = metrics.first_rank(ranked, [gold_source])
            m = per_mode[mode]
            m["r1"].append(metrics.hit_at(rank, 1))
            m["r5"].append(metrics.hit_at(rank, 5))
            m["r10"].append(metrics.hit_at(rank, 10))
            m["mrr"].append(metrics.mrr_at(rank, 10))
            top_text = metrics.norm(" ".join(h.chunk.text for h in hits[:5]))
            m["ans5"].append(1.0 if any(metrics.norm(a) in top_text for a in answers) else 0.0)

    def mean(xs: list[float]) -> float:
        return sum(xs) / len(xs) if xs else 0.0

    summaries = {
        mode: {
            "recall@1": mean(v["r1"]), "recall@5": mean(v["r5"]), "recall@10": mean(v["r10"]),
            "mrr@10": mean(v["mrr"]), "answer_in_passages@5": mean(v["ans5"]),
            "latency_ms": {"search": {"p50": metrics.percentile(latencies[mode], 50), "p95": metrics.percentile(latencies[mode], 95)}},
        }
        for mode, v in per_mode.items()
    }
    below = []
    if "hybrid" in summaries:
        for metric in ("recall@5", "mrr@10"):
            best = max(summaries[m][metric] for m in summaries if m != "hybrid") if len(summaries) > 1 else 0.0
            if summaries["hybrid"][metric] + 1e-9 < best:
                below.append(f"{metric} {summaries['hybrid'][metric]:.3f} < {best:.3f}")
    payload = {
        "dataset": path.name, "questions": len(picked), "passages": len(snap.chunks), "documents": len(docs),
        "modes": summaries, "embedding_model": settings.embedding_model, "dense_weight": settings.dense_weight_for_model(),
        "ingest_seconds": round(ingest_s, 1), "chunks_embedded": report.chunks_embedded,
        "hybrid_below_best_component": below, "date": time.strftime("%Y-%m-%d %H:%M"),
        "notes": f"Document-level recall over {len(docs)} contexts chunked by the project's own pipeline; "
                 f"sample of {len(picked)} questions drawn with seed 0.",
    }
    if out_dir is not None:
        from eval.report import write_report

        write_report(payload, out_dir, f"squad-{name}")
    return payload
