"""The township level (issue 28, item 1): five levels of government in a national run.

Seed [004] has government in five levels; the national scenarios lay out the
end-2022 counts (MODEL.md section 6: 34 provincial, 333 prefectural, 2,844
county and 38,741 township-level units). A township government has a few
offices; its needs are served by its own, the county's or higher
governments' platforms through the central-local link, and by line
ministries' vertical systems. Each test would fail if the level, its counts
or those links were missing.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import run_model
from pydantic import ValidationError

from sim.experiments.inputs.scenarios import load_scenario
from sim.model.parameters import make_parameters
from sim.model.state import PEER_USER, PLATFORM_USER
from sim.model.structure import (
    CENTRAL,
    COUNTY,
    LEVEL_NAMES,
    PREFECTURAL,
    PROVINCIAL,
    TOWNSHIP,
    TOWNSHIP_OFFICE_SPREAD,
    build_structure,
)

#: A small five-level hierarchy: one province, two prefectures, four counties, 16 townships.
FIVE_LEVELS = {
    "n_provinces": 1,
    "n_prefectures": 2,
    "n_counties": 4,
    "n_townships": 16,
    "n_departments": 12,
    "department_spread": 0,
    "months": 72,
}
SEEDS = range(4)


@pytest.mark.parametrize("design", ["national_dispersed", "national_centralized"])
def test_national_scenarios_lay_out_the_end_2022_counts_in_five_levels(design):
    p = load_scenario(design).parameters
    s = build_structure(p, np.random.default_rng(0))
    counts = np.bincount(s.level, minlength=len(LEVEL_NAMES))
    assert counts.tolist() == [1, 34, 333, 2844, 38741]
    assert LEVEL_NAMES[TOWNSHIP] == "township"
    # Every government sits under one of the level just above it.
    below_top = s.parent >= 0
    assert (s.level[s.parent[below_top]] == s.level[below_top] - 1).all()
    # The centre's departments are the ministries; a township has a few offices.
    assert s.size[s.level == CENTRAL].tolist() == [p.n_ministries]
    township = s.size[s.level == TOWNSHIP]
    assert township.min() >= p.township_offices - TOWNSHIP_OFFICE_SPREAD
    assert township.max() <= p.township_offices + TOWNSHIP_OFFICE_SPREAD
    upper = s.size[(s.level > CENTRAL) & (s.level < TOWNSHIP)]
    assert upper.min() >= p.n_departments - p.department_spread
    assert township.max() < upper.min()
    # A township's chain of ancestors runs county, prefecture, province, centre.
    chain = s.ancestors[s.level == TOWNSHIP]
    assert [set(s.level[chain[:, d]].tolist()) for d in range(4)] == [
        {COUNTY},
        {PREFECTURAL},
        {PROVINCIAL},
        {CENTRAL},
    ]


@pytest.mark.parametrize("name", ["province_centralized", "three_provinces_dispersed"])
def test_province_scenarios_follow_with_townships(name):
    p = load_scenario(name).parameters
    s = build_structure(p, np.random.default_rng(0))
    counts = np.bincount(s.level, minlength=len(LEVEL_NAMES))
    # Townships per province as in the country (38,741 / 34).
    assert counts[TOWNSHIP] == round(38741 / 34 * p.n_provinces)


def test_four_levels_remain_one_override_away():
    p = load_scenario("national_centralized").with_overrides(n_townships=0).parameters
    s = build_structure(p, np.random.default_rng(0))
    assert TOWNSHIP not in s.level
    assert s.ancestors.shape[1] == 3


def test_townships_need_counties_to_sit_under():
    with pytest.raises(ValidationError, match="n_townships > 0 needs n_counties"):
        make_parameters(n_provinces=1, n_prefectures=2, n_counties=0, n_townships=5)


def _township_rows(model):
    return model.structure.level[model.dept_jur] == TOWNSHIP


def test_county_and_higher_platforms_serve_townships_through_the_central_local_link():
    """With the link, township offices use county and higher platforms; without it, never."""
    served_above = {1.0: [], 0.0: []}
    county_served = []
    for link in served_above:
        for seed in SEEDS:
            m = run_model("centralized", seed, **FIVE_LEVELS, central_local_link=link)
            rows, ks = np.nonzero((m.access == PLATFORM_USER) & _township_rows(m)[:, None])
            target = m.wait_target[rows, ks]
            above = target != m.dept_jur[rows]
            served_above[link].append(int(above.sum()))
            if link == 1.0:
                county_served.append(int((m.structure.level[target] == COUNTY).sum()))
    assert all(n > 0 for n in served_above[1.0]), served_above
    assert sum(county_served) > 0, county_served
    assert served_above[0.0] == [0] * len(SEEDS), served_above


def test_line_ministries_vertical_systems_reach_township_offices():
    """Township offices use their line ministry's own system only when the line reaches them."""
    used = {1.0: 0, 0.0: 0}
    for reach in used:
        for seed in SEEDS:
            m = run_model("dispersed", seed, **FIVE_LEVELS, line_ministry_reach=reach)
            rows, ks = np.nonzero((m.access == PEER_USER) & _township_rows(m)[:, None])
            provider = m.peer_provider[rows, ks]
            used[reach] += int((m.structure.level[m.dept_jur[provider]] == CENTRAL).sum())
    assert used[1.0] > 0 and used[0.0] == 0, used
