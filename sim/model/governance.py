"""The governance model: one Mesa model class for every governance design.

Designs (dispersed, centralized, the local arrangements of [003], ...) differ
only in parameter values; nothing here looks at a scenario's name. The model
holds the state (NumPy arrays for the many departments and projects, Mesa
agents as views on them and as the few governance bodies) and runs one month
per step, calling the mechanisms in this order (see ``docs/ODD.md``):

1. policy changes due this month (gradual reform)   ``_apply_policy_changes``
2. the annual budget cycle, each January             ``budget.budget_cycle``,
   then this month's staff and upkeep are paid,      ``running_costs.pay_running_costs``,
   and systems at the end of their life renewed      ``retirement.end_of_life``
3. leader turnover and its consequences              ``turnover.leader_turnover``,
   then reorganized bodies may drop platforms        ``platforms.abandon_platforms_of``
4. needs arising, then joint services arising        ``needs.arise_needs``,
                                                     ``coordination.arise_services``
5. departments out of patience stop waiting;         ``choices.give_up_waiting``,
   or build their proposals without approval;        ``choices.give_up_on_approval``,
   departments deciding on open common needs         ``choices.decide_common_needs``
6. sign-offs, then the reviewing offices' queues     ``approval.approval``
7. technical service centers building platforms,     ``platforms.technical_centers``,
   departments done integrating with a platform,     ``delivery.finish_integrations``,
   then platforms that fail this month               ``platforms.platform_outages``
8. construction, completion and audits               ``construction.construction``
9. data sharing, then escalated refusals             ``sharing.data_sharing``,
   become coordination cases                         ``coordination.open_data_cases``
10. cross-department coordination                     ``coordination.coordination``
11. audit memories fade                              ``SANCTION_MEMORY_DECAY``,
    duplicative systems recounted                    ``systems.refresh_duplicative``
12. measuring outcomes (per replica when batched)    ``outcomes.measure``

The mechanism modules only read and write this model's state; none does file
input/output or plotting, and none calls another: what one phase hands to
the next passes through this step. The primitives they share (the routes a
department takes, platform look-up, payments, service records, state codes)
are in ``routes``, ``platform_plans``, ``money``, ``delivery`` and ``state``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.model import (
    approval,
    budget,
    choices,
    construction,
    coordination,
    delivery,
    needs,
    platforms,
    retirement,
    running_costs,
    sharing,
    systems,
    turnover,
)
from sim.model.agents import (
    Coordinator,
    Department,
    Leader,
    Mandate,
    TechnicalServiceCenter,
    collector_paused,
    create_in_bulk,
)
from sim.model.capabilities import N_COMMON
from sim.model.outcomes import OUTCOME_NAMES, OUTCOMES, measure, measure_groups
from sim.model.parameters import Parameters, make_parameters
from sim.model.projects import MemberBook, ProjectBook, ServiceBook
from sim.model.replica_parameters import ReplicaParameters, batch_parameters
from sim.model.state import SANCTION_MEMORY_DECAY, beta_draws
from sim.model.structure import build_structure
from sim.model.tallies import Tallies


class GovernanceModel(mesa.Model):
    """E-government construction under one governance design.

    Args:
        parameters: Validated parameters; defaults describe the dispersed design.
        rng: Seed of the model's generator; all randomness comes from it.
        policy_changes: ``(month, {name: value})`` pairs applied at the start
            of that month (used for gradual reform).
        record_every_month: Measure and collect the outcomes every month (the
            default); if False, only at the start and after the last month
            (used by the benchmark to price data collection).
        replicas: Independent copies of the layout simulated side by side
            in this one model (a batched run, for many replications at the
            cost of a few): outcomes are then measured per copy and
            ``outcomes_frame`` has a ``replica`` column. The copies share the
            model's random number stream, so replica r is not the same run as
            a single run with some seed, but it follows the same distribution
            (checked in ``tests/test_batch.py``).
        replica_parameters: For a batched run, one mapping of parameter values
            per replica, applied over ``parameters`` and ``overrides``: each
            replica then runs with its own values of the uncertainties and
            levers (a sweep's points side by side), and its own layout
            (number and size of governments, approval bodies) and horizon
            (``months``: the model runs to the longest and measures each
            replica at its own last month).
        **overrides: Parameter values by name, applied over ``parameters``
            (this is how ``mesa.batch_run`` passes them).

    Attributes:
        p: Parameters in force this month (a ``ReplicaParameters`` when the
            replicas of a batch differ; mechanisms read them through ``params``).
        month: Months simulated so far.
        structure: The governments and their departments (``sim.model.structure``).
        departments: Department agents, in row order.
        heads: Department heads, in department row order.
        top_leaders: One top leader per government.
        offices: Per government, the body holding ``REVIEW``.
        desks: Per government, the body holding ``COORDINATE``.
        centers: Per government, its technical service center or None.
        current: The outcomes measured at the end of the last month (for a
            batched run, one array of per-replica values per outcome).
        datacollector: Mesa collector of the outcomes, one row per month (for
            a batched run, the mean over its replicas; ``outcomes_frame`` has
            every replica's values).
    """

    def __init__(
        self,
        parameters: Any = None,
        rng: int | None = None,
        policy_changes: tuple[tuple[int, dict[str, Any]], ...] = (),
        record_every_month: bool = True,
        replicas: int = 1,
        replica_parameters: Sequence[Mapping[str, Any]] | None = None,
        **overrides: Any,
    ) -> None:
        super().__init__(rng=rng)
        if int(replicas) < 1:
            raise ValueError(f"replicas must be at least 1, got {replicas}")
        self.replicas = int(replicas)
        base = {**_parameter_values(parameters), **overrides}
        per_replica = batch_parameters(base, replica_parameters, self.replicas)
        self.p = per_replica[0]
        # Each replica's horizon; the model runs to the longest and measures
        # each replica at its own last month (replicas do not interact, so a
        # replica stepped past its horizon changes no other one).
        self.replica_months = np.array([int(p.months) for p in per_replica], dtype=np.int64)
        self.horizon = int(self.replica_months.max())
        self.policy_changes = {int(m): dict(c) for m, c in policy_changes}
        self.record_every_month = record_every_month
        self.month = 0
        self.running = True  # read by mesa.batch_run
        self.projects = ProjectBook()
        self.services = ServiceBook(256)
        self.members = MemberBook(1024)
        self._init_structure(per_replica)
        self._set_parameters(per_replica)
        with collector_paused(agents=2 * self.n_dept):
            self._init_departments()
            self._init_leaders()
        self._init_governance()
        needs.init_needs(self)
        systems.init_systems(self)
        self._init_counters()
        platforms.master_plan(self, initial=True)
        # Mesa's collector holds the outcomes of an ordinary run; a batched run
        # keeps one row per replica in ``_replica_rows`` and gives Mesa (and
        # ``mesa.batch_run``) the mean over its replicas.
        self.datacollector = mesa.DataCollector(
            model_reporters={o.name: (lambda m, n=o.name: m._collected(n)) for o in OUTCOMES}
        )
        self._replica_rows: list[tuple[int, np.ndarray]] = []
        self._record()

    # ------------------------------------------------------------------ set-up
    def _init_structure(self, per_replica: Sequence[Any]) -> None:
        # Each replica laid out with its own structure parameters (equal in
        # most batches; a design varying n_departments gives copies of
        # different sizes side by side).
        self.structure = build_structure(list(per_replica), self.rng, self.replicas)
        s = self.structure
        self.n_jur, self.n_dept = s.n_governments, s.n_departments
        self.dept_jur, self.local_index = s.dept_jur, s.local_index
        self.jur_size, self.jur_start, self.ancestors = s.size, s.start, s.ancestors
        # Replica of each government (all 0 unless the run is batched).
        self.replica_of = s.replica

    def _set_parameters(self, per_replica: Sequence[Any]) -> None:
        """Hold the replicas' parameters: plain ones if they agree, else per government."""
        self._per_replica = list(per_replica)
        self.p = per_replica[0]
        if any(p is not self.p for p in per_replica):
            varied = ReplicaParameters(per_replica, self.replica_of)
            self.p = varied if varied.varying else per_replica[0]

    def params(self, governments: np.ndarray | None = None) -> Any:
        """Parameters as seen by rows belonging to ``governments``.

        Where every replica has the same value (always, unless the replicas
        of a batch carry their own), a parameter is a scalar; where they
        differ, it is an array with one value per row.

        Args:
            governments: Government of each row the caller computes (for
                departments ``model.dept_jur[depts]``), or None for one row
                per government.

        Returns:
            An object whose attributes are the parameters.
        """
        if isinstance(self.p, ReplicaParameters):
            return self.p.of(governments)
        return self.p

    def _init_departments(self) -> None:
        p, rng = self.params(self.dept_jur), self.rng
        # Fiscal capacity: log-normal across governments and, half as spread,
        # across departments of one government, mean one ([002][004]).
        sigma = self.params().fiscal_disparity
        jur_factor = rng.lognormal(-(sigma**2) / 2, sigma, self.n_jur)
        dept_sigma = p.fiscal_disparity / 2
        dept_factor = rng.lognormal(-(dept_sigma**2) / 2, dept_sigma, self.n_dept)
        self.allocation = p.annual_budget * jur_factor[self.dept_jur] * dept_factor
        self.balance = np.zeros(self.n_dept)
        self.it_capacity = beta_draws(rng, p.it_capacity_mean, self.n_dept)
        self.on_standard = rng.random(self.n_dept) < p.initial_common_standard_share
        # Nobody starts on a poor locked-in standard: its platforms bring it.
        self.on_poor_standard = np.zeros(self.n_dept, dtype=bool)
        self.willingness = beta_draws(rng, p.willingness_to_share_mean, self.n_dept)
        self.departments = create_in_bulk(
            Department, self, index=range(self.n_dept), jurisdiction=self.dept_jur.tolist()
        )

    def _init_leaders(self) -> None:
        p, per_jur, rng = self.params(self.dept_jur), self.params(), self.rng
        self.head_attention = beta_draws(rng, p.head_attention_mean, self.n_dept)
        self.head_vanity = beta_draws(rng, p.vanity_preference_mean, self.n_dept)
        # Exponential tenures are memoryless, so a sitting leader's remaining
        # term is drawn like a new one's.
        self.head_term_end = rng.exponential(p.leader_tenure_months, self.n_dept)
        self.sanction_memory = np.zeros(self.n_dept)
        self.top_attention = beta_draws(rng, per_jur.top_leader_attention, self.n_jur, 8.0)
        self.top_term_end = rng.exponential(per_jur.leader_tenure_months, self.n_jur)
        self.disrupted_until = np.full(self.n_jur, -1.0)
        self.heads = create_in_bulk(
            Leader, self, index=range(self.n_dept), is_top=[False] * self.n_dept
        )
        self.top_leaders = create_in_bulk(
            Leader, self, index=range(self.n_jur), is_top=[True] * self.n_jur
        )

    def _init_governance(self) -> None:
        # Body 0 reviews; the last body coordinates; with one body the office
        # holds every function (the promotion office of [001]). Replicas of a
        # batch may differ in their number of bodies (one value per government).
        per_jur = np.broadcast_to(self.params().approval_bodies, (self.n_jur,))
        mandates = {n: _mandates(n) for n in np.unique(per_jur).tolist()}
        # Created in bulk, government by government (a national run has thousands).
        bodies = create_in_bulk(
            Coordinator,
            self,
            jurisdiction=np.repeat(np.arange(self.n_jur), per_jur).tolist(),
            mandates=[m for n in per_jur.tolist() for m in mandates[n]],
        )
        first = np.concatenate([[0], np.cumsum(per_jur)[:-1]]).tolist()
        last = (np.cumsum(per_jur) - 1).tolist()
        self.offices: list[Coordinator] = [bodies[i] for i in first]
        self.desks: list[Coordinator] = [bodies[i] for i in last]
        self.centers: list[TechnicalServiceCenter | None] = [None] * self.n_jur
        self.review_credit = np.zeros(self.n_jur)
        self.case_credit = np.zeros(self.n_jur)
        self.pool = np.zeros(self.n_jur)
        # Money the pool keeps back for platforms planned or being built:
        # foundational projects are funded first [001].
        self.platform_reserve = np.zeros(self.n_jur)
        self.deterrence = np.zeros(self.n_jur)
        shape = (self.n_jur, N_COMMON)
        self.demand_seen = np.zeros(shape, dtype=np.int64)
        self.platform_status = np.zeros(shape, dtype=np.int8)
        self.platform_poor = np.zeros(shape, dtype=bool)
        self.platform_progress = np.zeros(shape)
        self.platform_ready_month = np.full(shape, np.nan)
        self.platform_plan_seq = np.zeros(shape, dtype=np.int64)
        self.platform_planned_at_start = np.zeros(shape, dtype=bool)
        # Lead department of a co-built shared platform (-1: a center's).
        self.platform_lead = np.full(shape, -1, dtype=np.int64)
        # Departments served by each platform (of any government), for expansions.
        self.platform_users = np.zeros(shape, dtype=np.int64)
        # Departments integrating with a platform: rows, capabilities, month done.
        self.integrating = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
        # Monthly operation and maintenance owed by each department for its
        # finished systems and by each government for its platforms (3.10).
        self.system_upkeep = np.zeros(self.n_dept)
        self.platform_upkeep = np.zeros(self.n_jur)
        # Sums of base upkeep times the month built, from which upkeep grows
        # with age (issue 25), per owner and per platform.
        self.system_upkeep_age = np.zeros(self.n_dept)
        self.platform_upkeep_age = np.zeros(self.n_jur)
        self.platform_base_upkeep = np.zeros(shape)
        self.platform_upkeep_built = np.zeros(shape)
        # The bills bind (issue 25): finished business systems per department
        # (each serves one need; they never retire), the share of this month's staff bill each
        # government paid (its bodies work that share of their capacity) and
        # the unpaid share of its platforms' upkeep (more outages).
        self.business_systems_owned = np.zeros(self.n_dept)
        self.staff_paid_share = np.ones(self.n_jur)
        self.platform_upkeep_unpaid = np.zeros(self.n_jur)
        # Last month each platform under construction progressed (or its body
        # was reorganized): a center drops one stalled too long.
        self.platform_last_progress = np.full(shape, np.nan)
        self.plan_counter = 0
        # One early master plan per government may lock in a poor standard
        # for the platforms it schedules (MODEL.md 3.10).
        self.poor_plan = self.rng.random(self.n_jur) < self.params().poor_standard_risk

    def _init_counters(self) -> None:
        self.tallies = Tallies(self.n_jur)
        choices.init_adoption_record(self)

    # ----------------------------------------------------------------- helpers
    @property
    def sharing_links(self) -> set[tuple[int, int]]:
        """Distinct ``(holder, user)`` department pairs that shared data or a system."""
        return {divmod(key, self.n_dept) for key in self.link_keys}

    def is_disrupted(self, jurisdiction: int) -> bool:
        """Whether the government's body is being reorganized after a turnover."""
        return bool(self.disrupted_until[jurisdiction] > self.month)

    def attention_factor(self) -> np.ndarray:
        """Per government, how much of its formal power the body can use this month.

        Power rests on the top leader's attention [001][004] to the degree
        ``attention_dependence`` says, and vanishes while a non-permanent body
        is being reorganized after the top leader changes [003].
        """
        factor = 1.0 - self.params().attention_dependence * (1.0 - self.top_attention)
        return factor * (self.disrupted_until <= self.month)

    def authority(self) -> np.ndarray:
        """Effective authority of each government's office to stop a duplicate."""
        return self.params().review_authority * self.attention_factor()

    # -------------------------------------------------------------------- step
    def step(self) -> None:
        """Simulate one month."""
        self._apply_policy_changes()
        if self.month % 12 == 0:
            budget.budget_cycle(self)
        running_costs.pay_running_costs(self)
        retirement.end_of_life(self)
        reorganized = turnover.leader_turnover(self)
        platforms.abandon_platforms_of(self, reorganized)
        needs.arise_needs(self)
        coordination.arise_services(self)
        choices.give_up_waiting(self)
        choices.give_up_on_approval(self)
        choices.decide_common_needs(self)
        approval.approval(self)
        platforms.technical_centers(self)
        delivery.finish_integrations(self)
        platforms.platform_outages(self)
        construction.construction(self)
        escalated = sharing.data_sharing(self)
        coordination.open_data_cases(self, escalated)
        coordination.coordination(self)
        self.sanction_memory *= SANCTION_MEMORY_DECAY
        self.deterrence *= SANCTION_MEMORY_DECAY
        systems.refresh_duplicative(self)
        self.month += 1
        self.running = self.month < self.horizon
        if self.record_every_month or not self.running or self.month in self.replica_months:
            self._record()

    def _record(self) -> None:
        """Measure the outcomes and keep them (per replica in a batched run)."""
        if self.replicas == 1:
            self.current = measure(self)
            self.datacollector.collect(self)
            return
        self.current = measure_groups(self, self.replica_of, self.replicas)
        rows = np.column_stack([self.current[name] for name in OUTCOME_NAMES])
        self._replica_rows.append((self.month, rows))
        # Mean over the replicas whose value is defined (NaN where none is).
        defined = np.isfinite(rows)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(defined, rows, 0.0).sum(axis=0) / defined.sum(axis=0)
        self._replica_means = dict(zip(OUTCOME_NAMES, means.tolist(), strict=True))
        self.datacollector.collect(self)

    def _collected(self, name: str) -> float:
        """Value of outcome ``name`` for Mesa's collector: the mean over replicas if batched."""
        return self.current[name] if self.replicas == 1 else self._replica_means[name]

    def run(self) -> None:
        """Run all ``months`` steps (in a batch, to the longest replica's horizon)."""
        for _ in range(self.horizon - self.month):
            self.step()

    def outcomes_frame(self) -> pd.DataFrame:
        """Return the outcomes, one row per month (month 0 is the initial state).

        A batched run (``replicas > 1``) has one row per replica and month,
        with a ``replica`` column first, sorted by replica then month.
        """
        if self.replicas > 1:
            months = np.array([month for month, _ in self._replica_rows], dtype=np.int64)
            values = np.stack([rows for _, rows in self._replica_rows], axis=1)  # replica, month
            frame = pd.DataFrame(values.reshape(-1, len(OUTCOME_NAMES)), columns=OUTCOME_NAMES)
            frame.insert(0, "month", np.tile(months, self.replicas))
            frame.insert(0, "replica", np.repeat(np.arange(self.replicas), len(months)))
            # A replica ends at its own horizon (months measured after it are dropped).
            own = frame["month"].to_numpy() <= self.replica_months[frame["replica"].to_numpy()]
            return frame[own].reset_index(drop=True)
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        months = np.arange(len(frame)) if self.record_every_month else [0, self.month][: len(frame)]
        frame.insert(0, "month", months)
        return frame

    def _apply_policy_changes(self) -> None:
        change = self.policy_changes.get(self.month)
        if not change:
            return
        self._set_parameters(
            [make_parameters(**{**p.model_dump(), **change}) for p in self._per_replica]
        )
        # A service center or master plan adopted mid-run plans the
        # capabilities that have no platform yet [001].
        platforms.master_plan(self, initial=False)


def _mandates(n_bodies: int) -> list[frozenset[Mandate]]:
    """Mandates of a government's ``n_bodies`` bodies.

    All sign off; the first reviews; the last coordinates.
    """
    mandates = []
    for b in range(n_bodies):
        held = {Mandate.SIGNOFF}
        if b == 0:
            held.add(Mandate.REVIEW)
        if b == n_bodies - 1:
            held.add(Mandate.COORDINATE)
        mandates.append(frozenset(held))
    return mandates


def _parameter_values(parameters: Any) -> dict[str, Any]:
    """Parameter values by name from validated parameters, a mapping or nothing."""
    if parameters is None:
        return {}
    if hasattr(parameters, "model_dump"):
        return parameters.model_dump()
    if isinstance(parameters, Mapping):
        return dict(parameters)
    raise TypeError(
        f"parameters must be validated Parameters (e.g. a scenario's .parameters) or a "
        f"mapping of parameter values, got {type(parameters).__name__} {parameters!r:.80}. "
        "With mesa.batch_run, pass scenario.batch_run_parameters(...) as its parameters "
        "(batch_run iterates over a Parameters object, which gives (name, value) pairs)."
    )


__all__ = ["GovernanceModel", "Parameters"]
