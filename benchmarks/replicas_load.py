"""Several `cartable serve` replicas sharing one Chroma server and one store directory, under load
from many `gradio_client` users, while an ingestion job adds documents: the deployment of
docs/deployment.md, on loopback.

    python -m benchmarks.replicas_load [--replicas 2] [--clients 50] [--duration 180] [--cache DIR]

Steps: start `chroma run` (data cached under --cache), sync the bundled corpus into it with
`cartable ingest`, start the replicas, take each question's answer from a lone client, then run the
load (clients spread over the replicas, as a reverse proxy would) and, --ingest-after seconds in,
`cartable ingest` of generated documents. Checks afterwards:
- no error, and every answer equals one a lone client gets before or after the ingestion;
- every replica answers from the new snapshot (a question only the new documents answer);
- no chunk lost or duplicated: the server's ids are exactly the committed snapshot's, once each;
- every answer given was recorded in the shared feedback database;
- no replica's memory grew more than --max-growth-mb.
Prints p50 / p95, throughput and memory; exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from assistant.extractive import ABSTAIN_TEXT
from assistant.settings import Settings
from assistant.store import Store
from benchmarks.chroma_server import ChromaServer, free_port
from benchmarks.ui_load import (
    QUESTIONS, MemorySampler, ask, make_clients, print_memory, print_summary, run_for, start_app, summary, wrong_answers,
)

NEW_TOPIC_QUESTION = "Comment entretenir la grelinette du potager de l'école ?"
NEW_DOCS = 12
_ABSTAINED = ABSTAIN_TEXT.split("'", 1)[-1][:30]  # past the apostrophe, which the page may escape


def write_new_documents(folder: Path, n: int = NEW_DOCS) -> None:
    """Generated garden-care sheets: a topic the corpus never covers, so old answers keep their sources."""
    folder.mkdir(parents=True, exist_ok=True)
    tools = ["grelinette", "binette", "serfouette", "plantoir", "arrosoir", "brouette"]
    for i in range(n):
        tool = tools[i % len(tools)]
        parts = [f"# Fiche potager n° {i} : entretenir la {tool}", ""]
        for j in range(4):
            parts.append(f"## Étape {j + 1}")
            parts.append(
                f"Au potager de l'école, la {tool} se nettoie après chaque usage (fiche {i}, étape {j + 1}). On retire "
                f"la terre avec une brosse, on sèche le métal, puis on graisse les parties mobiles avant l'hiver. "
                f"Les élèves rangent la {tool} dans l'abri de jardin, manche vers le haut, et notent l'entretien "
                f"dans le carnet du potager tenu par la classe."
            )
        (folder / f"potager-{i:02d}.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def cartable(args: list[str], env: dict[str, str], store: Path, log: Path) -> subprocess.CompletedProcess[bytes]:
    """One `cartable` command on the shared store, output appended to the log."""
    with log.open("ab") as out:
        return subprocess.run([sys.executable, "-m", "assistant.cli", *args, "--store", str(store)],
                              stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **env}, check=False)


def lone_answers(url_clients: list[object], questions: list[str]) -> dict[str, set[str]]:
    """Each question asked once per replica by a lone client (fresh sessions)."""
    expected: dict[str, set[str]] = {q: set() for q in questions}
    for client in url_clients:
        for q in questions:
            result = ask(client, q, fresh=True)
            if not result.error:
                expected[q].add(result.answer)
    return expected


def consistency(server: ChromaServer, settings: Settings) -> tuple[int, int, int, bool]:
    """(committed chunks, ids on the server, distinct ids on the server, sets equal)."""
    import chromadb

    committed = [c.id for c in Store.from_settings(settings).read_chunks()]
    collection = chromadb.HttpClient(host="127.0.0.1", port=server.port).get_collection(settings.chroma_collection)
    stored = collection.get(include=[])["ids"]
    return len(committed), len(stored), len(set(stored)), set(stored) == set(committed)


NGINX_CONF = """
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log {work}/access.log;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    upstream cartable {{
        hash $remote_addr$http_user_agent consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 25m;
        location / {{
            proxy_pass http://cartable;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_buffering off;
            proxy_read_timeout 300s;
        }}
    }}
}}
"""


@dataclass
class Nginx:
    url: str
    proc: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=15)


def start_nginx(upstreams: list[str], work: Path) -> Nginx:
    """nginx in the foreground with docs/deployment.md's proxy block (its `upstream` and `location`),
    listening on a free loopback port."""
    import shutil
    import urllib.request

    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    servers = "\n".join(f"        server {u.split('//')[1].rstrip('/')};" for u in upstreams)
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, servers=servers, port=port), encoding="utf-8")
    proc = subprocess.Popen([binary, "-p", str(work), "-c", str(conf), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=(work / "stderr.log").open("ab"))
    url = f"http://127.0.0.1:{port}/"
    for _ in range(50):
        if proc.poll() is not None:
            sys.exit(f"nginx s'est arrêté (code {proc.returncode}) : voir {work}")
        try:
            with urllib.request.urlopen(url + "config", timeout=2):
                return Nginx(url, proc)
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    sys.exit(f"nginx ne répond pas : voir {work}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=180.0)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--ingest-after", type=float, default=20.0, help="Seconds into the load when the ingestion starts.")
    parser.add_argument("--max-growth-mb", type=float, default=200.0)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/cartable-replicas-bench"),
                        help="Chroma data and store kept between runs (the corpus is embedded once).")
    parser.add_argument("--corpus", type=Path, default=None, help="Documents served (default: the bundled corpus).")
    parser.add_argument("--new-docs", type=int, default=NEW_DOCS, help="Documents the ingestion adds during the load.")
    parser.add_argument("--questions", type=int, default=len(QUESTIONS), help="How many of the questions to ask.")
    parser.add_argument("--nginx", action="store_true",
                        help="Send the users through nginx configured as in docs/deployment.md (else straight to the replicas).")
    args = parser.parse_args(argv)
    questions = QUESTIONS[: args.questions]

    work = args.cache
    work.mkdir(parents=True, exist_ok=True)
    log = work / "run.log"
    store, new_docs = work / "store", work / "nouveaux-documents"
    server = ChromaServer(work / "chroma-data", log_path=work / "chroma.log").start()
    env = server.env() | ({"CARTABLE_CORPUS": str(args.corpus.resolve())} if args.corpus else {})
    settings = Settings(store=store, chroma_host="127.0.0.1", chroma_port=server.port)
    apps = []
    proxy: Nginx | None = None
    checks: dict[str, bool] = {}
    try:
        t0 = time.monotonic()
        if cartable(["ingest", "--quiet"], env, store, log).returncode != 0:
            sys.exit(f"ingestion du corpus en échec : voir {log}")
        # A previous run's generated documents are removed, so that this run's ingestion embeds them again.
        for old in new_docs.glob("*.md"):
            old.unlink()
        new_docs.mkdir(exist_ok=True)
        cartable(["ingest", "--quiet", str(new_docs)], env, store, log)
        print(f"corpus synchronisé dans le serveur Chroma en {time.monotonic() - t0:.0f} s", flush=True)

        apps = [start_app(store, env, log=log) for _ in range(args.replicas)]
        if args.nginx:
            proxy = start_nginx([a.url for a in apps], work / "nginx")
        clients = make_clients(apps[0].url, 1) + make_clients(apps[-1].url, 1)
        for client in clients:
            ask(client, questions[0])  # warm-up
        before = lone_answers(clients, questions)
        if any(len(answers) != 1 for answers in before.values()):
            print("les réplicas ne donnent pas la même réponse à une même question", flush=True)
            checks["réplicas identiques avant la charge"] = False
        rows_before = _feedback_rows(store)

        if args.nginx:
            users = make_clients(proxy.url, args.clients, first=100)
            print(f"{args.clients} utilisateurs via nginx {proxy.url}", flush=True)
        else:
            users = [c for i in range(args.clients) for c in make_clients(apps[i % len(apps)].url, 1, first=100 + i)]
        sampler = MemorySampler([a.pid for a in apps])
        mem_before = sampler.sample()
        sampler.start()
        write_new_documents(new_docs, args.new_docs)
        ingestion: dict[str, float] = {}

        def ingest_later() -> None:
            time.sleep(args.ingest_after)
            ingestion["start"] = time.monotonic()
            ingestion["code"] = cartable(["ingest", "--quiet", str(new_docs)], env, store, log).returncode
            ingestion["end"] = time.monotonic()

        job = threading.Thread(target=ingest_later, daemon=True)
        started = time.monotonic()
        job.start()
        loaded = run_for(users, questions, args.duration, args.max_requests)
        elapsed = time.monotonic() - started
        job.join(timeout=900)
        sampler.stop()
        rows = _feedback_rows(store)
        rows.subtract(rows_before)

        after = lone_answers(clients, questions)
        expected = {q: before[q] | after[q] for q in questions}
        wrong = wrong_answers(loaded, expected)
        new_topic = [ask(c, NEW_TOPIC_QUESTION, fresh=True) for c in clients]
        committed, stored, distinct, same = consistency(server, settings)
        answered = Counter(r.question for r in loaded if not r.error)
        # Answers routed to the child-protection resources are not logged until the user rates them
        # (assistant/ui/handlers.py): such a question has no row at all; any other has one per answer.
        unlogged = sorted(q for q in answered if rows[q] == 0)
        logged_ok = all(rows[q] in (0, n) for q, n in answered.items()) and len(unlogged) < len(answered)
    finally:
        if proxy is not None:
            proxy.stop()
        for app in apps:
            app.stop()
        server.stop()

    load = summary(f"{args.clients} clients, {args.replicas} réplicas", loaded)
    print_summary(load, len(wrong), loaded)
    print(f"débit : {len(loaded) / elapsed:.1f} questions/s sur {elapsed:.0f} s", flush=True)
    if "end" in ingestion:
        print(f"ingestion pendant la charge : {args.new_docs} documents, {ingestion['end'] - ingestion['start']:.0f} s, "
              f"code {ingestion['code']:.0f} (de t+{ingestion['start'] - started:.0f} s à t+{ingestion['end'] - started:.0f} s)")
    print(f"passages : {committed} dans l'instantané, {stored} dans Chroma dont {distinct} distincts, "
          f"mêmes identifiants : {'oui' if same else 'non'}")
    print(f"journal des avis : {sum(rows.values())} lignes pour {sum(answered.values())} réponses ; questions non "
          f"journalisées (orientées vers la protection de l'enfance) : {unlogged or 'aucune'}")
    mem = sampler.report(mem_before)
    print_memory(f"par réplica ({args.replicas})", mem, args.max_growth_mb)
    checks.update({
        "aucune erreur": load["errors"] == 0,
        "réponses exactes": not wrong,
        "ingestion terminée sans échec": ingestion.get("code") == 0,
        "chaque réplica voit les nouveaux documents": all(
            not r.error and r.cited and "grelinette" in r.answer and _ABSTAINED not in r.answer for r in new_topic),
        "aucun passage perdu ni dupliqué": same and committed == stored == distinct,
        "chaque réponse journalisée (hors questions de protection)": logged_ok,
        "mémoire bornée": mem["growth_mb"] <= args.max_growth_mb,
    })
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'ÉCHEC'}] {name}")
    return 0 if all(checks.values()) else 1


def _feedback_rows(store: Path) -> Counter[str]:
    """Rows of the shared feedback log, per question."""
    db = store / "feedback.sqlite"
    if not db.exists():
        return Counter()
    with sqlite3.connect(db, timeout=10) as conn:
        return Counter({q: n for q, n in conn.execute("SELECT question, COUNT(*) FROM answers GROUP BY question")})


if __name__ == "__main__":
    sys.exit(main())
