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


class QuestionRejected(CartableError):
    """A question that cannot be answered as typed (too long, no words); the message says why."""


class StoreCorruptError(CartableError):
    """A file of the committed snapshot cannot be read (disk error, manual edit, truncated copy)."""

    def __init__(self, store: str, path: str, reason: str) -> None:
        if path.startswith("chroma"):  # the vectors themselves: only a rebuild re-creates them
            repair = ("Reconstruisez-le avec `cartable ingest --rebuild` (avec les mêmes dossiers) : "
                      "les documents seront encodés à nouveau.")
        else:
            repair = ("Relancez `cartable ingest` (avec les mêmes dossiers) pour le réparer : les passages déjà "
                      "encodés sont réutilisés. Si l'erreur persiste, reconstruisez-le avec `cartable ingest --rebuild`.")
        super().__init__(f"Le magasin « {store} » est endommagé : le fichier {path} est illisible ({reason}). {repair}")
        self.path = path


class DiskFullError(CartableError):
    """The store's disk is (nearly) full: ingestion stops before Chroma's own files break."""

    def __init__(self, store: str, free_mb: float, needed_mb: float | None = None) -> None:
        need = f"il en faut au moins {needed_mb:.0f}" if needed_mb else "le disque est plein"
        super().__init__(
            f"Espace disque insuffisant pour le magasin « {store} » : {free_mb:.0f} Mo libres, {need}. "
            "L'ingestion est arrêtée et le magasin continue de répondre avec son dernier état. "
            "Libérez de la place (ou réglez CARTABLE_MIN_FREE_MB), puis relancez `cartable ingest` : le travail déjà "
            "fait est conservé."
        )
        self.free_mb = free_mb
