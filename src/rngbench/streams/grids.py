"""Which stream changes only the two-parameter sweeps found, and whether a one-parameter sweep could have.

A change counts as the grids' own when its case is a point that only grid or diagonal lines reach
(``catalogue.is_grid``) and no hand-picked regime or one-parameter sweep point of the same method changed in
the same release transition the same way.  For each one the report names the lines that reach the point and the
one-parameter lines passing through it (same parameters except the swept one): a finer one-parameter grid along
such a line could have found the change; with none, only a sweep over both parameters could.
"""

from __future__ import annotations

import pandas as pd

from rngbench.streams.recorder import catalogue

COLUMNS = ["method", "parameters", "from", "to", "kind", "first_index", "fraction", "verdict", "lines",
           "one_dimensional", "case"]


def _base_method(method: pd.Series) -> pd.Series:
    """``RandomState.x / np.random.x`` -> ``RandomState.x``: sweeps run RandomState only."""
    return method.str.replace(r" / np\.random\.\w+$", "", regex=True)


def grid_only_findings(frame: pd.DataFrame, origins: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """The rows of ``frame`` (report.changes_frame, platform rows dropped) that only grid points found."""
    origins = catalogue.sweep_origins() if origins is None else origins
    labels_grid = {catalogue.line_label(line) for line in catalogue.SWEEPS if catalogue.is_grid(line)}
    real = frame[frame["kind"] != "platform"]
    grid_point = real["case"].map(lambda cid: bool(origins.get(cid)) and set(origins[cid]) <= labels_grid)
    method = _base_method(real["method"])
    keys = list(zip(method, real["from"], real["to"], real["kind"]))
    seen = {key for key, is_grid in zip(keys, grid_point) if not is_grid}
    found = real[[is_grid and key not in seen for key, is_grid in zip(keys, grid_point)]]
    return found.assign(lines=found["case"].map(lambda cid: "; ".join(origins[cid])))


def describe(found: pd.DataFrame, cases: dict[str, dict] | None = None) -> pd.DataFrame:
    """``found`` with the point's parameters and the one-parameter lines through it (``COLUMNS``)."""
    if found.empty:
        return pd.DataFrame(columns=COLUMNS)
    cases = {c["id"]: c for c in catalogue.expand()} if cases is None else cases
    through = {cid: "; ".join(catalogue.one_dimensional_through(cases[cid])) or "none"
               for cid in set(found["case"]) if cid in cases}
    return found.assign(
        parameters=found["regime"].str.replace(catalogue.SWEEP_PREFIX, "", regex=False),
        one_dimensional=found["case"].map(lambda cid: through.get(cid, "?")),
    )[COLUMNS]
