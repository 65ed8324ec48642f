"""NEP 19 verdicts, table-driven."""

from __future__ import annotations

import pytest

from rngbench.streams.policy import method_name, policy_of, verdict


@pytest.mark.parametrize("target,method,expected", [
    ("PCG64", "random_raw", "bitgen"),
    ("SeedSequence", "spawn", "bitgen"),
    ("Generator[PCG64]", "integers", "nep19-must"),
    ("Generator[MT19937]", "random", "nep19-must"),
    ("Generator[PCG64]", "bytes", "nep19-must"),
    ("Generator[PCG64]", "binomial", "generator"),
    ("RandomState", "binomial", "legacy"),
    ("np.random", "normal", "legacy"),
])
def test_policy_of(target, method, expected):
    assert policy_of(target, method) == expected


@pytest.mark.parametrize("policy,kind,st_from,st_to,v_from,v_to,expected", [
    ("generator", "stream", "ok", "ok", "1.25.2", "1.26.0", "allowed"),
    ("generator", "stream", "ok", "ok", "1.26.0", "1.26.1", "bugfix-release"),
    ("generator", "state", "ok", "ok", "2.4.5", "2.4.6", "bugfix-release"),
    ("legacy", "stream", "ok", "ok", "1.25.2", "1.26.0", "violation"),
    ("legacy", "roundoff", "ok", "ok", "1.25.2", "1.26.0", "roundoff-only"),
    ("nep19-must", "stream", "ok", "ok", "1.25.2", "1.26.0", "violation"),
    ("bitgen", "state", "ok", "ok", "1.17.0", "1.17.1", "violation"),
    ("bitgen", "absent", "absent", "ok", "1.20.3", "1.21.0", "allowed"),
    ("legacy", "absent", "ok", "absent", "1.26.4", "2.0.0", "violation"),
    ("generator", "absent", "ok", "absent", "1.26.4", "2.0.0", "allowed"),
    ("legacy", "raises", "raises", "ok", "1.16.0", "1.17.0", "allowed"),
    ("legacy", "raises", "ok", "raises", "1.16.0", "1.17.0", "violation"),
    ("generator", "raises", "ok", "raises", "1.21.0", "1.21.1", "bugfix-release"),
])
def test_verdicts(policy, kind, st_from, st_to, v_from, v_to, expected):
    assert verdict(policy, kind, st_from, st_to, v_from, v_to) == expected


def test_method_names_follow_changes_json():
    assert method_name("Generator[MT19937]", "binomial") == "Generator.binomial"
    assert method_name("np.random", "normal") == "np.random.normal"
    assert method_name("PCG64", "advance") == "PCG64.advance"
