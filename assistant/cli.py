"""`cartable`: the command line. A thin layer: it reads the settings once, builds the core through
the same functions the tests call, and turns domain errors into one clear French message."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from assistant.cli_french import VERSION_OPTION_HELP, FrenchGroup, french
from assistant.cli_planning import register as register_planning
from assistant.errors import CartableError, QuestionRejected
from assistant.status import store_status
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


@click.group(cls=FrenchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cartable-assistant", help=VERSION_OPTION_HELP, message="%(prog)s, version %(version)s")
def main() -> None:
    """Cartable Assistant : questions-réponses citées sur les documents du cartable des CPS et du
    programme En santé à l'école."""


@main.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[CHEMIN]...")
@_STORE_OPTION
@click.option("--rebuild", is_flag=True, help="Tout effacer et réindexer (après un changement de modèle d'embedding).")
@click.option("--quiet", "-q", is_flag=True, help="Pas de barre de progression.")
def ingest_command(paths: tuple[Path, ...], store: Path | None, rebuild: bool, quiet: bool) -> None:
    """Indexe des documents (défaut : le corpus fourni). Synchronise : rien n'est dupliqué, les fichiers
    modifiés sont remplacés, les fichiers disparus sont retirés."""
    from ingest.progress import ingest_with_progress

    settings = _settings(store)
    with _errors():
        report = ingest_with_progress(settings, list(paths) or [settings.corpus], rebuild=rebuild, show_progress=not quiet)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


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
    if answer.safety:
        from assistant import resources

        # The numbers first, each named, as the UI's banner shows them.
        click.echo(f"⚠️  {answer.safety.label} — ressources à contacter :")
        for name in answer.safety.resources:
            resource = resources.lookup(name)
            click.echo(f"  {resource.describe() if resource else name}")
        click.echo()
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
@click.option("--type", "doc_types", multiple=True, metavar="TYPE", help="Filtrer par type : seance, guide, evaluation, retour_experience, presentation, autre.")
@click.option("--cycle", "cycles", multiple=True, type=click.IntRange(1, 4), metavar="CYCLE", help="Filtrer par cycle (1 à 4).")
@click.option("--niveau", "levels", multiple=True, metavar="CLASSE", help="Filtrer par classe (PS … 3e) ; converti en cycle.")
@click.option("--competence", "competences", multiple=True, metavar="COMPÉTENCE", help="Filtrer par compétence générale (clé ou libellé).")
@click.option("--mode", type=click.Choice(["hybrid", "bm25", "dense"]), default="hybrid", show_default=True, help="Méthode de recherche.")
@click.option("--llm/--no-llm", "use_llm", default=None, help="Forcer ou interdire le modèle de langage configuré.")
def ask_command(question: str, store: Path | None, as_json: bool, doc_types: tuple[str, ...], cycles: tuple[int, ...],
                levels: tuple[str, ...], competences: tuple[str, ...], mode: str, use_llm: bool | None) -> None:
    """Pose une question (ou « - » : une question par ligne sur l'entrée standard)."""
    if question != "-" and not question.strip():
        raise click.UsageError("la question est vide : écrivez-la entre guillemets, par exemple "
                               "cartable ask \"Comment animer une séance sur les émotions ?\"")
    from assistant.core import Assistant

    settings = _settings(store)
    filters = _filters(doc_types, cycles, levels, competences)
    with _errors():
        assistant = Assistant.from_settings(settings)
        questions = (line.strip() for line in sys.stdin) if question == "-" else iter([question])
        refused = 0
        for q in questions:
            if not q:
                continue
            try:
                answer = assistant.ask(q, filters, mode=mode, use_llm=use_llm)
            except QuestionRejected as exc:
                if question != "-":
                    raise
                # In a batch, one refused line must not cost the others their answers.
                refused += 1
                click.echo(json.dumps({"question": q[:200], "error": str(exc)}, ensure_ascii=False) if as_json else f"Erreur : {exc}")
                continue
            _print_answer(answer, as_json)
            sys.stdout.flush()
        if refused:
            sys.exit(1)


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
        feedback = FeedbackStore.from_settings(settings)
        n = feedback.export_unanswered_csv(output) if unanswered else feedback.export_csv(output)
    click.echo(f"{n} ligne(s) écrite(s) dans {output}")


@main.command("eval", add_help_option=False, context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def eval_command(ctx: click.Context) -> None:
    """Évalue l'assistant (jeu de questions de référence, jeux externes) ; `cartable eval --help`."""
    from eval.runner import main as eval_main

    # The runner's own options and --help, in French like the rest of the CLI.
    french(eval_main, "eval").main(ctx.args, prog_name=f"{ctx.parent.info_name if ctx.parent else 'cartable'} eval",
                                   standalone_mode=True)


register_planning(main)  # `cartable progression`, `cartable atelier`


if __name__ == "__main__":
    main()
