"""The real app in headless Chromium (Debian's, never downloaded) on the bundled corpus and model.

Two app instances over one copy of the bundled store (uploads here must not leak into the
session-wide store other tests use): one open on 127.0.0.1, one behind a login.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Settings
from tests.e2e.conftest import CHROMIUM
from scripts.screenshot import MAX_BYTES, capture
from tests.make_docs import xss_sheet

ACCOUNTS = {"admin": "admin-mot-de-passe", "lea": "lea-mot-de-passe"}
TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true",
                       reason="/usr/bin/chromium absent (apt-get install chromium); browser tests skipped"),
]

PAYLOAD_DOC = xss_sheet("""<img src=y onerror="alert('xss')"> <svg onload="alert('svg')"></svg>""")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def e2e_settings(bundled_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    store = tmp_path_factory.mktemp("e2e") / "store"
    shutil.copytree(bundled_settings.store, store)
    return bundled_settings.model_copy(update={"store": store})


@pytest.fixture(scope="module")
def e2e_assistant(e2e_settings: Settings, bundled_assistant: Any) -> Any:
    from assistant.core import Assistant
    from assistant.retrieve import Retriever

    # The session's loaded model, over the copied store: no second model load.
    return Assistant(e2e_settings, Retriever(e2e_settings, bundled_assistant.retriever.embeddings))


def _start(assistant: Any, settings: Settings) -> Iterator[str]:
    from assistant.ui.app import build_app, launch

    demo = build_app(assistant, settings, host="127.0.0.1")
    url = launch(demo, settings, host="127.0.0.1", port=_free_port(), block=False, quiet=True)
    try:
        yield url
    finally:
        demo.close()


@pytest.fixture(scope="module")
def app_url(e2e_assistant: Any, e2e_settings: Settings) -> Iterator[str]:
    yield from _start(e2e_assistant, e2e_settings)


@pytest.fixture(scope="module")
def auth_url(e2e_assistant: Any, e2e_settings: Settings) -> Iterator[str]:
    auth = ",".join(f"{u}:{p}" for u, p in ACCOUNTS.items())
    yield from _start(e2e_assistant, e2e_settings.model_copy(update={"auth": auth, "admin_users": ["admin"]}))


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    pg.dialogs = []  # type: ignore[attr-defined]

    def on_dialog(dialog: Any) -> None:
        pg.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    yield pg
    context.close()


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function("document.querySelector('#access-note')?.innerText.length > 10")


def _ask(page: Any, question: str) -> None:
    """Type a question, send it, wait for its sources."""
    before = page.locator("#chatbot [data-testid='bot']").count()
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    page.wait_for_function(f"document.querySelectorAll('#chatbot [data-testid=\"bot\"]').length > {before}")
    page.wait_for_selector("#sources button[data-cite]")


def _login(page: Any, url: str, user: str) -> None:
    page.goto(url)
    page.fill("input[type=text]", user)
    page.fill("input[type=password]", ACCOUNTS[user])
    page.press("input[type=password]", "Enter")  # the button's label follows the browser's language
    page.wait_for_function("document.querySelector('#access-note')?.innerText.includes('Connecté')")


def test_example_question_streams_cited_answer_and_opens_passage(page: Any, app_url: str, tmp_path: Path) -> None:
    _open(page, app_url)
    # Record every state of the latest bot message, to see the answer arrive in steps.
    page.evaluate("""() => {
      window.__botStates = [];
      new MutationObserver(() => {
        const bots = document.querySelectorAll('#chatbot [data-testid="bot"]');
        if (!bots.length) return;
        const text = bots[bots.length - 1].innerText;
        if (window.__botStates[window.__botStates.length - 1] !== text) window.__botStates.push(text);
      }).observe(document.querySelector('#chatbot'), {subtree: true, childList: true, characterData: true});
    }""")
    page.click("#example-0-0")
    page.wait_for_selector("#chatbot a[href^='#cite-0-']")
    page.wait_for_selector("#sources button[data-cite='0-1']")
    states = page.evaluate("window.__botStates")
    assert any("Recherche dans les documents" in s for s in states), states
    assert "[1]" in states[-1]
    assert "émotions en CE1" in page.inner_text("#chatbot")

    # A source from the panel: its passage in context, with the snippet marked and the original offered.
    page.click("#sources button[data-cite='0-1']")
    page.wait_for_selector("#passage article[aria-label='Passage cité 1'] mark")
    link = page.locator("#passage a", has_text="Ouvrir le document original")
    href = link.get_attribute("href")
    assert href and href.startswith("cartable/document/")
    response = page.request.get(app_url + href.split("#")[0])
    assert response.status == 200 and len(response.body()) > 100
    assert page.request.get(app_url + "cartable/document/corpus/../pyproject.toml").status == 404

    # A marker in the answer opens its passage too, and takes the focus (keyboard users land on it).
    last_marker = page.locator("#chatbot a[href^='#cite-0-']").last
    n = last_marker.get_attribute("href").rsplit("-", 1)[1]
    last_marker.click()
    page.wait_for_selector(f"#passage article[aria-label='Passage cité {n}'] mark")
    page.wait_for_function("document.activeElement?.matches('#passage article')")

    # Sources are the documents' Markdown rendered, not its raw markup.
    assert "**" not in page.inner_text("#sources") and "**" not in page.inner_text("#passage")
    assert page.locator("#sources .cartable-snippet strong, #sources .cartable-snippet li").count() > 0

    # The README's picture as `make screenshot` takes it, written here (tests never touch tracked files).
    shot = capture(page, app_url, tmp_path / "screenshot.png")
    assert 10_000 < shot.stat().st_size < MAX_BYTES

    # Readable on a phone: nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 392


def test_level_filter_applies_and_clears(page: Any, app_url: str) -> None:
    _open(page, app_url)
    page.click("#filters-panel button.label-wrap")
    page.click("#filter-level input")
    page.keyboard.type("CE1")
    page.get_by_role("option", name="CE1 (cycle 2)").click()
    page.keyboard.press("Escape")
    page.wait_for_function("document.querySelector('#filters-active').innerText.includes('CE1 (cycle 2)')")

    _ask(page, "Quelle activité pour apprendre à coopérer ?")
    metas = page.locator("#sources .cartable-source-meta").all_inner_texts()
    assert metas and all(any(level in m for level in ("CP", "CE1", "CE2")) for m in metas), metas

    page.click("#filters-clear")
    page.wait_for_function("document.querySelector('#filters-active').innerText.includes('Aucun filtre')")


def test_thumbs_down_with_comment_is_stored(page: Any, app_url: str, e2e_settings: Settings) -> None:
    _open(page, app_url)
    _ask(page, "Qu'est-ce que le programme En santé à l'école ? Qui le porte ?")
    comment = "Il manque les dates du programme (test e2e)."
    page.fill("#feedback-comment textarea", comment)
    page.click("#feedback-down")
    page.wait_for_function("document.querySelector('#feedback-note').innerText.includes('Merci')")
    with sqlite3.connect(e2e_settings.store / "feedback.sqlite") as db:
        row = db.execute("SELECT question, rating, comment FROM answers WHERE comment = ?", (comment,)).fetchone()
    assert row == ("Qu'est-ce que le programme En santé à l'école ? Qui le porte ?", -1, comment)


def test_login_required_and_only_admins_may_upload(page: Any, auth_url: str) -> None:
    page.goto(auth_url)
    page.wait_for_selector("input[type=password]")
    assert page.request.get(auth_url + "cartable/document/corpus/guides/animer-une-seance-cps.md").status == 401
    _login(page, auth_url, "lea")
    assert "administrateur" not in page.inner_text("#access-note")
    page.get_by_role("tab", name="État de l'index").click()
    page.wait_for_function("document.querySelector('#index-status').innerText.includes('passages')")
    assert not page.locator("#upload-panel").is_visible()
    assert page.request.get(auth_url + "cartable/document/corpus/guides/animer-une-seance-cps.md").status == 200


def test_uploaded_document_with_html_payloads_stays_inert(page: Any, auth_url: str, tmp_path: Path) -> None:
    doc = tmp_path / "zorglub.md"
    doc.write_text(PAYLOAD_DOC, encoding="utf-8")
    _login(page, auth_url, "admin")
    page.get_by_role("tab", name="État de l'index").click()
    page.wait_for_selector("#upload-panel", state="visible")
    page.set_input_files("#upload-files input[type=file]", str(doc))
    page.wait_for_selector("#upload-files :text('zorglub.md')")
    page.click("#upload-ingest")
    page.wait_for_function("document.querySelector('#upload-report textarea').value.includes('ajouté')")
    assert "1 ajouté(s)" in page.input_value("#upload-report textarea")

    page.get_by_role("tab", name="Poser une question").click()
    _ask(page, "Que font les zorglubs du jardin avec leurs émotions ?")
    source = page.locator("#sources button[data-cite]", has_text="zorglub").first
    assert "<img" in source.inner_text()  # the title's markup, shown as text
    source.click()
    page.wait_for_selector("#passage article mark")
    context = page.inner_text("#passage .cartable-context")
    assert "<script>window.__pwned=1</script>" in context and 'onerror="window.__pwned=2"' in context
    page.locator("#chatbot a[href^='#cite-']").first.click()
    page.wait_for_timeout(500)  # give any injected handler the time it would need to fire

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []  # type: ignore[attr-defined]
    for scope in ("#passage", "#sources", "#chatbot"):
        assert page.locator(f"{scope} script, {scope} img[src='x'], {scope} img[src='y'], {scope} svg[onload]").count() == 0


# Where an element's first line sits: inside the chat's scroll box and the window, and not covered.
_FIRST_LINE_ON_SCREEN = """(el) => {
  const r = el.getBoundingClientRect();
  let box = el.parentElement;
  while (box && !(['auto', 'scroll'].includes(getComputedStyle(box).overflowY) && box.scrollHeight > box.clientHeight)) {
    box = box.parentElement;
  }
  const b = box ? box.getBoundingClientRect() : {top: 0, bottom: innerHeight};
  const hit = document.elementFromPoint(r.left + 4, r.top + Math.min(8, r.height / 2));
  return {inBox: r.top >= b.top - 1 && r.top + 8 <= b.bottom, inWindow: r.top >= 0 && r.top + 8 <= innerHeight,
          hit: !!hit && el.contains(hit), scrolls: !!box && box.scrollHeight > box.clientHeight + 50,
          leftBelow: box ? box.scrollHeight - box.scrollTop - box.clientHeight : 0};
}"""


def test_long_answer_is_shown_from_its_title(page: Any, app_url: str) -> None:
    _open(page, app_url)
    _ask(page, "Qu'est-ce que le programme En santé à l'école ? Qui le porte ?")
    for question in ("Comment animer une séance sur les émotions en CE1 ?",
                     "Quelle activité pour apprendre à coopérer en maternelle ?"):
        _ask(page, question)
        page.wait_for_timeout(1_000)  # past Gradio's own delayed autoscroll, were it on
        answer = page.locator("#chatbot [data-testid='bot']").last
        title = answer.locator("h3").first
        seen = title.evaluate(_FIRST_LINE_ON_SCREEN)
        titles = page.locator("#sources .cartable-source-title").all_inner_texts()
        assert title.inner_text().strip() in titles, (title.inner_text(), titles)
        # A long answer: the chat could scroll to its end, but the reader sees its title.
        assert seen["scrolls"] and seen["leftBelow"] > 50, seen
        assert seen["inBox"] and seen["inWindow"] and seen["hit"], seen


def test_safety_banner_names_each_number(page: Any, app_url: str) -> None:
    _open(page, app_url)
    page.fill("#question textarea", "Un élève m'a confié que son père le frappe le soir, que faire ?")
    page.press("#question textarea", "Enter")
    page.wait_for_selector("#safety-banner .cartable-safety[role='alert']")
    banner = page.inner_text("#safety-banner")
    assert "119 – Allô Enfance en danger" in banner and "17 – police-gendarmerie" in banner, banner
    assert "24 h/24" in banner
    assert page.locator("#safety-banner a[href='tel:119']").count() == 1
