"""The UI's formatters and handlers without a browser: escaping, markers, passages, filters, exports,
document serving rules, access rules, and the chat flow over a real Chroma store with fake embeddings."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assistant.schema import Answer, Citation, Filters, Safety
from assistant.settings import Settings
from assistant.ui import format as fmt
from assistant.ui.access import Access, load_credentials, parse_credentials
from assistant.ui.documents import document_url, resolve_document, response_headers, utf8_text
from assistant.ui.handlers import THINKING, ChatSession, UiHandlers, filters_from_choices, safe_filename
from tests.conftest import CORPUS
from tests.make_docs import xss_sheet

XSS_DOC = xss_sheet("Un lien piégé [cliquez](javascript:alert(1)) et une image distante ![x](http://example.invalid/x.png).")


def _citation(**kw: object) -> Citation:
    base = dict(n=1, source="docs/fiche.md", title="Fiche", doc_type="seance", locator="§ Déroulement",
                snippet="Le passage.", chunk_id="c1", levels=("CE1",), page=None)
    base.update(kw)
    return Citation(**base)  # type: ignore[arg-type]


# -- pure formatting ------------------------------------------------------------------------
def test_markdown_escaping_makes_html_inert() -> None:
    out = fmt.escape_markdown('a <script>alert(1)</script> <img src=x onerror="x()"> ![i](http://e/x.png) [l](javascript:alert(1)) & **gras**')
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out and "&lt;img" in out
    assert "![" not in out and "](javascript:" not in out
    assert "**gras**" in out and "&amp;" in out


def test_render_answer_links_known_markers_only() -> None:
    text = "Premier point [1]. Second point [2] et [7] inconnu. <b>x</b>"
    out = fmt.render_answer(text, [_citation(n=1), _citation(n=2)], turn=3)
    assert '[\\[1\\]](#cite-3-1 "Voir le passage cité 1")' in out
    assert "(#cite-3-2" in out
    assert "[7]" in out and "#cite-3-7" not in out
    assert "<b>" not in out and "&lt;b&gt;" in out


def test_cite_refs_round_trip_and_reject_garbage() -> None:
    assert fmt.parse_cite_ref(fmt.cite_ref(2, 5)) == (2, 5)
    for bad in (None, "", "x", "1-", "-1-2", "1-2-3", "1-2<script>", 12):
        assert fmt.parse_cite_ref(bad) is None


def test_sources_html_escapes_everything() -> None:
    c = _citation(title='T <img src=x onerror="alert(1)">', snippet="<script>alert(2)</script>",
                  locator='§ "x" <b>', source="docs/<x>.md")
    out = fmt.sources_html([c], turn=0)
    assert "<script" not in out and "<img" not in out and "<b>" not in out
    assert 'data-cite="0-1"' in out and "&lt;script&gt;alert(2)&lt;/script&gt;" in out
    assert "Fiche séance" in out and "CE1" in out
    assert fmt.sources_html([], 0).startswith('<p class="cartable-empty">')


def test_passage_highlights_snippet_in_context_escaped() -> None:
    context = "Avant le passage.\n<script>evil()</script> Le   passage\ncité ici. Après."
    c = _citation(snippet="<script>evil()</script> Le passage cité ici.")
    out = fmt.passage_html(c, context, "cartable/document/docs/fiche.md")
    assert "<script" not in out
    assert "<mark>&lt;script&gt;evil()&lt;/script&gt; Le   passage</mark><br /><mark>\ncité ici.</mark> Après." in out
    assert out.index("Avant le passage.") < out.index("<mark>")
    assert 'href="cartable/document/docs/fiche.md"' in out and 'rel="noopener noreferrer"' in out
    missing = fmt.passage_html(c, None, None)
    assert "indisponible" in missing and "<mark>" in missing


def test_passage_without_match_shows_context_unmarked() -> None:
    out = fmt.passage_html(_citation(snippet="absent"), "Un autre texte <i>", None)
    assert "<mark>" not in out and "Un autre texte &lt;i&gt;" in out


def test_safety_html_names_every_number() -> None:
    assert fmt.safety_html(None) == ""
    out = fmt.safety_html(Safety("danger", "Enfant <en> danger",
                                 ["119", "17", "Fil Santé Jeunes 0 800 235 236", "infirmière <scolaire>"]))
    assert 'role="alert"' in out and "&lt;en&gt;" in out
    assert '<a href="tel:119">119 – Allô Enfance en danger</a>' in out
    assert '<a href="tel:17">17 – police-gendarmerie</a>' in out
    assert '<a href="tel:0800235236">Fil Santé Jeunes – 0 800 235 236</a>' in out and "12-25 ans" in out
    assert "<li>infirmière &lt;scolaire&gt;</li>" in out  # not a number: shown as given, escaped


def test_every_resource_the_safety_module_names_has_a_label() -> None:
    from assistant import resources
    from assistant.safety import CATEGORIES

    named = {r for category in CATEGORIES for r in category.resources}
    assert named and all(resources.lookup(r) is not None for r in named), named
    assert resources.label("3018") == "3018 – harcèlement et cyberharcèlement"
    assert resources.label("3114") == "3114 – prévention du suicide"
    assert resources.label("15") == "15 – SAMU" and resources.label("112").startswith("112 – ")
    assert resources.label(" 119 ") == "119 – Allô Enfance en danger"
    assert resources.label("médecin scolaire") == "médecin scolaire" and resources.lookup("") is None
    assert len({r.tel for r in resources.RESOURCES}) == len(resources.RESOURCES)


# -- documents' Markdown in the sources panel ------------------------------------------------
def test_sources_render_documents_markdown() -> None:
    c = _citation(snippet="**Compétence(s) visée(s)** : coopérer\n\n- Étape une\n- Étape *deux*")
    out = fmt.sources_html([c], turn=0)
    assert "<strong>Compétence(s) visée(s)</strong> : coopérer" in out and "**" not in out
    assert "<li>Étape une</li>" in out and "<em>deux</em>" in out


def test_rendered_markdown_is_inert() -> None:
    payload = ('<script>alert(1)</script> <img src=x onerror="alert(2)"> <a href="http://e">a</a>\n\n'
               "[lien](javascript:alert(3)) ![image](http://e/x.png) <http://e/auto>\n\n"
               "[ref]\n\n[ref]: javascript:alert(4)\n\n    indented <b>x</b>")
    sources = fmt.sources_html([_citation(snippet=payload)], 0)
    opening = '<blockquote class="cartable-snippet cartable-md">'
    snippet = sources[sources.index(opening) + len(opening):sources.index("</blockquote>")]
    for out in (fmt.render_markdown(payload), fmt.highlight(payload, "alert(1)"), snippet):
        tags = re.findall(r"<[^>]*>", out)
        # Only plain formatting tags, without attributes: no link, image, script or handler survives.
        plain = re.compile(r"</?(?:p|br|strong|em|ul|ol|li|h[1-6]|mark|blockquote|hr|s|table|thead|tbody|tr|th|td)\s*/?>")
        assert [t for t in tags if not plain.fullmatch(t)] == [], out
        assert "&lt;script&gt;" in out and "[lien](javascript:alert(3))" in out  # shown as text


def test_highlight_spanning_blocks_stays_well_formed() -> None:
    import xml.etree.ElementTree as ET

    context = "# Fiche\n\n## Déroulement\n\n1. Accueil des élèves\n2. Jeu <i>du</i> miroir\n\nDébriefing final."
    out = fmt.highlight(context, "Déroulement\n\n1. Accueil des élèves\n2. Jeu <i>du</i>")
    ET.fromstring(f"<div>{out}</div>")  # tags nest properly: each block has its own <mark>
    assert "<h2><mark>Déroulement</mark></h2>" in out
    assert "<li><mark>Accueil des élèves</mark></li>" in out
    assert "<li><mark>Jeu &lt;i&gt;du&lt;/i&gt;</mark> miroir</li>" in out
    assert "<p>Débriefing final.</p>" in out and out.count("<mark>") == 3
    assert "\ue000" not in fmt.highlight("a\ue000b", "b") and "\ue001" not in fmt.render_markdown("\ue001")


def test_filters_from_choices() -> None:
    f = filters_from_choices(["CE1", "cycle-3", "CP", "nonsense", "cycle-x"], ["gerer_stress", "bogus"], ["seance", "bogus"])
    assert f == Filters(doc_types=("seance",), cycles=(2, 3), competences=("gerer_stress",))
    assert filters_from_choices(None, None, None).is_empty()
    assert filters_from_choices([], [], []) == Filters()


def test_filters_summary() -> None:
    assert fmt.filters_summary([], [], []).startswith("Aucun filtre")
    text = fmt.filters_summary(["CE1"], ["gerer_stress"], ["seance"])
    assert "CE1 (cycle 2)" in text and "Gérer son stress" in text and "Fiche séance" in text


def test_level_choices_cover_cycles_and_classes() -> None:
    values = [v for _, v in fmt.LEVEL_CHOICES]
    assert {"cycle-1", "cycle-4", "PS", "CE1", "3e"} <= set(values)


def test_answer_markdown_export() -> None:
    answer = Answer(question="Comment <faire> ?", answer="Faire ceci [1].",
                    citations=[_citation(snippet="Ligne 1\n\n<script>x</script>")])
    md = fmt.answer_markdown(answer, "Filtres : Cycle 2")
    assert md.startswith("# Comment &lt;faire&gt; ?")
    assert "## Sources" in md and "**[1] Fiche**" in md and "`docs/fiche.md`" in md
    assert "> Ligne 1\n>\n> &lt;script&gt;x&lt;/script&gt;" in md and "Filtres : Cycle 2" in md
    assert fmt.export_filename("Comment animer une séance ?", 12) == "reponse-12-comment-animer-une-seance.md"
    assert fmt.export_filename("???", None) == "reponse-question.md"


def test_status_markdown() -> None:
    assert "vide" in fmt.status_markdown({"store": "/s", "documents": 0})
    out = fmt.status_markdown({"store": "/s", "documents": 3, "chunks": 10, "documents_by_type": {"seance": 2, "guide": 1},
                               "embedding_model": "m", "last_ingest": "2026-01-01 10:00:00", "roots": ["/a"]}, unanswered=4)
    assert "| Fiche séance | 2 |" in out and "`m`" in out and "2026-01-01" in out and ": 4" in out


# -- documents, access ----------------------------------------------------------------------
def test_resolve_document_only_inside_ingested_root(tmp_path: Path) -> None:
    from assistant.store import FileEntry, Manifest

    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "link.md").symlink_to(tmp_path / "secret.txt")

    def entry(source: str) -> FileEntry:
        return FileEntry(source, str(root), "h", 1, [], "t", "autre")

    sources = ["docs/sub/a.pdf", "docs/../secret.txt", "docs/link.md", "docs", "/etc/passwd", "docs/missing.md"]
    manifest = Manifest(files={s: entry(s) for s in sources})
    assert resolve_document(manifest, "docs/sub/a.pdf") == (root / "sub" / "a.pdf").resolve()
    for bad in sources[1:] + ["docs/never-ingested.md"]:
        assert resolve_document(manifest, bad) is None, bad
    assert document_url("docs/sub/a b.pdf", 3) == "cartable/document/docs/sub/a%20b.pdf#page=3"
    assert document_url("docs/x.md", 3) == "cartable/document/docs/x.md"


def test_response_headers_never_render_active_content_inline() -> None:
    assert response_headers(Path("a.pdf"))[:2] == ("application/pdf", "inline")
    media, disposition, headers = response_headers(Path("a.md"))
    assert disposition == "inline" and media.startswith("text/plain") and headers["Content-Security-Policy"] == "sandbox"
    for name in ("a.html", "a.htm", "a.docx", "a.svg"):
        assert response_headers(Path(name))[1] == "attachment"
        assert response_headers(Path(name))[2]["X-Content-Type-Options"] == "nosniff"


def test_text_originals_in_another_encoding_are_served_as_the_utf8_announced(tmp_path: Path) -> None:
    notepad = tmp_path / "compte-rendu.txt"
    notepad.write_bytes("Séance du conseil d'élèves : déjà très animée.".encode("cp1252"))
    assert utf8_text(notepad) == "Séance du conseil d'élèves : déjà très animée.".encode("utf-8")
    already = tmp_path / "fiche.md"
    already.write_text("Déjà en UTF-8.", encoding="utf-8")
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(b"%PDF-1.4 \xe9")
    assert utf8_text(already) is None and utf8_text(pdf) is None


def test_credentials_parsing_never_echoes_passwords(tmp_path: Path) -> None:
    assert parse_credentials("admin:pa:ss, lea:x ,", ",", "CARTABLE_AUTH") == [("admin", "pa:ss"), ("lea", "x")]
    with pytest.raises(Exception) as info:
        parse_credentials("admin:ok,motdepasse-secret", ",", "CARTABLE_AUTH")
    assert "motdepasse-secret" not in str(info.value) and "n° 2" in str(info.value)
    auth_file = tmp_path / "users.txt"
    auth_file.write_text("# comptes\nadmin:un\n\nlea:deux\n", encoding="utf-8")
    settings = Settings(store=tmp_path / "s", auth="bob:trois", auth_file=auth_file)
    assert load_credentials(settings) == [("bob", "trois"), ("admin", "un"), ("lea", "deux")]
    assert load_credentials(Settings(store=tmp_path / "s")) == []


def test_upload_rights() -> None:
    local = Access(auth_enabled=False, local_only=True, admins=frozenset({"admin"}))
    public = Access(auth_enabled=False, local_only=False, admins=frozenset({"admin"}))
    logged = Access(auth_enabled=True, local_only=False, admins=frozenset({"admin"}))
    assert local.can_upload(None) and not public.can_upload(None)
    assert logged.can_upload("admin") and not logged.can_upload("lea") and not logged.can_upload(None)
    assert "127.0.0.1" in local.notice(None) and "désactivé" in public.notice(None)
    assert "administrateur" in logged.notice("admin")
    assert Access.from_settings(Settings(auth="a:b"), "0.0.0.0").auth_enabled


def test_safe_filename() -> None:
    assert safe_filename("../../etc/Séance 1.MD") == "Séance 1.md"
    assert safe_filename("a<b>.pdf") == "a_b.pdf"
    for bad in (".bashrc", "noext", "...", "x."):
        assert safe_filename(bad) is None, bad


# -- handlers over a real store (fake embeddings) -------------------------------------------
@pytest.fixture
def ui(tmp_path: Path, settings: Settings, fake_embeddings) -> UiHandlers:  # type: ignore[no-untyped-def]
    from assistant.core import Assistant
    from assistant.retrieve import Retriever
    from ingest.pipeline import ingest
    from tests.make_docs import make_pdf

    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("ou-se-cache-mon-emotion.md", "message-clair.md", "boite-a-soucis.md"):
        shutil.copy(CORPUS / "seances" / "cycle2" / name, docs / name)
    shutil.copy(CORPUS / "guides" / "animer-une-seance-cps.md", docs / "animer-une-seance-cps.md")
    (docs / "zorglub.md").write_text(XSS_DOC, encoding="utf-8")
    make_pdf(docs / "rapport.pdf", [["Rapport d'évaluation du programme."],
                                    ["Les enseignants interrogés citent le tutorat des formateurs quokkas comme décisif."]],
             title="Rapport quokka")
    report = ingest([docs], settings, fake_embeddings)
    assert report.ok, report.summary()
    assistant = Assistant(settings, Retriever(settings, fake_embeddings))
    access = Access(auth_enabled=True, local_only=False, admins=frozenset({"admin"}))
    return UiHandlers(assistant, settings, access, exports_dir=tmp_path / "exports")


def _final(ui: UiHandlers, question: str, session: ChatSession | None = None, **filters: list[str]):  # type: ignore[no-untyped-def]
    steps = list(ui.respond(question, session, filters.get("levels"), filters.get("competences"), filters.get("doc_types")))
    return steps, steps[-1]


def test_respond_streams_then_shows_sources_records_and_exports(ui: UiHandlers) -> None:
    steps, last = _final(ui, "Comment utiliser la boîte à soucis ?")
    assert steps[0].messages[-1]["content"] == THINKING and steps[0].question == ""
    exchange = last.session.exchanges[0]
    assert exchange.answer.citations and 'data-cite="0-1"' in last.sources
    assert "(#cite-0-1" in last.messages[-1]["content"]
    row = ui.feedback.get(exchange.answer_id)
    assert row is not None and row["question"] == "Comment utiliser la boîte à soucis ?"
    exported = Path(last.download).read_text(encoding="utf-8")
    assert exported.startswith("# Comment utiliser la boîte à soucis ?") and "## Sources" in exported


def test_follow_up_sends_previous_turns(ui: UiHandlers, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    original = ui.assistant.ask_stream

    def spy(question, filters=None, history=None, **kw):  # type: ignore[no-untyped-def]
        seen.append(history)
        return original(question, filters, history, **kw)

    monkeypatch.setattr(ui.assistant, "ask_stream", spy)
    _, first = _final(ui, "Comment utiliser la boîte à soucis ?")
    _, second = _final(ui, "Et le matériel ?", first.session)
    assert seen[0] == []
    (turn,) = seen[1]  # type: ignore[misc]
    a1 = first.session.exchanges[0].answer
    assert turn.question == "Comment utiliser la boîte à soucis ?"
    assert turn.condensed == (a1.condensed_question or turn.question)
    assert turn.answer == a1.answer and turn.top_source == a1.citations[0].source
    assert len(second.messages) == 4


def test_filters_reach_the_core(ui: UiHandlers) -> None:
    _, last = _final(ui, "Comment parler de ses émotions ?", doc_types=["guide"])
    answer = last.session.exchanges[0].answer
    assert answer.filters == Filters(doc_types=("guide",))
    assert answer.citations and all(c.doc_type == "guide" for c in answer.citations)


def test_show_passage_in_context_with_original_link(ui: UiHandlers) -> None:
    _, last = _final(ui, "Comment utiliser la boîte à soucis ?")
    c = last.session.exchanges[0].answer.citations[0]
    out = ui.show_passage(last.session, "0-1")
    assert "<mark>" in out and fmt.esc(c.title) in out
    chunk = ui.chunk_text(c.chunk_id)
    assert chunk and len(chunk) >= len(c.snippet)
    assert f'href="{document_url(c.source)}"' in out
    for bad in ("0-99", "7-1", "x", None):
        assert ui.show_passage(last.session, bad) == fmt.EMPTY_PASSAGE
    assert ui.document_path(c.source) is not None and ui.document_path("docs/../../x") is None


def test_pdf_passage_links_to_its_page(ui: UiHandlers) -> None:
    _, last = _final(ui, "Que disent les enseignants du tutorat des formateurs quokkas ?")
    cites = last.session.exchanges[0].answer.citations
    pdf = next(c for c in cites if c.source.endswith(".pdf"))
    out = ui.show_passage(last.session, fmt.cite_ref(0, pdf.n))
    assert f"rapport.pdf#page={pdf.page}" in out and pdf.page == 2


def test_document_with_html_payload_stays_text_everywhere(ui: UiHandlers) -> None:
    _, last = _final(ui, "Que font les zorglubs du jardin avec leurs émotions ?")
    answer = last.session.exchanges[0].answer
    z = next(c for c in answer.citations if "zorglub" in c.source)
    passage = ui.show_passage(last.session, fmt.cite_ref(0, z.n))
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in passage
    for html in (passage, last.sources, *(m["content"] for m in last.messages)):
        assert "<script" not in html and "<img" not in html
    for markdown in (m["content"] for m in last.messages):
        assert "](javascript:" not in markdown and "![" not in markdown
    assert "&lt;img src=x onerror" in last.sources  # the title, shown as text


def test_abstention_recorded_as_content_gap(ui: UiHandlers) -> None:
    _, last = _final(ui, "Quel était le cours du hareng fumé à Riga en 1650 ?")
    assert last.session.exchanges[0].answer.abstained
    assert [g["question"] for g in ui.feedback.list_unanswered()] == ["Quel était le cours du hareng fumé à Riga en 1650 ?"]


def test_empty_question_does_not_call_the_core(ui: UiHandlers) -> None:
    (only,) = list(ui.respond("   ", None))
    assert "Écrivez une question" in only.note and only.session.exchanges == []


def test_rate_latest_answer(ui: UiHandlers) -> None:
    note, kept = ui.rate(ChatSession(), -1, "texte")
    assert "Posez d'abord" in note and kept == "texte"
    _, last = _final(ui, "Comment utiliser la boîte à soucis ?")
    note, cleared = ui.rate(last.session, -1, "Il manque la durée")
    assert "👎" in note and cleared == ""
    row = ui.feedback.get(last.session.exchanges[0].answer_id)
    assert row is not None and row["rating"] == -1 and row["comment"] == "Il manque la durée"


def test_core_error_shown_in_french_not_raised(ui: UiHandlers, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*a, **kw):  # type: ignore[no-untyped-def]
        raise RuntimeError("kaput")
        yield  # pragma: no cover

    monkeypatch.setattr(ui.assistant, "ask_stream", boom)
    _, last = _final(ui, "Une question ?")
    assert "erreur inattendue" in last.messages[-1]["content"] and last.download is None
    assert last.session.history() == []


def test_upload_rights_enforced_and_ingested_as_own_root(ui: UiHandlers, tmp_path: Path) -> None:
    new = tmp_path / "incoming"
    new.mkdir()
    doc = new / "Fiche tapir.md"
    doc.write_text("# Le tapir calme\n\nLe tapir respire lentement pour se calmer avant la séance.\n", encoding="utf-8")
    bad = new / "virus.exe"
    bad.write_bytes(b"MZ")

    assert "refusé" in ui.ingest_uploads([str(doc)], "lea")
    assert "refusé" in ui.ingest_uploads([str(doc)], None)
    steps: list[tuple[str, int, int]] = []
    report = ui.ingest_uploads([str(doc), str(bad)], "admin", lambda *s: steps.append(s))
    assert "REFUSÉ virus.exe" in report and "1 ajouté(s)" in report
    assert steps and steps[-1][1] == steps[-1][2]
    assert (ui.settings.store / "uploads" / "Fiche tapir.md").is_file()
    from assistant.store import Store

    sources = set(Store(ui.settings.store).read_manifest().files)
    assert "uploads/Fiche tapir.md" in sources and "docs/message-clair.md" in sources
    assert "uploads" in ui.status()
    _, last = _final(ui, "Comment le tapir se calme-t-il ?")
    assert any(c.source == "uploads/Fiche tapir.md" for c in last.session.exchanges[0].answer.citations)

    small = UiHandlers(ui.assistant, ui.settings.model_copy(update={"upload_max_mb": 0.00001}), ui.access,
                       ui.feedback, tmp_path / "e2")
    assert "limite" in small.ingest_uploads([str(doc)], "admin")


def test_build_app_gives_every_component_an_elem_id(ui: UiHandlers) -> None:
    import gradio as gr

    from assistant.ui.app import build_app

    demo = build_app(ui.assistant, ui.settings)
    missing = [type(b).__name__ for b in demo.blocks.values()
               if isinstance(b, gr.components.Component) and not isinstance(b, gr.State) and not b.elem_id]
    assert missing == []
    assert isinstance(demo, gr.Blocks)


def test_safety_answer_shows_alert_banner(ui: UiHandlers) -> None:
    _, last = _final(ui, "Un élève m'a confié que son père le frappe le soir, que faire ?")
    answer = last.session.exchanges[0].answer
    assert answer.safety is not None
    assert 'role="alert"' in last.safety and "tel:119" in last.safety
    assert last.messages[-1]["content"].startswith("### ⚠️")


def test_serve_ingests_bundled_corpus_only_when_store_empty(ui: UiHandlers, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.ui.app as app
    import ingest.progress
    from assistant.core import Assistant

    ingested: list[list[Path]] = []
    launched: list[tuple[str, int]] = []

    class Report:
        def summary(self) -> str:
            return "résumé"

    monkeypatch.setattr(ingest.progress, "ingest_with_progress", lambda s, paths, **kw: ingested.append(paths) or Report())
    monkeypatch.setattr(Assistant, "from_settings", classmethod(lambda cls, s, embeddings=None: ui.assistant))
    monkeypatch.setattr(app, "launch", lambda demo, s, host, port, block: launched.append((host, port)) or "")

    empty = Settings(store=tmp_path / "empty", corpus=CORPUS, embedding_model=ui.settings.embedding_model)
    app.serve(empty, host="127.0.0.1", port=7999)
    assert ingested == [[CORPUS]] and launched == [("127.0.0.1", 7999)]
    app.serve(ui.settings, host="127.0.0.1", port=7998)  # already ingested: no second ingestion
    assert len(ingested) == 1 and len(launched) == 2
