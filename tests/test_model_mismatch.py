"""A store built with one embedding model, opened with another: a clear French error naming both
models and the rebuild command, before any question is answered; nothing stored is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.errors import ModelMismatchError
from assistant.retrieve import Retriever
from assistant.settings import BUNDLED_MINILM, BUNDLED_MODEL, Settings
from assistant.store import Store
from ingest.pipeline import ingest


def test_asking_a_store_of_another_model_fails_with_both_names(tmp_path: Path, settings: Settings, fake_embeddings) -> None:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.md").write_text("# Message clair\n\nLe message clair aide à régler les conflits.", encoding="utf-8")
    assert ingest([docs], settings, fake_embeddings).ok
    other = settings.model_copy(update={"embedding_model": BUNDLED_MODEL})
    assistant = Assistant(other, Retriever(other, fake_embeddings))
    with pytest.raises(ModelMismatchError) as caught:
        assistant.ask("Qu'est-ce que le message clair ?")
    message = str(caught.value)
    assert settings.embedding_model in message and BUNDLED_MODEL in message and "cartable ingest --rebuild" in message
    # Nothing was lost: the store still answers with its own model.
    assert Store(settings.store).read_manifest().embedding_model == settings.embedding_model
    answer = Assistant(settings, Retriever(settings, fake_embeddings)).ask("Qu'est-ce que le message clair ?")
    assert any(c.source.endswith("note.md") for c in answer.citations)


def test_default_model_is_the_bundled_multilingual_one() -> None:
    defaults = Settings()
    assert defaults.embedding_model == BUNDLED_MODEL
    # The engine adds its own "query: "/"passage: " prefixes: never twice.
    assert defaults.prefixes() == ("", "")
    # MiniLM stays selectable, without prefixes; any other E5 through sentence-transformers gets them.
    assert defaults.model_copy(update={"embedding_model": BUNDLED_MINILM}).prefixes() == ("", "")
    assert defaults.model_copy(update={"embedding_model": "intfloat/multilingual-e5-base"}).prefixes() == ("query: ", "passage: ")
