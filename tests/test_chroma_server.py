"""Client/server mode: the vectors live in a real `chroma run` server (127.0.0.1, free port, temporary
directory). Ingestion and answers behave as in embedded mode; a server that stops shows a French
message and the app recovers when it returns; an ingestion cut by the server resumes without
duplicates. The server-backed tests ingest one folder of the corpus (cycle 2 sheets) to stay fast."""

from __future__ import annotations

import http.server
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings

from assistant import chroma_client
from assistant.chroma_client import ChromaUnavailableError, GuardedCollection
from assistant.settings import Settings
from assistant.store import Store
from benchmarks.chroma_server import ChromaServer
from eval.gold import GoldItem, load_gold, quick_subset
from ingest.pipeline import ingest
from tests.conftest import CORPUS, FAKE_MODEL

SUBSET = "seances/cycle2"


@pytest.fixture
def no_retry_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chroma_client, "RETRY_DELAYS_S", (0.0, 0.0))


# -- fast tier: the client side, without a Chroma server ---------------------------------------
class _Flaky:
    """A collection whose first `failures` calls lose their connection."""

    name = "cartable"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def count(self) -> int:
        import httpx

        self.calls += 1
        if self.calls <= self.failures:
            raise httpx.ConnectError("[Errno 111] Connection refused")
        return 42


def test_dropped_connection_is_retried_then_reported_in_french(no_retry_pause: None) -> None:
    assert GuardedCollection(_Flaky(failures=2), None, "http://127.0.0.1:1").count() == 42
    flaky = _Flaky(failures=3)
    with pytest.raises(ChromaUnavailableError, match="momentanément indisponible.*http://127.0.0.1:1"):
        GuardedCollection(flaky, None, "http://127.0.0.1:1").count()
    assert flaky.calls == 3


def test_collection_recreated_by_another_process_is_found_again(tmp_path: Path) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    old = client.create_collection("cartable")
    old.add(ids=["a"], embeddings=[[0.1, 0.2]])
    guarded = GuardedCollection(old, client, "test")
    client.delete_collection("cartable")  # `cartable ingest --rebuild` elsewhere
    client.create_collection("cartable").add(ids=["b", "c"], embeddings=[[0.1, 0.2], [0.2, 0.1]])
    assert guarded.count() == 2


