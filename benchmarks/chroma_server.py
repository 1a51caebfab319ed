"""A real `chroma run` server on 127.0.0.1, on a free port, with its data in a given directory: what
the server-mode tests and the load benchmark talk to. It can be stopped (gently or with kill -9)
and started again on the same port and data, as a supervisor would restart it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from assistant.settings import Settings


def free_port() -> int:
    """A TCP port nobody listens on at this moment (loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chroma_executable() -> str:
    """The `chroma` CLI installed beside this interpreter (the project's virtual env)."""
    candidate = Path(sys.executable).parent / "chroma"
    return str(candidate) if candidate.exists() else "chroma"


class ChromaServer:
    """`chroma run --path DIR --host 127.0.0.1 --port N` as a child process."""

    def __init__(self, data_dir: Path, port: int | None = None, log_path: Path | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.log_path = log_path or self.data_dir.parent / f"chroma-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, **overrides: object) -> Settings:
        """Settings pointing at this server (other fields from the arguments)."""
        return Settings(chroma_host="127.0.0.1", chroma_port=self.port, **overrides)  # type: ignore[arg-type]

    def env(self) -> dict[str, str]:
        """Environment variables for a child process (`cartable serve`, `cartable ingest`) using this server."""
        return {"CARTABLE_CHROMA_HOST": "127.0.0.1", "CARTABLE_CHROMA_PORT": str(self.port)}

    def alive(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def start(self, timeout_s: float = 60.0) -> ChromaServer:
        """Start the server and wait until its heartbeat answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
        self.proc = subprocess.Popen(
            [chroma_executable(), "run", "--path", str(self.data_dir), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
        )
        log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with code {self.proc.returncode}; see {self.log_path}")
            if self.alive():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"chroma run did not answer within {timeout_s:.0f} s; see {self.log_path}")

    def stop(self, kill: bool = False) -> None:
        """Stop the server: SIGTERM (or SIGKILL with kill=True), then wait for the port to close."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def __enter__(self) -> ChromaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
