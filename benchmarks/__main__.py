"""`python -m benchmarks [ingest|query|threads|startup ...] [--quick] [--cache DIR] [--write]`.

With no name, runs all four in sequence and writes benchmarks/results.md and results.json
(results-quick.* with --quick). Naming benchmarks runs only those and writes nothing unless --write,
which merges them into the results files (keeping the other benchmarks' results of the same model).
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks import BENCHMARKS
from benchmarks.common import DEFAULT_CACHE, Table, loadavg, model_name, nproc, preload_project, setup_environment

HERE = Path(__file__).resolve().parent


def merge_previous(results: dict[str, Any], meta: dict[str, Any], json_path: Path) -> dict[str, Any]:
    """The results of earlier runs (same model, same mode) for the benchmarks not run now, in BENCHMARKS order."""
    try:
        previous = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return results
    if previous.get("meta", {}).get("model") != meta["model"]:
        return results
    merged = {name: previous["results"][name] for name in BENCHMARKS if name in previous.get("results", {})}
    merged.update(results)
    return {name: merged[name] for name in [*BENCHMARKS, *merged] if name in merged}


def write_results(results: dict[str, Any], meta: dict[str, Any], quick: bool, merge: bool = False) -> tuple[Path, Path]:
    stem = "results-quick" if quick else "results"
    md_path, json_path = HERE / f"{stem}.md", HERE / f"{stem}.json"
    if merge:
        results = merge_previous(results, meta, json_path)
    lines = [
        "# Cartable Assistant — benchmark results" + (" (quick smoke run)" if quick else ""),
        "",
        f"- date: {meta['date']}",
        f"- machine: nproc = {meta['nproc']}, load average at start {meta['loadavg_start']}, at end {meta['loadavg_end']}",
        f"- python {meta['python']}, {meta['platform']}",
        f"- embedding model: `{meta['model']}`",
        f"- command: `{meta['command']}`; total {meta['total_seconds']:.0f} s",
        "- shared machine, numbers vary a lot with the neighbours' load: targets are ratios to baselines measured in the same run,"
        " and every table gives the load average.",
        "",
    ]
    for name, res in results.items():
        lines.append(f"## {name}")
        lines.append("")
        if res.get("run"):
            lines += [f"Run {res['run']['date']} (load average at start {res['run']['loadavg_start']}), {res['seconds']:.0f} s.", ""]
        if "error" in res:
            lines += ["```", res["error"], "```", ""]
            continue
        for t in res.get("tables", []):
            table = Table(t["title"], t["headers"], t["rows"], t["notes"])
            lines += [table.markdown(), ""]
    md_path.write_text("\n".join(lines), encoding="utf-8")
    json_path.write_text(json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return md_path, json_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", choices=[[], *BENCHMARKS], metavar="{" + ",".join(BENCHMARKS) + "}",
                        help="benchmarks to run (default: all, and write the results files)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one round: a smoke run")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"cache of stores (default {DEFAULT_CACHE})")
    parser.add_argument("--serve-api", default=None, help="gradio API name to ask through (default: guessed, e.g. /ask)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="ingestion rounds (default 2, 1 with --quick): each round is one ingestion and one raw encode")
    parser.add_argument("--sizes", type=lambda v: tuple(int(x) for x in v.split(",")), default=None,
                        help="synthetic store sizes of the query benchmark, e.g. 1000,10000,50000 (default 1k…100k)")
    parser.add_argument("--write", action="store_true", help="write the results files even when naming benchmarks")
    args = parser.parse_args(argv)
    names = list(dict.fromkeys(args.names)) or list(BENCHMARKS)
    setup_environment()
    preload_project()

    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "nproc": nproc(), "loadavg_start": loadavg(),
        "python": platform.python_version(), "platform": platform.platform(), "quick": args.quick,
        "command": " ".join(["python -m benchmarks", *sys.argv[1:]]), "model": model_name(),
    }
    print(f"Cartable Assistant benchmarks — {meta['date']}, nproc {meta['nproc']}, load {meta['loadavg_start']}"
          + (" — QUICK" if args.quick else ""), flush=True)
    started = time.perf_counter()
    results: dict[str, Any] = {}
    for name in names:
        print(f"\n== {name} ==", flush=True)
        module = importlib.import_module(f"benchmarks.{name}_bench")
        t0 = time.perf_counter()
        run_meta = {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "loadavg_start": loadavg()}
        try:
            results[name] = module.run(quick=args.quick, cache=args.cache, serve_api=args.serve_api, rounds=args.rounds,
                                       sizes=args.sizes)
        except Exception:  # noqa: BLE001 - one failing benchmark must not hide the others
            results[name] = {"error": traceback.format_exc()}
            print(results[name]["error"], file=sys.stderr, flush=True)
        results[name]["seconds"] = time.perf_counter() - t0
        results[name]["run"] = run_meta
        print(f"({name}: {results[name]['seconds']:.0f} s)", flush=True)
    meta["total_seconds"] = time.perf_counter() - started
    meta["loadavg_end"] = loadavg()
    if not args.names or args.write:
        md, js = write_results(results, meta, args.quick, merge=bool(args.names))
        print(f"\nwritten {md.relative_to(HERE.parent)} and {js.relative_to(HERE.parent)}")
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
