"""Rendering of answers, citations, passages and the index status as Markdown or HTML.

Everything that comes from a document (answer text, snippets, chunks, titles, sources) is escaped
here, before any markup is built: a document containing `<script>` or `<img onerror>` must show as
text. Gradio sanitises too, but that is a second line, not the first. Snippets and passages are
documents' own Markdown, rendered by markdown-it with raw HTML, links and images switched off.
"""

from __future__ import annotations

import html
import re
import time
from typing import Any

from markdown_it import MarkdownIt

from assistant import resources
from assistant.schema import Answer, Citation, Safety
from assistant.vocabulary import CLASSES, COMPETENCE_BY_KEY, CYCLE_LABELS, DOC_TYPES, fold

# The welcome panel: one set of example questions per audience (design.md, "Who asks what").
EXAMPLES: dict[str, list[str]] = {
    "Enseignant·e": [
        "Comment animer une séance sur les émotions en CE1 ?",
        "Quelle activité pour apprendre à coopérer en maternelle ?",
    ],
    "Formateur·rice": [
        "Que retenir de l'évaluation d'En santé à l'école pour former des formateurs ?",
        "Comment accompagner une équipe qui démarre un projet CPS ?",
    ],
    "Nouvel arrivant": [
        "Qu'est-ce que le programme En santé à l'école ? Qui le porte ?",
        "Que contient le cartable des CPS ?",
    ],
}

EMPTY_SOURCES = '<p class="cartable-empty">Les sources de la réponse s\'afficheront ici.</p>'
EMPTY_PASSAGE = (
    '<p class="cartable-empty">Cliquez sur un repère [1] dans la réponse ou sur une source '
    "pour lire le passage dans son contexte.</p>"
)

# Documents' Markdown as HTML: raw HTML is escaped (html=False); links, images and reference
# definitions stay literal text, so a document can neither load nor link anything; indented "code"
# is off because hard-indented prose is common in converted documents.
_MARKDOWN = (
    MarkdownIt("commonmark", {"html": False, "breaks": True})
    .enable(["table", "strikethrough"])
    .disable(["image", "link", "autolink", "reference", "code", "html_inline", "html_block"])
)
# Private-use characters that bracket the cited snippet through the Markdown rendering.
_MARK_START, _MARK_END = "\ue000", "\ue001"
_BLOCK_PREFIX = re.compile(r"[ \t]*(?:(?:#{1,6}|[-*+]|\d{1,9}[.)]|>)[ \t]+)*")
_TAG_SPLIT = re.compile(r"(<[^>]*>)")

_MARKER = re.compile(r"(?<!\\)\[(\d{1,3})\](?!\()")
# Link targets a document could smuggle in through Markdown: never rendered as live links.
_UNSAFE_LINK = re.compile(r"\]\(\s*(?:javascript|vbscript|data|file):", re.IGNORECASE)


def esc(text: Any) -> str:
    """HTML-escape text (quotes included, so it is safe inside attributes too)."""
    return html.escape("" if text is None else str(text), quote=True)


def escape_markdown(text: str) -> str:
    """Make document text inert inside Markdown: no raw HTML, no remote images, no script links.

    Markdown emphasis and lists survive, so an extractive answer keeps its layout."""
    text = html.escape(text, quote=False)
    text = text.replace("![", "!\\[")  # an image would load a remote URL as soon as it is shown
    return _UNSAFE_LINK.sub("](#", text)


def cite_ref(turn: int, n: int) -> str:
    """The reference of citation n of the turn-th answer, as carried by links and buttons."""
    return f"{turn}-{n}"


def parse_cite_ref(ref: Any) -> tuple[int, int] | None:
    """Inverse of `cite_ref`; None for anything malformed (the value comes from the browser)."""
    match = re.fullmatch(r"(\d{1,4})-(\d{1,3})", str(ref or ""))
    return (int(match.group(1)), int(match.group(2))) if match else None


def render_answer(text: str, citations: list[Citation], turn: int) -> str:
    """Answer text as chat Markdown: escaped, with each known marker [n] a link to its passage."""
    known = {c.n for c in citations}

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in known:
            return match.group(0)
        return f'[\\[{n}\\]](#cite-{cite_ref(turn, n)} "Voir le passage cité {n}")'

    return _MARKER.sub(link, escape_markdown(text))


def render_question(text: str) -> str:
    """The user's own message, escaped like document text (it is shown back as Markdown)."""
    return escape_markdown(text)


def levels_text(levels: tuple[str, ...] | list[str]) -> str:
    return ", ".join(levels)


def citation_meta(c: Citation) -> str:
    """'Fiche séance · CE1, CE2 · § Déroulement' (plain text, not escaped)."""
    parts = [DOC_TYPES.get(c.doc_type, c.doc_type)]
    if c.levels:
        parts.append(levels_text(c.levels))
    if c.locator:
        parts.append(c.locator)
    return " · ".join(parts)