def test_token_goes_to_the_proxy_and_a_refusal_is_explained(tmp_path: Path, no_retry_pause: None) -> None:
    seen: list[str | None] = []

    class Refuse(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            seen.append(self.headers.get("Authorization"))
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": "Unauthorized", "message": "bad token"}')

        def log_message(self, *args: Any) -> None:
            pass

    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        settings = Settings(store=tmp_path / "store", chroma_host="127.0.0.1", chroma_port=proxy.server_address[1],
                            chroma_token="s3cret")
        with pytest.raises(ChromaUnavailableError, match="CARTABLE_CHROMA_TOKEN"):
            Store.from_settings(settings).vector_store(DeterministicFakeEmbedding(size=8), FAKE_MODEL)
    finally:
        proxy.shutdown()
    assert seen and set(seen) == {"Bearer s3cret"}
    assert not (tmp_path / "store" / "chroma").exists(), "server mode never falls back to an embedded store"


def test_a_reader_keeps_the_snapshot_it_resolved_while_another_process_commits(settings: Settings, fake_embeddings) -> None:  # type: ignore[no-untyped-def]
    """Replicas share the store directory: one that resolved snapshot A just before an ingestion
    committed B still reads A whole (not A's chunks with B's index); A goes at the next commit."""
    docs = settings.store.parent / "docs"
    _many_docs(docs, 2, "coopération")
    ingest([docs], settings, fake_embeddings)
    store = Store.from_settings(settings)
    first = store.current_name()
    assert first is not None
    _many_docs(docs, 3, "coopération")
    ingest([docs], settings, fake_embeddings)
    second = store.current_name()
    assert second != first
    assert len(store.read_chunks(first)) < len(store.read_chunks(second)) == len(store.read_chunks())
    assert store.read_lexical(first).size == len(store.read_chunks(first))  # type: ignore[union-attr]
    _many_docs(docs, 4, "coopération")
    ingest([docs], settings, fake_embeddings)
    assert store.snapshot_dir(first) is not None and not store.snapshot_dir(first).exists()  # type: ignore[union-attr]
    assert store.snapshot_dir(second).exists()  # type: ignore[union-attr]


# -- integration: a real server -----------------------------------------------------------------
def _subset_corpus(root: Path) -> Path:
    """The subset's documents the chosen gold questions expect, plus one they do not, copied under a
    folder named `corpus` so that sources read as in the gold set."""
    target = root / "corpus" / SUBSET
    target.mkdir(parents=True)
    names = {Path(s).name for item in _gold_questions() for s in item.expected_sources} | {"main-de-mes-forces.md"}
    for name in sorted(names):
        shutil.copy(CORPUS / SUBSET / name, target / name)
    return root / "corpus"


class _Remembered(Embeddings):
    """Embeddings that compute each passage once (the two modes are compared on the same vectors)."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.memory: dict[str, list[float]] = {}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        todo = [t for t in dict.fromkeys(texts) if t not in self.memory]
        if todo:
            self.memory.update(zip(todo, self.inner.embed_documents(todo)))
        return [self.memory[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def _gold_questions() -> list[GoldItem]:
    """The quick subset's answerable questions whose expected documents are all in the subset."""
    items = [i for i in quick_subset(load_gold()) if i.kind == "answerable" and i.expected_sources
             and all(s.startswith(f"corpus/{SUBSET}/") for s in i.expected_sources)]
    assert len(items) >= 6
    return items


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, bundled_embeddings: Any):  # type: ignore[no-untyped-def]
    """(server, server-mode settings, embedded-mode settings), the same subset ingested in both modes."""
    root = tmp_path_factory.mktemp("chroma-server")
    corpus = _subset_corpus(root)
    server = ChromaServer(root / "chroma-data").start()
    try:
        remote = server.settings(store=root / "store-remote", corpus=corpus)
        local = Settings(store=root / "store-local", corpus=corpus)
        embeddings = _Remembered(bundled_embeddings)  # both stores get the same vectors, computed once
        for settings in (remote, local):
            report = ingest([corpus], settings, embeddings)
            assert report.ok and report.chunks_embedded == report.chunks_total > 0, report.summary()
        yield server, remote, local
    finally:
        server.stop()


@pytest.mark.integration
def test_vectors_live_in_the_server_and_match_the_snapshot(served: Any, bundled_embeddings: Any) -> None:
    server, remote, _ = served
    assert not (remote.store / "chroma").exists()
    store = Store.from_settings(remote)
    committed = {c.id for c in store.read_chunks()}
    import chromadb

    collection = chromadb.HttpClient(host="127.0.0.1", port=server.port).get_collection("cartable")
    assert collection.count() == len(committed)
    assert set(collection.get(include=[])["ids"]) == committed


@pytest.mark.integration
def test_gold_questions_answered_through_the_server_as_in_embedded_mode(served: Any, bundled_embeddings: Any) -> None:
    from assistant.core import Assistant, Turn

    _, remote, local = served
    by_mode = {}
    for name, settings in (("server", remote), ("embedded", local)):
        assistant = Assistant.from_settings(settings, embeddings=bundled_embeddings)
        answers, turns = {}, {}
        for item in _gold_questions():
            history = [turns[item.follow_up_of]] if item.follow_up_of in turns else None
            answer = assistant.ask(item.question, history=history)
            turns[item.id] = Turn.from_answer(answer)
            answers[item.id] = answer
        by_mode[name] = answers
    items = _gold_questions()
    for item in items:
        got, same = by_mode["server"][item.id], by_mode["embedded"][item.id]
        assert (got.answer, [c.source for c in got.citations]) == (same.answer, [c.source for c in same.citations]), item.id
    # And real answers, not empty ones: most cite the expected sheet (6 of 9 when written; answer quality
    # itself is the evaluation gate's business, tests/test_eval_gate.py).
    cited = [i.id for i in items if not by_mode["server"][i.id].abstained
             and set(i.expected_sources) & {c.source for c in by_mode["server"][i.id].citations}]
    assert len(cited) * 2 > len(items), sorted({i.id for i in items} - set(cited))


