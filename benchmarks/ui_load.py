"""Latency of the web UI under load: N `gradio_client` clients asking different questions, against
a single-client baseline measured in the same run.

    python -m benchmarks.ui_load [--clients 50] [--duration 180] [--store DIR] [--url http://127.0.0.1:7860/]

Without --duration, every client asks one question at the same moment (one burst). With --duration S,
each client asks questions back to back for S seconds (at most --max-requests in all), every question
in a fresh session so that its answer can be compared with the baseline's: an answer that differs is
counted as wrong. The app's resident memory is sampled during the run; the run fails on any error,
wrong answer, or growth beyond --max-growth-mb.

Without --url, `cartable serve` is started in a child process on the store (CARTABLE_STORE or --store;
an empty store is ingested first, as `serve` does). Loopback only. Prints p50 / p95, errors and memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import proc_status_kb

MAX_DURATION_S = 900  # a load run is bounded in time whatever the arguments say

QUESTIONS = [
    "Comment animer une séance sur les émotions en CE1 ?",
    "Qu'est-ce que le programme En santé à l'école ? Qui le porte ?",
    "Que retenir de l'évaluation d'En santé à l'école pour former des formateurs ?",
    "Quelle activité pour apprendre à coopérer en maternelle ?",
    "Comment aider les élèves à gérer leur stress avant une évaluation ?",
    "Que faire si un enfant révèle des violences ?",
    "Comment construire une progression sur l'année ?",
    "Quels pièges éviter quand on anime une séance CPS ?",
    "Comment travailler le message clair en classe ?",
    "Que contient le cartable des CPS ?",
    "Comment monter un projet CPS avec l'équipe de l'école ?",
    "Quelle séance pour apprendre à dire non au collège ?",
    "Comment fonctionne la médiation par les pairs ?",
    "Comment mettre en place des rituels sur les émotions en maternelle ?",
    "Quelles attitudes éducatives au quotidien favorisent les CPS ?",
    "Qu'est-ce que le tutorat des formateurs ?",
    "Comment une enseignante de CE2 a-t-elle vécu les séances CPS ?",
    "Quel matériel faut-il pour la boîte à soucis ?",
    "Quelles sont les compétences psychosociales selon Santé publique France ?",
    "Comment co-intervenir en CM1-CM2 avec une professionnelle de santé ?",
]


@dataclass
class Result:
    question: str
    seconds: float
    answer: str
    cited: bool
    error: str | None = None


def answer_text(messages: Any) -> str:
    """The last assistant message's text, whatever shape the client gives it."""
    if not messages:
        return ""
    content = messages[-1].get("content") if isinstance(messages[-1], dict) else None
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


def ask(client: Any, question: str, fresh: bool = False) -> Result:
    """One question through the UI's `/ask` endpoint (the same handler as the page's Send button);
    `fresh` opens a new session first (no conversation history, so the answer is comparable)."""
    start = time.perf_counter()
    try:
        if fresh:
            client.reset_session()
        messages, _question, sources, *_ = client.predict(question, [], [], [], api_name="/ask")
    except Exception as exc:  # noqa: BLE001 - reported, the run goes on
        return Result(question, time.perf_counter() - start, "", False, f"{type(exc).__name__}: {exc}")
    return Result(question, time.perf_counter() - start, answer_text(messages), "data-cite=" in str(sources))


def make_clients(url: str, n: int, first: int = 0) -> list[Any]:
    """n clients of the app at `url`; each says it is a different browser (User-Agent `cartable-load-<i>`),
    which is what a proxy's per-browser stickiness sees."""
    from gradio_client import Client

    return [Client(url, verbose=False, download_files=False, headers={"user-agent": f"cartable-load-{first + i}"})
            for i in range(n)]


def run_concurrent(clients: list[Any], questions: list[str]) -> list[Result]:
    """Every client asks its question at the same moment (a barrier releases them together)."""
    results: list[Result | None] = [None] * len(clients)
    barrier = threading.Barrier(len(clients))

    def work(i: int) -> None:
        barrier.wait()
        results[i] = ask(clients[i], questions[i % len(questions)])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r for r in results if r is not None]


def run_sequential(client: Any, questions: list[str]) -> list[Result]:
    return [ask(client, q) for q in questions]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(label: str, results: list[Result]) -> dict[str, float]:
    seconds = [r.seconds for r in results]
    return {"label": label, "n": len(results), "min": min(seconds), "p50": statistics.median(seconds),  # type: ignore[dict-item]
            "p95": percentile(seconds, 95), "errors": sum(1 for r in results if r.error or not r.answer or not r.cited)}


def run_for(clients: list[Any], questions: list[str], duration_s: float, max_requests: int) -> list[Result]:
    """Every client asks questions back to back (each in a fresh session) until `duration_s` has
    passed or `max_requests` were sent in all; client i starts at question i."""
    duration_s = min(duration_s, MAX_DURATION_S)
    results: list[Result] = []
    lock = threading.Lock()
    sent = [0]
    deadline = time.monotonic() + duration_s
    barrier = threading.Barrier(len(clients))

    def work(i: int) -> None:
        barrier.wait()
        n = i
        while time.monotonic() < deadline:
            with lock:
                if sent[0] >= max_requests:
                    return
                sent[0] += 1
            result = ask(clients[i], questions[n % len(questions)], fresh=True)
            n += 1
            with lock:
                results.append(result)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


