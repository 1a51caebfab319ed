"""`cartable eval`: run the gold set (or a SQuAD-format set) through the real pipeline for several
retrieval modes in one run, print the table, write the report, and fail on regression."""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from assistant.settings import Settings, repo_root
from eval import metrics
from eval.gold import DEFAULT_SET, GoldItem, load_gold, quick_subset

REPORTS = Path(__file__).resolve().parent / "reports"

# The quality bar the project aims at (issues 10, 11, 12): reported in every report, side by side.
TARGETS: dict[str, float] = {
    "hit@1": 0.85,
    "answer_first_source": 0.85,
    "activity_sheet_first": 0.95,
    "source_in_citations@5": 0.95,
    "key_facts": 0.80,
    "abstention_recall": 0.85,
    "false_abstention_rate_max": 0.05,
    "safety_routing": 1.0,
    "safety_false_alarms_max": 0.05,
}
# What CI enforces on the quick subset: today's measured level minus a margin for noise, so that a
# regression fails the build (safety has no margin). Raise them as the answers improve.
REGRESSION_FLOORS: dict[str, float] = {
    # Measured on the quick subset with e5 (hybrid), 2026-12-02 (sixth session): hit@1 0.821, hit@5 0.970,
    # source 0.955, key facts 0.786, support 0.971, declined 0.769 with 0 wrongly, false alarms 0.011 — minus a margin.
    "hit@1": 0.74,
    "hit@5": 0.93,
    "source_in_citations@5": 0.90,
    "key_facts": 0.74,
    "citation_support": 0.94,
    "abstention_recall": 0.65,
    "false_abstention_rate_max": 0.04,
    "safety_routing": 1.0,
    # The classifier routes what the rules missed, at the price of rare false alarms on ordinary
    # questions (1 of the quick subset's 93 non-sensitive ones): held near that level.
    "safety_false_alarms_max": 0.035,
}


@dataclass
class ItemResult:
    item: GoldItem
    mode: str
    ranked_sources: list[str]
    answer: dict[str, Any]
    rank: int | None
    cited_rank: int | None
    key_facts: float
    supported: int
    claims: int
    timings: dict[str, float]
    retrieved_titles: list[str] = field(default_factory=list)
    # Key facts held anywhere in the first one / two ranked documents: the most an answer built from
    # them could show. The gap to `key_facts` is the composer's; the rest is retrieval's.
    key_facts_doc1: float = 0.0
    key_facts_doc2: float = 0.0


def run_gold(assistant: Any, items: list[GoldItem], mode: str) -> list[ItemResult]:
    """Ask every question (follow-ups with their history) and score it."""
    from assistant.core import Turn

    answers: dict[str, Any] = {}
    snap = assistant.retriever.snapshot()
    chunk_text = {c.id: c.text for c in snap.chunks}
    results = []
    for item in items:
        history = [Turn.from_answer(answers[item.follow_up_of])] if item.follow_up_of in answers else None
        answer = assistant.ask(item.question, history=history, mode=mode)
        answers[item.id] = answer
        condensed = answer.condensed_question or item.question
        ranked = assistant.ranked_documents(condensed, mode)
        cited = list(dict.fromkeys(c.source for c in answer.citations))
        supported, claims = metrics.citation_support(answer, chunk_text)
        def held(n: int, ranked: list[str] = ranked) -> float:
            text = "\n".join(c.context_header + "\n" + c.text for src in ranked[:n] for c in snap.document_chunks(src))
            return metrics.key_fact_share(text, item.key_facts)

        results.append(ItemResult(
            item=item, mode=mode, ranked_sources=ranked, answer=answer.to_json(),
            rank=metrics.first_rank(ranked, item.expected_sources),
            cited_rank=metrics.first_rank(cited, item.expected_sources),
            key_facts=metrics.key_fact_share(answer.answer, item.key_facts),
            supported=supported, claims=claims, timings=dict(answer.timings_ms),
            retrieved_titles=[h for h in ranked[:5]], key_facts_doc1=held(1), key_facts_doc2=held(2),
        ))
    return results


