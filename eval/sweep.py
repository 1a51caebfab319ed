"""Retrieval-only sweep over fusion weights on a gold-format set: each question is embedded once and
ranked by every mode ("bm25", "dense", "hybrid:W"), with the same boosts the assistant applies. Cheap
enough to compare many weights; `cartable eval` then measures the answers at the chosen one.

    python -m eval.sweep [--set eval/gold.yaml] [--modes bm25,dense,hybrid:0.3,hybrid:0.5,hybrid:0.7]
"""

from __future__ import annotations

from pathlib import Path

import click

from assistant.settings import Settings
from eval import metrics
from eval.gold import DEFAULT_SET, load_gold


@click.command()
@click.option("--set", "set_paths", multiple=True, type=click.Path(path_type=Path),
              default=[DEFAULT_SET, DEFAULT_SET.parent / "fresh.yaml"], show_default=True)
@click.option("--modes", default="bm25,dense,hybrid:0.3,hybrid:0.5,hybrid:0.6,hybrid:0.7,hybrid:0.8,hybrid:0.9", show_default=True)
@click.option("--store", type=click.Path(path_type=Path), help="Evaluation store (default: beside the main store).")
def main(set_paths: tuple[Path, ...], modes: str, store: Path | None) -> None:
    """Document hit@1 / hit@5 / MRR@10 per retrieval mode, one embedding per question."""
    from assistant import query
    from assistant.core import Assistant

    base = Settings()
    settings = base.model_copy(update={"store": store or base.store.parent / "eval-store"})
    assistant = Assistant.from_settings(settings)
    retriever = assistant.retriever
    mode_list = [m.strip() for m in modes.split(",") if m.strip()]
    for path in set_paths:
        items = [i for i in load_gold(path) if i.kind == "answerable" and i.expected_sources and not i.follow_up_of]
        ranks: dict[str, list[int | None]] = {m: [] for m in mode_list}
        for item in items:
            info = query.understand(item.question)
            vec = retriever.embed_query(item.question)
            for mode in mode_list:
                hits = retriever.search(item.question, k=10, mode=mode, per_doc=1, boost_cycles=info.cycles,
                                        boost_competences=info.competences, boost_doc_types=info.doc_types, query_vec=vec)
                ranks[mode].append(metrics.first_rank([h.chunk.doc.source for h in hits], item.expected_sources))
        click.echo(f"{path.name} ({len(items)} answerable stand-alone questions)")
        click.echo(f"{'mode':<14}{'hit@1':>8}{'hit@5':>8}{'mrr@10':>8}")
        for mode, rs in ranks.items():
            n = len(rs) or 1
            click.echo(f"{mode:<14}{sum(metrics.hit_at(r, 1) for r in rs) / n:>8.3f}{sum(metrics.hit_at(r, 5) for r in rs) / n:>8.3f}"
                       f"{sum(metrics.mrr_at(r, 10) for r in rs) / n:>8.3f}")


if __name__ == "__main__":
    main()
