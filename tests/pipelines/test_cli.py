"""``rngbench pipelines``: exit codes and one-line errors."""

import numpy as np
from click.testing import CliRunner

from rngbench.cli import main
from rngbench.pipelines import digests

from .conftest import BASE, COUNTS, PCA, PLATFORM, base_arrays


def run(*args):
    result = CliRunner().invoke(main, ["pipelines", *map(str, args)])
    return result.exit_code, result.output


def store_with(tmp_path, recording):
    root = tmp_path / "store"
    code, out = run("ingest", "--store", root, recording())
    assert code == 0, out
    return root


def test_check_passes_on_the_same_results(tmp_path, recording):
    root = store_with(tmp_path, recording)
    code, out = run("check", "--store", root, "--recorded", recording())
    assert code == 0, out
    assert "0 failing" in out


def test_check_fails_on_changed_counts(tmp_path, recording):
    root = store_with(tmp_path, recording)
    parts = base_arrays()
    parts[COUNTS] = digests.counts(np.ones((200, 30)))
    code, out = run("check", "--store", root, "--recorded", recording(parts=parts))
    assert code == 1
    assert "1 failing" in out


def test_check_on_another_platform_fails_only_on_exact_outputs(tmp_path, recording):
    root = store_with(tmp_path, recording)
    parts = base_arrays(seed=0)
    parts[PCA] = base_arrays(seed=9)[PCA]  # a different PCA: changed, but floating point on another BLAS kernel
    other = {**PLATFORM, "blas_core": "SkylakeX"}
    code, out = run("check", "--store", root, "--recorded", recording(parts=parts, platform=other))
    assert code == 0, out
    assert "changed" in out
    parts[COUNTS] = digests.counts(np.ones((200, 30)))
    code, _ = run("check", "--store", root, "--recorded", recording(parts=parts, platform=other))
    assert code == 1


def test_check_reports_differing_versions(tmp_path, recording):
    root = store_with(tmp_path, recording)
    code, out = run("check", "--store", root, "--recorded", recording(versions={**BASE, "numpy": "2.5.5"}))
    assert code == 0 and "numpy 2.4.4 (installed 2.5.5)" in out


def one_line_error(code, out, code_expected=2):
    lines = [line for line in out.splitlines() if line.strip()]
    return code == code_expected and len(lines) == 1 and lines[0].startswith("error: ")


def test_tampered_store_is_one_line(tmp_path, recording):
    root = store_with(tmp_path, recording)
    blob = sorted((root / "blobs").rglob("*.z"))[0]
    blob.write_bytes(blob.read_bytes()[:-4])
    code, out = run("check", "--store", root, "--recorded", recording())
    assert one_line_error(code, out), out
    code, out = run("verify", "--store", root)
    assert code == 1 and "error:" in out


def test_unknown_things_are_one_line(tmp_path, recording):
    root = store_with(tmp_path, recording)
    assert one_line_error(*run("check", "--store", root, "--against", "sc9.9", "--recorded", recording()))
    assert one_line_error(*run("check", "--store", root, "--dataset", "nope"))
    assert one_line_error(*run("matrix", "--store", tmp_path / "new", "--list", "no-such-env"))
    assert one_line_error(*run("check", "--store", tmp_path / "nowhere"))


def test_missing_interpreter_is_one_line(tmp_path, monkeypatch):
    from rngbench import envs
    from rngbench.pipelines import matrix

    monkeypatch.setattr(matrix, "MATRIX", (matrix.spec("far-future", "1.13.0a2", "2.5.5", python="3.99"),))
    monkeypatch.setattr(matrix, "BY_LABEL", {"far-future": matrix.MATRIX[0]})
    monkeypatch.setattr(envs, "find_interpreters", lambda: [envs.Interpreter((3, 12, 1), "/usr/bin/python3.12")])
    code, out = run("matrix", "--store", tmp_path / "new")
    assert one_line_error(code, out), out
    assert "no Python 3.99" in out


def test_attribute_names_the_step(tmp_path, recording):
    root = tmp_path / "store"
    parts = base_arrays()
    parts[COUNTS] = digests.counts(np.ones((200, 30)))
    for versions, p in ((BASE, base_arrays()), ({**BASE, "numpy": "2.5.5"}, base_arrays()),
                        ({**BASE, "numpy": "2.5.5", "scanpy": "1.13.0a2"}, parts)):
        assert run("ingest", "--store", root, recording(versions=versions, parts=p))[0] == 0
    from rngbench.pipelines.store import PipelineStore

    first, last = (n for n in PipelineStore(root).environments() if "sc1.13" in n or "np2.4.4" in n)
    code, out = run("attribute", "--store", root, first, last)
    assert code == 0, out
    assert f"{COUNTS}: changed" in out and "<- scanpy 1.12.4 → 1.13.0a2" in out
    assert one_line_error(*run("attribute", "--store", root, first, "nope"))
