"""Shared fixtures: one in-process recording of the installed numpy, reused by every test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rngbench.streams.recorder import record
from rngbench.streams.store import Store, read_recorder_output

REPO = Path(__file__).resolve().parents[1]
KNOWN_ANSWERS = REPO.parent / "shared" / "known-answer" / "numpy-random"
COMMITTED_STORE = REPO / "stream_fixtures"


@pytest.fixture(scope="session")
def recorded(tmp_path_factory) -> Path:
    """The installed numpy recorded once by the standalone recorder (as the matrix does)."""
    out = tmp_path_factory.mktemp("rec") / "installed"
    record.write_record(str(out))
    return out


@pytest.fixture(scope="session")
def session_store(tmp_path_factory, recorded) -> Path:
    root = tmp_path_factory.mktemp("store") / "stream_fixtures"
    doc, cases = read_recorder_output(recorded)
    Store(root).add_release(doc, cases)
    return root


@pytest.fixture
def store_copy(tmp_path, session_store) -> Path:
    """A private copy a test may damage."""
    root = tmp_path / "stream_fixtures"
    shutil.copytree(session_store, root)
    return root
