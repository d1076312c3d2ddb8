"""Capabilities that differ, systems that retire, peer adoption in both designs (issue 25)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL, final, make_model, run_model
from scipy import stats

from sim.model import choices, platform_plans, routes, running_costs, systems
from sim.model.capabilities import N_COMMON, N_SUBFUNCTIONS
from sim.model.state import OPEN, OWN, PEER_USER, PLATFORM_OPERATING, PLATFORM_USER, WAITING

SEEDS = tuple(range(20))


def _bundle(*bits: int) -> int:
    return sum(1 << b for b in bits)


# ------------------------------------------------------------ bundles and overlap
def test_overlap_is_jaccard_above_the_threshold():
    table = systems.overlap_table(0.8)
    five = _bundle(0, 1, 2, 3, 4)
    assert table[five, five]  # identical systems are duplicative
    assert not table[five, _bundle(5, 6)]  # disjoint ones are not
    # 4 shared of 5 together is 0.8: not more than the threshold.
    assert not table[five, _bundle(0, 1, 2, 3)]
    # 5 shared of 6 together is 0.83.
    assert table[_bundle(0, 1, 2, 3, 4, 5), five]
    # A small add-on inside a large system is not its duplicate.
    assert not table[_bundle(0, 1, 2, 3, 4, 5, 6, 7), _bundle(7)]
    assert (table == table.T).all() and not table[0].any()


def test_platform_fit_covers_that_share_most_needed_first():
    rng = np.random.default_rng(0)
    assert (systems.fit_mask(1.0, rng.random(10)) == systems.FULL_MASK).all()
    assert (systems.fit_mask(0.0, rng.random(10)) == 1).all()  # the core always
    masks = systems.fit_mask(0.6, rng.random(20_000))
    coverage = systems.POPCOUNT[masks] / N_SUBFUNCTIONS
    assert coverage.mean() == pytest.approx(0.6, abs=0.01)
    # Most needed first: every bundle is a run of the lowest sub-functions.
    assert ((masks & (masks + 1)) == 0).all()


def test_need_heterogeneity_sets_how_alike_bundles_are():
    same = make_model(None, 0, need_heterogeneity=0.0, **SMALL)
    assert (same.need_mask == systems.FULL_MASK).all()
    varied = make_model(None, 0, need_heterogeneity=1.0, n_departments=400, months=12)
    assert (varied.need_mask & 1).all()  # the core by everyone
    assert not (varied.need_mask & (1 << (N_SUBFUNCTIONS - 1))).any()  # the last by nobody
    assert len(np.unique(varied.need_mask)) > 50


def test_duplicative_members_counted_as_by_brute_force():
    model = make_model(None, 0, **SMALL)
    rng = np.random.default_rng(1)
    jurs = np.zeros(60, dtype=np.int64)
    cells = rng.integers(0, systems.N_CELLS, 60)
    masks = rng.integers(1, systems.N_MASKS, 60)
    masks[:10] = masks[10]  # some identical ones for sure
    systems.add(model, jurs, cells, masks)
    systems.refresh_duplicative(model)
    table = systems.overlap_table(model.p.duplication_overlap_threshold)
    members = 0
    for i in range(60):
        others = [j for j in range(60) if j != i and cells[j] == cells[i]]
        members += any(table[masks[i], masks[j]] for j in others)
    assert model.dup_members.sum() == members
    assert model.system_total.sum() == 60


# --------------------------------------------------------- fit gaps and duplication
def test_a_full_fit_platform_needs_no_customization_a_poor_fit_does():
    # Identical bundles: every gap comes from the platform's fit.
    full = [
        run_model("centralized", s, platform_fit=1.0, need_heterogeneity=0.0, **SMALL)
        for s in range(4)
    ]
    poor = [
        run_model("centralized", s, platform_fit=0.3, need_heterogeneity=0.0, **SMALL)
        for s in range(4)
    ]

    def gaps(m):
        return m.tallies.total("customizations") + m.tallies.total("complementary_systems")

    assert sum(gaps(m) for m in full) == 0
    assert sum(gaps(m) for m in poor) > 0


def test_closing_a_gap_costs_money_and_time():
    model = make_model("centralized", 0, **SMALL)
    depts = np.arange(10)
    ks = np.zeros(10, dtype=np.int64)
    model.need_mask[depts, 0] = systems.FULL_MASK
    model.balance[:] = 100.0
    none = systems.close_gaps(model, depts, ks, np.full(10, systems.FULL_MASK))
    assert (none == 0).all() and model.balance[depts].sum() == 1000.0
    extra = systems.close_gaps(model, depts, ks, np.ones(10, dtype=np.int64))
    assert (extra > 0).all() and model.balance[depts].sum() < 1000.0
    closed = model.tallies.total("customizations") + model.tallies.total("complementary_systems")
    assert closed == 10
    # Complementary systems provide exactly what the platform lacks.
    built = model.own_mask[depts, 0] != 0
    assert (model.own_mask[depts[built], 0] == systems.FULL_MASK - 1).all()


def test_a_customized_platform_costs_more():
    model = make_model("centralized", 0, platform_fit_cost_share=0.5, **SMALL)
    jurs, ks = np.zeros(2, dtype=np.int64), np.zeros(2, dtype=np.int64)
    model.platform_mask[0, 0] = systems.FULL_MASK
    full = platform_plans.platform_cost(model, jurs[:1], ks[:1])[0]
    model.platform_mask[0, 0] = 1  # the core only
    core = platform_plans.platform_cost(model, jurs[:1], ks[:1])[0]
    assert core == pytest.approx(full * (1 - 0.5 + 0.5 / N_SUBFUNCTIONS))


def test_duplicative_share_falls_with_heterogeneity():
    alike = final("dispersed", SEEDS[:10], need_heterogeneity=0.0, **SMALL)
    varied = final("dispersed", SEEDS[:10], need_heterogeneity=0.9, **SMALL)
    diff = (alike["duplicative_investment_share"] - varied["duplicative_investment_share"]).values
    assert (diff > 0).sum() >= 9, diff


def test_duplicate_projects_need_overlap():
    # With a threshold only identical bundles pass and needs all different,
    # no completed common system is a duplicate of its capability's others.
    runs = final("dispersed", SEEDS[:4], need_heterogeneity=0.0, **SMALL)
    assert (runs["duplicate_project_share"] > 0.5).all()
    strict = final(
        "dispersed", SEEDS[:4], need_heterogeneity=1.0, duplication_overlap_threshold=0.99, **SMALL
    )
    assert (strict["duplicate_project_share"] < runs["duplicate_project_share"]).all()


# ----------------------------------------------------------------- retirement
def _check_stock(model) -> None:
    """The stock of systems, the owner lists and the upkeep agree with the state."""
    assert (model.mask_count >= 0).all()
    own = np.count_nonzero(model.own_mask)
    platforms = np.count_nonzero(model.platform_status == PLATFORM_OPERATING)
    business = np.count_nonzero(model.business_mask)
    assert own + platforms + business == model.system_total.sum() == model.mask_count.sum()
    full = np.zeros_like(model.own_count)
    rows, ks = np.nonzero(model.own_full)
    np.add.at(full, (model.dept_jur[rows], ks), 1)
    assert (full == model.own_count).all()
    for j, k in zip(*np.nonzero(model.own_count), strict=True):
        owners = model.owners[j, k, : model.own_count[j, k]]
        assert model.own_full[owners, k].all() and len(set(owners.tolist())) == len(owners)
    assert (model.registered_count <= model.own_count).all()
    assert np.count_nonzero(model.access == OWN) <= np.count_nonzero(model.own_full)
    assert (model.system_upkeep >= -1e-9).all()


@pytest.mark.parametrize("design", ["dispersed", "centralized", "gradual_reform"])
def test_systems_retire_and_the_stock_stays_consistent(design):
    model = make_model(design, 3, system_lifetime_months=24.0, n_departments=20, months=96)
    for _ in range(96):
        model.step()
        if model.month % 12 == 0:
            _check_stock(model)
    assert model.tallies.total("systems_retired") > 0
    assert model.tallies.total("renewals") > 0
    c = model.current
    assert 0 <= c["capability_coverage"] <= 1
    assert c["cum_service_months"] <= model.tallies.total("needs_served") * model.month


def test_no_system_retires_within_its_life():
    runs = final("centralized", SEEDS[:3], system_lifetime_months=600.0, **SMALL)
    assert (runs["cum_systems_retired"] == 0).all()


def test_upkeep_grows_with_age():
    base, built = np.array([1.0, 2.0]), np.array([0.0, 24.0])
    # Two systems of one owner at month 36: ages 3 and 1 years, growth 10%.
    due = running_costs.aged(base.sum(), (base * built).sum(), 36, 0.1)
    assert due == pytest.approx(1.0 * 1.3 + 2.0 * 1.1)
    flat = final("dispersed", SEEDS[:6], upkeep_age_growth=0.0, **SMALL)
    steep = final("dispersed", SEEDS[:6], upkeep_age_growth=0.5, **SMALL)
    assert steep["cum_operation_cost"].mean() > flat["cum_operation_cost"].mean()


def test_peer_users_lose_service_when_their_provider_retires():
    model = make_model(None, 0, **SMALL)
    k = 0
    owner, user = 0, 1
    model.access[owner, k] = OWN
    mask = np.array([int(model.need_mask[owner, k])])
    systems.register_own(model, np.array([owner]), np.array([k]), mask, np.ones(1), full=True)
    model.owners[0, k, 0] = owner
    model.own_count[0, k] = 1
    model.access[user, k] = PEER_USER
    model.peer_provider[user, k] = owner
    model.served_month[user, k] = 0.0
    arisen = model.tallies.total("needs_arisen")
    systems.retire_own(model, np.array([owner]), np.array([k]))
    assert model.access[user, k] == OPEN and model.peer_provider[user, k] == -1
    assert model.tallies.total("needs_service_ended") == 1
    assert model.tallies.total("needs_arisen") == arisen + 1
    assert model.own_count[0, k] == 0 and model.system_total.sum() == 0
    assert model.system_upkeep[owner] == 0.0


def test_renewing_owner_keeps_its_service():
    # An owner whose system reaches its end is served by it until the new
    # route serves: its service months are not interrupted.
    model = make_model("dispersed", 2, system_lifetime_months=12.0, n_departments=20, months=60)
    for _ in range(60):
        model.step()
        renewing = model.renewing
        assert np.isfinite(model.served_month[renewing]).all()
        assert (model.own_mask[renewing] != 0).all()


# ------------------------------------------------------- peer adoption (fact 10)
def _joiners(seed: int, contagion: float, members: int, operating: bool = True) -> int:
    """Departments of a dispersed government that join a co-built platform.

    Department 0 led a co-built platform of capability 0 (Lee 2010's lead
    department, no center), in operation or still being built, and
    ``members`` others already use it (or wait for it); the last 20
    departments have the need open and choose this month.
    """
    model = make_model("dispersed", seed, adoption_contagion=contagion, n_departments=40, months=24)
    k = np.zeros(1, dtype=np.int64)
    platform_plans.start_cobuilt(model, np.array([0]), k)
    users = np.arange(members + 1)
    if operating:
        model.platform_status[0, 0] = PLATFORM_OPERATING
        model.access[users, 0] = PLATFORM_USER
        joined = PLATFORM_USER
    else:
        routes.wait_for_platform(model, users, np.zeros(len(users), dtype=np.int64), users * 0)
        joined = WAITING
    model.access[20:, 0] = OPEN
    choices.decide_common_needs(model)
    return int(np.count_nonzero(model.access[20:, 0] == joined))


def test_adoption_contagion_acts_in_the_dispersed_design():
    # MODEL.md fact 10 in the dispersed design: a department's chance to join
    # a co-built (shared, lead-department) platform rises with the share of
    # its peers already in it. Paired over seeds: the same draws, with and
    # without contagion.
    diff = np.array([_joiners(s, 0.6, 19) - _joiners(s, 0.0, 19) for s in SEEDS])
    nonzero = diff[diff != 0]
    p = stats.binomtest(int((nonzero > 0).sum()), len(nonzero), 0.5, alternative="greater").pvalue
    assert p < 0.01 and diff.mean() > 0, (diff, p)
    # The more peers already use it, the more join.
    few = sum(_joiners(s, 0.6, 0) for s in SEEDS)
    many = sum(_joiners(s, 0.6, 19) for s in SEEDS)
    assert many > few, (few, many)


def test_shared_use_counts_platform_peer_and_waiting_users():
    model = make_model(None, 0, **SMALL)
    model.access[:, :] = OPEN
    model.access[0, 2] = PLATFORM_USER
    model.access[1, 2] = PEER_USER
    model.access[2, 2] = WAITING
    model.access[3, 3] = OWN
    share = choices._shared_use(model, np.array([0, 0]), np.array([2, 3]))
    assert share == pytest.approx([3 / model.n_dept, 0.0])
    assert N_COMMON > 3
