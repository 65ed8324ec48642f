"""One typed loader for matrix.toml and budgets.toml: every mistake names the file, the key and the expected type."""

from __future__ import annotations

import pytest

from fixtures.paths import REPO
from rngbench import config

BUDGET = "[[budget]]\nname='x'\nbenchmark='b'\nnumerator={strategy='a'}\ndenominator={strategy='b'}\n"


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1", "true", "'2'"])
def test_budget_max_must_be_a_positive_finite_number(tmp_path, value):
    path = tmp_path / "budgets.toml"
    path.write_text(BUDGET + f"max = {value}\n")
    with pytest.raises(config.ConfigError) as info:
        config.load_budgets(path)
    assert str(info.value).startswith(f"{path}: budget 1 (x): 'max' must be a positive finite number")


def test_matrix_errors_name_file_key_and_type(tmp_path):
    path = tmp_path / "matrix.toml"
    path.write_text("[nightly]\nscanpy = '1.12.4'\n")
    with pytest.raises(config.ConfigError, match=r"matrix.toml: \[nightly\]: 'scanpy' must be a list of versions"):
        config.load_nightly_matrix(path)
    path.write_text("[compare]\npython = 3.12\n")
    with pytest.raises(config.ConfigError, match=r"\[compare\]: 'python' must be a string \(got 3.12\)"):
        config.load_compare_defaults(path)


def test_the_project_files_load_typed():
    matrix = config.load_nightly_matrix(REPO / "benchmarks" / "matrix.toml")
    assert isinstance(matrix.scanpy, tuple) and all(isinstance(v, str) for v in matrix.scanpy)
    compare = config.load_compare_defaults(REPO / "benchmarks" / "matrix.toml")
    assert compare.requirements and compare.python.startswith(">=")
    assert all(b.max > 0 for b in config.load_budgets(REPO / "benchmarks" / "budgets.toml"))
    assert config.load_compare_defaults(REPO / "no-such-file.toml") == config.CompareDefaults()
