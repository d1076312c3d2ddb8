"""Drivers of the paired differences (sim.analysis.drivers): PAWN indices with a noise floor."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis import drivers


def _worlds(n: int = 200, reps: int = 3, noise: float = 0.3, seed: int = 1) -> pd.DataFrame:
    """Worlds where the difference follows ``strong``, a little ``weak``, never ``idle``."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(
        {
            "point": range(n),
            "strong": rng.uniform(0, 1, n),
            "weak": rng.uniform(0, 1, n),
            "idle": rng.uniform(0, 1, n),
        }
    )
    rows = x.loc[x.index.repeat(reps)].assign(replication=list(range(reps)) * n)
    rows["cost"] = 3 * rows["strong"] + 0.6 * rows["weak"] + rng.normal(0, noise, len(rows))
    rows["pure_noise"] = rng.normal(0, 1, len(rows))
    return rows.reset_index(drop=True)


def test_a_planted_driver_is_above_the_floor_and_an_idle_input_is_not():
    table = drivers.driver_indices(
        _worlds(), ["strong", "weak", "idle"], ["cost", "pure_noise"], resamples=60
    )
    assert list(table.columns) == list(drivers.DRIVER_COLUMNS)
    cost = table[table["outcome"] == "cost"].set_index("parameter")
    assert cost.index[0] == "strong"  # largest first
    assert cost.loc["strong", "above_floor"]
    assert (
        cost.loc["strong", "ci_low"] <= cost.loc["strong", "index"] <= cost.loc["strong", "ci_high"]
    )
    assert not cost.loc["idle", "above_floor"]
    assert cost.loc["idle", "index"] < cost.loc["strong", "index"]
    # Nothing drives pure seed noise, and the seed share says it is all noise.
    noise = table[table["outcome"] == "pure_noise"]
    assert not noise["above_floor"].any()
    assert noise["seed_share"].iloc[0] > 0.8
    assert cost["seed_share"].iloc[0] < 0.2
    assert (cost["worlds"] == 200).all() and (cost["replications"] == 3).all()


def test_the_seed_share_grows_with_seed_noise_and_the_table_is_reproducible():
    quiet = drivers.driver_indices(_worlds(noise=0.1), ["strong"], ["cost"], resamples=20)
    loud = drivers.driver_indices(_worlds(noise=3.0), ["strong"], ["cost"], resamples=20)
    assert quiet["seed_share"].iloc[0] < loud["seed_share"].iloc[0]
    again = drivers.driver_indices(_worlds(noise=0.1), ["strong"], ["cost"], resamples=20)
    pd.testing.assert_frame_equal(quiet, again)


def test_too_few_worlds_give_no_index_rather_than_a_number():
    table = drivers.driver_indices(_worlds(n=10), ["strong"], ["cost"], resamples=5)
    assert table["index"].isna().all() and not table["above_floor"].any()


def test_paired_worlds_subtracts_the_reference_run_of_the_same_seed():
    base = pd.DataFrame(
        {"point": [0, 0, 1], "replication": [0, 1, 0], "a": [0.1, 0.1, 0.9], "y": [1.0, 2.0, 3.0]}
    )
    other = base.assign(y=[1.5, 2.0, 5.0])
    frame = drivers.paired_worlds({"r": base, "d": other}, "r", "d", ["a"], ["y"])
    assert frame["y"].tolist() == [0.5, 0.0, 2.0]
    assert frame["a"].tolist() == [0.1, 0.1, 0.9]


@pytest.mark.parametrize("worlds", range(60, 240, 15))
def test_pawn_slices_are_ones_salib_can_cut(worlds):
    # SALib's PAWN cuts slices at np.arange(0, 1 + 1/S, 1/S): for S = 6 or 9 rounding
    # puts an edge past 1 and it raises (the main job's 100 worlds gave S = 6).
    slides = drivers.slides_for(worlds)
    rng = np.random.default_rng(0)
    x, y = rng.uniform(size=(worlds, 3)), rng.normal(size=worlds)
    assert drivers._pawn(x, y, slides).shape == (3,)
