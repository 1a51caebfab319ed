#!/usr/bin/env python3
"""Regenerate the README's picture, ``docs/screenshot.png``: the app on the bundled corpus in headless
Chromium (Debian's), an example question answered and read from its top, a cited passage open.

Tests never write it (a fresh clone stays clean); this script does, on request::

    make screenshot                                   # same as:
    .venv/bin/python scripts/screenshot.py            # the user's store (ingests the corpus if empty)
    .venv/bin/python scripts/screenshot.py --store /tmp/magasin --output /tmp/capture.png
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 1000}
MAX_BYTES = 300_000  # a README picture, not a poster


def capture(page: Any, url: str, output: Path) -> Path:
    """Drive an open page of the app: first example question, first source's passage, then the PNG."""
    page.set_viewport_size(VIEWPORT)
    page.goto(url)
    page.wait_for_function("document.querySelector('#access-note')?.innerText.length > 10")
    page.click("#example-0-0")
    page.wait_for_selector("#chatbot a[href^='#cite-0-']")
    page.click("#sources button[data-cite='0-1']")
    page.wait_for_selector("#passage article[aria-label='Passage cité 1'] mark")
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)  # let the answer settle at its top
    output.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(output))
    return output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Régénère docs/screenshot.png (capture de l'interface pour le README).")
    parser.add_argument("--store", type=Path, help="magasin à utiliser (défaut : CARTABLE_STORE ou dossier utilisateur) ; "
                                                   "le corpus fourni y est indexé s'il est vide")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "screenshot.png", help="image à écrire")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print("Chromium est absent : apt-get install chromium", file=sys.stderr)
        return 1

    from playwright.sync_api import sync_playwright

    from assistant.backends import LazyEmbeddings, quiet_environment
    from assistant.core import Assistant
    from assistant.settings import Settings
    from assistant.store import Store
    from assistant.ui.app import build_app, launch
    from ingest.pipeline import ingest

    settings = Settings(corpus=REPO / "corpus")
    if args.store:
        settings = settings.model_copy(update={"store": args.store})
    quiet_environment(settings)
    if Store.from_settings(settings).current_name() is None:
        print(f"Magasin vide : indexation du corpus fourni dans {settings.store}…", file=sys.stderr, flush=True)
        report = ingest([settings.corpus], settings, LazyEmbeddings(settings))
        print(report.summary(), file=sys.stderr, flush=True)
    demo = build_app(Assistant.from_settings(settings), settings, host="127.0.0.1")
    url = launch(demo, settings, host="127.0.0.1", port=_free_port(), block=False, quiet=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=VIEWPORT, locale="fr-FR")
            page.set_default_timeout(120_000)
            path = capture(page, url, args.output)
            browser.close()
    finally:
        demo.close()
    size = path.stat().st_size
    print(f"Capture écrite : {path} ({size // 1024} Ko)")
    if size > MAX_BYTES:
        print(f"Attention : plus de {MAX_BYTES // 1000} Ko, trop lourd pour le README.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
