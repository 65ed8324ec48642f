"""scanpy's own asv suite as a peer: the same figures measured by it and by us, side by side, interleaved.

scanpy's source distribution carries its asv suite (``benchmarks/``);
``PreprocessingCountsRngSuite`` there times ``sc.pp.downsample_counts`` and
``PreprocessingCountsSuite.time_scrublet`` times scrublet.  :func:`run`:

1. downloads the sdist of every benchmarked scanpy version at run time
   (``pip download --no-deps --no-binary :all:``, into the cache, never
   committed) and takes the suite from the newest one that has
   ``PreprocessingCountsRngSuite`` -- as scanpy's benchmark bot does, one
   suite run against every version (1.12.4's sdist predates the class);
2. restricts the suite to ``pbmc68k_reduced`` (bundled with scanpy; its other
   datasets need the network) by editing the ``params`` of the unpacked copy;
3. builds the environments of the main job plus :data:`EXTRA_REQUIREMENTS`
   (``pooch``, imported by scanpy's ``_utils``, on no timed path; and
   ``scikit-image``, whose ``threshold_minimum`` scanpy's scrublet calls for
   its automatic threshold -- scanpy's suite runs scrublet with default
   settings, which fails without it) and runs scanpy's
   suite *and* ours in each, every figure's two environments interleaved
   (:mod:`rngbench.compare.interleave`), blocks of our turns alternating
   with blocks of theirs, each block in a fresh pair of worker processes;
4. writes ``peer.json`` beside the report; :func:`section` renders the table
   ``figure | scanpy's suite | rngbench | ratio of the two | why they differ``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from rngbench import envs, paths, stats
from rngbench.bench import job
from rngbench.bench.probe import target
from rngbench.compare import interleave
from rngbench.errors import RngbenchError
from rngbench.util import atomic, markdown

CACHE = job.REPO / paths.WORK / paths.PEER
SUITE_CLASS = "PreprocessingCountsRngSuite"
SUITE_FILE = "benchmarks/benchmarks/preprocessing_counts.py"
EXTRA_REQUIREMENTS = ("pooch", "scikit-image")
DATASET = "pbmc68k_reduced"


@dataclass(frozen=True)
class Figure:
    """One row of the peer table: a ratio between two scanpy versions, measured by both suites."""

    name: str
    theirs: tuple[str, int]  # scanpy's benchmark and its parameter index (after the pbmc68k_reduced restriction)
    ours: tuple[str, int]  # our benchmark and parameter index
    why: str


def _ours(workload: str, case: str, strategy: str = "legacy", layer: str = "scanpy") -> tuple[str, int]:
    return target(dict(workload=workload, case=case, layer=layer, strategy=strategy, dataset=DATASET), (DATASET,))


FIGURES = (
    Figure("legacy random_state=0, per-cell downsampling to 3 counts",
           ("preprocessing_counts.PreprocessingCountsRngSuite.time_downsample_per_cell", 1),
           _ours("downsample", "per_cell_3"),
           "scanpy's suite downsamples pbmc68k_reduced's `.raw.X` made dense (log-normalised values, not counts); "
           "ours, the integer counts rebuilt from it as float32 CSR. The same call on scanpy's input, in our suite "
           "(`DownsamplePeerSemantics`), is the next row."),
    Figure("the same, on scanpy's suite's input (dense pseudo-counts, in place)",
           ("preprocessing_counts.PreprocessingCountsRngSuite.time_downsample_per_cell", 1),
           ("bench_peer.DownsamplePeerSemantics.time_run", 0),
           "same method, same input: only the harness differs (both asv_runner, setup per sample, GC off)."),
    Figure("legacy random_state=0, total downsampling",
           ("preprocessing_counts.PreprocessingCountsRngSuite.time_downsample_total", 1),
           _ours("downsample", "total"),
           "scanpy's suite draws a tenth of the dense matrix's total; ours half the total of the integer counts."),
    Figure("legacy scrublet (full)",
           ("preprocessing_counts.PreprocessingCountsSuite.time_scrublet", 0),
           _ours("scrublet", "full"),
           "scanpy's suite runs scrublet on the dense pseudo-counts with default settings; ours on the integer "
           "counts with exact kNN and a fixed threshold."),
)


class PeerError(RngbenchError):
    """Why the peer suite cannot run (one line)."""


def pip_command() -> list[str]:
    """A pip to download with: this interpreter's, else one on PATH (the project's venv is built by uv, pip-less)."""
    if subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode == 0:
        return [sys.executable, "-m", "pip"]
    found = shutil.which("pip") or shutil.which("pip3")
    if not found:
        raise PeerError("no pip to download scanpy's source distribution with (pip install pip)")
    return [found]


def sdist(version: str, cache: Path = CACHE) -> Path:
    """scanpy's source distribution for ``version``, downloaded once into ``cache/sdists``."""
    folder = cache / "sdists"
    found = sorted(folder.glob(f"scanpy-{version}.tar.gz"))
    if found:
        return found[0]
    folder.mkdir(parents=True, exist_ok=True)
    out = subprocess.run([*pip_command(), "download", "--no-deps", "--no-binary", ":all:", "--ignore-requires-python",
                          "-q", "-d", str(folder), f"scanpy=={version}"], capture_output=True, text=True)
    found = sorted(folder.glob(f"scanpy-{version}.tar.gz"))
    if out.returncode != 0 or not found:
        last = (out.stderr.strip().splitlines() or ["no sdist"])[-1]
        raise PeerError(f"cannot download scanpy {version}'s source distribution: {last}")
    return found[0]


