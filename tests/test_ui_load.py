"""20 `gradio_client` clients asking different questions at once through the UI's `/ask` endpoint:
every one gets a non-empty, cited answer and no error (real bundled model and corpus)."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from assistant.settings import Settings
from benchmarks.ui_load import QUESTIONS, make_clients, run_concurrent


@pytest.mark.integration
def test_twenty_concurrent_clients_all_get_cited_answers(bundled_assistant: Any, bundled_settings: Settings) -> None:
    from assistant.ui.app import build_app, launch

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    demo = build_app(bundled_assistant, bundled_settings)
    url = launch(demo, bundled_settings, port=port, block=False, quiet=True)
    try:
        clients = make_clients(url, 20)
        results = run_concurrent(clients, QUESTIONS)
    finally:
        demo.close()
    assert len(results) == 20 and len({r.question for r in results}) == 20
    failures = [(r.question, r.error, r.answer[:80]) for r in results if r.error or not r.answer.strip() or not r.cited]
    assert failures == []
