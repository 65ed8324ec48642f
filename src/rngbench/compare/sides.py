"""What BASE and HEAD of ``rngbench compare`` mean.

asv compares commits of one repository; our users compare *versions*.  A side
is therefore two things: which benchmark code runs (the suite's working tree,
or a git revision of it) and which environment it runs in (requirements such
as ``scanpy==1.12.4``, a wheel, a local checkout).  An argument names one of
the two and the other comes from the defaults, so ``compare HEAD~1 HEAD``
compares suite revisions in one environment and ``compare scanpy==1.12.4
scanpy==1.13.0a2`` compares environments with one suite.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from rngbench.errors import RngbenchError
from rngbench.util import atomic


class SideError(RngbenchError):
    """A one-line reason why an argument is not a side."""


@dataclass(frozen=True)
class SideSpec:
    label: str  # as typed
    revision: str | None = None  # a full commit of the suite, or None for the working tree
    requirements: tuple[str, ...] = field(default_factory=tuple)  # overrides of the default requirements


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SideError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"git {' '.join(args)} failed")
    return out.stdout.strip()


def git_root(path: Path) -> Path:
    return Path(git(path, "rev-parse", "--show-toplevel"))


def resolve_revision(repo: Path, text: str) -> str | None:
    """The full commit ``text`` names in the suite's repository, or None."""
    if not re.fullmatch(r"[A-Za-z0-9._/~^@{}-]+", text) or text.startswith("-"):
        return None
    out = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{text}^{{commit}}"],
                         capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else None


def _requirement(token: str) -> str:
    path = Path(token).expanduser()
    if token.endswith(".whl"):
        if not path.is_file():
            raise SideError(f"no wheel at {token}")
        return str(path.resolve())
    if path.is_dir():
        if not any((path / name).exists() for name in ("pyproject.toml", "setup.py")):
            raise SideError(f"{token} is a directory but not a Python project (no pyproject.toml or setup.py)")
        return str(path.resolve())
    try:
        req = Requirement(token)
    except InvalidRequirement:
        raise SideError(f"cannot read {token!r}: not a git revision of the suite, a wheel, a local checkout, "
                        f"or a requirement such as scanpy==1.12.4") from None
    if not req.specifier and not req.url:
        raise SideError(f"{token!r} pins no version: write e.g. {req.name}==1.2.3 (or a git revision of the suite)")
    return str(req)


def parse(text: str, suite_repo: Path) -> SideSpec:
    """A git revision of the suite, or whitespace-separated requirements / wheels / checkouts."""
    text = text.strip()
    if not text:
        raise SideError("empty side")
    revision = resolve_revision(suite_repo, text)
    if revision and not Path(text).exists():
        return SideSpec(text, revision=revision)
    return SideSpec(text, requirements=tuple(_requirement(tok) for tok in text.split()))


def requirement_name(req: str) -> str | None:
    """The distribution a requirement pins (None for a wheel or checkout path, read later from the install)."""
    if req.endswith(".whl"):
        return canonicalize_name(Path(req).name.split("-")[0])
    if "/" in req:
        return None
    try:
        return canonicalize_name(Requirement(req).name)
    except InvalidRequirement:
        return None


def merge_requirements(defaults: list[str], overrides: tuple[str, ...]) -> list[str]:
    """Defaults with every package a side names replaced by the side's pin."""
    named = {requirement_name(r) for r in overrides} - {None}
    kept = [r for r in defaults if requirement_name(r) not in named]
    return kept + list(overrides)


def is_local(req: str) -> bool:
    return "/" in req and not req.startswith(("git+", "http"))


def export_revision(repo: Path, commit: str, cache: Path) -> Path:
    """The suite's files at ``commit``, unpacked once into ``cache/<commit>`` (asv imports benchmarks from disk)."""
    target = cache / commit
    marker = target / ".rngbench-exported"
    if marker.exists():
        return target
    data = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", commit], capture_output=True)
    if data.returncode != 0:
        raise SideError(f"git archive {commit[:12]} failed: {data.stderr.decode(errors='replace').strip()}")
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data.stdout)) as tar:
        tar.extractall(target, filter="data")
    atomic.write_text(marker, commit + "\n")
    return target
