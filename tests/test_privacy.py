"""Privacy: nothing leaves the machine (the real app, with every outbound connection logged), the
feedback log can be turned off and has a retention, and a question routed to safety (a possible
disclosure about a child) is not written anywhere unless the person sends feedback on it."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.feedback import FeedbackStore
from assistant.retrieve import Retriever
from assistant.settings import Settings
from assistant.ui.access import Access
from assistant.ui.handlers import SAFETY_PRIVACY_NOTE, UiHandlers
from ingest.pipeline import ingest
from tests.conftest import CORPUS, REPO

DISCLOSURE = "Une élève de CP m'a dit que sa maman la laisse seule toute la nuit sans manger, que faire ?"
ORDINARY = "Comment utiliser la boîte à soucis en classe ?"


def _answer(question: str) -> dict:
    return {"question": question, "answer": "Réponse [1].", "citations": [], "abstained": False}


def _raw_bytes(db: Path) -> bytes:
    """Everything SQLite keeps on disk for this database (main file, WAL, journal)."""
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())


# -- feedback log: off switch and retention ------------------------------------------------------
def test_feedback_turned_off_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "store" / "feedback.sqlite"
    store = FeedbackStore(db, enabled=False)
    assert store.record_answer("q", _answer("q"), abstained=True) is None
    store.record_feedback(1, 1, "commentaire")
    assert store.list_unanswered() == [] and store.get(1) is None
    assert store.export_csv(tmp_path / "out.csv") == 0
    assert not db.exists() and not db.parent.exists()

    settings = Settings(store=tmp_path / "store", feedback_enabled=False)
    assert FeedbackStore.from_settings(settings).enabled is False
    os.environ["CARTABLE_FEEDBACK_ENABLED"] = "false"
    os.environ["CARTABLE_FEEDBACK_RETENTION_DAYS"] = "30"
    try:
        from_env = Settings(store=tmp_path / "store")
    finally:
        del os.environ["CARTABLE_FEEDBACK_ENABLED"], os.environ["CARTABLE_FEEDBACK_RETENTION_DAYS"]
    assert from_env.feedback_enabled is False and from_env.feedback_retention_days == 30


def test_feedback_retention_deletes_old_rows(tmp_path: Path) -> None:
    db = tmp_path / "feedback.sqlite"
    store = FeedbackStore(db)
    old = store.record_answer("vieille question", _answer("vieille question"), abstained=True)
    recent = store.record_answer("question récente", _answer("question récente"), abstained=True)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE answers SET asked_at = datetime('now', 'localtime', '-400 days') WHERE id = ?", (old,))
        conn.execute("UPDATE answers SET asked_at = datetime('now', 'localtime', '-10 days') WHERE id = ?", (recent,))

    assert FeedbackStore(db).get(old) is not None, "no retention set: kept"
    assert FeedbackStore(db, retention_days=0).get(old) is not None, "0 = kept until deleted by hand"
    kept = FeedbackStore(db, retention_days=180)  # purged when opened (server start)
    assert kept.get(old) is None and kept.get(recent) is not None
    assert [g["question"] for g in kept.list_unanswered()] == ["question récente"]
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE answers SET asked_at = datetime('now', 'localtime', '-20 days') WHERE id = ?", (recent,))
    assert FeedbackStore(db, retention_days=365).get(recent) is not None
    assert kept.purge_expired() == 0 and kept.retention_days == 180
    kept.retention_days = 7  # what a running server does once a day
    assert kept.purge_expired() == 1 and kept.get(recent) is None
    assert Settings().feedback_retention_days == 180, "the documented default (docs/privacy.md)"


# -- disclosures (issue 11) ------------------------------------------------------------------------
@pytest.fixture
def ui(tmp_path: Path, settings: Settings, fake_embeddings) -> UiHandlers:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("boite-a-soucis.md", "message-clair.md"):
        shutil.copy(CORPUS / "seances" / "cycle2" / name, docs / name)
    assert ingest([docs], settings, fake_embeddings).ok
    assistant = Assistant(settings, Retriever(settings, fake_embeddings))
    return UiHandlers(assistant, settings, Access(auth_enabled=False, local_only=True, admins=frozenset()),
                      exports_dir=tmp_path / "exports")


def test_disclosure_is_not_logged_unless_feedback_is_sent(ui: UiHandlers) -> None:
    db = ui.feedback.path
    last = list(ui.respond(DISCLOSURE, None))[-1]
    exchange = last.session.exchanges[-1]
    assert exchange.answer.safety is not None, "the question is routed to safety"
    assert exchange.answer_id is None and last.note == SAFETY_PRIVACY_NOTE
    assert DISCLOSURE.encode() not in _raw_bytes(db) and "laisse seule".encode() not in _raw_bytes(db)
    assert ui.feedback.list_unanswered() == []

    # An ordinary question is logged as before.
    last = list(ui.respond(ORDINARY, last.session))[-1]
    ordinary_id = last.session.exchanges[-1].answer_id
    assert ordinary_id is not None and ui.feedback.get(ordinary_id)["question"] == ORDINARY  # type: ignore[index]
    assert DISCLOSURE.encode() not in _raw_bytes(db)

    # Sending feedback on the disclosure is the explicit choice to keep it, with the rating.
    last = list(ui.respond(DISCLOSURE, last.session))[-1]
    note, _ = ui.rate(last.session, -1, "Il manquait le numéro du médecin scolaire.")
    assert "👎" in note
    answer_id = last.session.exchanges[-1].answer_id
    row = ui.feedback.get(answer_id)  # type: ignore[arg-type]
    assert row is not None and row["question"] == DISCLOSURE and row["rating"] == -1
    assert row["comment"] == "Il manquait le numéro du médecin scolaire."
    assert ui.feedback.get(ordinary_id)["rating"] is None  # type: ignore[index]  # the rating went to the right answer


def test_feedback_disabled_in_the_ui(ui: UiHandlers) -> None:
    off = UiHandlers(ui.assistant, ui.settings.model_copy(update={"feedback_enabled": False}), ui.access,
                     exports_dir=ui.exports_dir)
    last = list(off.respond(ORDINARY, None))[-1]
    assert last.session.exchanges[-1].answer_id is None and last.note == ""
    note, _ = off.rate(last.session, 1, "bien")
    assert "désactivé" in note
    assert ORDINARY.encode() not in _raw_bytes(ui.feedback.path), "nothing written while turned off"


# -- no telemetry: the real app with outbound connections logged --------------------------------
# Installed in the child through sitecustomize: every socket connection, name lookup or datagram to
# anything but this machine is appended to NET_LOG (an audit hook sees them before they are made).
SITECUSTOMIZE = textwrap.dedent('''
    import ipaddress, os, socket, sys

    _LOG = os.environ["CARTABLE_TEST_NET_LOG"]
    _LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "", None}

    def _local(host):
        if isinstance(host, bytes):
            host = host.decode(errors="replace")
        if host in _LOCAL_NAMES or socket.gethostname() == host:
            return True
        try:
            ip = ipaddress.ip_address(str(host).split("%")[0])
        except ValueError:
            return False
        return ip.is_loopback or ip.is_unspecified

    def _hook(event, args):
        host = None
        if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
            address = args[1] if event != "socket.sendmsg" else args[-1]
            if isinstance(address, tuple) and address:
                host = address[0]
            else:
                return  # AF_UNIX paths and the like never leave the machine
        elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"):
            host = args[0]
        else:
            return
        if not _local(host):
            with open(_LOG, "a", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()} {event} {host!r}\\n")

    sys.addaudithook(_hook)
    with open(_LOG + ".installed", "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()}\\n")
''')
# Variables our own conftest sets: the app must be private without them.
_PRIVACY_ENV = ("GRADIO_ANALYTICS_ENABLED", "ANONYMIZED_TELEMETRY", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE",
                "HF_HUB_DISABLE_TELEMETRY", "DO_NOT_TRACK", "CHROMA_TELEMETRY", "POSTHOG_DISABLED")


def _logged_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "outbound.log"
    env = {k: v for k, v in os.environ.items() if k not in _PRIVACY_ENV and not k.startswith("CARTABLE_")}
    env.update(PYTHONPATH=os.pathsep.join([str(hook_dir), str(REPO)]), CARTABLE_TEST_NET_LOG=str(log),
               HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"), GRADIO_TEMP_DIR=str(tmp_path / "gradio"))
    return env, log


def _strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    probe = subprocess.run(["strace", "-qq", "-e", "trace=connect", "-o", os.devnull, "true"], capture_output=True)
    return probe.returncode == 0  # ptrace may be forbidden in a container


_ADDRESS = re.compile(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"')


def _non_loopback_syscall(line: str) -> bool:
    """An strace line of a connect/sendto to an IPv4/IPv6 address other than loopback or 'any'."""
    import ipaddress

    for v4, v6 in _ADDRESS.findall(line):
        ip = ipaddress.ip_address(v4 or v6)
        mapped = getattr(ip, "ipv4_mapped", None)
        if not (ip.is_loopback or ip.is_unspecified or (mapped is not None and mapped.is_loopback)):
            return True
    return False


def test_outbound_logger_sees_a_real_attempt(tmp_path: Path) -> None:
    """The detector itself: a connection to a non-loopback address (TEST-NET, never routed) is logged."""
    env, log = _logged_env(tmp_path)
    code = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 9), timeout=0.2)\nexcept OSError:\n    pass\n" \
           "try:\n    socket.getaddrinfo('example.org', 443)\nexcept OSError:\n    pass\n"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    text = log.read_text(encoding="utf-8")
    assert "'192.0.2.1'" in text and "'example.org'" in text
    if _strace_works():
        traced = tmp_path / "strace.log"
        subprocess.run(["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(traced), sys.executable, "-c", code],
                       env=env, check=True, timeout=60)
        lines = traced.read_text(encoding="utf-8").splitlines()
        assert any(_non_loopback_syscall(line) and "192.0.2.1" in line for line in lines)
    assert not _non_loopback_syscall('connect(3, {sa_family=AF_INET, sin_port=htons(7860), sin_addr=inet_addr("127.0.0.1")}, 16)')


@pytest.mark.integration
def test_serve_and_ask_contact_nothing_but_loopback(tmp_path: Path, bundled_embeddings) -> None:  # type: ignore[no-untyped-def]
    from gradio_client import Client

    from benchmarks.ui_load import _free_port, answer_text

    # A small store built with the real default model (the app refuses a store of another model).
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("boite-a-soucis.md", "message-clair.md"):
        shutil.copy(CORPUS / "seances" / "cycle2" / name, docs / name)
    store = tmp_path / "store"
    assert ingest([docs], Settings(store=store), bundled_embeddings).ok
    env, log = _logged_env(tmp_path)
    env["CARTABLE_STORE"] = str(store)
    port = _free_port()
    command = [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    traced = tmp_path / "strace.log"
    if _strace_works():  # native code (Rust, C) bypasses the audit hook: the kernel's view, when available
        command = ["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(traced), *command]
    proc = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, f"`cartable serve` stopped: {proc.stderr.read() if proc.stderr else ''}"
            assert time.monotonic() < deadline, "`cartable serve` did not answer in time"
            try:
                with urllib.request.urlopen(url + "config", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        client = Client(url, verbose=False, download_files=False)
        messages, *_ = client.predict(ORDINARY, [], [], [], api_name="/ask")
        assert "soucis" in answer_text(messages).lower()
        time.sleep(2)  # let any background reporter thread (analytics, telemetry) fire
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the app (and strace, when it wraps it)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    assert (tmp_path / "outbound.log.installed").read_text(encoding="utf-8").split(), "the connection logger ran in the app"
    outbound = log.read_text(encoding="utf-8") if log.exists() else ""
    if traced.exists():
        outbound += "".join(line for line in traced.read_text(encoding="utf-8").splitlines(keepends=True)
                            if _non_loopback_syscall(line))
    assert outbound == "", f"the app contacted other machines:\n{outbound}"