def sources_html(citations: list[Citation], turn: int) -> str:
    """The sources panel: one keyboard-reachable button per citation, with its metadata and snippet."""
    if not citations:
        return '<p class="cartable-empty">Aucune source citée pour cette réponse.</p>'
    items = []
    for c in citations:
        ref = cite_ref(turn, c.n)
        items.append(
            f'<li class="cartable-source" id="source-{esc(ref)}">'
            f'<button type="button" class="cartable-source-open" data-cite="{esc(ref)}" '
            f'aria-label="Lire le passage de la source {c.n} dans son contexte : {esc(c.title)}">'
            f'<span class="cartable-source-n">[{c.n}]</span> <span class="cartable-source-title">{esc(c.title)}</span>'
            f"</button>"
            f'<div class="cartable-source-meta">{esc(citation_meta(c))}</div>'
            f'<blockquote class="cartable-snippet cartable-md">{render_markdown(c.snippet)}</blockquote>'
            f"</li>"
        )
    return (
        '<section class="cartable-sources" aria-label="Sources de la réponse">'
        '<p class="cartable-hint">Cliquez sur une source pour lire le passage dans son contexte.</p>'
        f'<ol>{"".join(items)}</ol></section>'
    )


def render_markdown(text: str) -> str:
    """A document's Markdown as safe HTML ('**Compétence(s) visée(s)**' in bold, lists as lists)."""
    return _MARKDOWN.render(_strip_sentinels(text or ""))


def _strip_sentinels(text: str) -> str:
    return text.replace(_MARK_START, "").replace(_MARK_END, "")


def _snippet_span(context: str, snippet: str) -> tuple[int, int] | None:
    start = context.find(snippet) if snippet else -1
    if start >= 0:
        return start, start + len(snippet)
    if snippet.strip():
        # The snippet may differ from the chunk in whitespace only (line breaks joined).
        words = snippet.split()[:200]
        match = re.search(r"\s+".join(re.escape(w) for w in words), context)
        if match:
            return match.start(), match.end()
    return None


def highlight(context: str, snippet: str) -> str:
    """The context rendered as Markdown (safe HTML) with the snippet's text wrapped in <mark>.

    Sentinels bracket the snippet through the rendering; each text run between them is then marked
    on its own, so a snippet spanning paragraphs or list items still yields well-formed HTML."""
    context = _strip_sentinels(context)
    span = _snippet_span(context, _strip_sentinels(snippet))
    if span is None:
        return render_markdown(context)
    start, end = span
    line_start = context.rfind("\n", 0, start) + 1
    if not context[line_start:start].strip():
        # Starting a line: keep "## ", "- ", "1. " before the sentinel so the block stays a block.
        start = min(max(start, _BLOCK_PREFIX.match(context, line_start).end()), end)
    rendered = _MARKDOWN.render(context[:start] + _MARK_START + context[start:end] + _MARK_END + context[end:])
    out: list[str] = []
    inside = False
    for part in _TAG_SPLIT.split(rendered):
        if part.startswith("<"):
            out.append(_strip_sentinels(part))
            continue
        for piece in re.split(f"([{_MARK_START}{_MARK_END}])", part):
            if piece in (_MARK_START, _MARK_END):
                inside = piece == _MARK_START
            elif piece:
                out.append(f"<mark>{piece}</mark>" if inside and piece.strip() else piece)
    return "".join(out)


def passage_html(c: Citation, context: str | None, document_url: str | None) -> str:
    """The cited passage in its context (the whole stored chunk), with a link to the original."""
    body = highlight(context, c.snippet) if context else highlight(c.snippet, c.snippet)
    note = "" if context else '<p class="cartable-hint">Le passage complet n\'est plus dans l\'index ; extrait cité :</p>'
    if document_url:
        page = f" à la page {c.page}" if c.page and "#page=" in document_url else ""
        link = (
            f'<p class="cartable-original"><a href="{esc(document_url)}" target="_blank" rel="noopener noreferrer">'
            f"Ouvrir le document original{page}</a> <span class=\"cartable-hint\">(nouvel onglet)</span></p>"
        )
    else:
        link = '<p class="cartable-hint">Document original indisponible sur ce serveur.</p>'
    return (
        f'<article class="cartable-passage" tabindex="-1" aria-label="Passage cité {c.n}">'
        f'<h3>[{c.n}] {esc(c.title)}</h3>'
        f'<p class="cartable-source-meta">{esc(citation_meta(c))}<br><code>{esc(c.source)}</code></p>'
        f'{note}<div class="cartable-context cartable-md">{body}</div>{link}</article>'
    )


