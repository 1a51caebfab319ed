"""Fuzzing (hypothesis) of the loaders and of the query path: whatever the bytes of a file or the
characters of a question, the result is a document, an answer, or a French refusal — never a crash.
Example counts stay modest so the suite stays fast; a failure prints the smallest input found."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from assistant.core import Assistant
from assistant.errors import LoadError, QuestionRejected
from assistant.retrieve import Retriever
from assistant.schema import Answer, LoadedDocument
from assistant.settings import Settings
from ingest.chunking import chunk_sections
from ingest.clean import clean_sections
from ingest.loaders import LOADERS, load
from ingest.metadata import build_doc_meta
from ingest.pipeline import ingest
from tests.conftest import CORPUS, FAKE_MODEL
from tests.make_docs import make_docx, make_pptx

FUZZ = hsettings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])
TEXT_FORMATS = [".md", ".txt", ".html", ".vtt", ".srt"]

# Text that looks like the formats' own syntax, so the parsers' branches are reached, not only their guards.
_SYNTAX = st.sampled_from([
    "---\n", "title: x\n", "# ", "## ", "\n\n", "```", "WEBVTT\n\n", "00:00:01.000 --> 00:00:02.000\n", "1\n",
    "00:00:01,000 --> 00:00:02,000\n", "<v Léa>", "<html>", "<body>", "<p>", "</p>", "<script>", "<table><tr><td>",
    "- ", "1. ", "| a | b |\n", "\x00", "\ufeff", "é", "œ", "😀", "\u202e", "&amp;", "<!--", "]]>", "{{", "\r\n",
])
DOC_TEXT = st.lists(st.one_of(_SYNTAX, st.text(max_size=40)), max_size=30).map("".join)


def _prepare(path: Path) -> LoadedDocument:
    """What ingestion does with one file before embedding: load, clean, describe, chunk."""
    doc = load(path)
    doc.sections = clean_sections(doc.sections, paged=path.suffix == ".pdf")
    if doc.sections:
        meta = build_doc_meta(doc, f"docs/{path.name}", path.suffix)
        chunk_sections(doc.sections, meta, "0" * 64, 800, 120)
    return doc


@pytest.mark.parametrize("suffix", TEXT_FORMATS)
@FUZZ
@given(text=DOC_TEXT)
def test_text_loaders_never_crash(tmp_path: Path, suffix: str, text: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        _prepare(path)
    except LoadError as exc:
        assert str(exc), "a refusal says why"


def _genuine(kind: str, folder: Path) -> bytes:
    path = folder / f"genuine.{kind}"
    if kind == "docx":
        make_docx(path, [("h1", "Le jeu du miroir"), ("h2", "Déroulement"), ("p", "Les élèves imitent un geste."),
                         ("table", "Phase|Durée;Accueil|5 min")], title="Miroir")
    else:
        make_pptx(path, [("Le jeu du miroir", ["Les élèves imitent un geste.", "Puis ils échangent."])], title="Miroir")
    return path.read_bytes()


@pytest.fixture(scope="module")
def genuine_office(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Paths (not bytes: hypothesis prints its arguments when a case fails) of a genuine DOCX and PPTX."""
    folder = tmp_path_factory.mktemp("office")
    out = {}
    for kind in ("docx", "pptx"):
        out[kind] = folder / f"{kind}.bin"
        out[kind].write_bytes(_genuine(kind, folder))
    return out


@pytest.mark.parametrize("kind", ["docx", "pptx"])
@FUZZ
@given(data=st.data())
def test_office_loaders_never_crash_on_corrupted_archives(tmp_path: Path, genuine_office: dict[str, Path], kind: str,
                                                           data: st.DataObject) -> None:
    original = genuine_office[kind].read_bytes()
    how = data.draw(st.sampled_from(["flip", "truncate", "member", "junk"]))
    if how == "flip":  # random bytes overwritten anywhere (headers, deflate streams, central directory)
        raw = bytearray(original)
        for at, value in data.draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(0, 255)), min_size=1, max_size=20)):
            raw[at] = value
        blob = bytes(raw)
    elif how == "truncate":
        blob = original[: data.draw(st.integers(0, len(original) - 1))]
    elif how == "member":  # a valid zip whose main XML part is replaced by fuzzed text
        part = "word/document.xml" if kind == "docx" else "ppt/slides/slide1.xml"
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(original)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                body = data.draw(DOC_TEXT).encode("utf-8", "surrogatepass") if item.filename == part else src.read(item)
                dst.writestr(item.filename, body)
        blob = out.getvalue()
    else:
        blob = data.draw(st.binary(max_size=2000))
    path = tmp_path / f"fuzz.{kind}"
    path.write_bytes(blob)
    try:
        _prepare(path)
    except LoadError as exc:
        assert str(exc)


@FUZZ
@given(blob=st.binary(max_size=3000), suffix=st.sampled_from(sorted(set(LOADERS) - set(TEXT_FORMATS))))
def test_binary_junk_is_refused_not_crashing(tmp_path: Path, blob: bytes, suffix: str) -> None:
    path = tmp_path / f"junk{suffix}"
    path.write_bytes(blob)
    try:
        _prepare(path)
    except LoadError as exc:
        assert str(exc)


# -- the query path ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fuzz_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    import shutil

    from langchain_core.embeddings import DeterministicFakeEmbedding

    root = tmp_path_factory.mktemp("fuzzstore")
    docs = root / "docs"
    docs.mkdir()
    for name in ("boite-a-soucis.md", "message-clair.md"):
        shutil.copy(CORPUS / "seances" / "cycle2" / name, docs / name)
    settings = Settings(store=root / "store", embedding_model=FAKE_MODEL)
    embeddings = DeterministicFakeEmbedding(size=64)
    assert ingest([docs], settings, embeddings).ok
    return Assistant(settings, Retriever(settings, embeddings))


QUESTION_PARTS = st.sampled_from([
    "Comment", " animer", " une séance", " sur les émotions", " en CE1", " ?", " et pour des CM2", " combien de temps",
    " dure-t-elle", " qu'est-ce que", " le message clair", " un élève", " me dit qu'il est frappé", " 119", "\x00", "\x1b[31m",
    "😀", "\u202e", "\u200b", "'", "«", "»", "-", "*", "[1]", "<script>", "  ", "\n", "l'", "d'", "ÉCOLE", "ŒUVRE",
])
QUESTIONS = st.one_of(st.text(max_size=200), st.lists(st.one_of(QUESTION_PARTS, st.text(max_size=8)), max_size=20).map("".join))


@hsettings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=QUESTIONS, follow_up=st.booleans())
def test_query_path_never_crashes(fuzz_assistant: Assistant, question: str, follow_up: bool) -> None:
    from assistant.core import Turn

    history = [Turn("Comment utiliser la boîte à soucis ?", "Comment utiliser la boîte à soucis ?")] if follow_up else None
    try:
        answer = fuzz_assistant.ask(question, history=history)
    except QuestionRejected as exc:
        assert str(exc)
        return
    assert isinstance(answer, Answer) and answer.answer.strip()
    snap = fuzz_assistant.retriever.snapshot()
    for c in answer.citations:
        assert c.snippet in snap.chunks[snap.index_of[c.chunk_id]].text
