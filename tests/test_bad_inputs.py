"""Every bad input gets one clear line and a non-zero exit: no traceback, no silent acceptance.

One row per case the hostile-but-fair new user tried (issue 13).  Each row sets up its input in a scratch folder
and names the words the one line must contain.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures.paths import COMMITTED_STORE, DATA
from rngbench.cli import main

BUDGET = """[[budget]]
name = "b"
benchmark = {benchmark}
numerator = {{ strategy = "spawn"{extra} }}
denominator = {{ strategy = "reuse" }}
max = {max}
"""


def budget(tmp: Path, benchmark='"bench_downsample.DownsampleReference.time_run"', max="1.5", extra="") -> str:
    path = tmp / "budgets.toml"
    path.write_text(BUDGET.format(benchmark=benchmark, max=max, extra=extra))
    return str(path)


def a_file(tmp: Path) -> str:
    path = tmp / "a-file"
    path.write_text("not a store")
    return str(path)


def small_store(tmp: Path) -> str:
    """A real store (copy of the committed one, a few releases kept) a row may damage."""
    root = tmp / "store"
    shutil.copytree(COMMITTED_STORE, root)
    return str(root)


RESULTS = str(DATA / "asv_results" / "pass")

# (id, argv built from a scratch folder, words the one line must contain, monkeypatches)
CASES = [
    ("store-is-a-file-check", lambda t: ["streams", "check", "--store", a_file(t)], "is a file", None),
    ("store-is-a-file-verify", lambda t: ["streams", "verify", "--store", a_file(t)], "is a file", None),
    ("store-is-a-file-matrix", lambda t: ["streams", "matrix", "--store", a_file(t), "1.26.0"], "is a file", None),
    ("store-is-a-file-ingest", lambda t: ["streams", "ingest", "--store", a_file(t), str(t)], "is a file", None),
    ("read-only-store", lambda t: ["streams", "matrix", "--store", small_store(t), "1.26.0"], "not writable",
     "read_only"),
    ("full-disk", lambda t: ["streams", "report", "--store", small_store(t), "--out", str(t / "out")],
     "No space left on device", "full_disk"),
    ("report-out-is-a-file", lambda t: ["streams", "report", "--store", small_store(t), "--out", a_file(t)],
     "is a file", None),
    ("ingest-into-missing-store", lambda t: ["streams", "ingest", "--store", str(t / "nope" / "x"), str(t)],
     "--create", None),
    ("jobs-zero", lambda t: ["streams", "matrix", "--store", str(t / "s"), "-j", "0"], "range", None),
    ("unparsable-version", lambda t: ["streams", "matrix", "--store", str(t / "s"), "1.x.y"],
     "not a numpy version", None),
    ("no-interpreter", lambda t: ["streams", "matrix", "--store", str(t / "s"), "1.26.0"],
     "no Python interpreter found", "no_interpreters"),
    ("bad-check-against", lambda t: ["streams", "check", "--against", "banana"], "not a numpy version", None),
    ("budget-benchmark-not-text", lambda t: ["overhead", RESULTS, "--budgets", budget(t, benchmark="5")],
     "benchmark", None),
    ("budget-list-valued", lambda t: ["overhead", RESULTS, "--budgets", budget(t, max="[1, 2]")], "max", None),
    ("budget-max-nan", lambda t: ["overhead", RESULTS, "--budgets", budget(t, max="nan")], "max", None),
    ("budget-max-inf", lambda t: ["overhead", RESULTS, "--budgets", budget(t, max="inf")], "max", None),
    ("budget-max-negative", lambda t: ["overhead", RESULTS, "--budgets", budget(t, max="-1.0")], "max", None),
    ("budget-unparsable-env-version", lambda t: ["overhead", RESULTS, "--budgets",
                                                 budget(t, extra=', "env.numpy" = "two point five"')],
     "env.numpy", None),
    ("compare-bad-regex", lambda t: ["compare", "-b", "("], "not a regular expression", None),
    ("bench-bad-regex", lambda t: ["bench", "run", "--bench", "("], "not a regular expression", None),
]


@pytest.mark.parametrize("make_args,words,patch", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_a_non_zero_exit(tmp_path, monkeypatch, make_args, words, patch):
    if patch == "read_only":
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if mode & os.W_OK else real_access(p, mode))
    elif patch == "full_disk":
        from rngbench.util import atomic

        def no_space(path, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

        monkeypatch.setattr(atomic, "write_bytes", no_space)
    elif patch == "no_interpreters":
        from rngbench import envs

        monkeypatch.setattr(envs, "find_interpreters", lambda: [])
    args = make_args(tmp_path)
    result = CliRunner().invoke(main, args)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code != 0, f"silently accepted: {result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert lines and lines[-1].startswith("error: "), result.output
    assert len([line for line in lines if line.startswith("error: ")]) == 1
    assert words in lines[-1], lines[-1]
