"""External French benchmarks in SQuAD format (PIAF, service-public.fr): the contexts are written as
documents, ingested by the real pipeline into a scratch store, and each mode is scored on document
recall@k, MRR@10 and answer-in-passage@5. A sample of the questions is then asked end to end
(`Assistant.ask`, hybrid, no chat model): every one of them is answerable, so this measures how often the
product wrongly declines, raises a child-safety block on general-knowledge text, and shows the answer."""

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


def squad_store(settings: Settings, path: Path) -> tuple[Settings, Any, list[tuple[str, str, list[str]]], Any]:
    """Write the dataset's contexts as documents and ingest them into `settings.store`/<name> (a no-op when
    already there): (settings of that store, its Retriever, the questions, the ingestion report)."""
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
    report = ingest([doc_dir], settings, embeddings)
    return settings, Retriever(settings, embeddings), questions, report


def sample_questions(questions: list[tuple[str, str, list[str]]], sample: int, last: bool = False) -> list[tuple[str, str, list[str]]]:
    """The first `sample` questions of one fixed shuffle (seed 0), or its last ones: abstention is
    calibrated on the last (`eval.calibrate --guard`) and measured on the first, never the same questions."""
    shuffled = random.Random(0).sample(questions, len(questions))
    return shuffled[-sample:] if last else shuffled[:sample]


def run_squad(settings: Settings, path: Path, modes: list[str], sample: int, out_dir: Path | None,
              answer_sample: int = 300) -> dict[str, Any]:
    t0 = time.perf_counter()
    settings, retriever, questions, report = squad_store(settings, path)
    ingest_s = time.perf_counter() - t0
    name = path.stem
    snap = retriever.snapshot()
    n_docs = len({c.doc.source for c in snap.chunks})
    picked = sample_questions(questions, sample)
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
    answers = answer_questions(settings, retriever, picked[:answer_sample], name) if answer_sample and "hybrid" in modes else None
    payload = {
        "answers": answers,
        "dataset": path.name, "questions": len(picked), "passages": len(snap.chunks), "documents": n_docs,
        "modes": summaries, "embedding_model": settings.embedding_model, "dense_weight": settings.dense_weight_for_model(),
        "ingest_seconds": round(ingest_s, 1), "chunks_embedded": report.chunks_embedded,
        "hybrid_below_best_component": below, "date": time.strftime("%Y-%m-%d %H:%M"),
        "notes": f"Document-level recall over {n_docs} contexts chunked by the project's own pipeline; "
                 f"sample of {len(picked)} questions drawn with seed 0.",
    }
    if out_dir is not None:
        from eval.report import write_report

        write_report(payload, out_dir, f"squad-{name}")
    return payload


def answer_questions(settings: Settings, retriever: Any, picked: list[tuple[str, str, list[str]]], name: str) -> dict[str, Any]:
    """Ask answerable questions end to end: how many are wrongly declined, routed to a child-safety block,
    answered with the right document first, and answered with the expected span in the text shown."""
    from assistant.core import Assistant

    assistant = Assistant(settings, retriever)
    declined, alarms, first_doc, span, latencies = [], [], [], [], []
    for question, gold, spans in picked:
        t = time.perf_counter()
        answer = assistant.ask(question)
        latencies.append((time.perf_counter() - t) * 1000)
        declined.append(float(answer.abstained))
        alarms.append(float(answer.safety is not None))
        first = answer.citations[0].source if answer.citations and not answer.abstained else ""
        first_doc.append(float(first == f"{name}/{gold}.md"))
        text = metrics.norm(answer.answer) if not answer.abstained else ""
        span.append(float(any(metrics.norm(a) in text for a in spans)))

    def mean(xs: list[float]) -> float:
        return sum(xs) / len(xs) if xs else float("nan")

    return {"questions": len(picked), "wrongly_declined": mean(declined), "safety_alarms": mean(alarms),
            "first_citation_right_document": mean(first_doc), "answer_span_shown": mean(span),
            "latency_ms": {"p50": metrics.percentile(latencies, 50), "p95": metrics.percentile(latencies, 95)}}
