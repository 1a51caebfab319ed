"""The Gradio app: `build_app` lays out components and wires them to `UiHandlers`; `launch` starts
it (theme, CSS, login, route for original documents); `serve` is what `cartable serve` runs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.core import Assistant
from assistant.planning import DEFAULT_SESSION_MINUTES
from assistant.settings import Settings
from assistant.ui import format as fmt
from assistant.ui import planner
from assistant.ui.access import Access, load_credentials
from assistant.ui.assets import CITE_JS, CSS, FOCUS_PASSAGE_JS, SCROLL_ANSWER_JS
from assistant.ui.documents import ROUTE, response_headers, utf8_text
from assistant.ui.handlers import PRIVACY_NOTE, ChatSession, UiHandlers

# Extractive answers are CPU-bound (query embedding, BM25, partly under the GIL): on 2 cores, 20
# simultaneous clients got p50 1.9 s with 2 answers at a time against 3.0 s with 4
# (benchmarks/ui_load.py). LLM answers mostly wait on the model server, so more may run at once.
EXTRACTIVE_CONCURRENCY = 2
LLM_CONCURRENCY = 8


def ask_concurrency(settings: Settings) -> int:
    """How many answers the queue computes at once; the others wait in order."""
    return LLM_CONCURRENCY if settings.llm_provider else EXTRACTIVE_CONCURRENCY


def build_app(assistant: Assistant, settings: Settings, *, host: str = "127.0.0.1",
              auth_enabled: bool | None = None) -> gr.Blocks:
    """The whole interface over one Assistant. `host` and `auth_enabled` decide who may upload
    (see `Access`); `launch` must be given the same settings so the login matches."""
    handlers = UiHandlers(assistant, settings, Access.from_settings(settings, host, auth_enabled))

    with gr.Blocks(title="Cartable Assistant", analytics_enabled=False) as demo:
        session = gr.State(ChatSession())
        gr.Markdown(
            "# Cartable Assistant\nQuestions-réponses sur les documents du cartable des compétences "
            "psychosociales et du programme En santé à l'école. Chaque réponse cite ses sources.",
            elem_id="app-header",
        )
        access_note = gr.Markdown(elem_id="access-note")
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("Poser une question", id="chat", elem_id="tab-chat"):
                with gr.Row(elem_id="chat-row"):
                    with gr.Column(scale=3, min_width=330, elem_id="chat-column"):
                        with gr.Accordion("Exemples de questions", open=True, elem_id="welcome") as welcome:
                            gr.Markdown("Choisissez une question pour commencer, ou écrivez la vôtre plus bas.",
                                        elem_id="welcome-intro")
                            example_buttons: list[tuple[gr.Button, str]] = []
                            with gr.Row(elem_id="welcome-row"):
                                for a, (audience, questions) in enumerate(fmt.EXAMPLES.items()):
                                    with gr.Column(min_width=220, elem_id=f"welcome-audience-{a}"):
                                        gr.Markdown(f"**{audience}**", elem_id=f"welcome-audience-{a}-title")
                                        for q, text in enumerate(questions):
                                            btn = gr.Button(text, size="sm", elem_id=f"example-{a}-{q}",
                                                            elem_classes=["cartable-example"])
                                            example_buttons.append((btn, text))
                        with gr.Accordion("Filtres", open=False, elem_id="filters-panel"):
                            levels = gr.Dropdown(fmt.LEVEL_CHOICES, value=[], multiselect=True, label="Niveau (cycle ou classe)",
                                                 elem_id="filter-level")
                            competences = gr.Dropdown(fmt.COMPETENCE_CHOICES, value=[], multiselect=True,
                                                      label="Compétence psychosociale", elem_id="filter-competence")
                            doc_types = gr.Dropdown(fmt.DOC_TYPE_CHOICES, value=[], multiselect=True,
                                                    label="Type de document", elem_id="filter-doctype")
                        with gr.Row(elem_id="filters-row"):
                            filters_note = gr.Markdown(fmt.filters_summary([], [], []), elem_id="filters-active")
                            clear_filters = gr.Button("Effacer les filtres", size="sm", scale=0, min_width=140,
                                                      elem_id="filters-clear")
                        safety = gr.HTML("", js_on_load=None, visible=False, elem_id="safety-banner")
                        chatbot = gr.Chatbot(
                            label="Conversation", elem_id="chatbot", height=520, buttons=["copy", "copy_all"],
                            autoscroll=False,  # a new answer is read from its top (SCROLL_ANSWER_JS)
                            feedback_options=None, latex_delimiters=[], sanitize_html=True,
                            placeholder="Les réponses s'appuient uniquement sur les documents indexés ; "
                                        "les repères [1] renvoient aux passages cités.",
                        )
                        with gr.Row(elem_id="ask-row"):
                            question = gr.Textbox(label="Votre question", placeholder="Ex. : Comment animer une séance sur la coopération en CM1 ?",
                                                  lines=1, max_lines=4, scale=5, elem_id="question")
                            send = gr.Button("Envoyer", variant="primary", scale=1, min_width=100, elem_id="send")
                        with gr.Row(elem_id="answer-actions"):
                            download = gr.DownloadButton("Télécharger la réponse (Markdown)", value=None, interactive=False,
                                                         size="sm", elem_id="download")
                            new_chat = gr.Button("Nouvelle conversation", size="sm", elem_id="new-chat")
                        with gr.Group(elem_id="feedback", visible=settings.feedback_enabled):
                            comment = gr.Textbox(label="Votre avis sur la dernière réponse — commentaire (facultatif)",
                                                 placeholder="Ce qui manquait, ce qui était utile…", lines=1, max_lines=4,
                                                 elem_id="feedback-comment")
                            with gr.Row(elem_id="feedback-buttons"):
                                thumbs_up = gr.Button("👍 Utile", size="sm", elem_id="feedback-up")
                                thumbs_down = gr.Button("👎 Pas utile", size="sm", elem_id="feedback-down")
                        feedback_note = gr.Markdown(elem_id="feedback-note")
                        gr.Markdown(PRIVACY_NOTE, elem_id="privacy-note", visible=settings.feedback_enabled)
                    with gr.Column(scale=2, min_width=300, elem_id="sources-column"):
                        gr.Markdown("### Sources", elem_id="sources-title")
                        sources = gr.HTML(fmt.EMPTY_SOURCES, js_on_load=CITE_JS, elem_id="sources")
                        gr.Markdown("### Passage dans son contexte", elem_id="passage-title")
                        passage = gr.HTML(fmt.EMPTY_PASSAGE, js_on_load=None, elem_id="passage")
            with gr.Tab("Préparer", id="plan", elem_id="tab-plan"):
                _planner_tab(assistant)
            with gr.Tab("État de l'index", id="index", elem_id="tab-index"):
                status = gr.Markdown(elem_id="index-status")
                refresh = gr.Button("Actualiser", size="sm", elem_id="index-refresh")
                upload_note = gr.Markdown(elem_id="upload-note")
                with gr.Group(visible=False, elem_id="upload-panel") as upload_panel:
                    files = gr.File(
                        label=f"Ajouter des documents ({', '.join(handlers.allowed_extensions())} ; "
                              f"{settings.upload_max_mb:g} Mo au plus chacun)",
                        file_count="multiple", file_types=handlers.allowed_extensions(), elem_id="upload-files",
                    )
                    ingest_btn = gr.Button("Indexer ces documents", variant="primary", elem_id="upload-ingest")
                    upload_report = gr.Textbox(label="Compte rendu de l'indexation", lines=5, interactive=False,
                                               elem_id="upload-report")

        # -- chat ------------------------------------------------------------------------------
        chat_outputs = [chatbot, session, question, sources, passage, safety, download, feedback_note, welcome]

        def respond(text: str, state: ChatSession, lv: list[str], cp: list[str], dt: list[str]) -> Iterator[tuple[Any, ...]]:
            for up in handlers.respond(text, state, lv, cp, dt):
                yield (up.messages, up.session, up.question, up.sources, up.passage,
                       gr.HTML(up.safety, visible=bool(up.safety)),
                       gr.DownloadButton(value=up.download, interactive=up.download is not None),
                       up.note, gr.Accordion(open=False))

        ask_inputs = [question, session, levels, competences, doc_types]
        ask = {"concurrency_limit": ask_concurrency(settings), "concurrency_id": "ask"}
        send.click(respond, ask_inputs, chat_outputs, api_name="ask", **ask)
        question.submit(respond, ask_inputs, chat_outputs, api_visibility="private", **ask)
        for btn, text in example_buttons:
            def ask_example(state: ChatSession, lv: list[str], cp: list[str], dt: list[str], _text: str = text) -> Iterator[tuple[Any, ...]]:
                yield from respond(_text, state, lv, cp, dt)
            btn.click(ask_example, [session, levels, competences, doc_types], chat_outputs,
                      api_visibility="private", **ask)

        def reset() -> tuple[Any, ...]:
            return ([], ChatSession(), "", fmt.EMPTY_SOURCES, fmt.EMPTY_PASSAGE, gr.HTML("", visible=False),
                    gr.DownloadButton(value=None, interactive=False), "", gr.Accordion(open=True))

        new_chat.click(reset, None, chat_outputs, api_visibility="private")

        # -- sources: one event for markers in the chat and buttons in the panel (see CITE_JS) --
        def open_passage(state: ChatSession, evt: gr.EventData) -> str:
            data = getattr(evt, "_data", None) or {}
            return handlers.show_passage(state, data.get("cite") if isinstance(data, dict) else None)

        sources.click(open_passage, [session], [passage], api_visibility="private").then(
            None, None, None, js=FOCUS_PASSAGE_JS)

        # -- filters ---------------------------------------------------------------------------
        for widget in (levels, competences, doc_types):
            widget.change(fmt.filters_summary, [levels, competences, doc_types], [filters_note], api_visibility="private")
        clear_filters.click(lambda: ([], [], []), None, [levels, competences, doc_types], api_visibility="private")

        # -- feedback --------------------------------------------------------------------------
        thumbs_up.click(lambda s, c: handlers.rate(s, 1, c), [session, comment], [feedback_note, comment],
                        api_visibility="private")
        thumbs_down.click(lambda s, c: handlers.rate(s, -1, c), [session, comment], [feedback_note, comment],
                          api_visibility="private")

        # -- index and uploads -----------------------------------------------------------------
        def on_load(request: gr.Request) -> tuple[Any, ...]:
            user = getattr(request, "username", None)
            allowed = handlers.access.can_upload(user)
            return handlers.access.notice(user), gr.Group(visible=allowed), _upload_note(handlers.access, allowed), handlers.status()

        demo.load(on_load, None, [access_note, upload_panel, upload_note, status], api_visibility="private")
        refresh.click(handlers.status, None, [status], api_visibility="private")

        def upload(paths: list[str] | None, request: gr.Request, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
            labels = {"files": "Lecture des fichiers", "embeddings": "Encodage des passages"}

            def report(stage: str, done: int, total: int) -> None:
                progress((done, total), desc=labels.get(stage, stage))

            text = handlers.ingest_uploads(paths, getattr(request, "username", None), report)
            return text, handlers.status(), None

        ingest_btn.click(upload, [files], [upload_report, status, files], api_visibility="private",
                         concurrency_limit=1, concurrency_id="ingest")

    demo.cartable_handlers = handlers  # type: ignore[attr-defined]  # read by `launch` for the document route
    return demo


def _planner_tab(assistant: Assistant) -> None:
    """The « Préparer » tab: a progression for a class, a workshop for trainers; each shown cited, with
    Markdown and PDF downloads. Handlers are plain functions in ui/planner.py."""
    retriever = assistant.retriever
    download_off = {"value": None, "interactive": False, "size": "sm"}
    with gr.Row(elem_id="plan-row"):
        with gr.Column(scale=2, min_width=300, elem_id="plan-forms"):
            with gr.Accordion("Progression pour une classe", open=True, elem_id="prog-form"):
                level = gr.Dropdown(planner.LEVEL_CHOICES, value=None, label="Niveau (classe ou cycle)", elem_id="prog-level")
                comps = gr.Dropdown(planner.COMPETENCE_CHOICES, value=[], multiselect=True,
                                    label="Compétences à travailler", elem_id="prog-competences")
                comp_text = gr.Textbox(label="… ou en texte libre (ex. : émotions et coopération)", lines=1,
                                       elem_id="prog-free")
                with gr.Row():
                    sessions = gr.Number(6, precision=0, minimum=1, maximum=40, label="Séances", elem_id="prog-sessions")
                    minutes = gr.Number(DEFAULT_SESSION_MINUTES, precision=0, minimum=5, maximum=480, label="Minutes par séance",
                                        elem_id="prog-minutes")
                period = gr.Textbox(label="Période (facultatif, ex. : novembre-février)", lines=1, elem_id="prog-period")
                prog_btn = gr.Button("Construire la progression", variant="primary", elem_id="prog-build")
            with gr.Accordion("Atelier de formation", open=False, elem_id="ws-form"):
                public = gr.Dropdown(planner.AUDIENCE_CHOICES, value=planner.AUDIENCE_CHOICES[0], allow_custom_value=True,
                                     label="Public (choisir ou écrire)", elem_id="ws-public")
                ws_minutes = gr.Number(180, precision=0, minimum=20, maximum=720, label="Durée (minutes)",
                                       elem_id="ws-minutes")
                theme = gr.Textbox("animer une séance CPS", label="Thème", lines=1, elem_id="ws-theme")
                ws_btn = gr.Button("Préparer l'atelier", variant="primary", elem_id="ws-build")
        with gr.Column(scale=3, min_width=330, elem_id="plan-output-column"):
            with gr.Row(elem_id="plan-downloads"):
                md_btn = gr.DownloadButton("Télécharger (Markdown)", elem_id="plan-md", **download_off)
                pdf_btn = gr.DownloadButton("Télécharger (PDF)", elem_id="plan-pdf", **download_off)
            shown = gr.Markdown(planner.EMPTY_PLAN, elem_id="plan-output", sanitize_html=True)

    def outputs(out: planner.PlanOutput) -> tuple[Any, ...]:
        return (out.markdown, gr.DownloadButton(value=out.markdown_path, interactive=out.markdown_path is not None),
                gr.DownloadButton(value=out.pdf_path, interactive=out.pdf_path is not None))

    prog_btn.click(lambda *a: outputs(planner.progression(retriever, *a)),
                   [level, comps, comp_text, sessions, minutes, period], [shown, md_btn, pdf_btn],
                   api_name="progression", concurrency_id="ask")
    ws_btn.click(lambda *a: outputs(planner.workshop(retriever, *a)), [public, ws_minutes, theme],
                 [shown, md_btn, pdf_btn], api_name="atelier", concurrency_id="ask")


def _upload_note(access: Access, allowed: bool) -> str:
    if allowed:
        return "Les documents ajoutés sont enregistrés dans le magasin (dossier `uploads`) et indexés comme le corpus."
    if access.auth_enabled:
        return "L'ajout de documents est réservé aux comptes administrateurs."
    return ("L'ajout de documents n'est disponible que lorsque le serveur écoute sur 127.0.0.1 "
            "ou lorsqu'une connexion avec compte administrateur est configurée.")


def _theme() -> gr.themes.Base:
    # System fonts: nothing is fetched from outside, and text stays readable on every device.
    return gr.themes.Default(primary_hue="blue", font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])


def launch(demo: gr.Blocks, settings: Settings, host: str = "127.0.0.1", port: int = 7860,
           block: bool = True, quiet: bool = False) -> str:
    """Start the app (login when configured, theme and CSS, route for originals); returns its URL."""
    credentials = load_credentials(settings)
    app, url, _ = demo.launch(
        server_name=host, server_port=port, prevent_thread_lock=True, quiet=quiet,
        auth=credentials or None, auth_message="Connectez-vous pour utiliser Cartable Assistant." if credentials else None,
        theme=_theme(), css=CSS, js=SCROLL_ANSWER_JS, footer_links=[], max_file_size=f"{settings.upload_max_mb:g}mb",
        show_error=False, ssr_mode=False,
    )
    _add_document_route(app, demo.cartable_handlers, auth_enabled=bool(credentials))  # type: ignore[attr-defined]
    if block:
        demo.block_thread()
    return url


def _add_document_route(app: Any, handlers: UiHandlers, auth_enabled: bool) -> None:
    """GET <ROUTE>/<source>: the original file of an ingested source, behind the same login as the app."""
    from fastapi import Depends, HTTPException
    from urllib.parse import quote

    from fastapi.responses import FileResponse, Response

    dependencies = []
    if auth_enabled:
        # Gradio's own login check, so the originals are exactly as protected as the page.
        check = _find_endpoint(app.routes, "/login_check")
        if check is None:
            raise RuntimeError("Gradio login check not found: refusing to serve documents without it")
        dependencies.append(Depends(check))

    def document(source: str) -> Response:
        path = handlers.document_path(source)
        if path is None:
            raise HTTPException(status_code=404, detail="Document introuvable.")
        media_type, disposition, headers = response_headers(path)
        body = utf8_text(path)
        if body is not None:
            return Response(body, media_type=media_type, headers={**headers, "Content-Disposition": f"{disposition}; filename*=utf-8''{quote(path.name)}"})
        return FileResponse(path, media_type=media_type, headers=headers, filename=path.name,
                            content_disposition_type=disposition)

    app.add_api_route(f"/{ROUTE}/{{source:path}}", document, methods=["GET"], dependencies=dependencies,
                      include_in_schema=False)


def _find_endpoint(routes: list[Any], suffix: str) -> Any | None:
    """The endpoint whose path ends with `suffix`, looking inside included routers too."""
    for route in routes:
        if getattr(route, "path", "").endswith(suffix) and hasattr(route, "endpoint"):
            return route.endpoint
        inner = getattr(route, "original_router", None) or getattr(route, "router", None)
        if inner is not None and getattr(inner, "routes", None) is not None:
            found = _find_endpoint(inner.routes, suffix)
            if found is not None:
                return found
    return None


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    """`cartable serve`: index the bundled corpus if the store is empty, load the models once, launch."""
    from assistant.backends import quiet_environment
    from ingest.progress import ingest_with_progress
    from assistant.store import Store

    quiet_environment(settings)
    if Store(settings.store).current_name() is None:
        print(f"Magasin vide : indexation du corpus fourni ({settings.corpus})…", file=sys.stderr, flush=True)
        report = ingest_with_progress(settings, [settings.corpus])
        print(report.summary(), file=sys.stderr, flush=True)
    print("Chargement des modèles…", file=sys.stderr, flush=True)
    assistant = Assistant.from_settings(settings)
    assistant.warm_up()
    demo = build_app(assistant, settings, host=host)
    credentials = load_credentials(settings)
    if credentials:
        print(f"Connexion requise : {len(credentials)} compte(s) configuré(s).", file=sys.stderr, flush=True)
    elif host not in ("127.0.0.1", "localhost", "::1"):
        print("Attention : interface ouverte sur le réseau sans connexion ; l'ajout de documents est désactivé.",
              file=sys.stderr, flush=True)
    print(f"Interface : http://{host}:{port}", file=sys.stderr, flush=True)
    launch(demo, settings, host=host, port=port, block=True)
