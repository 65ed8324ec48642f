"""The bootstrap entry point runs with a bare interpreter; the one versions query reads an environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fixtures.paths import REPO
from rngbench import envs


def test_find_python_runs_as_a_standalone_script_without_rngbench_installed():
    """What scripts/bootstrap runs: -I (isolated: no site-packages, so neither rngbench nor filelock)."""
    script = REPO / "src" / "rngbench" / "envs" / "interpreters.py"
    out = subprocess.run([sys.executable, "-I", str(script), "find-python", ">=3.12"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).exists() and out.stderr == ""
    bad = subprocess.run([sys.executable, "-I", str(script), "find-python", "nonsense"], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 1 and bad.stderr.startswith("error: cannot read Python version spec")


def test_installed_versions_asks_the_environment_itself():
    versions = envs.installed_versions(sys.executable)
    assert versions["numpy"] == np.__version__ and versions["python"] == sys.version.split()[0]
    assert "not-a-package" not in envs.installed_versions(sys.executable, ("numpy", "not-a-package"))
    with pytest.raises(envs.EnvError, match="cannot read versions"):
        envs.installed_versions("/no/such/python")


def test_env_errors_are_rngbench_errors():
    from rngbench.errors import RngbenchError

    assert issubclass(envs.EnvError, RngbenchError)
