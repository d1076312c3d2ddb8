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
    "abandoned_projects": "projects and platforms abandoned after a turnover",
    "vanity_projects": "completed projects started for visibility",
    "duplicate_projects": "completed systems another one already provided",
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
}


class Tallies:
    """Running totals, one value per government for each name in ``TALLIES``.

    Args:
        n_governments: Number of governments of the run.
    """

    def __init__(self, n_governments: int) -> None:
        self.n_governments = n_governments
        self.values = {name: np.zeros(n_governments) for name in TALLIES}

    def add(self, name: str, governments: np.ndarray, amounts: np.ndarray | float = 1.0) -> None:
        """Add ``amounts`` (one per item, or the same for all) to the items' governments."""
        governments = np.asarray(governments)
        if not governments.size:
            return
        if self.n_governments == 1:  # the common single-city run: no grouping needed
            if np.ndim(amounts):
                self.values[name][0] += np.sum(amounts)
            else:
                self.values[name][0] += float(amounts) * governments.size
            return
        weights = np.broadcast_to(np.asarray(amounts, dtype=float), governments.shape)
        self.values[name] += np.bincount(governments, weights=weights, minlength=self.n_governments)

    def total(self, name: str) -> float:
        """Sum over all governments."""
        return float(self.values[name].sum())

    def by_group(self, name: str, group: np.ndarray, n_groups: int) -> np.ndarray:
        """Sums over the governments of each group (``group[j]`` is government j's group)."""
        return np.bincount(group, weights=self.values[name], minlength=n_groups)