@pytest.mark.integration
def test_server_stopped_then_back_french_message_then_recovery(served: Any, bundled_embeddings: Any,
                                                               no_retry_pause: None) -> None:
    from assistant.core import Assistant
    from assistant.ui.access import Access
    from assistant.ui.handlers import UiHandlers

    server, remote, _ = served
    ui = UiHandlers(Assistant.from_settings(remote, embeddings=bundled_embeddings), remote,
                    Access(auth_enabled=False, local_only=True, admins=frozenset()), exports_dir=remote.store / "exports")
    question = _gold_questions()[0].question
    before = list(ui.respond(question, None))[-1]
    assert "data-cite" in before.sources

    server.stop()
    down = list(ui.respond(question, None))[-1]
    shown = down.messages[-1]["content"]
    assert "momentanément indisponible" in shown and server.url in shown and "erreur inattendue" not in shown
    assert down.download is None and down.session.exchanges[-1].failed

    server.start()  # same port, same data: the app reconnects by itself
    after = list(ui.respond(question, None))[-1]
    assert after.messages[-1]["content"] == before.messages[-1]["content"] and after.sources == before.sources


class _KillServerAt(DeterministicFakeEmbedding):
    """Fake embeddings that kill -9 the Chroma server while the n-th batch is being embedded."""

    server: Any = None
    kill_at: int = 2
    batches: int = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.batches += 1
        if self.batches == self.kill_at and self.server is not None:
            self.server.stop(kill=True)
        return super().embed_documents(texts)


def _many_docs(root: Path, n: int, word: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        paragraphs = "\n\n".join(f"Paragraphe {j} du document {i} sur {word} : " + " ".join([word] * 40) for j in range(6))
        (root / f"doc{i:03d}.md").write_text(f"# Document {i}\n\n{paragraphs}\n", encoding="utf-8")


@pytest.mark.integration
def test_ingestion_cut_by_a_server_crash_resumes_without_duplicates(tmp_path: Path, no_retry_pause: None) -> None:
    import chromadb

    server = ChromaServer(tmp_path / "chroma-data").start()
    try:
        settings = server.settings(store=tmp_path / "store", embedding_model=FAKE_MODEL)
        docs = tmp_path / "docs"
        _many_docs(docs, 3, "coopération")
        ingest([docs], settings, DeterministicFakeEmbedding(size=64))
        store = Store.from_settings(settings)
        committed = {c.id for c in store.read_chunks()}

        _many_docs(docs, 60, "respiration")  # rewrites the 3 documents and adds 57: several batches
        cutting = _KillServerAt(size=64)
        cutting.server = server
        with pytest.raises(ChromaUnavailableError, match="momentanément indisponible"):
            ingest([docs], settings, cutting)
        assert {c.id for c in store.read_chunks()} == committed, "the last committed snapshot is still current"

        server.start()
        collection = chromadb.HttpClient(host="127.0.0.1", port=server.port).get_collection("cartable")
        stored = set(collection.get(include=[])["ids"])
        assert committed <= stored and len(stored - committed) >= 128, "the batch acknowledged before the crash is kept"

        report = ingest([docs], settings, DeterministicFakeEmbedding(size=64))
        assert report.ok and len(report.added) == 57 and len(report.updated) == 3
        assert report.chunks_embedded <= report.chunks_total - 128, "work done before the crash is not redone"
        final = [c.id for c in store.read_chunks()]
        assert len(final) == len(set(final)) == report.chunks_total
        assert collection.count() == len(final) and set(collection.get(include=[])["ids"]) == set(final)
    finally:
        server.stop()


@pytest.mark.integration
def test_two_replicas_share_one_server_while_an_ingestion_runs(tmp_path: Path) -> None:
    """The replica benchmark in small: two `cartable serve` processes on one Chroma server and one store
    directory, four users, an ingestion adding documents meanwhile; every check of the benchmark holds
    (no error, answers as a lone client gets them, new documents seen by both, no chunk lost or duplicated)."""
    from benchmarks import replicas_load

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("message-clair.md", "boite-a-soucis.md"):
        shutil.copy(CORPUS / SUBSET / name, corpus / name)
    code = replicas_load.main(["--replicas", "2", "--clients", "4", "--duration", "15", "--ingest-after", "2",
                               "--new-docs", "2", "--questions", "4", "--corpus", str(corpus), "--cache", str(tmp_path / "work"),
                               "--max-growth-mb", "300"])
    assert code == 0
