"""What the UI's events do, as plain Python over the core: no Gradio here, so the logic is tested
without a browser. `app.py` wires these methods to components."""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from assistant.core import Assistant, Turn
from assistant.errors import CartableError
from assistant.feedback import RATINGS, FeedbackStore
from assistant.schema import Answer, Citation, Filters
from assistant.settings import Settings
from assistant.store import Store
from assistant.ui import format as fmt
from assistant.ui.access import Access
from assistant.ui.documents import document_url, resolve_document
from assistant.vocabulary import CLASSES, COMPETENCE_BY_KEY, DOC_TYPES

logger = logging.getLogger(__name__)

THINKING = "_Recherche dans les documents…_"
# Shown under the feedback buttons (issue 11): disclosures stay out of the logs unless feedback is sent.
PRIVACY_NOTE = ("<small>🔒 Les questions qui évoquent un enfant en danger ne sont pas conservées, "
                "sauf si vous donnez votre avis (👍/👎) sur la réponse.</small>")
SAFETY_PRIVACY_NOTE = ("Par discrétion, cette question n'est pas conservée. Si vous donnez votre avis (👍 ou 👎), "
                       "elle sera enregistrée avec la réponse pour améliorer l'assistant.")
ERROR_TEXT = "Une erreur inattendue a empêché de répondre. Réessayez ; si elle persiste, prévenez l'administrateur·rice."
Progress = Callable[[str, int, int], None]  # (stage, done, total), as the ingestion pipeline reports it


def filters_from_choices(levels: list[str] | None, competences: list[str] | None, doc_types: list[str] | None) -> Filters:
    """The filter widgets' values → `Filters`; a class (CE1) filters on its cycle, unknown values are ignored."""
    cycles: set[int] = set()
    for value in levels or []:
        if value.startswith("cycle-") and value[6:].isdigit():
            cycles.add(int(value[6:]))
        elif value in CLASSES:
            cycles.add(CLASSES[value])
    return Filters(
        doc_types=tuple(sorted(t for t in set(doc_types or []) if t in DOC_TYPES)),
        cycles=tuple(sorted(cycles)),
        competences=tuple(sorted(k for k in set(competences or []) if k in COMPETENCE_BY_KEY)),
    )


@dataclass
class Exchange:
    """One question and its answer in a conversation; `answer_id` is its row in the feedback store."""

    question: str
    answer: Answer
    answer_id: int | None = None
    failed: bool = False

    def turn(self) -> Turn:
        """What the core needs to understand a follow-up question."""
        return Turn.from_answer(self.answer)


@dataclass
class ChatSession:
    """One browser tab's conversation (kept in a `gr.State`)."""

    exchanges: list[Exchange] = field(default_factory=list)

    def history(self) -> list[Turn]:
        return [e.turn() for e in self.exchanges if not e.failed]

    def messages(self) -> list[dict[str, str]]:
        """The conversation as chat messages, every text escaped, markers linked to their passages."""
        out: list[dict[str, str]] = []
        for turn, e in enumerate(self.exchanges):
            out.append({"role": "user", "content": fmt.render_question(e.question)})
            text = fmt.render_answer(e.answer.answer, e.answer.citations, turn)
            if e.answer.notice:
                text += f"\n\n_ℹ️ {fmt.escape_markdown(e.answer.notice)}_"
            out.append({"role": "assistant", "content": text})
        return out

    def citation(self, ref: object) -> Citation | None:
        parsed = fmt.parse_cite_ref(ref)
        if parsed is None:
            return None
        turn, n = parsed
        if not 0 <= turn < len(self.exchanges):
            return None
        return next((c for c in self.exchanges[turn].answer.citations if c.n == n), None)

    def last_recorded(self) -> Exchange | None:
        return next((e for e in reversed(self.exchanges) if e.answer_id is not None), None)

    def last_answered(self) -> Exchange | None:
        """The latest exchange that got an answer (the one 👍/👎 rate), recorded or not."""
        return next((e for e in reversed(self.exchanges) if not e.failed), None)


class ChatUpdate(NamedTuple):
    """Outputs of one step of `respond`, in the order `app.py` lists the components."""

    messages: list[dict[str, str]]
    session: ChatSession
    question: str
    sources: str
    passage: str
    safety: str
    download: str | None
    note: str


