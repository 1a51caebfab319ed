"""Ingestion as a sync on a real Chroma store (fake embeddings at the model boundary): idempotence,
modify/delete, bad inputs that never cost what is already stored, model mismatch."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.errors import ModelMismatchError
from assistant.settings import Settings
from assistant.store import Store
from ingest.pipeline import ingest
from tests.make_docs import make_docx, make_pdf


def _write_docs(root: Path) -> None:
    (root / "seances").mkdir(parents=True)
    (root / "seances" / "meteo.md").write_text(
        "---\ntitle: La météo des émotions\ndoc_type: seance\nlevels: [CE1]\n---\n# La météo des émotions\n\n"
        "## Objectifs\n\nNommer quatre émotions de base.\n\n## Déroulement\n\nChaque élève place son étiquette météo.\n",
        encoding="utf-8",
    )
    (root / "notes.txt").write_text("Le message clair aide à régler les conflits sans violence.", encoding="utf-8")
    make_docx(root / "guide.docx", [("h1", "Guide"), ("h2", "Posture"), ("p", "Écouter sans juger.")], title="Guide")


def _vector_ids(settings: Settings, embeddings) -> set[str]:  # type: ignore[no-untyped-def]
    return set(Store(settings.store).vector_store(embeddings, settings.embedding_model).get(include=[])["ids"])


def test_reingest_is_idempotent_and_embeds_nothing(tmp_path: Path, settings: Settings, fake_embeddings) -> None:  # type: ignore[no-untyped-def]
    _write_docs(tmp_path / "docs")
    first = ingest([tmp_path / "docs"], settings, fake_embeddings)
    assert first.ok and len(first.added) == 3 and first.chunks_embedded == first.chunks_total > 0
    for _ in range(2):
        again = ingest([tmp_path / "docs"], settings, fake_embeddings)
        assert again.ok and len(again.unchanged) == 3 and again.chunks_embedded == 0
        assert again.chunks_total == first.chunks_total
    ids = _vector_ids(settings, fake_embeddings)
    assert len(ids) == first.chunks_total
    assert {c.id for c in Store(settings.store).read_chunks()} == ids


def test_modified_file_replaced_and_deleted_file_removed(tmp_path: Path, settings: Settings, fake_embeddings) -> None:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    _write_docs(docs)
    ingest([docs], settings, fake_embeddings)
    (docs / "notes.txt").write_text("Nouvelle version : la respiration du papillon calme la classe.", encoding="utf-8")
    (docs / "guide.docx").unlink()
    report = ingest([docs], settings, fake_embeddings)
    assert report.updated == ["docs/notes.txt"] and report.removed == ["docs/guide.docx"]
    chunks = Store(settings.store).read_chunks()
    texts = " ".join(c.text for c in chunks)
    assert "papillon" in texts and "message clair" not in texts and "Écouter sans juger" not in texts
    assert _vector_ids(settings, fake_embeddings) == {c.id for c in chunks}


def test_other_roots_are_kept(tmp_path: Path, settings: Settings, fake_embeddings) -> None:  # type: ignore[no-untyped-def]
    _write_docs(tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.txt").write_text("Un texte suffisamment long pour être indexé dans le magasin.", encoding="utf-8")
    ingest([tmp_path / "a"], settings, fake_embeddings)
    report = ingest([tmp_path / "b"], settings, fake_embeddings)
    assert report.added == ["b/x.txt"] and not report.removed
    assert len(Store(settings.store).read_manifest().files) == 4


def test_bad_inputs_reported_and_nothing_stored_is_lost(tmp_path: Path, settings: Settings, fake_embeddings) -> None:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    _write_docs(docs)
    ingest([docs], settings, fake_embeddings)
    before = {c.id for c in Store(settings.store).read_chunks()}

    (docs / "vide.md").write_text("", encoding="utf-8")
    (docs / "faux.pdf").write_bytes(os.urandom(2048))
    (docs / "tronque.pdf").write_bytes(make_pdf(tmp_path / "ok.pdf", [["Texte"]]).read_bytes()[:300])
    make_pdf(docs / "chiffre.pdf", [["Secret"]], password="x")
    (docs / "binaire.txt").write_bytes(bytes(range(256)) * 4)
    (docs / "classeur.xlsx").write_bytes(b"PK\x03\x04")
    (docs / "enorme.txt").write_text("a" * 3_000_000, encoding="utf-8")
    # The known-good file now breaks: its previous chunks must stay.
    (docs / "guide.docx").write_bytes(b"not a zip")
    settings = settings.model_copy(update={"max_file_mb": 1.0})

    report = ingest([docs], settings, fake_embeddings)
    failed = dict(report.failed)
    assert not report.ok and len(failed) == 8
    for name in ("vide.md", "faux.pdf", "tronque.pdf", "chiffre.pdf", "binaire.txt", "classeur.xlsx", "enorme.txt", "guide.docx"):
        path = str(docs / name)
        assert path in failed, name
        assert failed[path]  # a plain reason
    assert "trop volumineux" in failed[str(docs / "enorme.txt")]
    assert "binaires" in failed[str(docs / "binaire.txt")]
    assert "tronqué" in failed[str(docs / "classeur.xlsx")]
    after = {c.id for c in Store(settings.store).read_chunks()}
    assert before <= after, "chunks of files that failed this time must survive"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any directory")
def test_unreadable_directory_reported(tmp_path: Path, settings: Settings, fake_embeddings) -> None:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    _write_docs(docs)
    locked = docs / "prive"
    locked.mkdir()
    locked.chmod(0)
    try:
        report = ingest([docs], settings, fake_embeddings)
    finally:
        locked.chmod(0o755)
    assert any("illisible" in reason for _, reason in report.failed)
    assert len(report.added) == 3


def test_unreadable_directory_reported_as_root(tmp_path: Path, settings: Settings, fake_embeddings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """As root the permission bits do not stop reading; simulate the OS refusing the listing."""
    import ingest.discover as discover_mod

    docs = tmp_path / "docs"
    _write_docs(docs)
    (docs / "prive").mkdir()
    real_walk = os.walk

    def walk(top, onerror=None, **kw):  # type: ignore[no-untyped-def]
        for dirpath, dirnames, filenames in real_walk(top, onerror=onerror, **kw):
            if "prive" in dirnames:
                dirnames.remove("prive")
                onerror(PermissionError(13, "Permission denied", os.path.join(dirpath, "prive")))
            yield dirpath, dirnames, filenames

    monkeypatch.setattr(discover_mod.os, "walk", walk)
    report = ingest([docs], settings, fake_embeddings)
    assert report.failed == [(str(docs / "prive"), "dossier illisible (droits d'accès insuffisants)")]
    assert len(report.added) == 3


def test_missing_path_is_reported(tmp_path: Path, settings: Settings, fake_embeddings) -> None:  # type: ignore[no-untyped-def]
    report = ingest([tmp_path / "nulle-part"], settings, fake_embeddings)
    assert report.failed and "introuvable" in report.failed[0][1]


def test_another_model_fails_loudly(tmp_path: Path, settings: Settings, fake_embeddings) -> None:  # type: ignore[no-untyped-def]
    _write_docs(tmp_path / "docs")
    ingest([tmp_path / "docs"], settings, fake_embeddings)
    other = settings.model_copy(update={"embedding_model": "another-model"})
    with pytest.raises(ModelMismatchError, match="cartable ingest --rebuild"):
        ingest([tmp_path / "docs"], other, fake_embeddings)
    report = ingest([tmp_path / "docs"], other, fake_embeddings, rebuild=True)
    assert report.ok and len(report.added) == 3
    assert Store(other.store).read_manifest().embedding_model == "another-model"


def test_ignore_file_and_hidden_files(tmp_path: Path, settings: Settings, fake_embeddings) -> None:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    _write_docs(docs)
    (docs / ".cartableignore").write_text("README.md\n_sources/\n", encoding="utf-8")
    (docs / "README.md").write_text("Ce dossier contient…", encoding="utf-8")
    (docs / "_sources").mkdir()
    (docs / "_sources" / "x.pdf.md").write_text("source", encoding="utf-8")
    (docs / ".DS_Store").write_bytes(b"\x00\x01")
    report = ingest([docs], settings, fake_embeddings)
    assert report.ok and len(report.added) == 3


def test_a_store_indexed_by_an_older_analyzer_is_searched_with_this_one(tmp_path: Path, settings: Settings,  # type: ignore[no-untyped-def]
                                                                         fake_embeddings) -> None:
    """After an upgrade that changes the analyzer, a store not yet re-ingested must not answer from an index whose
    terms the questions no longer produce (« CPS » was indexed « cp »): its index is rebuilt in memory, and the next
    ingestion rewrites it."""
    from assistant.lexical import LexicalIndex
    from assistant.retrieve import Retriever

    _write_docs(tmp_path / "docs")
    assert ingest([tmp_path / "docs"], settings, fake_embeddings).ok
    store = Store(settings.store)

    def found() -> bool:
        hits = Retriever(settings, fake_embeddings).search("conflits violence", mode="bm25")
        return any("message clair" in h.chunk.text for h in hits)

    def stale_index(pipeline: str | None) -> None:
        snap = store.snapshot_dir()
        assert snap is not None
        index = LexicalIndex()  # stands for an index whose terms this analyzer no longer writes
        index.build(["autre chose"] * len(store.read_chunks()))
        index.save(snap / "bm25")
        data = json.loads((snap / "manifest.json").read_text(encoding="utf-8")) | {"pipeline": pipeline}
        (snap / "manifest.json").write_text(json.dumps(data), encoding="utf-8")

    current = store.read_manifest().pipeline
    assert current is not None and "analyzer=" in current
    stale_index(current)
    assert not found()  # an index the manifest vouches for is used as it is
    stale_index(current.replace("analyzer=", "analyzer=old"))
    assert found()
    stale_index(None)  # a store from before the signature named the analyzer
    assert found()
    again = ingest([tmp_path / "docs"], settings, fake_embeddings)
    assert again.ok and store.read_manifest().pipeline == current
    assert found()