def safety_html(safety: Safety | None) -> str:
    """A prominent alert when the question reveals a child in danger: each number named and described
    (see `assistant.resources`), and a call link."""
    if safety is None:
        return ""
    items = []
    for name in safety.resources:
        resource = resources.lookup(name)
        if resource is None:
            items.append(f"<li>{esc(name)}</li>")
            continue
        details = f' <span class="cartable-safety-details">({esc(resource.details)})</span>' if resource.details else ""
        items.append(f'<li><a href="tel:{esc(resource.tel)}">{esc(resource.label)}</a>{details}</li>')
    return (
        '<div class="cartable-safety" role="alert">'
        f"<strong>⚠️ {esc(safety.label)}</strong>"
        "<p>La sécurité de l'enfant passe avant toute activité. Ressources à contacter :</p>"
        f'<ul>{"".join(items)}</ul></div>'
    )


# -- filters ---------------------------------------------------------------------------------
LEVEL_CHOICES: list[tuple[str, str]] = [(label, f"cycle-{n}") for n, label in CYCLE_LABELS.items()] + [
    (f"{cls} (cycle {cycle})", cls) for cls, cycle in CLASSES.items()
]
COMPETENCE_CHOICES: list[tuple[str, str]] = [(c.label, c.key) for c in COMPETENCE_BY_KEY.values()]
DOC_TYPE_CHOICES: list[tuple[str, str]] = [(label, key) for key, label in DOC_TYPES.items()]


def filters_summary(levels: list[str] | None, competences: list[str] | None, doc_types: list[str] | None) -> str:
    """The active filters as one French Markdown line."""
    level_label = {v: k for k, v in LEVEL_CHOICES}
    parts = []
    if levels:
        parts.append("Niveau : " + ", ".join(level_label.get(v, v) for v in levels))
    if competences:
        parts.append("Compétence : " + ", ".join(COMPETENCE_BY_KEY[k].label if k in COMPETENCE_BY_KEY else k for k in competences))
    if doc_types:
        parts.append("Type : " + ", ".join(DOC_TYPES.get(t, t) for t in doc_types))
    if not parts:
        return "Aucun filtre actif : toute la base documentaire est interrogée."
    return "**Filtres actifs** — " + escape_markdown(" · ".join(parts))


# -- export ----------------------------------------------------------------------------------
def answer_markdown(answer: Answer, filters_line: str | None = None) -> str:
    """An answer and its sources as a Markdown file a teacher keeps (e.g. with a session plan)."""
    lines = [
        f"# {escape_markdown(answer.question)}",
        "",
        f"*Réponse de Cartable Assistant, {time.strftime('%d/%m/%Y %H:%M')}"
        f" — mode {'extractif (passages cités)' if answer.mode == 'extractive' else 'modèle de langage'}.*",
    ]
    if filters_line:
        lines += ["", f"*{filters_line}*"]
    lines += ["", escape_markdown(answer.answer), ""]
    if answer.citations:
        lines += ["## Sources", ""]
        for c in answer.citations:
            lines.append(f"**[{c.n}] {escape_markdown(c.title)}** — {escape_markdown(citation_meta(c))}  ")
            lines.append(_code(c.source))
            lines.append("")
            lines += [f"> {escape_markdown(line)}" if line.strip() else ">" for line in c.snippet.splitlines()]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def export_filename(question: str, answer_id: int | None) -> str:
    """'reponse-12-comment-animer-une-seance.md': readable, ASCII, bounded."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(question)).strip("-")[:50].strip("-") or "question"
    return f"reponse-{answer_id}-{slug}.md" if answer_id else f"reponse-{slug}.md"


# -- index status ----------------------------------------------------------------------------
def _code(text: Any) -> str:
    """A Markdown code span: its content is shown literally, so only backticks need removing."""
    return "`" + str(text).replace("`", "'") + "`"


def status_markdown(status: dict[str, Any], unanswered: int | None = None) -> str:
    """The index status tab: documents by type, passages, model, last ingestion."""
    if not status.get("documents"):
        return f"Le magasin {_code(status.get('store', ''))} est vide : aucun document indexé."
    lines = [
        f"**{status['documents']} documents**, **{status['chunks']} passages** indexés.",
        "",
        "| Type de document | Documents |",
        "|---|---:|",
    ]
    for doc_type, n in status["documents_by_type"].items():
        lines.append(f"| {escape_markdown(DOC_TYPES.get(doc_type, doc_type))} | {n} |")
    lines += [
        "",
        f"- Modèle d'embedding : {_code(status.get('embedding_model'))}",
        f"- Dernière ingestion : {escape_markdown(status.get('last_ingest') or 'inconnue')}",
        f"- Dossiers indexés : {', '.join(_code(r) for r in status.get('roots', [])) or 'aucun'}",
    ]
    if unanswered is not None:
        lines.append(
            f"- Questions restées sans réponse (manques du corpus) : {unanswered} — "
            "`cartable feedback export --unanswered` les exporte en CSV."
        )
    return "\n".join(lines)