class UiHandlers:
    """The UI's behaviour over one `Assistant`; shared by every session of the app (thread-safe)."""

    def __init__(self, assistant: Assistant, settings: Settings, access: Access,
                 feedback: FeedbackStore | None = None, exports_dir: Path | None = None) -> None:
        self.assistant = assistant
        self.settings = settings
        self.access = access
        self.feedback = feedback or FeedbackStore.from_settings(settings)
        self.exports_dir = exports_dir or Path(tempfile.mkdtemp(prefix="cartable-exports-"))
        self.uploads_dir = settings.store / "uploads"

    # -- chat ------------------------------------------------------------------------------
    def respond(self, question: str, session: ChatSession | None, levels: list[str] | None = None,
                competences: list[str] | None = None, doc_types: list[str] | None = None) -> Iterator[ChatUpdate]:
        """Stream one answer: the question at once, the text as it grows, then sources and export."""
        session = session if session is not None else ChatSession()
        question = " ".join((question or "").split())
        if not question:
            yield ChatUpdate(session.messages(), session, "", fmt.EMPTY_SOURCES, fmt.EMPTY_PASSAGE, "", None,
                             "Écrivez une question, ou choisissez un exemple.")
            return
        filters = filters_from_choices(levels, competences, doc_types)
        turn = len(session.exchanges)
        shown = session.messages() + [{"role": "user", "content": fmt.render_question(question)}]

        def step(text: str) -> ChatUpdate:
            return ChatUpdate(shown + [{"role": "assistant", "content": text}], session, "",
                              fmt.EMPTY_SOURCES, fmt.EMPTY_PASSAGE, "", None, "")

        yield step(THINKING)
        final: Answer | None = None
        failed = False
        try:
            for item in self.assistant.ask_stream(question, None if filters.is_empty() else filters, history=session.history()):
                if isinstance(item, Answer):
                    final = item
                else:
                    # Citations are known only at the end: markers stay plain text until then.
                    yield step(fmt.render_answer(item, [], turn))
        except CartableError as exc:
            final, failed = Answer(question=question, answer=str(exc), abstained=True), True
        except Exception:
            logger.exception("answering failed")
            final, failed = Answer(question=question, answer=ERROR_TEXT, abstained=True), True
        assert final is not None
        answer_id = None if failed else self._record(question, final)
        session.exchanges.append(Exchange(question, final, answer_id, failed))
        download = None if failed else self._export(final, answer_id, filters)
        note = "" if failed or not self.feedback.enabled else (
            SAFETY_PRIVACY_NOTE if final.safety is not None else "Votre avis sur cette réponse nous aide : 👍 ou 👎 ci-dessous.")
        yield ChatUpdate(session.messages(), session, "", fmt.sources_html(final.citations, turn),
                         fmt.EMPTY_PASSAGE, fmt.safety_html(final.safety), download, note)

    def _record(self, question: str, answer: Answer, consented: bool = False) -> int | None:
        """Log the answer for feedback; a question routed to safety (a possible disclosure about a
        child) is written only once the person sends feedback on it (`consented`)."""
        if answer.safety is not None and not consented:
            return None
        try:
            return self.feedback.record_answer(question, answer.to_json(), answer.abstained)
        except sqlite3.Error:
            # Losing a feedback row must not cost the user the answer.
            logger.warning("could not record the answer in the feedback store", exc_info=True)
            return None

    def _export(self, answer: Answer, answer_id: int | None, filters: Filters) -> str:
        """Write the answer and its sources as Markdown for the download button."""
        line = f"Filtres : {filters.describe()}" if not filters.is_empty() else None
        folder = self.exports_dir / (str(answer_id) if answer_id else uuid.uuid4().hex[:12])
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / fmt.export_filename(answer.question, answer_id)
        path.write_text(fmt.answer_markdown(answer, line), encoding="utf-8")
        return str(path)

    # -- sources ---------------------------------------------------------------------------
    def show_passage(self, session: ChatSession | None, ref: object) -> str:
        """The passage behind marker `ref` ('turn-n') in its whole stored chunk, with the original's link."""
        citation = (session or ChatSession()).citation(ref)
        if citation is None:
            return fmt.EMPTY_PASSAGE
        return fmt.passage_html(citation, self.chunk_text(citation.chunk_id), self.document_link(citation))

    def chunk_text(self, chunk_id: str) -> str | None:
        """The stored chunk a citation was taken from (never regenerated), if still indexed."""
        try:
            snap = self.assistant.retriever.snapshot()
        except CartableError:
            return None
        index = snap.index_of.get(chunk_id)
        return snap.chunks[index].text if index is not None else None

    def document_path(self, source: str) -> Path | None:
        """The original file of a source, only if ingested and inside its root."""
        return resolve_document(Store(self.settings.store).read_manifest(), source)

    def document_link(self, citation: Citation) -> str | None:
        return document_url(citation.source, citation.page) if self.document_path(citation.source) else None

    # -- feedback --------------------------------------------------------------------------
    def rate(self, session: ChatSession | None, rating: int, comment: str | None) -> tuple[str, str]:
        """Record 👍 / 👎 (and the comment) for the latest answer; returns (note, new comment box value)."""
        if not self.feedback.enabled:
            return "Le recueil des avis est désactivé sur ce serveur.", comment or ""
        last = (session or ChatSession()).last_answered()
        if last is None:
            return "Posez d'abord une question : l'avis porte sur la dernière réponse.", comment or ""
        if last.answer_id is None:
            # Sending feedback is the explicit choice to keep this exchange (safety answers are not logged before).
            last.answer_id = self._record(last.question, last.answer, consented=True)
        if last.answer_id is None:
            return "L'avis n'a pas pu être enregistré ; réessayez plus tard.", comment or ""
        try:
            self.feedback.record_feedback(last.answer_id, rating, comment)
        except (sqlite3.Error, KeyError):
            logger.warning("could not record feedback", exc_info=True)
            return "L'avis n'a pas pu être enregistré ; réessayez plus tard.", comment or ""
        extra = " et votre commentaire" if (comment or "").strip() else ""
        return (f"Merci ! Avis {RATINGS[rating]}{extra} enregistré pour la réponse à « "
                f"{fmt.escape_markdown(last.question)} ».", "")

    # -- index -----------------------------------------------------------------------------
    def status(self) -> str:
        from assistant.status import store_status

        try:
            unanswered = len(self.feedback.list_unanswered())
        except sqlite3.Error:
            unanswered = None
        return fmt.status_markdown(store_status(self.settings), unanswered)

    def allowed_extensions(self) -> list[str]:
        from ingest.loaders import LOADERS

        return sorted(LOADERS)

    def ingest_uploads(self, files: list[str] | None, username: str | None, progress: Progress | None = None) -> str:
        """Save uploaded documents under `<store>/uploads` (their own root) and ingest them with the
        normal pipeline; returns the French report. Permission is checked here, not only in the page."""
        if not self.access.can_upload(username):
            return "Ajout refusé : seul un compte administrateur peut ajouter des documents."
        if not files:
            return "Choisissez d'abord un ou plusieurs fichiers."
        allowed = set(self.allowed_extensions())
        limit = self.settings.upload_max_mb * 1024 * 1024
        lines: list[str] = []
        saved = 0
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        for item in files:
            src = Path(item)
            name = safe_filename(src.name)
            if name is None or Path(name).suffix.lower() not in allowed:
                lines.append(f"REFUSÉ {src.name} : format non pris en charge (acceptés : {', '.join(sorted(allowed))}).")
                continue
            size = src.stat().st_size
            if size > limit:
                lines.append(f"REFUSÉ {name} : {size / 1024 / 1024:.1f} Mo, limite {self.settings.upload_max_mb:g} Mo.")
                continue
            shutil.copyfile(src, self.uploads_dir / name)
            saved += 1
        if not saved:
            return "\n".join(lines) or "Aucun fichier à indexer."
        from ingest.pipeline import ingest

        try:
            # The assistant's own embedding model: a second copy would cost ~1 GB and ~10 s to load.
            report = ingest([self.uploads_dir], self.settings, self.assistant.retriever.embeddings, progress=progress)
        except CartableError as exc:
            return "\n".join(lines + [f"Ingestion impossible : {exc}"])
        return "\n".join(lines + [report.summary()])


def safe_filename(name: str) -> str | None:
    """A plain file name for the uploads folder: no path, no hidden file, no odd characters."""
    name = Path(name.replace("\\", "/")).name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        return None
    stem = re.sub(r"[^\w\- ]+", "_", stem).strip(" ._")[:100]
    suffix = re.sub(r"[^\w]+", "", suffix).lower()
    if not stem or not suffix:
        return None
    return f"{stem}.{suffix}"
