"""The environments the result goldens are recorded in, as data, and the run that records them.

Each environment pins Python and the six packages of ``store.DEFINING``
(everything else -- anndata, pandas -- is whatever uv resolves, and is in the
record).  Consecutive environments of a *chain* differ in one package, so a
change between a chain's two ends can be attributed to one step
(``attribution``).  The list is small enough to record here in under 30
minutes with one worker; every environment is built by
``rngbench.envs.build_env`` from an interpreter already on the machine.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rngbench import envs, paths
from rngbench.envs import runner
from rngbench.envs.runner import MatrixError
from rngbench.pipelines import inputs as pipeline_inputs
from rngbench.pipelines.store import DEFINING, PipelineStore, read_output

__all__ = ["BY_LABEL", "MATRIX", "EnvSpec", "MatrixError", "export_inputs", "ingest", "plan", "run", "run_recorder",
           "select"]

SRC = Path(__file__).resolve().parents[2]  # put on PYTHONPATH in every environment: the recorder is rngbench's
RECORD_TIMEOUT = 1200  # seconds
COMMON = {"numba": "0.68.1", "scipy": "1.18.1", "scikit-learn": "1.9.1", "umap-learn": "0.5.12"}


@dataclass(frozen=True)
class EnvSpec:
    label: str
    python: str  # major.minor
    pins: tuple[tuple[str, str], ...]  # (package, version) for every package of DEFINING but python

    @property
    def versions(self) -> dict[str, str]:
        return dict(self.pins)

    def requirements(self) -> list[str]:
        return [f"{p}=={v}" for p, v in self.pins] + ["threadpoolctl"]


def spec(label: str, scanpy: str, numpy: str, python: str = "3.12", **other: str) -> EnvSpec:
    pins = {**COMMON, **{k.replace("_", "-"): v for k, v in other.items()}, "numpy": numpy, "scanpy": scanpy}
    missing = set(DEFINING) - {"python"} - set(pins)
    if missing:
        raise ValueError(f"{label}: no pin for {', '.join(sorted(missing))}")
    return EnvSpec(label, python, tuple(sorted(pins.items())))


MATRIX = (
    spec("sc1.10-np1.26", "1.10.4", "1.26.4", scipy="1.17.1"),
    spec("sc1.10-np2.0-sp1.17", "1.10.4", "2.0.2", scipy="1.17.1"),  # chain: numpy first, then scipy
    spec("sc1.10-np2.0", "1.10.4", "2.0.2"),
    spec("sc1.11-np2.1", "1.11.5", "2.1.3"),
    spec("sc1.11-np2.2", "1.11.5", "2.2.6"),
    spec("sc1.12-np2.3", "1.12.4", "2.3.5"),
    spec("sc1.12-np2.5", "1.12.4", "2.5.5"),
    spec("sc1.13-np2.4", "1.13.0a2", "2.4.4"),
    spec("sc1.13-np2.5", "1.13.0a2", "2.5.5"),
    spec("default", "1.13.0a2", "2.5.5", python="3.13"),  # .venv's stack: `pipelines check` compares with it
)
BY_LABEL = {s.label: s for s in MATRIX}


def select(labels: list[str]) -> list[EnvSpec]:
    unknown = [label for label in labels if label not in BY_LABEL]
    if unknown:
        raise MatrixError(f"unknown environment {', '.join(unknown)} (known: {', '.join(BY_LABEL)})")
    return [BY_LABEL[label] for label in labels] if labels else list(MATRIX)


def plan(store: PipelineStore, specs: list[EnvSpec], interpreters: list[envs.Interpreter]) -> tuple[list, list]:
    """(to record: [(spec, interpreter)], already stored: [spec]); a missing interpreter is a one-line error."""
    todo, done = [], []
    for s in specs:
        python = envs.find_python(s.python, interpreters)
        wanted = {**s.versions, "python": ".".join(map(str, python.version))}
        if store.is_complete(wanted):
            done.append(s)
        else:
            todo.append((s, python))
    return todo, done


def export_inputs(names: tuple[str, ...] | None = None) -> Path:
    """The folder of the recorders' input arrays, with those of ``names`` (default: every dataset) written."""
    from rngbench.pipelines import catalogue

    folder = pipeline_inputs.folder()
    for name in catalogue.DATASETS if names is None else names:
        pipeline_inputs.export(name, folder)
    return folder


def run_recorder(python: str | Path, outdir: Path, inputs_dir: Path, only: tuple[str, ...] = ()) -> Path:
    """Run the recorder under ``python`` (an environment's interpreter) with rngbench's source on its path."""
    environ = {**os.environ, "PYTHONPATH": str(SRC), "NUMBA_CACHE_DIR": str(Path(outdir).parent / "numba-cache")}
    args = [str(python), "-m", "rngbench.pipelines.recorder", str(outdir), str(inputs_dir), *only]
    envs.run_recorder(args, timeout=RECORD_TIMEOUT, env=environ, what=f"in {python}")
    return outdir


def record_env(s: EnvSpec, python: envs.Interpreter, workdir: Path, inputs_dir: Path, env_root: Path) -> Path:
    env = envs.build_env(s.requirements(), python, env_root)
    return run_recorder(env.executable, workdir / s.label, inputs_dir)


def ingest(store: PipelineStore, outdir: Path, expected: EnvSpec | None = None) -> str:
    """Add a recorder output (the store takes its writer lock); checks the environment is the one asked for."""
    doc, arrays = read_output(outdir)
    if expected is not None:
        wrong = {p: doc["env"].get(p) for p, v in expected.versions.items() if doc["env"].get(p) != v}
        if wrong:
            raise MatrixError(f"{expected.label}: the environment had {wrong}, not the pinned versions")
    return store.add(doc, arrays)


def run(todo: list, store: PipelineStore, *, workers: int, on_done: Callable[[str, str | None], None],
        env_root: Path | None = None) -> list[str]:
    """Record ``todo`` ([(spec, interpreter)]); returns the labels that failed (each reported via ``on_done``)."""
    env_root = env_root or paths.env_root()
    inputs_dir = export_inputs()
    return runner.run(todo, label=lambda job: job[0].label,
                      record=lambda job, workdir: record_env(*job, workdir, inputs_dir, env_root),
                      ingest=lambda job, outdir: ingest(store, outdir, job[0]),
                      scratch=paths.scratch_root("pipelines"), workers=workers, on_done=on_done)