class MemorySampler:
    """Resident memory (VmRSS) of some processes, sampled every `interval_s` in a background thread."""

    def __init__(self, pids: list[int], interval_s: float = 1.0) -> None:
        self.pids = pids
        self.interval_s = interval_s
        self.samples: list[tuple[float, list[float]]] = []  # (monotonic time, MB per pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> list[float]:
        return [proc_status_kb(pid, "VmRSS") / 1024 for pid in self.pids]

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), self.sample()))
            self._stop.wait(self.interval_s)

    def start(self) -> MemorySampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((time.monotonic(), self.sample()))

    def report(self, before: list[float]) -> dict[str, float]:
        """Per run: RSS before the load, peak and final (largest process), and the largest growth of one process."""
        values = [mb for _, row in self.samples for mb in row]
        final = self.samples[-1][1] if self.samples else before
        return {"before_mb": max(before), "peak_mb": max(values or before), "end_mb": max(final),
                "growth_mb": max(end - start for start, end in zip(before, final))}


@dataclass
class App:
    """A `cartable serve` child process."""

    url: str
    proc: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def start_app(store: Path | None, env: dict[str, str] | None = None, timeout_s: float = 300.0,
              log: Path | None = None) -> App:
    """Run `cartable serve` in its own process (as deployed: the clients here must not share its GIL),
    with extra environment variables; returns once the page answers."""
    import urllib.request

    port = _free_port()
    cmd = [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)]
    if store is not None:
        cmd += ["--store", str(store)]
    out = log.open("ab") if log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
                            env={**os.environ, **(env or {})})
    app = App(f"http://127.0.0.1:{port}/", proc)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"`cartable serve` s'est arrêté (code {proc.returncode}).")
        try:
            with urllib.request.urlopen(app.url + "config", timeout=2):
                return app
        except OSError:
            time.sleep(0.5)
    app.stop()
    sys.exit("`cartable serve` n'a pas répondu à temps.")


def start_server(store: Path | None, timeout_s: float = 180.0) -> tuple[str, Callable[[], None]]:
    """`start_app` as (url, stop)."""
    app = start_app(store, timeout_s=timeout_s)
    return app.url, app.stop


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wrong_answers(results: list[Result], expected: dict[str, set[str]]) -> list[Result]:
    """Answers that match none of the answers a lone client got for the same question."""
    return [r for r in results if not r.error and r.question in expected and r.answer not in expected[r.question]]


def print_summary(stats: dict[str, float], wrong: int | None = None, results: list[Result] | None = None) -> None:
    extra = f"  réponses fausses={wrong}" if wrong is not None else ""
    print(f"{stats['label']:<32} n={stats['n']:<5} min={stats['min']:.2f} s  p50={stats['p50']:.2f} s  "
          f"p95={stats['p95']:.2f} s  erreurs={stats['errors']}{extra}", flush=True)
    kinds: dict[str, int] = {}
    for r in results or []:
        if r.error or not r.answer or not r.cited:
            kind = (r.error or ("réponse vide" if not r.answer else "sans citation"))[:160]
            kinds[kind] = kinds.get(kind, 0) + 1
    for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1])[:5]:
        print(f"    {n} × {kind}", flush=True)


def print_memory(label: str, mem: dict[str, float], bound_mb: float) -> None:
    print(f"mémoire {label}: avant {mem['before_mb']:.0f} Mo, pic {mem['peak_mb']:.0f} Mo, fin {mem['end_mb']:.0f} Mo, "
          f"croissance {mem['growth_mb']:+.0f} Mo (borne {bound_mb:.0f} Mo)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=0.0,
                        help=f"Seconds of sustained load (0: one simultaneous burst; at most {MAX_DURATION_S}).")
    parser.add_argument("--max-requests", type=int, default=5000, help="Cap on the questions sent during --duration.")
    parser.add_argument("--max-growth-mb", type=float, default=200.0, help="Fail when the app's memory grows more.")
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--url", default=None, help="An app already running (otherwise one is started here).")
    args = parser.parse_args(argv)

    app = None if args.url else start_app(args.store)
    url = args.url or app.url  # type: ignore[union-attr]
    try:
        clients = make_clients(url, args.clients)
        ask(clients[0], QUESTIONS[0])  # warm-up: first query loads lazy state (Chroma, BM25)
        baseline = [ask(clients[0], q, fresh=True) for q in QUESTIONS]
        expected = {r.question: {r.answer} for r in baseline}
        sampler = MemorySampler([app.pid] if app else [])
        before = sampler.sample()
        sampler.start()
        started = time.monotonic()
        if args.duration > 0:
            loaded = run_for(clients, QUESTIONS, args.duration, args.max_requests)
        else:
            loaded = run_concurrent(clients, QUESTIONS)
        elapsed = time.monotonic() - started
        sampler.stop()
    finally:
        if app:
            app.stop()
    base = summary("1 client (séquentiel)", baseline)
    load = summary(f"{args.clients} clients simultanés", loaded)
    wrong = wrong_answers(loaded, expected)
    print_summary(base, results=baseline)
    print_summary(load, len(wrong), loaded)
    print(f"débit : {len(loaded) / elapsed:.1f} questions/s sur {elapsed:.0f} s ; "
          f"ratio charge / seul : p50 ×{load['p50'] / base['p50']:.1f}, p95 ×{load['p95'] / base['p95']:.1f}")
    failed = bool(load["errors"] or base["errors"] or wrong)
    if app:
        mem = sampler.report(before)
        print_memory("de `cartable serve`", mem, args.max_growth_mb)
        failed = failed or mem["growth_mb"] > args.max_growth_mb
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