def restrict_to_dataset(source: str, dataset: str = DATASET) -> str:
    """scanpy's suite with every dataset list that names ``dataset`` cut down to it (the others need the network)."""
    return re.sub(r"\[\s*\"" + re.escape(dataset) + r"\"(\s*,\s*\"[A-Za-z0-9_]+\")+\s*,?\s*\]", f'["{dataset}"]',
                  source)


def unpack_suite(archive: Path, cache: Path = CACHE) -> Path | None:
    """scanpy's ``benchmarks/benchmarks`` package from ``archive``, restricted to pbmc68k_reduced; None without
    :data:`SUITE_CLASS`."""
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if "/benchmarks/benchmarks/" in m.name and m.isfile()]
        main = next((m for m in members if m.name.endswith(SUITE_FILE)), None)
        if main is None or SUITE_CLASS not in tar.extractfile(main).read().decode():
            return None
        dest = cache / "suites" / archive.name.removesuffix(".tar.gz") / "benchmarks"
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        for m in members:
            text = tar.extractfile(m).read()
            name = m.name.split("/benchmarks/benchmarks/", 1)[1]
            path = dest / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if name.endswith(".py"):
                text = restrict_to_dataset(text.decode()).encode()
            atomic.write_bytes(path, text)
    return dest


def peer_suite(versions, cache: Path = CACHE, log=print) -> tuple[Path, str]:
    """The suite of the newest version whose sdist has :data:`SUITE_CLASS`, and that version."""
    for version in sorted(versions, key=Version, reverse=True):
        log(f"peer: scanpy {version} source distribution")
        suite = unpack_suite(sdist(version, cache), cache)
        if suite is not None:
            return suite, version
    raise PeerError(f"no {SUITE_CLASS} in the source distribution of scanpy {', '.join(versions)}")


def build_envs(versions, log=print) -> list[job.BenchEnv]:
    python = envs.find_python(job.PYTHON_SPEC)
    out = []
    for version in versions:
        log(f"peer: environment scanpy {version} (+ {', '.join(EXTRA_REQUIREMENTS)})")
        env = envs.build_env(job.requirements(version) + list(EXTRA_REQUIREMENTS), python, paths.env_root())
        out.append(job.BenchEnv(version, env, envs.installed_versions(env.executable)))
    return out


