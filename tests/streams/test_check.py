"""`rngbench streams check`: passes on agreement, fails on a NEP 19 breach, compares newer numpy too."""

from __future__ import annotations

import json
import shutil

import numpy as np
from click.testing import CliRunner

from rngbench.cli import main
from rngbench.streams.store import Store, read_recorder_output


def store_from(recorded, tmp_path, *, version: str, tamper: str | None = None):
    """A store holding the installed numpy's recording, labelled ``version``, one case's values optionally altered."""
    rec = tmp_path / "rec"
    shutil.copytree(recorded, rec)
    doc = json.loads((rec / "record.json").read_text())
    doc["env"]["numpy"] = version
    (rec / "record.json").write_text(json.dumps(doc))
    doc, cases = read_recorder_output(rec)
    if tamper:
        cases = [(e, (v + 1 if e["id"] == tamper else v)) for e, v in cases]
    root = tmp_path / "store"
    Store(root).add_release(doc, cases)
    return root


def run_check(root, *extra):
    return CliRunner().invoke(main, ["streams", "check", "--store", str(root), *extra])


def test_newer_numpy_than_the_store_is_compared_not_refused(recorded, tmp_path):
    root = store_from(recorded, tmp_path, version="1.26.0")
    result = run_check(root)
    assert result.exit_code == 0, result.output
    assert f"numpy {np.__version__} vs 1.26.0" in result.output and "0 NEP 19 breaches" in result.output


def test_changed_legacy_stream_fails_the_check(recorded, tmp_path):
    root = store_from(recorded, tmp_path, version="1.26.0", tamper="RandomState.poisson[ptrs-lam-10]")
    result = run_check(root)
    assert result.exit_code == 1
    assert "RandomState.poisson" in result.output and "violation" in result.output


def test_generator_change_across_series_is_allowed_but_within_series_fails(recorded, tmp_path):
    case = "Generator[PCG64].poisson[ptrs-lam-10]"
    major, minor = (int(x) for x in np.__version__.split(".")[:2])
    older = store_from(recorded, tmp_path / "a", version="1.26.0", tamper=case)
    assert run_check(older).exit_code == 0
    same_series = store_from(recorded, tmp_path / "b", version=f"{major}.{minor}.0", tamper=case)
    if np.__version__ != f"{major}.{minor}.0":
        result = run_check(same_series)
        assert result.exit_code == 1 and "bugfix-release" in result.output