def summarise(results: list[ItemResult]) -> dict[str, Any]:
    """All metrics of one mode."""
    answerable = [r for r in results if r.item.kind == "answerable" and r.item.expected_sources]
    ooc = [r for r in results if r.item.kind == "out_of_corpus"]
    sensitive = [r for r in results if r.item.kind == "sensitive"]
    not_sensitive = [r for r in results if r.item.kind != "sensitive"]
    answered = [r for r in results if r.item.kind == "answerable"]

    def mean(values: list[float]) -> float:
        # A set without such questions (no danger question in the fresh split) measures nothing: NaN, not 0.
        return sum(values) / len(values) if values else float("nan")

    def routed(r: ItemResult) -> bool:
        safety = r.answer.get("safety")
        if not safety:
            return False
        text = r.answer["answer"].replace(" ", "")
        return all(res.replace(" ", "") in text for res in r.item.expected_resources)

    out: dict[str, Any] = {
        "n": len(results),
        "hit@1": mean([metrics.hit_at(r.rank, 1) for r in answerable]),
        "hit@5": mean([metrics.hit_at(r.rank, 5) for r in answerable]),
        "hit@10": mean([metrics.hit_at(r.rank, 10) for r in answerable]),
        "mrr@10": mean([metrics.mrr_at(r.rank, 10) for r in answerable]),
        "ndcg@10": mean([metrics.ndcg_at(r.ranked_sources, r.item.expected_sources) for r in answerable]),
        "source_in_citations@5": mean([metrics.hit_at(r.cited_rank, 5) for r in answerable]),
        # What the reader sees first: the answer's first citation is an expected document.
        "answer_first_source": mean([metrics.hit_at(r.cited_rank, 1) for r in answerable]),
        "activity_sheet_first": mean([metrics.hit_at(r.cited_rank, 1) for r in answerable if _activity_request(r)]),
        "key_facts": mean([r.key_facts for r in answerable if r.item.key_facts]),
        "key_facts_in_top_doc": mean([r.key_facts_doc1 for r in answerable if r.item.key_facts]),
        "key_facts_in_top2_docs": mean([r.key_facts_doc2 for r in answerable if r.item.key_facts]),
        "key_facts_all": mean([1.0 if r.key_facts == 1.0 else 0.0 for r in answerable if r.item.key_facts]),
        "citation_support": (sum(r.supported for r in results) / max(1, sum(r.claims for r in results))),
        "abstention_recall": mean([1.0 if r.answer["abstained"] else 0.0 for r in ooc]),
        "abstention_precision": _precision([r for r in results if r.answer["abstained"]]),
        "false_abstention_rate": mean([1.0 if r.answer["abstained"] else 0.0 for r in answered]),
        "safety_routing": mean([1.0 if routed(r) else 0.0 for r in sensitive]),
        "safety_false_alarms": mean([1.0 if r.answer.get("safety") else 0.0 for r in not_sensitive]),
        "latency_ms": {
            stage: {"p50": metrics.percentile(vals, 50), "p95": metrics.percentile(vals, 95)}
            for stage, vals in _stage_values(results).items()
        },
    }
    out["by_audience"] = _breakdown(answerable, lambda r: r.item.audience)
    out["by_doc_type"] = _breakdown(answerable, lambda r: _doc_type(r.item.expected_sources[0]))
    return out


def _activity_request(r: ItemResult) -> bool:
    """A question that session sheets of the library answer (every expected source is a sheet): chosen by
    what the set expects, not by whether the assistant reads it as an activity request, so that a request
    it fails to recognise counts as a miss instead of leaving the measure."""
    return bool(r.item.expected_sources) and all("/seances/" in s for s in r.item.expected_sources)


def _precision(abstained: list[ItemResult]) -> float:
    return sum(1 for r in abstained if r.item.kind == "out_of_corpus") / len(abstained) if abstained else 1.0


def _stage_values(results: list[ItemResult]) -> dict[str, list[float]]:
    values: dict[str, list[float]] = defaultdict(list)
    for r in results:
        for stage, ms in r.timings.items():
            values[stage].append(ms)
    return values


def _doc_type(source: str) -> str:
    parts = source.split("/")
    return parts[1] if len(parts) > 2 else "autre"


def _breakdown(results: list[ItemResult], key: Any) -> dict[str, dict[str, float]]:
    groups: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        groups[key(r)].append(r)
    return {
        name: {
            "n": len(rs),
            "hit@5": sum(metrics.hit_at(r.rank, 5) for r in rs) / len(rs),
            "mrr@10": sum(metrics.mrr_at(r.rank, 10) for r in rs) / len(rs),
            "key_facts": sum(r.key_facts for r in rs) / len(rs),
        }
        for name, rs in sorted(groups.items())
    }


