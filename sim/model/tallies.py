"""Running totals kept per government, from which outcomes are measured.

Every count the outcomes need that is not visible in the current state
(money spent, projects completed, needs served, ...) is added up as it
happens, government by government. Measuring a month then reads these totals
instead of scanning every project or need, and the same totals can be summed
over any grouping of governments: the whole run, or each of the independent
replicas of a batched run (``GovernanceModel(replicas=...)``).
"""

from __future__ import annotations

import numpy as np

#: Names of the running totals, with what each counts.
TALLIES: dict[str, str] = {
    "spending": "money paid for projects, platforms, adoption and re-collection",
    "redundant_spending": "money paid for duplicate systems and re-collected data",
    "projects_completed": "departmental projects and platforms completed",
    "late_projects_completed": "departmental projects completed after at least stall_months "
    "months with under half the money needed",
    "abandoned_projects": "projects and platforms abandoned after a turnover, and center "
    "platforms dropped after stalling",
    "vanity_projects": "completed projects started for visibility",
    "duplicate_projects": "completed systems another one already provided",
    "common_projects_completed": "own common-capability systems and shared platforms completed",
    "redirected": "proposals the review sent to an existing system",
    "redundant_data_collections": "data needs met by collecting the data again",
    "review_wait_total": "months waited in review queues, over reviewed proposals",
    "reviews_done": "proposals reviewed",
    "cases_opened": "coordination cases opened",
    "cases_resolved": "coordination cases ended with agreement",
    "services_delivered": "joint services delivered",
    "service_months_total": "months from a service's need to its delivery",
    "audit_findings": "duplicate or vanity projects found by audits",
    "needs_arisen": "needs (common, business) arisen",
    "common_needs_arisen": "common-capability needs arisen",
    "needs_arisen_month_sum": "sum of the months in which needs arose",
    "needs_served": "needs served",
    "needs_served_month_sum": "sum of the months in which served needs arose",
    "needs_served_age_sum": "sum of the months served needs waited",
    "data_needs_arisen": "data needs arisen",
    "data_needs_shared": "data needs met by sharing",
    "sharing_links": "distinct holder -> requester sharing links (by holder's government)",
    "services_arisen": "cross-department services needed",
    "governance_spending": "money paid for the staff of offices, coordinating bodies and centers",
    "operation_spending": "money paid to operate and maintain finished systems and platforms",
    "needs_served_start_sum": "sum of the months from which served needs are served",
    "common_needs_served": "common-capability needs served",
    "outage_user_months": "months of service lost by platform users to outages",
    "platform_outages": "platform-months of outage",
    "interface_spending": "money paid for data sharing: requesters' interfaces and bridges, "
    "holders' provision",
    "useful_data_needs": "data needs whose value covers both sides' costs of sharing",
    "useful_data_needs_shared": "useful data needs met by sharing",
    "data_needs_foregone": "data needs not worth their requester's own cost of sharing",
    "platform_expansions": "expansions of platforms that outgrew their capacity",
    "cobuilds_started": "shared platforms started by a lead department without a center",
    "cobuilds_dropped": "co-built platforms dropped because no member waited for them any more",
    "waits_given_up": "departments that stopped waiting for a platform after their patience",
    "systems_retired": "own common systems decommissioned (end of life, or replaced)",
    "renewals": "own common systems at the end of their life whose owners decided again",
    "platforms_renewed": "platforms rebuilt in place at the end of their life",
    "renewal_spending": "money paid to rebuild platforms and complementary systems at their end",
    "customizations": "departments that customized a platform or peer's system to their bundle",
    "complementary_systems": "complementary systems built beside a platform or peer's system",
    "common_need_choices": "departments choosing how to meet an open common need",
    "shared_route_choices": "of those, the ones choosing a platform (to adopt or wait for) or "
    "a peer's system",
    "needs_service_ended": "served common needs whose service ended (their system retired)",
    "needs_service_ended_month_sum": "sum of the months from which those needs were not served",
    "staff_billed": "staff bill of offices, coordinating bodies and centers (paid or not)",
    "staff_capacity_worked": "staff bill worth of capacity worked: paid and not reorganized",
    "review_capacity_worked": "proposal-months of review capacity worked: paid and not reorganized",
    "platform_upkeep_billed": "operation and maintenance billed for operating platforms",
    "platform_upkeep_paid": "operation and maintenance paid for operating platforms",
    "system_upkeep_billed": "operation and maintenance billed for departmental systems",
    "system_upkeep_paid": "operation and maintenance paid for departmental systems",
    "upkeep_lost_service_months": "expected months of service departmental systems lost to "
    "unpaid upkeep",
    "platforms_dropped_stalled": "center platforms dropped after making no progress for the "
    "stall limit",
    "proposals_filed": "build proposals filed",
    "approval_bypassed": "proposals withdrawn from sign-off or review and built without approval",
}


