"""The « Préparer » tab in headless Chromium (Debian's, never downloaded), on the bundled corpus and
model: fill the progression form, get the cited plan, download its PDF; then a workshop outline."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Settings
from tests.e2e.conftest import CHROMIUM

TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true",
                       reason="/usr/bin/chromium absent (apt-get install chromium); browser tests skipped"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(bundled_assistant: Any, bundled_settings: Settings) -> Iterator[str]:
    # Planning only reads the store: the session's store and loaded model are shared as they are.
    from assistant.ui.app import build_app, launch

    demo = build_app(bundled_assistant, bundled_settings, host="127.0.0.1")
    url = launch(demo, bundled_settings, host="127.0.0.1", port=_free_port(), block=False, quiet=True)
    try:
        yield url
    finally:
        demo.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    yield pg
    context.close()


def _open_planner(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function("document.querySelector('#access-note')?.innerText.length > 10")
    page.get_by_role("tab", name="Préparer").click()
    page.wait_for_selector("#prog-build", state="visible")


def test_progression_form_gives_cited_plan_and_pdf(page: Any, app_url: str, tmp_path: Path) -> None:
    _open_planner(page, app_url)
    page.click("#prog-level input")
    page.keyboard.type("CE2")
    page.get_by_role("option", name="CE2 (cycle 2)").click()
    page.fill("#prog-free textarea", "émotions et coopération")
    page.fill("#prog-sessions input", "4")
    page.fill("#prog-minutes input", "50")
    page.fill("#prog-period textarea", "novembre-février")
    page.click("#prog-build")
    page.wait_for_function("document.querySelector('#plan-output')?.innerText.includes('Séance 1')")
    shown = page.inner_text("#plan-output")
    assert "Où se cache mon émotion" in shown and "novembre" in shown
    assert "Sources" in shown and "construire-une-progression.md" in shown  # reasons cite the guide

    pdf_button = page.locator("#plan-pdf")
    page.wait_for_function("!document.querySelector('#plan-pdf')?.disabled")
    with page.expect_download() as info:
        pdf_button.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    assert target.read_bytes()[:5] == b"%PDF-"
    from pypdf import PdfReader

    reader = PdfReader(str(target))
    assert len(reader.pages) >= 3  # a cover and one page per session
    assert "Pourquoi à cette place" in reader.pages[1].extract_text()


def test_workshop_form_gives_timed_outline(page: Any, app_url: str) -> None:
    _open_planner(page, app_url)
    page.click("#ws-form button.label-wrap")
    page.wait_for_selector("#ws-build", state="visible")
    page.fill("#ws-minutes input", "180")
    page.fill("#ws-theme textarea", "conduire une séance CPS")
    page.click("#ws-build")
    page.wait_for_function("document.querySelector('#plan-output')?.innerText.includes('Déroulé')")
    shown = page.inner_text("#plan-output")
    assert "Vivre une activité comme des élèves" in shown and "–3h00" in shown
    assert "Messages clés" in shown and "Sources" in shown
    page.wait_for_function("!document.querySelector('#plan-md')?.disabled")
