"""Evaluation reports: JSON (everything), Markdown (what a maintainer reads: table, breakdowns,
failed questions first) and a PNG chart comparing the modes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CHART_METRICS = {
    "gold": ["hit@1", "hit@5", "mrr@10", "source_in_citations@5", "key_facts", "abstention_recall"],
    "squad": ["recall@1", "recall@5", "mrr@10", "answer_in_passages@5"],
}


def write_chart(modes: dict[str, dict[str, Any]], metric_names: list[str], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on CI machines
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4), dpi=100)
    width = 0.8 / max(1, len(modes))
    for i, (mode, summary) in enumerate(modes.items()):
        xs = [j + i * width for j in range(len(metric_names))]
        ax.bar(xs, [summary.get(m, 0.0) for m in metric_names], width=width, label=mode)
    ax.set_xticks([j + width * (len(modes) - 1) / 2 for j in range(len(metric_names))])
    ax.set_xticklabels(metric_names, rotation=20, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _table(modes: dict[str, dict[str, Any]], names: list[str]) -> list[str]:
    lines = ["| metric | " + " | ".join(modes) + " |", "|---|" + "---|" * len(modes)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(f"{modes[m][name]:.3f}" for m in modes) + " |")
    return lines


def write_report(payload: dict[str, Any], out_dir: Path, name: str) -> Path:
    """Write NAME.json, NAME.md and NAME.png into out_dir; return the Markdown path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    kind = "squad" if "passages" in payload else "gold"
    write_chart(payload["modes"], CHART_METRICS[kind], out_dir / f"{name}.png", f"{name} — {payload.get('date', '')}")
    lines = [f"# Evaluation report: {name}", "", f"Generated {payload.get('date')} by `cartable eval` "
             f"({payload['questions']} questions, embedding model `{payload.get('embedding_model')}`, "
             f"dense weight {payload.get('dense_weight')}).", "",
             "Fusion weights per embedding model live in `assistant/settings.py` (`DENSE_WEIGHTS`): the bundled English "
             "MiniLM gets 0.1, the largest weight at which the hybrid is at least as good as BM25 on the gold set, PIAF "
             "and service-public (R@5 and MRR@10; see the README's sweep). An unmeasured model gets 0.5 until it is "
             "measured with `CARTABLE_DENSE_WEIGHT=w cartable eval` and `--squad`.", "", f"![modes](./{name}.png)", ""]
    if kind == "gold":
        from eval.runner import TABLE_METRICS

        lines += _table(payload["modes"], TABLE_METRICS)
        lines += ["", "## Latency (ms, p50 / p95)", ""]
        for mode, summary in payload["modes"].items():
            lat = summary["latency_ms"]
            lines.append(f"- {mode}: " + ", ".join(f"{stage} {v['p50']:.0f} / {v['p95']:.0f}" for stage, v in lat.items()))
        hybrid = payload["modes"].get("hybrid")
        if hybrid:
            for title, key in (("By audience (hybrid)", "by_audience"), ("By document type (hybrid)", "by_doc_type")):
                lines += ["", f"## {title}", "", "| group | n | hit@5 | mrr@10 | key facts |", "|---|---|---|---|---|"]
                for group, v in hybrid[key].items():
                    lines.append(f"| {group} | {v['n']} | {v['hit@5']:.3f} | {v['mrr@10']:.3f} | {v['key_facts']:.3f} |")
        if hybrid:
            lines += ["", "## Where key facts are lost (hybrid)", "",
                      "Share of key facts held anywhere in the documents retrieval ranked first: the most an "
                      "answer built from them could show. Below it, the loss is retrieval's; between it and "
                      "`key_facts`, the composer's (which shows passages, not whole documents).", "",
                      f"- in the answer: {hybrid['key_facts']:.3f}",
                      f"- in the first-ranked document: {hybrid['key_facts_in_top_doc']:.3f}",
                      f"- in the first two documents: {hybrid['key_facts_in_top2_docs']:.3f}"]
        lines += ["", "## Project targets (hybrid)", ""]
        missed = payload.get("targets_missed", [])
        lines += [f"- missed: {m}" for m in missed] or ["- all met"]
        if payload.get("broken_floors"):
            lines += ["", "## Broken regression floors", ""] + [f"- {b}" for b in payload["broken_floors"]]
        lines += ["", "## Failed questions (hybrid)", ""]
        for f in payload["failures"].get("hybrid", []):
            lines.append(f"- **{f['id']}** « {f['question']} » — {', '.join(f['why'])}; expected {f['expected']}; "
                         f"retrieved {f['retrieved'][:3]}")
    else:
        lines += _table(payload["modes"], CHART_METRICS["squad"])
        lines += ["", payload.get("notes", "")]
        answers = payload.get("answers")
        if answers:
            lines += ["", f"## Asked end to end (hybrid, extractive, first {answers['questions']} questions of the sample)", "",
                      "Every question is answerable from its context.", "",
                      f"- wrongly declined: {answers['wrongly_declined']:.3f}",
                      f"- child-safety block raised: {answers['safety_alarms']:.3f}",
                      f"- first citation from the question's document: {answers['first_citation_right_document']:.3f}",
                      f"- expected answer span shown in the answer: {answers['answer_span_shown']:.3f}",
                      f"- answer latency p50 / p95: {answers['latency_ms']['p50']:.0f} / {answers['latency_ms']['p95']:.0f} ms"]
    path = out_dir / f"{name}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
