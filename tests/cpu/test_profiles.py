"""The portable profile and the masks are data; applying them is one function."""

from __future__ import annotations

from rngbench.platform import profiles


def test_profile_wins_over_a_mask_and_expands_numpy_dispatch():
    mask, _ = profiles.MASKS["haswell"]
    env = profiles.environ("portable", {"PATH": "/bin", "OPENBLAS_CORETYPE": "SkylakeX"}, ["X86_V3", "X86_V4"], mask)
    assert env["OPENBLAS_CORETYPE"] == "Prescott"
    assert env["NUMBA_CPU_NAME"] == "generic"
    assert env["NPY_DISABLE_CPU_FEATURES"] == "X86_V3 X86_V4"
    assert env["PATH"] == "/bin"


def test_native_keeps_what_the_caller_set():
    env = profiles.environ("native", {"OPENBLAS_CORETYPE": "Sandybridge"}, [], {"NUMBA_CPU_NAME": "haswell"})
    assert env == {"OPENBLAS_CORETYPE": "Sandybridge", "NUMBA_CPU_NAME": "haswell"}
    assert profiles.without_layers(env) == {}


def test_every_layer_has_a_portable_setting_and_the_profile_is_their_union():
    assert all(layer.portable for layer in profiles.LAYERS)
    assert profiles.PROFILES["portable"] == {k: v for layer in profiles.LAYERS for k, v in layer.portable.items()}
    assert set(profiles.PROFILES["portable"]) <= set(profiles.VARIABLES)


def test_masks_go_down_only_where_the_cpu_can_run_them():
    assert profiles.runnable(profiles.MASKS["haswell"][1], {"avx2", "fma", "bmi2", "movbe"})
    assert not profiles.runnable(profiles.MASKS["haswell"][1], {"sse2"})
    assert profiles.runnable(profiles.MASKS["x86-64-baseline"][1], set())


def test_exemptions_say_why_and_how_much():
    for e in profiles.EXEMPTIONS:
        assert e.reason and e.measured and e.layer in profiles.BY_NAME