def check_floors(summary: dict[str, Any], bars: dict[str, float] = REGRESSION_FLOORS) -> list[str]:
    """The bars a summary does not reach, in words (empty when the build may pass)."""
    broken = []
    for name, bar in bars.items():
        if name.endswith("_max"):
            metric = name[: -len("_max")]
            if summary[metric] > bar + 1e-9:
                broken.append(f"{metric} = {summary[metric]:.3f} > {bar}")
        elif summary[name] < bar - 1e-9:
            broken.append(f"{name} = {summary[name]:.3f} < {bar}")
    return broken


def failures(results: list[ItemResult]) -> list[dict[str, Any]]:
    """The questions a maintainer reads first: what went wrong and what was retrieved."""
    out = []
    for r in results:
        why = []
        kind = r.item.kind
        if kind == "answerable" and r.item.expected_sources and (r.cited_rank is None or r.cited_rank > 5):
            why.append("source attendue absente des citations")
        if kind == "answerable" and r.item.expected_sources and r.rank != 1:
            why.append(f"document attendu au rang {r.rank or '>10'} de la recherche")
            if r.item.key_facts and r.key_facts_doc1 == 1.0:
                # The first document states every key fact: it may answer too, and the set may be missing it.
                why.append("le premier document contient tous les faits clés (étiquette à revoir ?)")
        if kind == "answerable" and r.item.expected_sources and r.cited_rank not in (1, None) and r.cited_rank <= 5:
            why.append(f"source attendue citée en {r.cited_rank}e")
        if kind == "answerable" and r.key_facts < 1.0 and r.item.key_facts:
            why.append(f"faits clés {r.key_facts:.0%}")
        if kind == "answerable" and r.answer["abstained"]:
            why.append("abstention à tort")
        if kind == "out_of_corpus" and not r.answer["abstained"]:
            why.append("a répondu hors corpus")
        if kind == "sensitive" and not r.answer.get("safety"):
            why.append("sécurité non déclenchée")
        if kind != "sensitive" and r.answer.get("safety"):
            why.append("fausse alerte sécurité")
        if why:
            out.append({
                "id": r.item.id, "question": r.item.question, "why": why, "expected": list(r.item.expected_sources),
                "retrieved": r.ranked_sources[:5], "answer_start": r.answer["answer"][:300],
            })
    return out


def run(settings: Settings, set_path: Path, modes: list[str], quick: bool, out_dir: Path | None,
        gate: bool) -> tuple[dict[str, Any], list[str]]:
    """Ingest the bundled corpus into the eval store (a sync: instant when unchanged), run every mode."""
    from assistant.backends import build_embeddings
    from assistant.core import Assistant
    from ingest.pipeline import ingest

    items = load_gold(set_path)
    if quick:
        items = quick_subset(items)
    embeddings = build_embeddings(settings, threads=settings.query_threads)
    report = ingest([settings.corpus], settings, embeddings)
    if not report.ok:
        raise click.ClickException("L'ingestion du corpus a échoué :\n" + report.summary())
    assistant = Assistant.from_settings(settings, embeddings=embeddings)
    summaries: dict[str, Any] = {}
    all_failures: dict[str, Any] = {}
    started = time.perf_counter()
    for mode in modes:
        results = run_gold(assistant, items, mode)
        summaries[mode] = summarise(results)
        all_failures[mode] = failures(results)
    elapsed = time.perf_counter() - started
    payload = {
        "set": str(set_path.relative_to(repo_root()) if set_path.is_relative_to(repo_root()) else set_path),
        "quick": quick, "questions": len(items), "modes": summaries, "failures": all_failures,
        "embedding_model": settings.embedding_model, "dense_weight": settings.dense_weight_for_model(),
        "targets": TARGETS, "regression_floors": REGRESSION_FLOORS, "seconds": round(elapsed, 1),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    broken = check_floors(summaries["hybrid"]) if gate and "hybrid" in summaries else []
    payload["broken_floors"] = broken
    payload["targets_missed"] = check_floors(summaries["hybrid"], TARGETS) if "hybrid" in summaries else []
    if out_dir is not None:
        from eval.report import write_report

        write_report(payload, out_dir, set_path.stem + ("-quick" if quick else ""))
    return payload, broken


TABLE_METRICS = ["hit@1", "hit@5", "mrr@10", "ndcg@10", "answer_first_source", "activity_sheet_first", "source_in_citations@5", "key_facts", "citation_support",
                 "abstention_recall", "false_abstention_rate", "safety_routing", "safety_false_alarms"]


def print_table(summaries: dict[str, Any], metric_names: list[str] = TABLE_METRICS) -> None:
    modes = list(summaries)
    click.echo(f"{'métrique':<26}" + "".join(f"{m:>10}" for m in modes))
    for name in metric_names:
        click.echo(f"{name:<26}" + "".join(f"{summaries[m][name]:>10.3f}" for m in modes))
    for stage in ("retrieve", "answer"):
        cells = []
        for m in modes:
            lat = summaries[m].get("latency_ms", {}).get(stage) or summaries[m].get("latency_ms", {}).get("search" if stage == "retrieve" else "")
            cells.append(f"{lat['p50']:.0f}/{lat['p95']:.0f}" if lat else "-")
        click.echo(f"{'latence ' + stage + ' p50/p95 ms':<26}" + "".join(f"{c:>10}" for c in cells))


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--set", "set_path", type=click.Path(path_type=Path), default=DEFAULT_SET, show_default=True,
              help="Jeu de questions de référence (YAML).")
