"""The installed stack, recorded by the recorder in a fresh subprocess of this interpreter under a profile.

Shared by ``check`` (portable and native runs) and ``layers`` (one run per setting).  A profile is
environment variables the libraries read when they load, hence a new process per recording; each
profile (or setting) keeps its numba cache under rngbench's cache folder beside its output (numba keys
cached code by its CPU target, so a cache never serves code compiled for another one).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rngbench import paths
from rngbench.golden.store import StoreError
from rngbench.golden.variants import platform_id
from rngbench.pipelines import catalogue
from rngbench.pipelines.classify import Side
from rngbench.pipelines.store import read_output
from rngbench.platform import profiles


@dataclass
class Installed:
    doc: dict
    arrays: dict[str, dict[str, np.ndarray]]

    @property
    def versions(self) -> dict:
        return self.doc["env"]

    @property
    def platform_id(self) -> str:
        return platform_id(self.doc.get("platform", {}))

    def side(self, case_id: str) -> Side:
        entry = next((e for e in self.doc["cases"] if e["id"] == case_id), None)
        if entry is None:
            return Side("absent")
        parts = {p: (m["values"], self.arrays.get(case_id, {}).get(p)) for p, m in entry.get("parts", {}).items()}
        noise = {}
        for measures in (entry.get("noise") or {}).values():
            for k, v in measures.items():
                if isinstance(v, (int, float)):
                    noise[k] = max(noise.get(k, 0), v)
        return Side(entry["status"], entry.get("error"), parts, noise or None)


def record_installed(only: tuple[str, ...] = (), profile: str = profiles.DEFAULT, extra: dict | None = None,
                     once: bool = True, folder: str | None = None) -> Installed:
    """Record this interpreter's stack under ``profile`` (plus ``extra`` settings), only the case ids starting
    with one of ``only``; ``once``: the golden run only.  ``folder`` names the numba cache (default: profile)."""
    from rngbench.pipelines import matrix

    inputs_dir = matrix.export_inputs(catalogue.datasets_of(only))
    home = paths.cache_dir() / "recordings" / (folder or profile)  # the numba cache lives beside the output
    home.mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix="run-", dir=home))  # its parent holds the numba cache (run_recorder)
    args = (*only, f"--profile={profile}", *(f"--set={k}={v}" for k, v in (extra or {}).items()),
            *(["--once"] if once else []))
    try:
        doc, arrays = read_output(matrix.run_recorder(sys.executable, out, inputs_dir, args))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return Installed(doc, arrays)


def load_recorded(outdir: Path) -> Installed:
    doc, arrays = read_output(outdir)
    if doc.get("catalogue") != catalogue.digest():
        raise StoreError(f"{outdir} was recorded from catalogue {doc.get('catalogue')}, this one is "
                         f"{catalogue.digest()}")
    return Installed(doc, arrays)


