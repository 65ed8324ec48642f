"""Two-parameter sweep lines: data only, expanded into readable unique cases that hold what the line says."""

from __future__ import annotations

import json
import math

import pandas as pd

from rngbench.streams import grids
from rngbench.streams.recorder import catalogue

IDS = {c["id"]: c for c in catalogue.expand()}


def lines(method, rule=None):
    return [line for line in catalogue.SWEEPS if line["method"] == method
            and (rule is None or (line["derive"] is not None and line["derive"][1] == rule))]


def test_every_sweep_line_is_plain_data():
    for line in catalogue.SWEEPS:
        assert set(line) == {"method", "apis", "axes", "fixed", "derive", "skip"}
        json.dumps(line)  # numbers, strings, lists and dicts only: no code in a line
        assert line["derive"] is None or line["derive"][1] in catalogue.DERIVE
        assert set(line["apis"]) <= set(catalogue.SWEEP_TARGETS)


def test_points_are_named_by_their_parameters_readably():
    assert "RandomState.binomial[sweep:n=1e9,p=3e-08]" in IDS  # n * p = 30 along n
    assert "Generator[PCG64].binomial[sweep:n=1e18,p=1e-17]" in IDS  # n * p = 10: inversion, p below 1.1e-16
    assert "Generator[PCG64].hypergeometric[sweep:nbad=1e4,ngood=1e8,nsample=10]" in IDS
    assert "RandomState.dirichlet[sweep:alpha=3x0.1]" in IDS
    assert "RandomState.multinomial[sweep:n=1e18,pvals=(1e-20,0.0)]" in IDS
    assert not [cid for cid, c in IDS.items() if "[" in c["regime"] or "]" in c["regime"]]  # ids split at the last [
    case = IDS["RandomState.binomial[sweep:n=1e9,p=3e-08]"]
    assert case["params"] == {"n": 10 ** 9, "p": 30 / 10 ** 9, "size": catalogue.SWEEP_N}
    assert catalogue.format_value(30 * 10 ** 9) == "3e10" and catalogue.format_value(100) == "100"


def test_a_point_two_lines_reach_is_one_case_with_both_lines():
    origins = catalogue.sweep_origins()
    # n = 100, p = 0.5 lies on the one-parameter line p; n=100, on n; p=0.5, and on n * q = ... no: on two lines
    labels = origins["RandomState.binomial[sweep:n=100,p=0.5]"]
    assert "binomial p; n=100" in labels and "binomial n; p=0.5" in labels
    assert len(origins) == len(set(origins)) == len(catalogue.sweep_lines())


def test_diagonals_hold_their_product_ratio_or_share():
    checks = {  # each holds to the rounding of the derived double (1 - p loses p's low bits: half an ulp of 1)
        "product": lambda p, c: math.isclose(p["n"] * p["p"], c, rel_tol=1e-12),
        "complement_product": lambda p, c: abs(p["n"] * (1 - p["p"]) - c) <= p["n"] * 2.3e-16,
        "ratio": lambda p, c: math.isclose(p["scale"] / p["mean"], c, rel_tol=1e-12),
    }
    for rule, measure in checks.items():
        for method in ("binomial", "wald"):
            for line in lines(method, rule):
                if line["derive"][5]:
                    continue  # neighbouring doubles: checked below
                constants = line["derive"][3]
                points = catalogue.line_points(line)
                assert points
                for point in points:
                    assert any(measure(point, c) for c in constants), (rule, point)
    products = {p["n"] * p["p"] for line in lines("binomial", "product") if not line["derive"][5]
                for p in catalogue.line_points(line)}
    assert {0.1, 1.0, 10.0, 30.0, 1000.0} <= {round(x, 9) for x in products}
    for line in lines("hypergeometric", "share"):
        for point in catalogue.line_points(line):
            assert point["nsample"] == round(0.5 * (point["ngood"] + point["nbad"]))


def test_thresholds_come_with_both_neighbouring_doubles():
    (line,) = [line for line in lines("binomial", "product") if line["derive"][5]]
    points = {(p["n"], p["p"]) for p in catalogue.line_points(line)}
    low, high = line["derive"][4]
    for n in line["axes"]["n"]:
        t = 30.0 / n
        wanted = {(n, p) for p in (math.nextafter(t, 0.0), t, math.nextafter(t, 1.0)) if low <= p <= high}
        assert len(wanted) >= 2 and wanted <= points
    half = [p["p"] for p in catalogue.line_points(catalogue.sweep("binomial", n=(61,), p=catalogue.around(0.5)))]
    assert half == [math.nextafter(0.5, 0.0), 0.5, math.nextafter(0.5, 1.0)]


def test_regions_old_releases_never_leave_are_skipped():
    for case in IDS.values():
        if case["method"] == "beta" and case["regime"].startswith(catalogue.SWEEP_PREFIX):
            a, b = case["params"]["a"], case["params"]["b"]
            limit = 1e-20 if case["target"].startswith("Generator") else 1e-3
            assert not (a < limit and b < limit) and not (1e-20 < a <= 1e-8 and 1e-20 < b <= 1e-8), case["id"]


def test_grids_cover_every_two_parameter_distribution_on_both_apis():
    two = {"binomial", "hypergeometric", "negative_binomial", "beta", "gamma", "wald", "vonmises",
           "noncentral_chisquare", "noncentral_f", "f", "multinomial"}
    covered = {(line["method"], api) for line in catalogue.SWEEPS if catalogue.is_grid(line) for api in line["apis"]}
    assert {(m, api) for m in two for api in catalogue.BOTH} <= covered


def test_one_parameter_lines_through_a_point():
    on_line = IDS["RandomState.binomial[sweep:n=1e9,p=1e-20]"]
    assert catalogue.one_dimensional_through(on_line) == ["binomial p; n=1e9"]
    off_line = IDS["Generator[PCG64].binomial[sweep:n=1e18,p=1e-17]"]
    assert catalogue.one_dimensional_through(off_line) == []
    beta = IDS["Generator[PCG64].beta[sweep:a=1e-05,b=1e-05]"]
    assert catalogue.one_dimensional_through(beta) == ["beta a; b=$a (Generator)"]


def test_grid_only_findings_drop_changes_other_cases_found():
    grid_id = "Generator[PCG64].binomial[sweep:n=1e18,p=1e-17]"
    hand_id = "Generator[PCG64].binomial[btpe-large-mean]"
    row = {"method": "Generator.binomial", "policy": "generator", "kind": "stream", "first_index": 0,
           "fraction": 1.0, "max_rel": None, "verdict": "allowed", "platform": None}
    frame = pd.DataFrame([
        dict(row, case=grid_id, regime="sweep:n=1e18,p=1e-17", **{"from": "2.3.5", "to": "2.4.0"}),
        dict(row, case=grid_id, regime="sweep:n=1e18,p=1e-17", **{"from": "2.4.6", "to": "2.5.0"}),
        dict(row, case=hand_id, regime="btpe-large-mean", **{"from": "2.4.6", "to": "2.5.0"}),
    ])
    found = grids.describe(grids.grid_only_findings(frame))
    assert list(found["to"]) == ["2.4.0"]
    assert found.iloc[0]["parameters"] == "n=1e18,p=1e-17" and found.iloc[0]["one_dimensional"] == "none"
    assert "binomial n; p by product(n)" in found.iloc[0]["lines"]
