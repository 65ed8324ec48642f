"""One command line: the shared options say the same thing in every group, everything has help, and it starts fast.

The option tests walk the click tree, so a new command that takes ``--store`` or ``--jobs`` is covered without
being listed here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from rngbench.cli import main
from rngbench.cli.options import StorePath

HEAVY = ("scipy", "pandas", "numba", "matplotlib", "asv", "jsonschema", "scanpy")


def commands(group: click.Group = main, path: tuple[str, ...] = ()):
    """Every leaf command as (argv prefix, command)."""
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


def taking(param_name: str):
    return [(path, cmd) for path, cmd in commands() if any(p.name == param_name for p in cmd.params)]


def run(argv: list[str]) -> tuple[int, tuple[str, ...]]:
    result = CliRunner().invoke(main, argv)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, tuple(line for line in result.output.splitlines() if line.strip())


def arguments(cmd: click.Command, tmp_path) -> list[str]:
    """A value for each required argument (the option under test is refused before any is looked at)."""
    return [str(tmp_path) for p in cmd.params if isinstance(p, click.Argument) and p.required]


def test_the_walk_finds_every_group_that_shares_the_options():
    assert {path[0] for path, _ in taking("jobs")} == {"streams", "pipelines", "nightly"}
    assert {path[0] for path, _ in taking("store_path")} == {"streams", "pipelines", "nightly"}
    assert {path[0] for path, _ in taking("bench")} == {"bench", "compare"}


@pytest.mark.parametrize("value,words", [("0", "'0' is below 1"), ("-7", "'-7' is below 1"),
                                         ("abc", "'abc' is not a whole number (at least 1)")])
def test_a_bad_jobs_is_the_same_line_in_every_group(tmp_path, value, words):
    seen = {}
    for path, cmd in taking("jobs"):
        seen[" ".join(path)] = run([*path, "--jobs", value, *arguments(cmd, tmp_path)])
    assert set(seen.values()) == {(2, (f"error: --jobs/-j: {words}",))}, seen


def test_one_default_for_jobs_everywhere():
    defaults = {cmd.name: {p.default for p in cmd.params if p.name == "jobs"} for _, cmd in taking("jobs")}
    assert len({d for ds in defaults.values() for d in ds}) == 1, defaults


def test_a_store_that_is_a_file_is_the_same_line_in_every_group(tmp_path):
    file = tmp_path / "a-file"
    file.write_text("not a store")
    seen = {" ".join(path): run([*path, "--store", str(file), *arguments(cmd, tmp_path)])
            for path, cmd in taking("store_path")}
    assert len(seen) >= 12
    assert set(seen.values()) == {(2, (f"error: {file} is a file, not a store",))}, seen


def test_an_empty_folder_is_not_a_store_to_any_reader(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    readers = [(path, cmd) for path, cmd in taking("store_path")
               if not next(p for p in cmd.params if p.name == "store_path").type.write]
    seen = {" ".join(path): run([*path, "--store", str(empty), *arguments(cmd, tmp_path)]) for path, cmd in readers}
    assert {p.split()[0] for p in seen} == {"streams", "pipelines"} and len(seen) >= 7
    assert set(seen.values()) == {(2, (f"error: {empty}: not an rngbench store (no INDEX)",))}, seen


def test_every_store_option_has_the_store_type():
    for path, cmd in taking("store_path"):
        assert isinstance(next(p for p in cmd.params if p.name == "store_path").type, StorePath), path


def test_every_option_and_command_has_help():
    missing = []
    for path, cmd in [((), main), *commands()]:
        if not (cmd.help or "").strip():
            missing.append(" ".join(path) or "rngbench")
        for param in cmd.params:
            if isinstance(param, click.Option) and not param.hidden and not (param.help or "").strip():
                missing.append(f"{' '.join(path)} {param.opts[0]}")
    for name, group in main.commands.items():
        if isinstance(group, click.Group) and not (group.help or "").strip():
            missing.append(name)
    assert missing == []


def test_importing_the_cli_imports_no_heavy_package():
    """``rngbench --help`` must not pay for scipy, pandas, numba, matplotlib or asv: they load in the commands."""
    code = ("import json, sys; import rngbench.cli; "
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_the_old_only_spelling_still_filters_bench_peer():
    option = {p.name: p for p in main.commands["bench"].commands["peer"].params}
    assert option["bench_old"].opts == ["--only"] and option["bench_old"].hidden
    assert "-b" in option["bench"].opts and "--bench" in option["bench"].opts
