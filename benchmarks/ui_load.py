"""Latency of the web UI under load: N `gradio_client` clients asking different questions at once,
against a single-client baseline measured in the same run.

    python benchmarks/ui_load.py [--clients 20] [--store DIR] [--url http://127.0.0.1:7860/]

Without --url, `cartable serve` is started in a child process on the store (CARTABLE_STORE or --store;
an empty store is ingested first, as `serve` does). Prints p50 / p95 per mode and the load / baseline ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def ask(client: Any, question: str) -> Result:
    """One question through the UI's `/ask` endpoint (the same handler as the page's Send button)."""
    start = time.perf_counter()
    try:
        messages, _question, sources, *_ = client.predict(question, [], [], [], api_name="/ask")
    except Exception as exc:  # noqa: BLE001 - reported, the run goes on
        return Result(question, time.perf_counter() - start, "", False, f"{type(exc).__name__}: {exc}")
    return Result(question, time.perf_counter() - start, answer_text(messages), "data-cite=" in str(sources))


def make_clients(url: str, n: int) -> list[Any]:
    from gradio_client import Client

    return [Client(url, verbose=False, download_files=False) for _ in range(n)]


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


def start_server(store: Path | None, timeout_s: float = 180.0) -> tuple[str, Callable[[], None]]:
    """Run `cartable serve` in its own process (as deployed: the clients here must not share its GIL);
    returns (url, stop) once the page answers."""
    import os
    import subprocess
    import urllib.request

    port = _free_port()
    cmd = [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)]
    if store is not None:
        cmd += ["--store", str(store)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}/"

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"`cartable serve` s'est arrêté (code {proc.returncode}).")
        try:
            with urllib.request.urlopen(url + "config", timeout=2):
                return url, stop
        except OSError:
            time.sleep(0.5)
    stop()
    sys.exit("`cartable serve` n'a pas répondu à temps.")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--url", default=None, help="An app already running (otherwise one is started here).")
    args = parser.parse_args(argv)

    url, stop = (args.url, lambda: None) if args.url else start_server(args.store)
    try:
        clients = make_clients(url, args.clients)
        ask(clients[0], QUESTIONS[0])  # warm-up: first query loads lazy state (Chroma, BM25)
        baseline = run_sequential(clients[0], QUESTIONS[: args.clients])
        loaded = run_concurrent(clients, QUESTIONS)
    finally:
        stop()
    base, load = summary("1 client (séquentiel)", baseline), summary(f"{args.clients} clients simultanés", loaded)
    for s in (base, load):
        print(f"{s['label']:<28} n={s['n']:<3} min={s['min']:.2f} s  p50={s['p50']:.2f} s  p95={s['p95']:.2f} s  "
              f"erreurs={s['errors']}")
    print(f"ratio charge / seul : p50 ×{load['p50'] / base['p50']:.1f}, p95 ×{load['p95'] / base['p95']:.1f}")
    return 1 if load["errors"] or base["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
