"""Summary tables of replicated runs: statistics with the outcomes' labels and units.

``summary_table`` gives mean, SD, n and 95% CI per scenario and outcome;
``difference_table`` the paired differences from a baseline scenario (same
seed per replication); both carry each outcome's label and unit from
``sim.model.outcomes``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sim.analysis import statistics
from sim.model.outcomes import OUTCOMES

#: How the intervals and tests of the summary tables are computed (for manifests).
CI_NOTE = (
    "95% t-based interval of the mean across replications: mean ± t(0.975, n-1)·sd/√n; "
    "paired differences are scenario minus baseline within each replication; p_value is "
    "the two-sided paired t-test, p_value_wilcoxon the Wilcoxon signed-rank test"
)


def outcome_info() -> dict[str, dict[str, str]]:
    """Return ``label``, ``unit`` and ``description`` of each declared outcome."""
    return {
        o.name: {"label": o.label, "unit": o.unit, "description": o.description} for o in OUTCOMES
    }


def summary_table(runs: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """Per scenario and outcome: mean, sd, n and 95% CI of the final values.

    Args:
        runs: Output of ``final_values``.
        outcomes: Outcome names (absent ones are skipped).

    Returns:
        ``sim.analysis.statistics.summarize`` output with ``label`` and ``unit`` columns.
    """
    table = statistics.summarize(runs, "scenario", outcomes)
    return add_labels(table)


def difference_table(runs: pd.DataFrame, outcomes: Sequence[str], baseline: str) -> pd.DataFrame:
    """Paired differences of final values from the baseline scenario.

    Args:
        runs: Output of ``final_values``.
        outcomes: Outcome names (absent ones are skipped).
        baseline: Name of the baseline scenario.

    Returns:
        ``sim.analysis.statistics.paired_differences`` output with ``label`` and ``unit``.
    """
    table = statistics.paired_differences(runs, outcomes, baseline)
    return add_labels(table)


def add_labels(table: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``table`` with ``label`` and ``unit`` columns after ``outcome``."""
    info = outcome_info()
    pos = list(table.columns).index("outcome") + 1
    table = table.copy()
    table.insert(pos, "label", [info.get(o, {}).get("label", o) for o in table["outcome"]])
    table.insert(pos + 1, "unit", [info.get(o, {}).get("unit", "") for o in table["outcome"]])
    return table
