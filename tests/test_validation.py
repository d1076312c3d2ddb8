"""The validation suite (sim/analysis/validation/): every stylized fact in full mode, and its tools.

The fact tests run ``run_validation()`` one fact at a time, as ``python run.py
validate-model`` does (100 paired replications, 40 departments, replications
batched in models; the docking check 200), each in its own process under
pytest-xdist. A failure prints the check's effect line.

Why the full mode: at the fast mode's 12 replications the verdicts depend on
the root seed (F1 failed at 6 of 6 other seeds, passing only at the default
one); at 100 replications F1 to F4, F6 and F7 passed at 7 of 7 root seeds
and F5 at 6 of 7 (docs/VALIDATION.md, "Verdicts across root seeds").
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats

from sim.analysis.validation import core, docking, facts_adoption, facts_sharing, inference, suite
from sim.analysis.validation.mutants import MUTANTS

#: Facts that do not hold: findings, not tuned away (issues 25, 26; docs/VALIDATION.md).
FINDINGS = {
    "F6": "issue 25: with the levers set to nothing, the stripped centralized design still "
    "covers about 0.086 more needs than the stripped dispersed one (0.073 on main before "
    "issue 25, then inside the 0.5 SD margin): its unified budget funds whole projects from "
    "the pool while departments now keep back their systems' upkeep for the year; with both "
    "halves of issue 25 merged the difference is 0.132 (90% CI 0.128 to 0.136, margin 0.080), "
    "and mean_months_to_service -4.71 (-4.90 to -4.52, margin 4.98)",
    "F1": "issue 25, both halves merged (passed on the capabilities branch): the ratio of the "
    "centralized to the dispersed slope of redundant systems per added department is 0.250 "
    "[0.228, 0.273] (dispersed "
    "slope 3.41 [3.18, 3.64], centralized 0.852 [0.792, 0.911]); the criterion asks for the "
    "centralized upper bound below 0.25 x the dispersed lower bound (sign test p 0.54)",
    "F4": "issue 26, institutionalized arm at body_permanence 0.8 (was 1.0, immune by "
    "formula): short tenure raises the share of needs not served within 24 months by 0.104 "
    "[0.072, 0.136] under centralized (0.8), against 0.142 [0.124, 0.159] under "
    "leading_group_temporary_office (F4.1: 0.142 - 2 x 0.104 = -0.067 [-0.129, -0.004]) and "
    "0.267 [0.234, 0.300] under centralized at permanence 0.1 (F4.2: 0.059 [-0.006, 0.123]); "
    "more, but not 'far more' (2x); F4.3 (no abandonment formula) passes, 0.150 [0.090, 0.211]",
    "F10": "issue 26: in the dispersed design the chance of a shared-route choice falls with "
    "the peer share within cells of one availability, capability and year: pooled slope -3.25 "
    "[-3.98, -2.59] (-0.047 over the whole run without cells); peers using a shared route are "
    "few there (operating platform 772 choices, 12.2% shared). In centralized the slope is "
    "0.485 [0.422, 0.544], but as large with adoption_contagion 0 (0.379 against 0.378 with "
    "it, 30 replications): it is not word of mouth's trace",
}
#: Findings that fail for certain (seeded runs): an unexpected pass is reported.
STRICT_FINDINGS = {"F1", "F4", "F6", "F10"}


@pytest.mark.slow
@pytest.mark.parametrize(
    "fact",
    [
        pytest.param(f, marks=pytest.mark.xfail(reason=FINDINGS[f], strict=f in STRICT_FINDINGS))
        if f in FINDINGS
        else f
        for f in suite.FACT_IDS
    ],
)
def test_stylized_fact_holds(fact):
    table = suite.run_validation(workers=1, progress=False, facts=[fact])
    assert list(table.columns) == list(core.COLUMNS)
    assert len(table) >= 1
    failed = table[~table["passed"]]
    assert failed.empty, "\n".join(
        f"{r.check}: estimate {r.estimate:.4g} [{r.ci_low:.4g}, {r.ci_high:.4g}], "
        f"p {r.p_value:.3g}\n  criterion: {r.criterion}\n  effect: {r.effect}"
        for r in failed.itertuples()
    )


def test_a_fact_gives_the_same_table_alone_and_with_the_others():
    # The default batch depends on the settings only (suite_batch), not on the facts chosen.
    world = core.Settings(replications=6, n_departments=10, sizes=(10, 20), months=60)
    alone = suite.validate(workers=1, progress=False, facts=["F7"], settings=world).table
    both = suite.validate(workers=1, progress=False, facts=["F2", "F7"], settings=world).table
    pd_alone = alone.reset_index(drop=True)
    pd_both = both[both["fact"] == "F7"].reset_index(drop=True)
    assert pd_alone.equals(pd_both)


def test_every_fact_of_model_md_has_a_check():
    assert suite.FACT_IDS == ("F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10")
    for fact in suite.FACTS:
        assert fact.statement and fact.compared and fact.outcome


def test_every_fact_runs_at_least_30_paired_replications_in_full_mode():
    s = core.FULL
    for fact in suite.FACTS:
        assert fact.replications(s) >= 30


def test_sign_test_is_one_sided_and_ignores_ties():
    assert inference.sign_test(np.array([1.0] * 10), "greater") < 0.001
    assert inference.sign_test(np.array([1.0] * 10), "less") == 1.0
    assert inference.sign_test(np.zeros(5), "greater") == 1.0
    assert inference.sign_test(np.array([0, 0, 1.0, 1.0]), "greater") == 0.25


def test_slopes_recover_a_linear_trend_per_replication():
    sizes = (10, 20, 40, 80)
    y = np.array([[2 * n + 1 for n in sizes], [5 * n for n in sizes]], dtype=float)
    assert np.allclose(inference.slopes(sizes, y), [2.0, 5.0])


def test_tost_declares_equivalence_only_inside_the_margin():
    rng = np.random.default_rng(0)
    small = rng.normal(0.0, 1.0, 60)
    assert inference.tost(small, margin=1.0)["p"] < inference.TOST_ALPHA
    shifted = rng.normal(3.0, 1.0, 60)
    assert inference.tost(shifted, margin=1.0)["p"] > 0.5
    # Too noisy for the margin: equivalence cannot be claimed.
    assert inference.tost(rng.normal(0.0, 10.0, 12), margin=1.0)["p"] > inference.TOST_ALPHA
    assert inference.tost(np.zeros(10), margin=0.0)["p"] == 0.0


def test_scurve_fit_tells_an_s_curve_from_concave_and_linear_growth():
    t = np.arange(73, dtype=float)
    s_curve = 0.2 / (1 + np.exp(-0.15 * (t - 30)))
    fit = facts_adoption.scurve_fit(t, s_curve)
    assert fit["delta_aic"] > facts_adoption.F5_AIC_MARGIN
    assert abs(fit["inflection"] - 30) < 1
    concave = 0.2 * (1 - np.exp(-0.08 * t))
    assert facts_adoption.scurve_fit(t, concave)["delta_aic"] < facts_adoption.F5_AIC_MARGIN
    linear = 0.003 * t + 0.01
    assert facts_adoption.scurve_fit(t, linear)["delta_aic"] < facts_adoption.F5_AIC_MARGIN


def test_overrides_also_hold_after_a_policy_change():
    from sim.experiments.inputs.scenarios import load_scenario

    reform = core.with_parameters(load_scenario("gradual_reform"), {"registry_completeness": 0})
    assert reform.parameters.registry_completeness == 0
    for _, change in reform.policy_changes:
        assert change.get("registry_completeness", 0) == 0
    assert reform.parameters_at(119).registry_completeness == 0
    assert reform.parameters_at(119).review_authority == 0.85  # the rest of the reform stays


def test_docking_zeroes_every_lever_of_review_authority_and_coordination():
    from sim.model.parameters import SPECS

    for name, value in docking.NOTHING.items():
        assert name in SPECS and SPECS[name].group == "lever"
        assert value == 0
    # What stays of the centralized design (reported, not zeroed).
    kept = {"approval_bodies", "signoff_delay_months", "unified_budget", "body_permanence"}
    assert not kept & set(docking.NOTHING)


def test_mutant_patches_change_the_model_and_are_undone_after_the_runs():
    from sim.model import approval, choices, coordination, routes

    def functions():
        return {
            (mod.__name__, k): v
            for mod in (approval, choices, coordination, routes)
            for k, v in vars(mod).items()
        }

    before = functions()
    patched = [m for m in MUTANTS if m.patch is not None]
    assert len(patched) >= 4
    for mutant in patched:
        with mutant.patch():
            assert functions() != before, mutant.name
        assert functions() == before, mutant.name


#: Mutants whose runs are identical to the model's (docs/VALIDATION.md, "Mutants").
#: review_blind_to_registry was one until both halves of issue 25 were merged:
#: now the office meets registered systems where no platform is planned
#: (gradual_reform, seed 1: 27 final outcomes differ).
EQUIVALENT_MUTANTS: set[str] = set()


def _final_outcomes(scenario, mutant=None, seed=1):
    import contextlib

    from sim.experiments.inputs.scenarios import load_scenario
    from sim.model.governance import GovernanceModel

    s = load_scenario(scenario).with_overrides(n_departments=20, months=72)
    if mutant is not None:
        s = core.with_parameters(s, dict(mutant.overrides))
    patch = mutant.patch() if mutant is not None and mutant.patch else contextlib.nullcontext()
    with patch:
        model = GovernanceModel(s.parameters, rng=seed, policy_changes=tuple(s.policy_changes))
        model.run()
    return model.current


def test_mutant_patches_target_functions_the_model_still_calls():
    import importlib

    for mutant in [m for m in MUTANTS if m.patch is not None]:
        module_name, function = mutant.target.rsplit(".", 1)
        module = importlib.import_module(module_name)
        calls = []
        with mutant.patch():
            patched = getattr(module, function)

            def spy(*args, _patched=patched, _calls=calls, **kwargs):
                _calls.append(1)
                return _patched(*args, **kwargs)

            setattr(module, function, spy)
            try:
                _final_outcomes("centralized")
            finally:
                setattr(module, function, patched)
        assert calls, f"{mutant.name}: the model never calls {mutant.target}"


def test_every_mutant_changes_the_runs_unless_documented_as_equivalent():
    base = {sc: _final_outcomes(sc) for sc in ("centralized", "dispersed", "gradual_reform")}
    for mutant in MUTANTS:
        changed = any(_final_outcomes(sc, mutant) != base[sc] for sc in base)
        assert changed == (mutant.name not in EQUIVALENT_MUTANTS), mutant.name


def test_every_mutant_is_a_valid_parameter_set():
    from sim.model.parameters import make_parameters

    for mutant in MUTANTS:
        if mutant.overrides:
            make_parameters(**dict(mutant.overrides))


def test_new_builds_since_counts_own_systems_for_late_needs():
    from sim.experiments.inputs.scenarios import load_scenario
    from sim.model.governance import GovernanceModel

    s = load_scenario("dispersed").with_overrides(n_departments=10, months=72)
    model = GovernanceModel(s.parameters, rng=3)
    model.run()
    [own_all], [needs_all] = core.new_builds_since(model, 0)
    [own_late], [needs_late] = core.new_builds_since(model, 48)
    assert 0 <= own_late <= own_all and 0 < needs_late < needs_all
    assert own_all > 0


def test_new_builds_since_counts_each_replica_of_a_batched_model_apart():
    from sim.experiments.inputs.scenarios import load_scenario
    from sim.model.governance import GovernanceModel
    from sim.model.projects import Status

    s = load_scenario("gradual_reform").with_overrides(n_departments=10, months=72)
    model = GovernanceModel(s.parameters, rng=4, policy_changes=s.policy_changes, replicas=3)
    model.run()
    own, needs = core.new_builds_since(model, 48)
    book, n = model.projects, model.projects.size
    for replica in range(3):
        # By hand, project by project and need by need, in this replica's governments.
        mine = model.replica_of[book.jur[:n]] == replica
        assert own[replica] == sum(
            book.kind[i] < core.N_COMMON
            and book.status[i] in (Status.BUILDING, Status.DONE)
            and book.need_month[i] >= 48
            for i in np.flatnonzero(mine)
        )
        depts = np.flatnonzero(model.replica_of[model.dept_jur] == replica)
        cells = model.need_month[depts].ravel()
        assert needs[replica] == sum(48 <= m < 72 for m in cells) > 0
    assert own.sum() > 0


@pytest.mark.parametrize("replicas", [1, 3])
def test_late_needs_counts_every_need_served_late_or_never(replicas):
    from sim.experiments.inputs.scenarios import load_scenario
    from sim.model.governance import GovernanceModel

    s = load_scenario("dispersed").with_overrides(n_departments=10, months=72)
    model = GovernanceModel(s.parameters, rng=5, replicas=replicas)
    model.run()
    due, late, never = core.late_needs(model, 24)
    assert len(due) == len(late) == len(never) == replicas
    for replica in range(replicas):
        # By hand, need by need, in this replica's departments.
        depts = [d for d in range(model.n_dept) if model.replica_of[model.dept_jur[d]] == replica]
        needs = [
            (model.need_month[d, k], model.served_month[d, k])
            for d in depts
            for k in range(model.need_month.shape[1])
        ] + [
            (m, s)
            for d, m, s in zip(
                model.business_dept,
                model.business_need_month,
                model.business_served_month,
                strict=True,
            )
            if d in depts
        ]
        counted = [(m, s) for m, s in needs if m <= 72 - 24]
        assert due[replica] == len(counted) > 0
        assert never[replica] == sum(math.isnan(s) for _, s in counted)
        assert late[replica] == sum(math.isnan(s) or s - m > 24 for m, s in counted)
        assert 0 < never[replica] < late[replica] < due[replica]
    # A longer horizon leaves fewer needs due; none is due when it spans the run.
    assert (core.late_needs(model, 48)[0] < due).all()
    assert all((v == 0).all() for v in core.late_needs(model, 73))


def test_batched_validation_runs_pair_blocks_and_match_a_model_run_by_hand():
    from sim.model.governance import GovernanceModel

    d1 = core.design("dispersed", n_departments=10, months=36)
    d2 = core.design("centralized", n_departments=10, months=36)
    runs = core.simulate_designs(
        [d1, d2], {d1: 5, d2: 3}, root_seed=7, workers=1, progress=False, batch=2
    )
    assert runs.batch == 2
    assert runs.values[d1.label].shape[0] == 5 and runs.values[d2.label].shape[0] == 3
    # Replications 2 and 3 of d1 are the replicas of one model seeded with replication 2's seed.
    model = GovernanceModel(core.build_scenario(d1).parameters, rng=runs.seeds[2], replicas=2)
    model.run()
    frame = model.outcomes_frame()
    for replica, replication in ((0, 2), (1, 3)):
        mine = frame[frame["replica"] == replica][list(core.OUTCOME_NAMES)].to_numpy(float)
        np.testing.assert_array_equal(runs.values[d1.label][replication], mine)
    # The last block of d1 is a single run, an ordinary model.
    single = GovernanceModel(core.build_scenario(d1).parameters, rng=runs.seeds[4])
    single.run()
    last = single.outcomes_frame()[list(core.OUTCOME_NAMES)].to_numpy(float)
    np.testing.assert_array_equal(runs.values[d1.label][4], last)


def test_f4_is_measured_on_needs_and_checked_without_the_abandonment_formula():
    from sim.analysis.validation import facts_continuity as f4

    assert "needs" in f4.F4.outcome and "abandoned" not in f4.F4.outcome
    without = [extra for _, _, _, extra in f4.F4_PAIRS if extra]
    assert without and all(extra == {"abandon_on_turnover": 0.0} for extra in without)
    designs = f4.F4.designs(core.FAST)
    assert sum(dict(d.overrides).get("abandon_on_turnover") == 0.0 for d in designs) == 4
    assert f4.F4.replications(core.FAST) >= 24
    # Issue 26: the institutionalized arm is permanent but not immune by formula.
    for _, _, (name, overrides), _ in f4.F4_PAIRS:
        permanence = overrides.get("body_permanence")
        if permanence is None:
            from sim.experiments.inputs.scenarios import load_scenario

            permanence = load_scenario(name).parameters.body_permanence
        assert 0.5 < permanence < 1.0, name


# The Morris screen's tests are in tests/test_screen.py.


def test_validate_model_command_writes_table_and_manifest(tmp_path, capsys):
    import run

    out = tmp_path / "v"
    status = run.main(["validate-model", "--fast", "--facts", "F7", "--quiet", "--out", str(out)])
    text = capsys.readouterr().out
    assert status == 0, text
    assert "F7  PASS" in text
    table = (out / "validation.csv").read_text()
    assert table.startswith("fact,check,statement,criterion")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["all_passed"] is True and manifest["facts_passed"] == {"F7": True}
    assert manifest["replications_per_fact"] == {"F7": facts_sharing.F7_MIN_REPLICATIONS}
    assert len(manifest["seeds"]["replication_seeds"]) == facts_sharing.F7_MIN_REPLICATIONS
    assert not math.isnan(manifest["settings"]["months"])


def test_validate_model_screen_options_are_checked_before_any_run(tmp_path, capsys):
    import run

    assert run.main(["validate-model", "--quick", "--out", str(tmp_path / "a")]) == 2
    assert "--quick sizes the screen" in capsys.readouterr().err
    argv = ["validate-model", "--screen-only", "--mutants", "--out", str(tmp_path / "b")]
    assert run.main(argv) == 2
    assert "--screen-only runs no facts" in capsys.readouterr().err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_validate_model_rejects_unknown_facts(capsys):
    import run

    with pytest.raises(SystemExit) as exc:
        run.main(["validate-model", "--facts", "F11"])
    assert exc.value.code == 2


def _imports(path):
    """Modules a file imports anywhere (deferred imports too), except under TYPE_CHECKING."""
    import ast

    tree = ast.parse(path.read_text())
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    out = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def test_validation_modules_form_no_import_cycle_and_import_no_upper_layer():
    from graphlib import TopologicalSorter
    from pathlib import Path

    import sim.analysis

    root = Path(sim.analysis.__file__).parent
    graph = {}
    for path in sorted(root.rglob("*.py")):
        name = ".".join(("sim", *path.relative_to(root.parent).with_suffix("").parts))
        name = name.removesuffix(".__init__")
        imported = _imports(path)
        assert not {m for m in imported if m.startswith(("sim.reporting", "sim.cli"))}, name
        if name.startswith("sim.analysis.validation"):
            graph[name] = {m for m in imported if m.startswith("sim.analysis.validation")}
    assert len(graph) >= 10
    # Raises graphlib.CycleError on a cycle among the subpackage's modules (its
    # __init__ included, so no module may import the package's re-exports).
    order = list(TopologicalSorter(graph).static_order())
    assert order.index("sim.analysis.validation.inference") < order.index(
        "sim.analysis.validation.core"
    )


def test_tost_is_statsmodels_paired_tost():
    from statsmodels.stats.weightstats import ttost_paired

    rng = np.random.default_rng(4)
    x = rng.normal(5.0, 1.0, 40)
    y = x + rng.normal(0.1, 0.5, 40)
    got = inference.tost(x - y, margin=0.3)
    assert got["p"] == pytest.approx(ttost_paired(x, y, -0.3, 0.3)[0])
    ci = stats.ttest_rel(x, y).confidence_interval(1 - 2 * inference.TOST_ALPHA)
    assert (got["low"], got["high"]) == pytest.approx((ci.low, ci.high))


def test_bootstrap_is_a_seeded_paired_percentile_bootstrap():
    rng = np.random.default_rng(5)
    a, b = rng.normal(1.0, 0.3, 30), rng.normal(4.0, 1.0, 30)
    low, high = inference.bootstrap(lambda a, b: a.mean() / b.mean(), a, b, n=500, seed=7)
    # By hand: the same resamples (one draw of indices per resample, both arrays together).
    idx = np.random.default_rng(7).integers(0, 30, (500, 30))
    draws = a[idx].mean(axis=1) / b[idx].mean(axis=1)
    assert (low, high) == pytest.approx(tuple(np.percentile(draws, [2.5, 97.5])))
    assert low < a.mean() / b.mean() < high


def test_bootstrap_leaves_out_resamples_where_the_statistic_is_undefined():
    x = np.arange(20.0)

    def stat(v):
        return np.nan if v.min() == 0 else v.mean()

    low, high = inference.bootstrap(stat, x, n=400)
    assert math.isfinite(low) and math.isfinite(high) and 0 < low < high


# ------------------------------------------------------------- facts 8-10 (issue 26)


def _run(scenario, seed=2, replicas=1, months=96, **overrides):
    from sim.experiments.inputs.scenarios import load_scenario
    from sim.model.governance import GovernanceModel

    s = load_scenario(scenario).with_overrides(n_departments=20, months=months, **overrides)
    model = GovernanceModel(
        s.parameters, rng=seed, policy_changes=tuple(s.policy_changes), replicas=replicas
    )
    model.run()
    return model


@pytest.mark.parametrize("abandon", [0.25, 0.0])
def test_projects_abandoned_are_those_whose_head_changed_while_unfinished(abandon):
    from sim.model.projects import Status

    model = _run("dispersed", leader_tenure_months=12.0, abandon_on_turnover=abandon)
    book, n = model.projects, model.projects.size
    changed, status = book.head_changed[:n], book.status[:n]
    abandoned = status == Status.ABANDONED
    # Abandonment happens only at a change of head; many projects see one.
    assert changed.sum() > 20 and (~changed).sum() > 20
    assert not (abandoned & ~changed).any()
    assert abandoned.any() == (abandon > 0)
    [[with_change], [dropped], [without], [dropped_kept]] = core.project_fates(model)
    assert (with_change, dropped, without, dropped_kept) == (
        changed.sum(),
        (changed & abandoned).sum(),
        (~changed).sum(),
        0,
    )


@pytest.mark.parametrize("replicas", [1, 2])
def test_service_delivery_counts_each_service_by_its_size(replicas):
    model = _run("dispersed", replicas=replicas, services_per_department_year=0.5)
    got = core.service_delivery(model, 24)
    services, n = model.services, model.services.size
    sizes = len(core.SERVICE_SIZES)
    for replica in range(replicas):
        due = np.zeros(sizes)
        done = np.zeros(sizes)
        months = np.zeros(sizes)
        for i in range(n):
            if model.replica_of[services.jur[i]] != replica or services.month[i] > 96 - 24:
                continue
            k = min(services.n_members[i], core.F9_MAX_SIZE) - 2
            due[k] += 1
            if services.done[i]:
                done[k] += 1
                months[k] += services.done_month[i] + 1 - services.month[i]
        assert due.sum() > 10 and 0 < done.sum() < due.sum()
        np.testing.assert_allclose(got[:, replica], np.concatenate([due, done, months]))
    # The delivery months agree with the model's own tally of service months.
    total = model.tallies.total("service_months_total")
    every = core.service_delivery(model, 0)
    assert every[2 * sizes :].sum() == pytest.approx(total)


def test_adoption_record_counts_every_common_need_choice():
    from sim.analysis.validation.facts_diffusion import adoption_sums

    model = _run("centralized", replicas=2)
    record = core.adoption_record(model).T.reshape(2, -1, len(core.ADOPTION_FIT))
    n = record[..., core.ADOPTION_FIT.index("n")]
    y = record[..., core.ADOPTION_FIT.index("y")]
    assert n.sum() == model.tallies.total("common_need_choices")
    assert y.sum() == model.tallies.total("shared_route_choices")
    # Nothing to adopt: never a shared choice.
    from sim.model.choices import AVAILABLE_NOTHING

    assert (y[:, AVAILABLE_NOTHING] == 0).all()
    # Sums of squares within cells are never above those of the whole run.
    sxx = record[..., core.ADOPTION_FIT.index("sxx")]
    assert (sxx <= record[..., core.ADOPTION_FIT.index("sxx_all")] + 1e-9).all()
    assert (sxx >= -1e-9).all()
    assert adoption_sums  # used by F10 on Runs


def test_a_peer_slope_is_recovered_from_the_record_sums():
    # Two cells, each with a known linear relation y = 0.2 + 0.5 x: the pooled slope is 0.5.
    from sim.analysis.validation import facts_diffusion

    rng = np.random.default_rng(0)
    sxx = sxy = 0.0
    for offset in (0.0, 0.3):
        x = rng.random(4000) * 0.5
        y = (rng.random(4000) < offset + 0.2 + 0.5 * x).astype(float)
        sxx += ((x - x.mean()) ** 2).sum()
        sxy += ((x - x.mean()) * (y - y.mean())).sum()
    assert facts_diffusion._ratio(np.array([sxy]), np.array([sxx])) == pytest.approx(0.5, abs=0.06)


def test_needs_open_at_the_reform_adopt_from_zero_and_never_un_adopt():
    from sim.experiments.inputs.scenarios import load_scenario

    d = core.design("gradual_reform", n_departments=20, months=96)
    runs = core.simulate_designs([d], 4, root_seed=3, workers=1, progress=False, batch=2)
    curve = runs.open_adoption(d)
    reform = core.reform_month()
    assert curve.shape == (4, 96 - reform + 1)
    assert (curve[:, 0] == 0).all()  # open needs are not yet platform users
    assert (np.diff(curve, axis=1) >= 0).all() and (curve <= 1).all()
    assert curve[:, -1].mean() > 0
    assert load_scenario("gradual_reform").policy_changes[0][0] == reform


def test_legacy_redundant_systems_can_retire_so_f5_2_can_fail():
    # With systems living 36 months, little of the reform's redundant stock is left 72
    # months later (only systems whose owners' renewal is still pending: the old one
    # serves until the new route does); with the default 96 months, most still serve.
    short = _run("gradual_reform", seed=3, months=120, system_lifetime_months=36.0)
    default = _run("gradual_reform", seed=3, months=120)
    left, kept = core.legacy_redundant(short, 48)[0], core.legacy_redundant(default, 48)[0]
    assert kept > 10 and left < kept / 3, (left, kept)
    pending = short.own_full & (short.own_built < 48)
    assert short.renewing[pending].all()
    # Never more than the redundant systems counted by the model's outcome.
    assert core.legacy_redundant(default, 48)[0] <= default.current["n_redundant_common_systems"]


def test_two_sided_check_fails_on_the_other_side_and_leaves_out_undefined_values():
    up = np.array([1.0, 2.0, 1.5, 1.2, 0.9, 1.1, 1.3, 1.4, 1.6, 1.0, np.nan])
    ok = core.two_sided_check("F", "c", "s", up, "greater", "x", "e")
    assert ok.passed and "1 undefined left out" in ok.criterion and "two-sided" in ok.criterion
    assert not core.two_sided_check("F", "c", "s", up, "less", "x", "e").passed
    assert not core.two_sided_check("F", "c", "s", np.zeros(10), "greater", "x", "e").passed


#: Mutants switching off the mechanisms facts 8-10 target, and the fact that must catch each.
TARGETED_MUTANTS = {"turnover_abandonment_off": "F8", "parties_cost_nothing": "F9"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TARGETED_MUTANTS))
def test_facts_8_to_10_catch_the_mutants_of_their_mechanisms(name):
    mutant = {m.name: m for m in MUTANTS}[name]
    fact = TARGETED_MUTANTS[name]
    settings = core.Settings(replications=30, n_departments=40, sizes=(10, 20, 40))
    base = suite.validate(workers=1, progress=False, facts=[fact], settings=settings).table
    mutated = suite.validate(
        workers=1, progress=False, facts=[fact], settings=settings, mutant=mutant
    ).table
    failed = set(mutated.loc[~mutated["passed"], "check"])
    held = set(base.loc[base["passed"], "check"])
    # A check that holds for the model fails for the mutant.
    assert failed & held, (failed, held)
