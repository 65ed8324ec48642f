"""A long-lived child process spoken to in JSON lines: the one worker class of every interleaved measurement.

Benchmark workers run in *other* environments (a scanpy version, a numpy
release), so they cannot be called in-process: each is a child process with
that environment's interpreter, loaded once (imports, JIT warm-up) and then
asked for one thing at a time -- one JSON object per line on its stdin, one
JSON object per line back on its stdout.  Its stderr goes to a log file, whose
last line becomes the error when the worker dies.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from rngbench.errors import RngbenchError


class WorkerError(RngbenchError):
    """A worker process stopped; the message ends with the last line of its log."""


class JsonLinesProcess:
    """A child process answering one JSON line with one JSON line; its stderr goes to ``log``."""

    def __init__(self, name: str, argv: list[str], env: dict, cwd: Path, log: Path):
        log.parent.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log = log
        self._log_file = open(log, "w")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log_file,
                                     text=True, env=env, cwd=cwd)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def call(self, **cmd) -> dict:
        try:
            self.proc.stdin.write(json.dumps(cmd) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except (BrokenPipeError, OSError, ValueError):  # ValueError: the pipe was closed here
            line = ""
        if not line:
            raise WorkerError(f"the {self.name} worker stopped ({self._tail()})")
        return json.loads(line)

    def _tail(self) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        lines = [x.strip() for x in self.log.read_text(errors="replace").splitlines() if x.strip()]
        return lines[-1] if lines else f"see {self.log}"

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log_file.close()
