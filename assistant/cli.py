"""`cartable`: the command line. A thin layer: it reads the settings once, builds the core through
the same functions the tests call, and turns domain errors into one clear French message."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from assistant.errors import CartableError
from assistant.settings import Settings

_STORE_OPTION = click.option("--store", type=click.Path(path_type=Path), help="Dossier du magasin (défaut : CARTABLE_STORE ou dossier de données utilisateur).")


def _settings(store: Path | None, **overrides: Any) -> Settings:
    settings = Settings()
    updates = {k: v for k, v in {"store": store, **overrides}.items() if v is not None}
    return settings.model_copy(update=updates) if updates else settings


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except CartableError as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        click.echo("\nInterrompu. Le magasin reste dans son dernier état cohérent ; relancez la commande pour terminer.", err=True)
        sys.exit(130)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cartable-assistant")
def main() -> None:
    """Cartable Assistant : questions-réponses citées sur les documents du cartable des CPS et du
    programme En santé à l'école."""


class _Bars:
    """tqdm progress bars for files and embedding batches, on stderr."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bars: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        label = {"files": "Fichiers", "embeddings": "Encodage"}.get(stage, stage)
        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(total=total, desc=label, unit="" if stage == "files" else " passages", file=sys.stderr, leave=True)
        bar.n = done
        bar.refresh()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def run_ingest(settings: Settings, paths: list[Path], rebuild: bool = False, show_progress: bool = True):  # type: ignore[no-untyped-def]
    """Ingest with progress bars; shared by `cartable ingest` and `cartable serve` on an empty store."""
    from assistant.backends import LazyEmbeddings
    from ingest.pipeline import ingest

    bars = _Bars(show_progress)
    try:
        return ingest(paths, settings, LazyEmbeddings(settings), progress=bars, rebuild=rebuild)
    finally:
        bars.close()


@main.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_STORE_OPTION
@click.option("--rebuild", is_flag=True, help="Tout effacer et réindexer (après un changement de modèle d'embedding).")
@click.option("--quiet", "-q", is_flag=True, help="Pas de barre de progression.")
def ingest_command(paths: tuple[Path, ...], store: Path | None, rebuild: bool, quiet: bool) -> None:
    """Indexe des documents (défaut : le corpus fourni). Synchronise : rien n'est dupliqué, les fichiers
    modifiés sont remplacés, les fichiers disparus sont retirés."""
    settings = _settings(store)
    with _errors():
        report = run_ingest(settings, list(paths) or [settings.corpus], rebuild=rebuild, show_progress=not quiet)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


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


@main.command("status")
@_STORE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
def status_command(store: Path | None, as_json: bool) -> None:
    """Montre ce que contient le magasin."""
    from assistant.vocabulary import DOC_TYPES

    settings = _settings(store)
    with _errors():
        status = store_status(settings)
    if as_json:
        click.echo(json.dumps(status, ensure_ascii=False, indent=2))
        return
    if not status["documents"]:
        click.echo(f"Magasin {status['store']} : vide. Lancez `cartable ingest`.")
        return
    click.echo(f"Magasin : {status['store']}")
    click.echo(f"Documents : {status['documents']} — passages : {status['chunks']}")
    for doc_type, n in status["documents_by_type"].items():
        click.echo(f"  {DOC_TYPES.get(doc_type, doc_type)} : {n}")
    click.echo(f"Modèle d'embedding : {status['embedding_model']}")
    click.echo(f"Dernière ingestion : {status['last_ingest']}")


def _filters(doc_types: tuple[str, ...], cycles: tuple[int, ...], levels: tuple[str, ...], competences: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from assistant.schema import Filters
    from assistant.vocabulary import COMPETENCE_BY_KEY, DOC_TYPES, competence_from_label, cycles_of, normalise_levels

    for t in doc_types:
        if t not in DOC_TYPES:
            raise click.BadParameter(f"type inconnu « {t} » ; valeurs : {', '.join(DOC_TYPES)}", param_hint="--type")
    comp_keys = []
    for c in competences:
        comp = COMPETENCE_BY_KEY.get(c) or competence_from_label(c)
        if comp is None:
            raise click.BadParameter(f"compétence inconnue « {c} » ; valeurs : {', '.join(COMPETENCE_BY_KEY)}", param_hint="--competence")
        comp_keys.append(comp.key)
    all_cycles = set(cycles) | set(cycles_of(normalise_levels(list(levels))))
    return Filters(tuple(doc_types), tuple(sorted(all_cycles)), tuple(comp_keys))


def _print_answer(answer, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        click.echo(answer.to_json_line())
        return
    click.echo(answer.answer)
    if answer.citations:
        click.echo("\nSources :")
        for c in answer.citations:
            where = f" — {c.locator}" if c.locator else ""
            click.echo(f"[{c.n}] {c.title} ({c.source}{where})")
            click.echo(f"    « {c.snippet[:300]}{'…' if len(c.snippet) > 300 else ''} »")


@main.command("ask")
@click.argument("question")
@_STORE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Une ligne JSON par réponse.")
@click.option("--type", "doc_types", multiple=True, help="Filtrer par type : seance, guide, evaluation, retour_experience, presentation, autre.")
@click.option("--cycle", "cycles", multiple=True, type=click.IntRange(1, 4), help="Filtrer par cycle (1 à 4).")
@click.option("--niveau", "levels", multiple=True, help="Filtrer par classe (PS … 3e) ; converti en cycle.")
@click.option("--competence", "competences", multiple=True, help="Filtrer par compétence générale (clé ou libellé).")
@click.option("--mode", type=click.Choice(["hybrid", "bm25", "dense"]), default="hybrid", show_default=True, help="Méthode de recherche.")
@click.option("--llm/--no-llm", "use_llm", default=None, help="Forcer ou interdire le modèle de langage configuré.")
def ask_command(question: str, store: Path | None, as_json: bool, doc_types: tuple[str, ...], cycles: tuple[int, ...],
                levels: tuple[str, ...], competences: tuple[str, ...], mode: str, use_llm: bool | None) -> None:
    """Pose une question (ou « - » : une question par ligne sur l'entrée standard)."""
    from assistant.core import Assistant

    settings = _settings(store)
    filters = _filters(doc_types, cycles, levels, competences)
    with _errors():
        assistant = Assistant.from_settings(settings)
        questions = (line.strip() for line in sys.stdin) if question == "-" else iter([question])
        for q in questions:
            if not q:
                continue
            answer = assistant.ask(q, filters, mode=mode, use_llm=use_llm)
            _print_answer(answer, as_json)
            sys.stdout.flush()


@main.command("serve")
@_STORE_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=7860, show_default=True, type=int, help="Port d'écoute.")
def serve_command(store: Path | None, host: str, port: int) -> None:
    """Lance l'interface web (Gradio) ; indexe d'abord le corpus fourni si le magasin est vide."""
    from assistant.ui.app import serve

    settings = _settings(store)
    with _errors():
        serve(settings, host=host, port=port)


@main.group("feedback")
def feedback_group() -> None:
    """Avis des utilisateurs (👍 / 👎) et questions restées sans réponse."""


@feedback_group.command("export")
@_STORE_OPTION
@click.option("--output", "-o", type=click.Path(path_type=Path), default=Path("feedback.csv"), show_default=True, help="Fichier CSV à écrire.")
@click.option("--unanswered", is_flag=True, help="Exporter les questions restées sans réponse (manques du corpus).")
def feedback_export_command(store: Path | None, output: Path, unanswered: bool) -> None:
    """Exporte les avis (ou les questions sans réponse) en CSV."""
    from assistant.feedback import FeedbackStore

    settings = _settings(store)
    with _errors():
        feedback = FeedbackStore(settings.store / "feedback.sqlite")
        n = feedback.export_unanswered_csv(output) if unanswered else feedback.export_csv(output)
    click.echo(f"{n} ligne(s) écrite(s) dans {output}")


@main.command("eval", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def eval_command(ctx: click.Context) -> None:
    """Évalue l'assistant (jeu de questions de référence, jeux externes) ; `cartable eval --help`."""
    from eval.runner import main as eval_main

    eval_main(ctx.args, standalone_mode=True)


if __name__ == "__main__":
    main()
