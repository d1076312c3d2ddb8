"""The governance model: one Mesa model class for every governance design.

Designs (dispersed, centralized, the local arrangements of [003], ...) differ
only in parameter values; nothing here looks at a scenario's name. A month is
one step, processed in this order (see ``docs/ODD.md``):

1. policy changes due this month (gradual reform);
2. the annual budget cycle, each January;
3. leader turnover (heads and top leaders) and its consequences;
4. needs arising (common capabilities, business systems, data, services);
5. departments deciding on open common-capability needs;
6. proposals passing the sign-off bodies, then the reviewing office's queue;
7. the technical service center planning and building shared platforms;
8. construction, completion and audit of projects;
9. data sharing and cross-department coordination;
10. measuring outcomes.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim import behaviour
from sim.agents import Coordinator, Department, Leader, Mandate, TechnicalServiceCenter
from sim.capabilities import COMMON_CAPABILITIES, N_COMMON, N_REGISTRIES
from sim.outcomes import OUTCOMES, measure
from sim.parameters import Parameters, make_parameters
from sim.projects import ProjectBook, Status

BUSINESS = N_COMMON  # project kind: department-specific business system
PLATFORM = N_COMMON + 1  # project kind: shared platform of the service center

# Common-need states (``access`` array).
NO_NEED, OPEN, WAITING, PROPOSED, OWN, PLATFORM_USER, PEER_USER = range(7)

# Data-need states.
DATA_PENDING, DATA_OPEN, DATA_SHARED, DATA_RECOLLECTED = range(4)

# Platform states per government and capability.
PLATFORM_NONE, PLATFORM_PLANNED, PLATFORM_BUILDING, PLATFORM_OPERATING = range(4)

#: Smallest vanity term (head's taste times visibility) that can make a
#: vanity project; below it the taste is too weak to call the project one.
VANITY_THRESHOLD = 0.15

_STAGE_MONTH = np.array([c.stage_month for c in COMMON_CAPABILITIES], dtype=float)
_RELATIVE_COST = np.array([c.relative_cost for c in COMMON_CAPABILITIES])
_VISIBILITY = np.array([c.visibility for c in COMMON_CAPABILITIES])
_FOUNDATIONAL = np.array([c.foundational for c in COMMON_CAPABILITIES], dtype=float)


def _beta(rng: np.random.Generator, mean: float, size: int, concentration: float = 4.0):
    """Draw Beta values with a given mean (clipped away from 0 and 1)."""
    mean = float(np.clip(mean, 0.01, 0.99))
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, size=size)


class GovernanceModel(mesa.Model):
    """E-government construction under one governance design.

    Args:
        parameters: Validated parameters; defaults describe the dispersed design.
        rng: Seed of the model's generator; all randomness comes from it.
        policy_changes: ``(month, {name: value})`` pairs applied at the start
            of that month (used for gradual reform).
        **overrides: Parameter values by name, applied over ``parameters``
            (this is how ``mesa.batch_run`` passes them).

    Attributes:
        p: Parameters in force this month.
        month: Months simulated so far.
        departments: Department agents, in row order.
        heads: Department heads, in department row order.
        top_leaders: One top leader per government.
        offices: Per government, the body holding ``REVIEW``.
        desks: Per government, the body holding ``COORDINATE``.
        centers: Per government, its technical service center or None.
        datacollector: Mesa collector of the outcomes, one row per month.
    """

    def __init__(
        self,
        parameters: Any = None,
        rng: int | None = None,
        policy_changes: tuple[tuple[int, dict[str, Any]], ...] = (),
        **overrides: Any,
    ) -> None:
        super().__init__(rng=rng)
        base = parameters.model_dump() if parameters is not None else {}
        self.p = make_parameters(**{**base, **overrides})
        self.policy_changes = {int(m): dict(c) for m, c in policy_changes}
        self.month = 0
        self.projects = ProjectBook()
        self._init_departments()
        self._init_leaders()
        self._init_governance()
        self._init_needs()
        self._init_counters()
        self.datacollector = mesa.DataCollector(
            model_reporters={o.name: (lambda m, n=o.name: m.current[n]) for o in OUTCOMES}
        )
        self.current = measure(self)
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ set-up
    def _init_departments(self) -> None:
        p, rng = self.p, self.rng
        self.n_jur, self.n_per = p.n_jurisdictions, p.n_departments
        self.n_dept = self.n_jur * self.n_per
        self.dept_jur = np.repeat(np.arange(self.n_jur), self.n_per)
        # Fiscal capacity: log-normal across governments and, half as spread,
        # across departments of one government, mean one ([002][004]).
        sigma = p.fiscal_disparity
        jur_factor = rng.lognormal(-(sigma**2) / 2, sigma, self.n_jur)
        dept_sigma = sigma / 2
        dept_factor = rng.lognormal(-(dept_sigma**2) / 2, dept_sigma, self.n_dept)
        self.allocation = p.annual_budget * jur_factor[self.dept_jur] * dept_factor
        self.balance = np.zeros(self.n_dept)
        self.it_capacity = _beta(rng, p.it_capacity_mean, self.n_dept)
        self.on_standard = rng.random(self.n_dept) < p.initial_common_standard_share
        self.willingness = _beta(rng, p.willingness_to_share_mean, self.n_dept)
        self.departments = [Department(self, i) for i in range(self.n_dept)]

    def _init_leaders(self) -> None:
        p, rng = self.p, self.rng
        self.head_attention = _beta(rng, p.head_attention_mean, self.n_dept)
        self.head_vanity = _beta(rng, p.vanity_preference_mean, self.n_dept)
        # Exponential tenures are memoryless, so a sitting leader's remaining
        # term is drawn like a new one's.
        self.head_term_end = rng.exponential(p.leader_tenure_months, self.n_dept)
        self.sanction_memory = np.zeros(self.n_dept)
        self.top_attention = _beta(rng, p.top_leader_attention, self.n_jur, 8.0)
        self.top_term_end = rng.exponential(p.leader_tenure_months, self.n_jur)
        self.disrupted_until = np.full(self.n_jur, -1.0)
        self.heads = [Leader(self, i, is_top=False) for i in range(self.n_dept)]
        self.top_leaders = [Leader(self, j, is_top=True) for j in range(self.n_jur)]

    def _init_governance(self) -> None:
        p = self.p
        self.offices: list[Coordinator] = []
        self.desks: list[Coordinator] = []
        self.centers: list[TechnicalServiceCenter | None] = []
        for j in range(self.n_jur):
            # Body 0 reviews; the last body coordinates; with one body the
            # office holds every function (the promotion office of [001]).
            bodies = []
            for b in range(p.approval_bodies):
                mandates = {Mandate.SIGNOFF}
                if b == 0:
                    mandates.add(Mandate.REVIEW)
                if b == p.approval_bodies - 1:
                    mandates.add(Mandate.COORDINATE)
                bodies.append(Coordinator(self, j, frozenset(mandates)))
            self.offices.append(bodies[0])
            self.desks.append(bodies[-1])
            center = TechnicalServiceCenter(self, j) if p.technical_center_capacity > 0 else None
            self.centers.append(center)
        self.pool = np.zeros(self.n_jur)
        # Money the pool keeps back for platforms planned or being built:
        # foundational projects are funded first [001].
        self.platform_reserve = np.zeros(self.n_jur)
        self.platform_status = np.zeros((self.n_jur, N_COMMON), dtype=np.int8)
        self.platform_poor = np.zeros((self.n_jur, N_COMMON), dtype=bool)
        self.platform_ready_month = np.full((self.n_jur, N_COMMON), np.nan)
        self.platform_planned_at_start = np.zeros((self.n_jur, N_COMMON), dtype=bool)
        self.demand_seen = np.zeros((self.n_jur, N_COMMON), dtype=np.int64)
        self.deterrence = np.zeros(self.n_jur)
        # The master plan: each capability scheduled up front with chance
        # ``master_plan``, foundational ones first [001]; one early plan can
        # lock in a poor standard for its platforms (MODEL.md 3.10).
        plan_draw = self.rng.random((self.n_jur, N_COMMON)) < p.master_plan
        poor_plan = self.rng.random(self.n_jur) < p.poor_standard_risk
        order = np.argsort(-_FOUNDATIONAL, kind="stable")
        for j, center in enumerate(self.centers):
            if center is None:
                continue
            for k in order:
                if plan_draw[j, k]:
                    self._plan_platform(j, int(k))
                    self.platform_planned_at_start[j, k] = True
                    self.platform_poor[j, k] = poor_plan[j]

    def _init_needs(self) -> None:
        p, rng = self.p, self.rng
        n, months = self.n_dept, p.months
        # Common capabilities: each department needs each one once, some time
        # after its stage opens [002][004].
        self.need_month = np.floor(
            _STAGE_MONTH[None, :] + rng.exponential(p.need_delay_months, (n, N_COMMON))
        )
        self.access = np.zeros((n, N_COMMON), dtype=np.int8)
        self.served_month = np.full((n, N_COMMON), np.nan)
        self.waiting: dict[tuple[int, int], list[int]] = {}
        self.owners: dict[tuple[int, int], list[int]] = {}
        self.own_count = np.zeros((self.n_jur, N_COMMON), dtype=np.int64)
        self.registered_count = np.zeros((self.n_jur, N_COMMON), dtype=np.int64)
        self.adopters = np.zeros((self.n_jur, N_COMMON), dtype=np.int64)
        # Business systems: Poisson arrivals per department.
        counts = rng.poisson(p.business_needs_per_year * months / 12.0, n)
        depts = np.repeat(np.arange(n), counts)
        self.business_dept = depts
        self.business_need_month = np.floor(rng.uniform(0, months, len(depts)))
        self.business_served_month = np.full(len(depts), np.nan)
        # Data needs: A needs data that B holds; most target a base registry
        # held by the first departments of each government.
        counts = rng.poisson(p.data_needs_per_department, n)
        requester = np.repeat(np.arange(n), counts)
        jur = self.dept_jur[requester]
        local = rng.integers(0, self.n_per, len(requester))
        registries = min(N_REGISTRIES, self.n_per)
        to_registry = rng.random(len(requester)) < p.base_registry_share
        local = np.where(to_registry, rng.integers(0, registries, len(requester)), local)
        holder = jur * self.n_per + local
        clash = holder == requester
        holder[clash] = jur[clash] * self.n_per + (local[clash] + 1) % self.n_per
        self.data_requester = requester
        self.data_holder = holder
        # Data needs come with integration, after the first stage (months 12+).
        start = min(12, months - 1)
        self.data_need_month = np.floor(rng.uniform(start, months, len(requester)))
        self.data_status = np.full(len(requester), DATA_PENDING, dtype=np.int8)
        self.data_next_try = self.data_need_month.copy()
        self.data_push = np.zeros(len(requester), dtype=bool)
        self.data_case_open = np.zeros(len(requester), dtype=bool)
        self.sharing_links: set[tuple[int, int]] = set()
        # Cross-department services: Poisson arrivals per government.
        self.services: list[dict[str, Any]] = []

    def _init_counters(self) -> None:
        self.cum = {
            "spending": 0.0,
            "redundant_spending": 0.0,
            "projects_completed": 0,
            "abandoned_projects": 0,
            "vanity_projects": 0,
            "duplicate_projects": 0,
            "redirected": 0,
            "redundant_data_collections": 0,
            "review_wait_total": 0.0,
            "reviews_done": 0,
            "cases_opened": 0,
            "cases_resolved": 0,
            "services_delivered": 0,
            "service_months_total": 0.0,
            "audit_findings": 0,
        }

    # ----------------------------------------------------------------- helpers
    def is_disrupted(self, jurisdiction: int) -> bool:
        """Whether the government's body is being reorganized after a turnover."""
        return bool(self.disrupted_until[jurisdiction] > self.month)

    def attention_factor(self) -> np.ndarray:
        """Per government, how much of its formal power the body can use this month.

        Power rests on the top leader's attention [001][004] to the degree
        ``attention_dependence`` says, and vanishes while a non-permanent body
        is being reorganized after the top leader changes [003].
        """
        factor = 1.0 - self.p.attention_dependence * (1.0 - self.top_attention)
        return factor * (self.disrupted_until <= self.month)

    def authority(self) -> np.ndarray:
        """Effective authority of each government's office to stop a duplicate."""
        return self.p.review_authority * self.attention_factor()

    def _pay(self, depts: np.ndarray, amounts: np.ndarray) -> None:
        """Charge departments (balances may not go below zero; the rest is unpaid).

        A department may appear several times in ``depts``; its charges are
        met in order until its balance is used up.
        """
        amounts = np.broadcast_to(np.asarray(amounts, dtype=float), depts.shape)
        order = np.argsort(depts, kind="stable")
        d, a = depts[order], amounts[order]
        before = np.cumsum(a) - a  # charged earlier in this batch (all departments)
        first = np.r_[True, d[1:] != d[:-1]] if len(d) else np.zeros(0, dtype=bool)
        before -= np.maximum.accumulate(np.where(first, before, 0.0))  # same department only
        paid = np.empty(len(d))
        paid[order] = np.clip(np.maximum(self.balance[d], 0.0) - before, 0.0, a)
        np.subtract.at(self.balance, depts, paid)
        self.cum["spending"] += float(paid.sum())

    # -------------------------------------------------------------------- step
    def step(self) -> None:
        """Simulate one month."""
        self._apply_policy_changes()
        if self.month % 12 == 0:
            self._budget_cycle()
        self._leader_turnover()
        self._arise_needs()
        self._decide_common_needs()
        self._approval()
        self._technical_center()
        self._construction()
        self._data_sharing()
        self._services()
        self._coordination()
        self.sanction_memory *= 0.98  # memories of audits fade (about 3 years)
        self.deterrence *= 0.98
        self.month += 1
        self.current = measure(self)
        self.datacollector.collect(self)

    def run(self) -> None:
        """Run all ``months`` steps."""
        for _ in range(self.p.months - self.month):
            self.step()

    def outcomes_frame(self) -> pd.DataFrame:
        """Return the outcomes, one row per month (month 0 is the initial state)."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        frame.insert(0, "month", np.arange(len(frame)))
        return frame

    # ------------------------------------------------------------ mechanisms
    def _apply_policy_changes(self) -> None:
        change = self.policy_changes.get(self.month)
        if not change:
            return
        self.p = make_parameters(**{**self.p.model_dump(), **change})
        # A new technical service center, or a master plan adopted mid-run,
        # starts with the capabilities that have no platform yet [001].
        for j in range(self.n_jur):
            if self.p.technical_center_capacity > 0 and self.centers[j] is None:
                self.centers[j] = TechnicalServiceCenter(self, j)
            center = self.centers[j]
            if center is None:
                continue
            for k in np.argsort(-_FOUNDATIONAL, kind="stable"):
                if (
                    self.platform_status[j, k] == PLATFORM_NONE
                    and self.rng.random() < self.p.master_plan
                ):
                    self._plan_platform(j, int(k))

    def _budget_cycle(self) -> None:
        """Annual budget: departmental allocations and the unified pool [001][002]."""
        u = self.p.unified_budget
        self.balance += (1.0 - u) * self.allocation
        self.pool += u * np.bincount(self.dept_jur, self.allocation, minlength=self.n_jur)

    def _leader_turnover(self) -> None:
        """Heads and top leaders leave; successors re-prioritize [003]."""
        p, rng, t = self.p, self.rng, self.month
        leaving = np.flatnonzero(self.head_term_end <= t)
        if len(leaving):
            self.head_attention[leaving] = _beta(rng, p.head_attention_mean, len(leaving))
            self.head_vanity[leaving] = _beta(rng, p.vanity_preference_mean, len(leaving))
            self.head_term_end[leaving] = t + rng.exponential(p.leader_tenure_months, len(leaving))
            self.sanction_memory[leaving] = 0.0
            self._abandon_projects_of(leaving)
        tops = np.flatnonzero(self.top_term_end <= t)
        if len(tops):
            self.top_attention[tops] = _beta(rng, p.top_leader_attention, len(tops), 8.0)
            self.top_term_end[tops] = t + rng.exponential(p.leader_tenure_months, len(tops))
            # A temporary or personal body moves or lapses with its leader [003].
            reorganized = tops[rng.random(len(tops)) < 1.0 - p.body_permanence]
            self.disrupted_until[reorganized] = t + p.reorganization_months
            self._abandon_platforms_of(reorganized)

    def _abandon_projects_of(self, depts: np.ndarray) -> None:
        """New heads drop predecessors' unfinished projects.

        A permanent body protects the projects it reviewed against its plan
        ([001]: plans approved to ensure '延续性', continuity).
        """
        book = self.projects
        active = book.ids_with(Status.SIGNOFF, Status.QUEUED, Status.BUILDING)
        active = active[(book.kind[active] != PLATFORM) & np.isin(book.dept[active], depts)]
        if not len(active):
            return
        protection = self.p.body_permanence * book.reviewed[active]
        chance = self.p.abandon_on_turnover * (1.0 - protection)
        dropped = active[self.rng.random(len(active)) < chance]
        for pid in dropped:
            self._drop_project(int(pid))

    def _abandon_platforms_of(self, jurs: np.ndarray) -> None:
        """Platforms under construction may be dropped when the body is reorganized."""
        chance = self.p.abandon_on_turnover * (1.0 - self.p.body_permanence)
        for j in jurs:
            center = self.centers[j]
            if center is None:
                continue
            for k, pid in list(center.building.items()):
                if self.rng.random() < chance:
                    book = self.projects
                    left = book.cost[pid] * max(1.0 - book.progress[pid], 0.0)
                    self.platform_reserve[j] = max(self.platform_reserve[j] - left, 0.0)
                    book.status[pid] = Status.ABANDONED
                    self.cum["abandoned_projects"] += 1
                    del center.building[k]
                    self.platform_status[j, k] = PLATFORM_NONE
                    self._release_waiting(int(j), int(k))

    def _drop_project(self, pid: int) -> None:
        """Abandon one departmental project; its need opens again."""
        book = self.projects
        if book.status[pid] == Status.QUEUED:
            office = self.offices[int(book.jur[pid])]
            office.review_queue.remove(pid)
        book.status[pid] = Status.ABANDONED
        self.cum["abandoned_projects"] += 1
        if book.pool_funded[pid]:
            # Money committed from the pool but not yet spent goes back to it.
            left = book.cost[pid] * max(1.0 - book.progress[pid], 0.0)
            self.pool[int(book.jur[pid])] += left
        dept, kind = int(book.dept[pid]), int(book.kind[pid])
        if kind < N_COMMON:
            self.access[dept, kind] = OPEN
        else:
            # The business need stays; the new head proposes it afresh.
            self._propose(
                np.array([dept]),
                np.array([BUSINESS]),
                np.array([book.need_month[pid]]),
                need_ids=np.array([book.need_id[pid]]),
            )

    def _release_waiting(self, j: int, k: int) -> None:
        """Departments waiting for a dropped platform must decide again."""
        for dept in self.waiting.pop((j, k), []):
            if self.access[dept, k] == WAITING:
                self.access[dept, k] = OPEN

    def _arise_needs(self) -> None:
        t = self.month
        arising = (self.need_month == t) & (self.access == NO_NEED)
        self.access[arising] = OPEN
        due = np.flatnonzero(self.business_need_month == t)
        if len(due):
            self._propose(
                self.business_dept[due],
                np.full(len(due), BUSINESS),
                np.full(len(due), t),
                need_ids=due,
            )
        self.data_status[(self.data_need_month == t) & (self.data_status == DATA_PENDING)] = (
            DATA_OPEN
        )
        self._arise_services()

    def _arise_services(self) -> None:
        """Cross-department services needing several departments at once [004]."""
        p, rng = self.p, self.rng
        rate = p.services_per_department_year * self.n_per / 12.0
        arrivals = rng.poisson(rate, self.n_jur)
        for j in np.flatnonzero(arrivals):
            for _ in range(arrivals[j]):
                size = int(min(rng.integers(2, p.max_service_departments + 1), self.n_per))
                members = j * self.n_per + rng.choice(self.n_per, size, replace=False)
                service = {
                    "jur": int(j),
                    "members": members,
                    "joined": np.zeros(size, dtype=bool),
                    "month": self.month,
                    "open_case": False,
                    "done": False,
                }
                self.services.append(service)
                if rng.random() < p.coordination_proactive:
                    self._open_case(int(j), ("service", len(self.services) - 1))

    def _decide_common_needs(self) -> None:
        """Departments with an open common need build, adopt, wait or reuse [001]."""
        depts, ks = np.nonzero(self.access == OPEN)
        if not len(depts):
            return
        p, rng, t = self.p, self.rng, self.month
        jurs = self.dept_jur[depts]
        status = self.platform_status[jurs, ks]
        # Awareness: the office publicizes what its registry holds; peers'
        # adoption spreads word of mouth (the source of the S-curve).
        shares = self.adopters[jurs, ks] / self.n_per
        base_aware = p.peer_awareness + (1 - p.peer_awareness) * p.registry_completeness
        aware = rng.random(len(depts)) < 1 - (1 - base_aware) * (
            1 - np.minimum(1.0, p.adoption_contagion * shares)
        )
        operating = aware & (status == PLATFORM_OPERATING)
        pending = aware & ((status == PLATFORM_PLANNED) | (status == PLATFORM_BUILDING))
        ready = self.platform_ready_month[jurs, ks]
        expected_wait = np.where(
            status == PLATFORM_BUILDING,
            np.nan_to_num(ready - t, nan=p.platform_build_months),
            p.platform_build_months * 1.5,
        )
        registered_known = self.registered_count[jurs, ks] > 0
        peer_chance = p.peer_awareness + (1 - p.peer_awareness) * p.registry_completeness * (
            registered_known
        )
        peers = (self.own_count[jurs, ks] > 0) & (rng.random(len(depts)) < peer_chance)
        cost = p.system_cost * _RELATIVE_COST[ks]
        weight = behaviour.money_weight(self.allocation[depts], p.annual_budget)
        deterrence = (
            p.audit_rate * p.sanction_strength + self.sanction_memory[depts] + self.deterrence[jurs]
        )
        utilities, vanity_part = behaviour.common_need_utilities(
            cost=cost,
            weight=weight,
            visibility=_VISIBILITY[ks],
            vanity=self.head_vanity[depts],
            deterrence=deterrence,
            on_standard=self.on_standard[depts],
            platform_operating=operating,
            platform_pending=pending,
            platform_poor=self.platform_poor[jurs, ks],
            expected_wait_months=expected_wait,
            peer_available=peers,
            autonomy_value=p.autonomy_value,
            adoption_cost_share=p.adoption_cost_share,
            migration_cost_share=p.migration_cost_share,
            poor_standard_penalty=p.poor_standard_penalty,
            evaluation_link=p.evaluation_link,
        )
        choice = behaviour.logit_choice(utilities, p.choice_rationality, rng)
        adopt = choice == behaviour.ADOPT_PLATFORM
        self._adopt_platform(depts[adopt], ks[adopt])
        wait = choice == behaviour.WAIT_FOR_PLATFORM
        for d, k in zip(depts[wait], ks[wait], strict=True):
            self._wait_for_platform(int(d), int(k))
        reuse = np.flatnonzero(choice == behaviour.REUSE_PEER)
        failed = reuse[~self._reuse_peer(depts[reuse], ks[reuse])]
        build = np.concatenate([np.flatnonzero(choice == behaviour.BUILD), failed])
        # A build is a vanity project when, without the vanity term, the head
        # would have preferred another option or found building not worth its
        # cost [001] ('不顾成本...树个人政绩之实的政绩工程').
        best_other = np.max(utilities[build][:, 1:], axis=1)
        plain_build = utilities[build, behaviour.BUILD] - vanity_part[build]
        vanity = (vanity_part[build] >= VANITY_THRESHOLD) & (
            plain_build < np.maximum(best_other, 0.0)
        )
        self._propose(depts[build], ks[build], self.need_month[depts[build], ks[build]], vanity)

    def _adopt_platform(self, depts: np.ndarray, ks: np.ndarray) -> None:
        if not len(depts):
            return
        p = self.p
        cost = p.system_cost * _RELATIVE_COST[ks]
        extra = np.where(self.on_standard[depts], 0.0, p.migration_cost_share)
        self._pay(depts, cost * (p.adoption_cost_share + extra))
        self.access[depts, ks] = PLATFORM_USER
        self.served_month[depts, ks] = self.month + 1  # one month of integration
        self.on_standard[depts] = True  # the platform carries the common standard
        np.add.at(self.adopters, (self.dept_jur[depts], ks), 1)

    def _wait_for_platform(self, dept: int, k: int) -> None:
        self.access[dept, k] = WAITING
        self.waiting.setdefault((int(self.dept_jur[dept]), k), []).append(dept)

    def _reuse_peer(self, depts: np.ndarray, ks: np.ndarray) -> np.ndarray:
        """Ask a peer that owns a system to let the department use it (Lee 2010)."""
        ok = np.zeros(len(depts), dtype=bool)
        if not len(depts):
            return ok
        p = self.p
        # Pick one owner at random (an index draw: owner lists can be long).
        jurs = self.dept_jur[depts]
        pools = [self.owners[(int(j), int(k))] for j, k in zip(jurs, ks, strict=True)]
        picks = self.rng.integers(0, [len(pool) for pool in pools])
        owners = np.array([pool[i] for pool, i in zip(pools, picks, strict=True)])
        compatible = self.on_standard[depts] & self.on_standard[owners]
        chance = behaviour.agreement_probability(
            willingness=self.willingness[owners],
            compatible=compatible,
            push=0.0,
            evaluation_link=p.evaluation_link,
            sharing_risk=p.sharing_risk,
            rationality=p.choice_rationality,
        )
        ok = self.rng.random(len(depts)) < chance
        d, k = depts[ok], ks[ok]
        cost = p.system_cost * _RELATIVE_COST[k]
        self._pay(d, cost * (p.adoption_cost_share + p.migration_cost_share * ~compatible[ok]))
        self.access[d, k] = PEER_USER
        self.served_month[d, k] = self.month + 1
        self.sharing_links.update(zip(owners[ok].tolist(), d.tolist(), strict=True))
        return ok

    def _propose(
        self,
        depts: np.ndarray,
        kinds: np.ndarray,
        need_months: np.ndarray,
        vanity: np.ndarray | None = None,
        need_ids: np.ndarray | None = None,
    ) -> None:
        """File build proposals: each passes the sign-off bodies [001].

        Args:
            depts: Proposing departments.
            kinds: Common-capability index or ``BUSINESS`` for each proposal.
            need_months: Month each underlying need arose.
            vanity: Whether each proposal is a vanity project.
            need_ids: For business proposals, the row of the business need.
        """
        if not len(depts):
            return
        p, rng = self.p, self.rng
        common = kinds < N_COMMON
        self.access[depts[common], kinds[common]] = PROPOSED
        relative = np.where(common, _RELATIVE_COST[np.minimum(kinds, N_COMMON - 1)], 1.0)
        business_size = rng.uniform(0.5, 1.5, len(depts))
        cost = p.system_cost * np.where(common, relative, business_size)
        size = cost / p.system_cost
        # Time to build grows with size and falls with IT capacity ([001]
        # 'three-nos' departments build slowly).
        duration = p.build_months * size / (0.3 + 0.7 * self.it_capacity[depts])
        delay = rng.exponential(max(p.signoff_delay_months, 1e-9), (len(depts), p.approval_bodies))
        ready = self.month + delay.sum(axis=1) if p.signoff_delay_months > 0 else self.month
        reviewed = rng.random(len(depts)) < p.review_coverage
        self.projects.add(
            dept=depts,
            jur=self.dept_jur[depts],
            kind=kinds,
            status=np.full(len(depts), Status.SIGNOFF),
            cost=cost,
            duration=duration,
            need_month=need_months,
            ready_month=np.broadcast_to(ready, len(depts)),
            reviewed=reviewed,
            vanity=np.zeros(len(depts), dtype=bool) if vanity is None else vanity,
            need_id=np.full(len(depts), -1) if need_ids is None else need_ids,
        )

    def _approval(self) -> None:
        """Sign-offs, then the reviewing office's finite-capacity queue [001]."""
        book, t = self.projects, self.month
        signoff = book.ids_with(Status.SIGNOFF)
        passed = signoff[book.ready_month[signoff] <= t]
        to_review = passed[book.reviewed[passed]]
        self._start(passed[~book.reviewed[passed]])
        for pid in to_review:
            book.status[pid] = Status.QUEUED
            book.queued_month[pid] = t
            self.offices[int(book.jur[pid])].review_queue.append(int(pid))
        authority = self.authority()
        for j, office in enumerate(self.offices):
            if not office.review_queue:
                continue
            if self.p.priority_review > 0 and self.rng.random() < self.p.priority_review:
                # Importance first: common (foundational) needs before business ones.
                office.review_queue = type(office.review_queue)(
                    sorted(office.review_queue, key=lambda pid: book.kind[pid] >= N_COMMON)
                )
            slots = office.review_slots(self.p.review_capacity)
            for _ in range(slots):
                self._review(int(office.review_queue.popleft()), j, authority[j])

    def _review(self, pid: int, j: int, authority: float) -> None:
        """Check one proposal against the registry and the plan; stop it if able."""
        book = self.projects
        self.cum["reviews_done"] += 1
        self.cum["review_wait_total"] += self.month - book.queued_month[pid]
        kind, dept = int(book.kind[pid]), int(book.dept[pid])
        if kind < N_COMMON:
            self.demand_seen[j, kind] += 1
            self._maybe_bundle(j, kind)
            status = self.platform_status[j, kind]
            known = status != PLATFORM_NONE or self.registered_count[j, kind] > 0
            if known and self.rng.random() < authority:
                book.status[pid] = Status.REDIRECTED
                self.cum["redirected"] += 1
                if status == PLATFORM_OPERATING:
                    self._adopt_platform(np.array([dept]), np.array([kind]))
                    return
                if status != PLATFORM_NONE:
                    self._wait_for_platform(dept, kind)
                    return
                if self._reuse_peer(np.array([dept]), np.array([kind]))[0]:
                    return
                # The peer refused: the office approves after all.
                self.cum["redirected"] -= 1
        self._start(np.array([pid]))

    def _maybe_bundle(self, j: int, k: int) -> None:
        """Common needs seen often enough become a shared-platform project [001]."""
        center = self.centers[j]
        if (
            center is not None
            and self.platform_status[j, k] == PLATFORM_NONE
            and self.demand_seen[j, k] >= self.p.bundling_threshold
        ):
            self._plan_platform(j, k)

    def _platform_cost(self, k: int) -> float:
        return self.p.system_cost * _RELATIVE_COST[k] * self.p.platform_cost_multiple

    def _plan_platform(self, j: int, k: int) -> None:
        """Put a shared platform on the center's plan and reserve its money."""
        self.centers[j].plan.append(k)
        self.platform_status[j, k] = PLATFORM_PLANNED
        self.platform_reserve[j] += self._platform_cost(k)

    def _start(self, pids: np.ndarray) -> None:
        """Approved projects start building, paid from the pool if it can [001]."""
        if not len(pids):
            return
        book = self.projects
        book.status[pids] = Status.BUILDING
        for pid in pids:
            j = int(book.jur[pid])
            if self.pool[j] - self.platform_reserve[j] >= book.cost[pid]:
                self.pool[j] -= book.cost[pid]
                book.pool_funded[pid] = True

    def _technical_center(self) -> None:
        """The center builds planned platforms, foundational ones first [001]."""
        p, book, t = self.p, self.projects, self.month
        for j, center in enumerate(self.centers):
            if center is None:
                continue
            while center.plan and len(center.building) < p.technical_center_capacity:
                k = center.plan.pop(0)
                cost = self._platform_cost(k)
                (pid,) = book.add(
                    dept=np.array([-1]),
                    jur=np.array([j]),
                    kind=np.array([PLATFORM]),
                    status=np.array([Status.BUILDING]),
                    cost=np.array([cost]),
                    duration=np.array([p.platform_build_months]),
                    need_month=np.array([t]),
                )
                center.building[k] = int(pid)
                self.platform_status[j, k] = PLATFORM_BUILDING
                self.platform_ready_month[j, k] = t + p.platform_build_months
            for k, pid in list(center.building.items()):
                # Platforms are paid month by month from the unified pool;
                # with no pool money they stall (MODEL.md 3.10).
                spend = book.cost[pid] / book.duration[pid]
                if self.is_disrupted(j) or self.pool[j] < spend:
                    book.stalled[pid] += 1
                    self.platform_ready_month[j, k] += 1
                    continue
                self.pool[j] -= spend
                self.platform_reserve[j] = max(self.platform_reserve[j] - spend, 0.0)
                self.cum["spending"] += spend
                book.progress[pid] += 1.0 / book.duration[pid]
                if book.progress[pid] >= 1.0 - 1e-9:
                    book.status[pid] = Status.DONE
                    self.cum["projects_completed"] += 1
                    del center.building[k]
                    self._platform_ready(j, k)

    def _platform_ready(self, j: int, k: int) -> None:
        self.platform_status[j, k] = PLATFORM_OPERATING
        waiting = [d for d in self.waiting.pop((j, k), []) if self.access[d, k] == WAITING]
        self._adopt_platform(np.array(waiting, dtype=np.int64), np.full(len(waiting), k))

    def _construction(self) -> None:
        """Projects advance with money; without it they stall ('beard' projects) [002]."""
        book, t = self.projects, self.month
        building = book.ids_with(Status.BUILDING)
        building = building[book.kind[building] != PLATFORM]
        if not len(building):
            return
        spend = book.cost[building] / book.duration[building]
        pooled = book.pool_funded[building]
        depts = book.dept[building]
        # Departmental money is shared pro rata among a department's projects.
        demand = np.bincount(depts[~pooled], spend[~pooled], minlength=self.n_dept)
        share = np.where(demand > 0, np.minimum(1.0, self.balance / np.maximum(demand, 1e-12)), 1)
        funded = np.where(pooled, 1.0, share[depts])
        paid = spend * funded
        np.subtract.at(self.balance, depts[~pooled], paid[~pooled])
        self.cum["spending"] += float(paid.sum())
        book.progress[building] += funded / book.duration[building]
        book.stalled[building] += funded < 0.5
        done = building[book.progress[building] >= 1.0 - 1e-9]
        if len(done):
            self._complete(done, t)

    def _complete(self, pids: np.ndarray, t: int) -> None:
        p, book, rng = self.p, self.projects, self.rng
        book.status[pids] = Status.DONE
        self.cum["projects_completed"] += len(pids)
        kinds, depts = book.kind[pids], book.dept[pids]
        business = kinds == BUSINESS
        # Business systems: the need is served.
        self.business_served_month[book.need_id[pids[business]]] = t + 1
        common = ~business
        c_pids, c_depts, c_ks = pids[common], depts[common], kinds[common]
        if not len(c_pids):
            return
        jurs = self.dept_jur[c_depts]
        for pid, d, k, j in zip(c_pids, c_depts, c_ks, jurs, strict=True):
            instances = self.own_count[j, k] + (self.platform_status[j, k] == PLATFORM_OPERATING)
            duplicate = instances >= 1
            self.own_count[j, k] += 1
            self.owners.setdefault((int(j), int(k)), []).append(int(d))
            if duplicate:
                self.cum["duplicate_projects"] += 1
                self.cum["redundant_spending"] += float(book.cost[pid])
            if book.vanity[pid]:
                self.cum["vanity_projects"] += 1
            # Audits find duplicates and vanity projects with some chance;
            # sanctions teach the head and, less, the whole government [001].
            if (duplicate or book.vanity[pid]) and rng.random() < p.audit_rate:
                self.cum["audit_findings"] += 1
                self.sanction_memory[d] += p.sanction_strength
                self.deterrence[j] += 0.2 * p.sanction_strength
        registered = rng.random(len(c_pids)) < p.registry_completeness
        np.add.at(self.registered_count, (jurs[registered], c_ks[registered]), 1)
        # New systems follow the common standard by default with the initial
        # share's chance, more where enforcement has authority behind it.
        enforcement = p.standard_enforcement * self.attention_factor()[jurs]
        follow = p.initial_common_standard_share + (1 - p.initial_common_standard_share) * (
            enforcement
        )
        # A department already on the common standard builds to it.
        self.on_standard[c_depts] |= rng.random(len(c_pids)) < follow
        self.access[c_depts, c_ks] = OWN
        self.served_month[c_depts, c_ks] = t + 1

    def _data_sharing(self) -> None:
        """Data needs met by sharing, by collecting again, or not at all [001]."""
        p, rng, t = self.p, self.rng, self.month
        trying = np.flatnonzero(
            (self.data_status == DATA_OPEN) & (self.data_next_try <= t) & ~self.data_case_open
        )
        if not len(trying):
            return
        req, hold = self.data_requester[trying], self.data_holder[trying]
        pushed = self.data_push[trying]
        chance = behaviour.agreement_probability(
            willingness=self.willingness[hold],
            compatible=self.on_standard[req] & self.on_standard[hold],
            push=p.coordination_strength * pushed,
            evaluation_link=p.evaluation_link,
            sharing_risk=p.sharing_risk,
            rationality=p.choice_rationality,
        )
        agreed = rng.random(len(trying)) < chance
        shared = trying[agreed]
        self.data_status[shared] = DATA_SHARED
        self.sharing_links.update(
            zip(
                self.data_holder[shared].tolist(), self.data_requester[shared].tolist(), strict=True
            )
        )
        self.cum["cases_resolved"] += int(np.sum(agreed & pushed))
        refused = trying[~agreed]
        first = refused[~self.data_push[refused]]
        # Refused once: the body may open a case by itself (proactive) or on
        # the requester's request (passive) [001].
        escalate = rng.random(len(first)) < 1 - (1 - p.coordination_proactive) * (
            1 - p.request_propensity
        )
        for n in first[escalate]:
            self.data_case_open[n] = True
            self._open_case(int(self.dept_jur[self.data_requester[n]]), ("data", int(n)))
        # Otherwise (or after a failed case) the requester may collect the
        # data again itself: duplicated collection [001].
        give_up = np.concatenate([first[~escalate], refused[self.data_push[refused]]])
        self.data_push[give_up] = False
        recollect = give_up[
            rng.random(len(give_up)) < self.head_attention[self.data_requester[give_up]]
        ]
        cost = p.system_cost * p.recollection_cost_share
        spent_before = self.cum["spending"]
        self._pay(self.data_requester[recollect], np.full(len(recollect), cost))
        self.cum["redundant_spending"] += self.cum["spending"] - spent_before
        self.data_status[recollect] = DATA_RECOLLECTED
        self.cum["redundant_data_collections"] += len(recollect)
        self.data_next_try[np.setdiff1d(give_up, recollect)] = t + 12

    def _services(self) -> None:
        """Stuck services: departments may ask the body to coordinate (passive)."""
        p, rng = self.p, self.rng
        for index, service in enumerate(self.services):
            if (
                not service["done"]
                and not service["open_case"]
                and rng.random() < p.request_propensity
            ):
                self._open_case(service["jur"], ("service", index))

    def _open_case(self, j: int, case: tuple[str, int]) -> None:
        if case[0] == "service":
            self.services[case[1]]["open_case"] = True
        self.desks[j].case_queue.append(case)
        self.cum["cases_opened"] += 1

    def _coordination(self) -> None:
        """Each body works its open cases up to capacity [001].

        Proactively, a task force talks to all members at once; passively, the
        body holds one bilateral talk a month.
        """
        p, rng = self.p, self.rng
        for desk in self.desks:
            if not desk.case_queue:
                continue
            slots = desk.case_slots(p.coordination_capacity)
            for _ in range(slots):
                kind, index = desk.case_queue.popleft()
                if kind == "data":
                    # Worked: the holder is asked again next month with a push.
                    self.data_case_open[index] = False
                    self.data_push[index] = True
                    self.data_next_try[index] = self.month + 1
                    continue
                service = self.services[index]
                pending = np.flatnonzero(~service["joined"])
                if rng.random() >= p.coordination_proactive:
                    pending = pending[:1]  # passive: one bilateral talk
                members = service["members"][pending]
                chance = behaviour.agreement_probability(
                    willingness=self.willingness[members],
                    compatible=self.on_standard[members],
                    push=p.coordination_strength,
                    evaluation_link=p.evaluation_link,
                    sharing_risk=p.sharing_risk,
                    rationality=p.choice_rationality,
                )
                service["joined"][pending[rng.random(len(pending)) < chance]] = True
                if service["joined"].all():
                    service["done"] = True
                    service["open_case"] = False
                    self.cum["cases_resolved"] += 1
                    self.cum["services_delivered"] += 1
                    self.cum["service_months_total"] += self.month + 1 - service["month"]
                else:
                    desk.case_queue.append((kind, index))


__all__ = ["GovernanceModel", "Parameters"]