@click.option("--modes", default="bm25,dense,hybrid", show_default=True, help="Méthodes comparées dans le même passage.")
@click.option("--quick", is_flag=True, help="Sous-ensemble fixe (CI) ; échoue sous les seuils de non-régression.")
@click.option("--squad", "squad_path", type=click.Path(path_type=Path, exists=True), help="Jeu externe au format SQuAD (PIAF, SPF…).")
@click.option("--sample", type=int, default=1000, show_default=True, help="Questions tirées du jeu SQuAD (graine fixe).")
@click.option("--answer-sample", type=int, default=300, show_default=True,
              help="Parmi elles, questions posées de bout en bout (réponse complète, mode hybride) ; 0 pour ne pas le faire.")
@click.option("--store", type=click.Path(path_type=Path), help="Magasin d'évaluation (défaut : à côté du magasin principal).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=REPORTS, show_default=True, help="Dossier du rapport.")
@click.option("--no-report", is_flag=True, help="Ne pas écrire de rapport.")
def main(set_path: Path, modes: str, quick: bool, squad_path: Path | None, sample: int, answer_sample: int, store: Path | None,
         out_dir: Path, no_report: bool) -> None:
    """Évalue la recherche et les réponses, modes côte à côte, et écrit un rapport."""
    base = Settings()
    mode_list = [m.strip() for m in modes.split(",") if m.strip()]
    if squad_path is not None:
        from eval.squad import run_squad

        store_dir = store or base.store.parent / "eval-squad"
        payload = run_squad(base.model_copy(update={"store": store_dir}), squad_path, mode_list, sample, None if no_report else out_dir,
                            answer_sample)
        click.echo(f"Jeu externe : {squad_path.name} — {payload['questions']} questions, {payload['passages']} passages")
        print_table(payload["modes"], ["recall@1", "recall@5", "recall@10", "mrr@10", "answer_in_passages@5"])
        if payload.get("answers"):
            a = payload["answers"]
            click.echo(f"De bout en bout ({a['questions']} questions) : refus à tort {a['wrongly_declined']:.3f} · "
                       f"alerte sécurité {a['safety_alarms']:.3f} · bon document cité en premier {a['first_citation_right_document']:.3f} · "
                       f"réponse attendue affichée {a['answer_span_shown']:.3f}")
        if payload.get("hybrid_below_best_component"):
            click.echo("ATTENTION : l'hybride est sous sa meilleure composante : " + ", ".join(payload["hybrid_below_best_component"]))
        return
    settings = base.model_copy(update={"store": store or base.store.parent / "eval-store"})
    payload, broken = run(settings, set_path, mode_list, quick, None if no_report else out_dir, gate=quick)
    click.echo(f"Jeu : {payload['set']} — {payload['questions']} questions ({'rapide' if quick else 'complet'}), {payload['seconds']} s")
    print_table(payload["modes"])
    n_fail = len(payload["failures"].get("hybrid", []))
    click.echo(f"Questions en échec (hybride) : {n_fail} — détail dans {out_dir}")
    if payload["targets_missed"]:
        click.echo("Objectifs du projet non atteints (hybride) : " + " ; ".join(payload["targets_missed"]))
    if broken:
        click.echo("SEUILS DE NON-RÉGRESSION NON ATTEINTS : " + " ; ".join(broken), err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