class Tallies:
    """Running totals, one value per government for each name in ``TALLIES``.

    The totals are the rows of one (names x governments) array, so that all of
    them are summed over a grouping of governments in one operation.

    Args:
        n_governments: Number of governments of the run.
    """

    def __init__(self, n_governments: int) -> None:
        self.n_governments = n_governments
        self.row = {name: i for i, name in enumerate(TALLIES)}
        self.matrix = np.zeros((len(TALLIES), n_governments))

    def add(
        self,
        name: str | tuple[str, ...],
        governments: np.ndarray,
        amounts: np.ndarray | float = 1.0,
    ) -> None:
        """Add ``amounts`` (one per item, or the same for all) to the items' governments.

        ``name`` may be several names that record the same amounts (money
        paid counts in ``spending`` and in its own total): the sums per
        government are then formed once and added to each.
        """
        # Called about 100 times a month: the type checks avoid NumPy's
        # slower generic ``asarray``/``ndim`` for the usual arrays and floats.
        if not isinstance(governments, np.ndarray):
            governments = np.asarray(governments)
        if not governments.size:
            return
        rows = [self.row[name]] if isinstance(name, str) else [self.row[n] for n in name]
        if isinstance(amounts, np.ndarray):
            vector = amounts.ndim > 0
        else:
            vector = not isinstance(amounts, float | int) and np.ndim(amounts) > 0
        if self.n_governments == 1:  # the common single-city run: no grouping needed
            sums = np.sum(amounts) if vector else float(amounts) * governments.size
            for row in rows:
                self.matrix[row, 0] += sums
            return
        if governments.size * 8 < self.n_governments:
            # Few items among many governments (a national run): add in place.
            for row in rows:
                np.add.at(self.matrix[row], governments, amounts)
            return
        if vector:
            sums = np.bincount(governments, weights=amounts, minlength=self.n_governments)
        else:
            sums = float(amounts) * np.bincount(governments, minlength=self.n_governments)
        for row in rows:
            self.matrix[row] += sums

    def total(self, name: str) -> float:
        """Sum over all governments."""
        return float(self.matrix[self.row[name]].sum())

    def totals(self) -> dict[str, float]:
        """Every total summed over all governments."""
        return dict(zip(self.row, self.matrix.sum(axis=1).tolist(), strict=True))

    def by_group(self, group: np.ndarray, n_groups: int) -> dict[str, np.ndarray]:
        """Every total summed over the governments of each group.

        Args:
            group: Group of each government (``0 .. n_groups - 1``).
            n_groups: Number of groups.

        Returns:
            Name to an array of one sum per group.
        """
        if n_groups == 1:
            sums = self.matrix.sum(axis=1, keepdims=True)
        else:
            # Sums over each group's columns (the replicas of a batch are
            # consecutive blocks). Not a matrix product with a 0/1 indicator:
            # OpenBLAS threads a product of 150 groups or more, and on a
            # loaded machine its threads wait (50 ms a month against 0.3 ms
            # measured with 8 processes per core; issue 27).
            order = np.argsort(group, kind="stable")
            starts = np.searchsorted(group[order], np.arange(n_groups))
            empty = np.bincount(group, minlength=n_groups) == 0
            sums = np.add.reduceat(
                self.matrix[:, order], np.minimum(starts, self.n_governments - 1), axis=1
            )
            sums[:, empty] = 0.0
        return {name: sums[i] for name, i in self.row.items()}
