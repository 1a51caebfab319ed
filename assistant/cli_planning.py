"""`cartable progression` and `cartable atelier`: the planners on the command line. `register` adds
them to the main group (so they get its French help), without this module importing the CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from assistant.errors import CartableError
from assistant.planning import DEFAULT_SESSION_MINUTES
from assistant.settings import Settings

_STORE_HELP = "Dossier du magasin (défaut : CARTABLE_STORE ou dossier de données utilisateur)."


def _retriever(store: Path | None) -> Any:
    from assistant.backends import LazyEmbeddings
    from assistant.retrieve import Retriever

    settings = Settings()
    if store is not None:
        settings = settings.model_copy(update={"store": store})
    # Lazy: a progression over vocabulary keys never loads the model.
    return Retriever(settings, LazyEmbeddings(settings))


def _write_exports(pages: list[Any], markdown: Path | None, pdf: Path | None, title: str) -> None:
    from assistant.planning import export

    if markdown is not None:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        markdown.write_text(export.to_markdown(pages), encoding="utf-8")
        click.echo(f"Markdown écrit dans {markdown}", err=True)
    if pdf is not None:
        export.to_pdf(pages, pdf, title=title)
        click.echo(f"PDF écrit dans {pdf}", err=True)


def register(group: click.Group) -> None:
    """Add the planning commands to `group`."""

    @group.command("progression")
    @click.option("--level", "--niveau", "level", required=True, help="Classe (CE2…) ou cycle (« cycle 3 »).")
    @click.option("--competence", "competences", multiple=True,
                  help="Compétence à travailler (clé, libellé ou texte libre : « émotions ») ; répétable. "
                       "Défaut : les trois compétences de base.")
    @click.option("--sessions", "--seances", "sessions", type=click.IntRange(1, 40), default=6, show_default=True,
                  help="Nombre de séances.")
    @click.option("--minutes", type=click.IntRange(5, 480), default=DEFAULT_SESSION_MINUTES, show_default=True, help="Durée d'une séance.")
    @click.option("--period", "--periode", "period", help="Période, par ex. « novembre-février ».")
    @click.option("--json", "as_json", is_flag=True, help="Un objet JSON.")
    @click.option("--markdown", type=click.Path(path_type=Path), help="Écrire aussi le plan en Markdown dans ce fichier.")
    @click.option("--pdf", type=click.Path(path_type=Path), help="Écrire aussi le plan en PDF (une page par séance).")
    @click.option("--store", type=click.Path(path_type=Path), help=_STORE_HELP)
    def progression_command(level: str, competences: tuple[str, ...], sessions: int, minutes: int, period: str | None,
                            as_json: bool, markdown: Path | None, pdf: Path | None, store: Path | None) -> None:
        """Construit une progression de séances tirées des fiches de la bibliothèque, ordonnée selon
        les principes des guides, chaque élément cité ; signale ce que la bibliothèque ne couvre pas."""
        from assistant.planning import export
        from assistant.planning.progression import build_progression

        try:
            retriever = _retriever(store)
            plan = build_progression(retriever.snapshot(), level, list(competences), sessions, minutes, period,
                                     retriever.embeddings)
            pages = export.progression_pages(plan)
            _write_exports(pages, markdown, pdf, f"Progression CPS — {level}")
        except CartableError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(json.dumps(plan.to_json(), ensure_ascii=False) if as_json else export.to_markdown(pages))
        if not plan.sessions:
            sys.exit(1)

    @group.command("atelier")
    @click.option("--public", "public", required=True,
                  help="Public : nouveaux enseignants, enseignants expérimentés, équipe d'école, professionnels de santé, ou texte libre.")
    @click.option("--minutes", type=click.IntRange(20, 720), default=120, show_default=True, help="Durée de l'atelier.")
    @click.option("--theme", default="animer une séance CPS", show_default=True, help="Thème de l'atelier.")
    @click.option("--json", "as_json", is_flag=True, help="Un objet JSON.")
    @click.option("--markdown", type=click.Path(path_type=Path), help="Écrire aussi le déroulé en Markdown dans ce fichier.")
    @click.option("--pdf", type=click.Path(path_type=Path), help="Écrire aussi le déroulé en PDF.")
    @click.option("--store", type=click.Path(path_type=Path), help=_STORE_HELP)
    def atelier_command(public: str, minutes: int, theme: str, as_json: bool, markdown: Path | None,
                        pdf: Path | None, store: Path | None) -> None:
        """Prépare un atelier de formation : objectifs, déroulé minuté où les participants vivent les
        activités, messages clés des guides et de l'évaluation, documents à distribuer — tout cité."""
        from assistant.planning import export
        from assistant.planning.workshop import build_workshop

        try:
            plan = build_workshop(_retriever(store), public, minutes, theme)
            pages = export.workshop_pages(plan)
            _write_exports(pages, markdown, pdf, f"Atelier — {theme}")
        except CartableError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(json.dumps(plan.to_json(), ensure_ascii=False) if as_json else export.to_markdown(pages))
        if not plan.sequence:
            sys.exit(1)
