"""The project's named exceptions. Their messages are French: they reach teachers through the CLI and UI."""

from __future__ import annotations


class CartableError(Exception):
    """Base class: a problem the user can act on, with a message that says what to do."""


class LoadError(CartableError):
    """A file could not be read; the message gives the plain reason (the path is added by the caller)."""


class ModelMismatchError(CartableError):
    """The store was built with another embedding model than the one configured."""

    def __init__(self, stored: str, configured: str) -> None:
        super().__init__(
            f"Le magasin a été construit avec le modèle d'embedding « {stored} », mais le modèle configuré est "
            f"« {configured} ». Relancez l'ingestion avec `cartable ingest --rebuild` (ou remettez "
            f"CARTABLE_EMBEDDING_MODEL={stored})."
        )
        self.stored = stored
        self.configured = configured


class EmptyStoreError(CartableError):
    """Nothing has been ingested yet."""

    def __init__(self, store: str) -> None:
        super().__init__(
            f"Le magasin « {store} » est vide : lancez d'abord `cartable ingest` (corpus fourni) "
            "ou `cartable ingest /chemin/vers/vos-documents`."
        )


class BackendError(CartableError):
    """A model or server could not be built from the settings (missing package, bad URL…)."""
