"""Which package versions an environment has installed: the one query every report and comment uses.

Asked of the environment's own interpreter (``importlib.metadata`` there),
because asv records no requirements for environments it did not build, and
a benchmark report must name the scanpy and numpy that really ran.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from rngbench.envs.interpreters import EnvError

REPORTED_PACKAGES = ("numpy", "scipy", "scanpy", "anndata", "numba", "scikit-learn", "asv_runner")
"""The packages comments, reports and version sidecars name (those not installed are left out)."""

_QUERY = """\
import json, sys, importlib.metadata as m
out = {'python': sys.version.split()[0]}
for p in sys.argv[1:]:
    try: out[p] = m.version(p)
    except m.PackageNotFoundError: pass
print(json.dumps(out))
"""


def installed_versions(python: Path | str, packages: tuple[str, ...] = REPORTED_PACKAGES) -> dict[str, str]:
    """``{"python": ..., package: version}`` as installed for the interpreter ``python``."""
    try:
        out = subprocess.run([str(python), "-c", _QUERY, *packages], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        raise EnvError(f"cannot read versions in {python}: {exc}") from None
    if out.returncode != 0:
        lines = [line.strip() for line in (out.stderr or "").splitlines() if line.strip()]
        raise EnvError(f"cannot read versions in {python}: {lines[-1] if lines else f'exit {out.returncode}'}")
    return json.loads(out.stdout)