def run(versions=job.SCANPY_VERSIONS, turns: int = 40, block: int = 10, only: str | None = None,
        out_dir: Path = job.REPO / "reports" / "benchmarks", log=print) -> dict:
    """Both suites, newest / previous version, interleaved; writes ``peer.json``; returns it."""
    if len(versions) != 2:
        raise PeerError("the peer table compares two scanpy versions (give --scanpy twice)")
    versions = sorted(versions, key=Version)
    suite_dir, suite_version = peer_suite(versions, log=log)
    new, old = reversed(build_envs(versions, log=log))
    env = interleave.worker_env({"RNGBENCH_DATASETS": DATASET})
    work = CACHE / "work"

    def starter(who: str, bench_dir: Path):
        return lambda: tuple(interleave.suite_worker(f"peer-{who}-{be.scanpy}", be.python, bench_dir, env, work / who)
                             for be in (new, old))

    starts = {"theirs": starter("theirs", suite_dir), "ours": starter("ours", job.BENCHMARKS)}
    figures = []
    for fig in FIGURES:
        if only and not re.search(only, fig.name):
            continue
        log(f"peer: {fig.name}")
        got = {"theirs": ([], []), "ours": ([], [])}
        for _ in range(max(1, turns // block)):  # every block in a fresh pair of workers: one process per block
            for who, tgt in (("theirs", fig.theirs), ("ours", fig.ours)):
                sampled = interleave.sample_in_passes(starts[who], [interleave.Job(who, (tgt, tgt))], turns=block,
                                                      passes=1, max_seconds=float("inf"), turn_samples=1,
                                                      min_turns=block)[who]
                if any(sampled.problem):
                    raise PeerError(f"{fig.name} ({who}): {next(p for p in sampled.problem if p)}")
                got[who][0].extend(sampled.samples[0])
                got[who][1].extend(sampled.samples[1])
        figures.append(_row(fig, got))
    result = {"versions": {"new": new.scanpy, "old": old.scanpy}, "suite_from": f"scanpy {suite_version} sdist",
              "dataset": DATASET, "numpy": new.versions.get("numpy"), "figures": figures}
    atomic.write_text(out_dir / "peer.json", json.dumps(result, indent=1) + "\n")
    return result


def _row(fig: Figure, got: dict) -> dict:
    theirs = stats.ratio_interval(*got["theirs"])
    ours = stats.ratio_interval(*got["ours"])
    return {"figure": fig.name, "theirs": theirs.as_dict(), "ours": ours.as_dict(),
            "theirs_ms": [stats.estimate(s) * 1e3 for s in got["theirs"]],
            "ours_ms": [stats.estimate(s) * 1e3 for s in got["ours"]],
            "ratio_of_the_two": ours.ratio / theirs.ratio, "why": fig.why}


HEADER = ["figure", "scanpy's suite", "rngbench", "ratio of the two (rngbench / scanpy's)", "why they differ"]


def _cell(interval: dict, ms: list[float]) -> str:
    low, high = interval["ci"]
    return f"**{interval['ratio']:.2f}×** ({low:.2f}–{high:.2f}; {ms[0]:.3g} vs {ms[1]:.3g} ms)"


def section(out_dir: Path) -> list[str]:
    """The peer table for the report's README, from ``peer.json`` when ``rngbench bench peer`` wrote one."""
    path = out_dir / "peer.json"
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    v = data["versions"]
    rows = [[markdown.code(f["figure"]), _cell(f["theirs"], f["theirs_ms"]), _cell(f["ours"], f["ours_ms"]),
             f"{f['ratio_of_the_two']:.2f}", f["why"]] for f in data["figures"]]
    return [f"## Beside scanpy's own suite (scanpy {v['new']} / {v['old']}, {data['dataset']})", "",
            f"`rngbench bench peer`: scanpy's asv suite ({data['suite_from']}) and ours, in the same environments, "
            "interleaved; each ratio is newest / previous scanpy with its 95 % bootstrap interval.", "",
            markdown.table(HEADER, rows), ""]
