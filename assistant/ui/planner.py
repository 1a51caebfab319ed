"""Handlers of the « Préparer » tab as plain functions: the form's values in, the plan's Markdown and
the paths of its Markdown and PDF exports out. No Gradio here (app.py wires them)."""

from __future__ import annotations

import re
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CartableError
from assistant.planning import DEFAULT_SESSION_MINUTES
from assistant.planning import export
from assistant.planning.progression import build_progression
from assistant.planning.workshop import AUDIENCES, build_workshop
from assistant.retrieve import Retriever
from assistant.vocabulary import CLASSES, COMPETENCE_BY_KEY, CYCLE_LABELS

LEVEL_CHOICES: list[tuple[str, str]] = [(label, f"cycle {n}") for n, label in CYCLE_LABELS.items()] + [
    (f"{cls} (cycle {cycle})", cls) for cls, cycle in CLASSES.items()
]
COMPETENCE_CHOICES: list[tuple[str, str]] = [(c.label, c.key) for c in COMPETENCE_BY_KEY.values()]
AUDIENCE_CHOICES: list[str] = list(AUDIENCES)
EMPTY_PLAN = "*Remplissez le formulaire puis cliquez sur le bouton : le plan s'affiche ici, chaque élément cité.*"


@dataclass
class PlanOutput:
    markdown: str
    markdown_path: str | None
    pdf_path: str | None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "plan"


def _exports(pages: list[export.Page], name: str, title: str, out_dir: Path | None) -> tuple[str, str]:
    folder = (out_dir or Path(tempfile.gettempdir()) / "cartable-plans") / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True, exist_ok=True)
    md = folder / f"{name}.md"
    md.write_text(export.to_markdown(pages), encoding="utf-8")
    pdf = export.to_pdf(pages, folder / f"{name}.pdf", title=title)
    return str(md), str(pdf)


def progression(retriever: Retriever, level: str | None, competences: list[str] | None, free_text: str | None,
                sessions: float | None, minutes: float | None, period: str | None,
                out_dir: Path | None = None) -> PlanOutput:
    """The « Progression » form: a plan shown as Markdown, with its Markdown and PDF files."""
    if not level:
        return PlanOutput("Choisissez un niveau (classe ou cycle).", None, None)
    wanted = list(competences or []) + [t for t in [(free_text or "").strip()] if t]
    try:
        plan = build_progression(retriever.snapshot(), level, wanted, int(sessions or 6), int(minutes or DEFAULT_SESSION_MINUTES),
                                 (period or "").strip() or None, retriever.embeddings)
    except CartableError as exc:
        return PlanOutput(str(exc), None, None)
    pages = export.progression_pages(plan)
    shown = export.to_markdown(pages, footnotes=False)
    if not plan.sessions:
        return PlanOutput(shown, None, None)
    md, pdf = _exports(pages, f"progression-{_slug(level)}", f"Progression CPS — {level}", out_dir)
    return PlanOutput(shown, md, pdf)


def workshop(retriever: Retriever, public: str | None, minutes: float | None, theme: str | None,
             out_dir: Path | None = None) -> PlanOutput:
    """The « Atelier » form: an outline shown as Markdown, with its Markdown and PDF files."""
    public = (public or "").strip()
    theme = (theme or "").strip() or "animer une séance CPS"
    if not public:
        return PlanOutput("Indiquez le public de l'atelier.", None, None)
    try:
        plan = build_workshop(retriever, public, int(minutes or 120), theme)
    except CartableError as exc:
        return PlanOutput(str(exc), None, None)
    pages = export.workshop_pages(plan)
    shown = export.to_markdown(pages, footnotes=False)
    if not plan.sequence:
        return PlanOutput(shown, None, None)
    md, pdf = _exports(pages, f"atelier-{_slug(theme)}", f"Atelier — {theme}", out_dir)
    return PlanOutput(shown, md, pdf)
