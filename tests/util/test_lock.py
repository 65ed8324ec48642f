"""hold_lock: a second holder waits (one line naming the holder) or refuses (one line); the env cache uses it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from rngbench.envs import environments
from rngbench.envs.interpreters import Interpreter
from rngbench.util.lock import LockHeld, hold_lock

HOLD = """
import sys, time
from pathlib import Path
from rngbench.util.lock import hold_lock
with hold_lock(Path(sys.argv[1]), "a test holder"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    for path in sys.argv[3:]:  # files the holder finishes while it holds the lock
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text("")
"""


def holder(lock: Path, seconds: float, *finishes: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(lock), str(seconds), *map(str, finishes)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_refuses_with_one_line_naming_the_holder(tmp_path):
    lock = tmp_path / "store.lock"
    proc = holder(lock, 5)
    try:
        with pytest.raises(LockHeld) as info:
            with hold_lock(lock, "second", wait=False):
                pass
        message = str(info.value)
        assert f"pid {proc.pid}" in message and "a test holder" in message and "\n" not in message
    finally:
        proc.kill()
        proc.wait()


def test_waits_and_says_for_whom(tmp_path, capsys):
    lock = tmp_path / "store.lock"
    proc = holder(lock, 1.0)
    start = time.monotonic()
    with hold_lock(lock, "second"):
        waited = time.monotonic() - start
    proc.wait()
    err = capsys.readouterr().err.strip().splitlines()
    assert waited > 0.3 and len(err) == 1 and f"pid {proc.pid}" in err[0] and "waiting for" in err[0]
    with hold_lock(lock, "third", wait=False):  # released: free again
        pass


def test_environment_build_waits_for_a_concurrent_build_and_reuses_it(tmp_path, monkeypatch):
    """Two runs building one environment: the second waits, then reuses it instead of deleting it."""
    python = Interpreter((3, 12, 0), sys.executable)
    root = tmp_path / "envs"
    name = f"py312-{environments.env_key(python, ['numpy'])}"
    env_dir = root / name
    proc = holder(root / environments.LOCKS / f"{name}.lock", 1.0, env_dir / "bin" / "python",
                  env_dir / ".rngbench-ready")
    monkeypatch.setattr(environments, "_create", lambda *a: pytest.fail("rebuilt an environment another run built"))
    env = environments.build_env(["numpy"], python, root)
    proc.wait()
    assert env.path == env_dir and env.executable.exists()
