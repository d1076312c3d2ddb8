"""The model's agents: departments, leaders, coordinators, the technical service center.

Departments and leaders are many, so their state lives in NumPy arrays owned by
the model and each agent is a light view on one row (``Department.budget`` reads
``model.balance[index]``). Their behaviour is written once for all of them at
a time in ``sim/behaviour.py``. Coordinators and technical service centers are
few (a handful per government) and hold their own state: a queue, a capacity
that refills each month, and what they know.
"""

from __future__ import annotations

from collections import deque
from enum import Enum
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.model import GovernanceModel


class Mandate(Enum):
    """Functions a governance body can hold ([001] section 3.1)."""

    REVIEW = "review"  # checks proposals against plan and registry
    SIGNOFF = "signoff"  # signs off on budget grounds only
    COORDINATE = "coordinate"  # opens and works cross-department cases


class Department(mesa.Agent):
    """One government department (a row of the model's department arrays).

    Attributes:
        index: Row in the model's department arrays.
        jurisdiction: Index of the government it belongs to.
    """

    def __init__(self, model: GovernanceModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.jurisdiction = int(model.dept_jur[index])

    @property
    def budget(self) -> float:
        """Money available for e-government projects now."""
        return float(self.model.balance[self.index])

    @property
    def it_capacity(self) -> float:
        """IT staff and skills, 0 (the 'three-nos' state [001]) to 1."""
        return float(self.model.it_capacity[self.index])

    @property
    def on_common_standard(self) -> bool:
        """Whether its systems follow the common technical standard."""
        return bool(self.model.on_standard[self.index])

    @property
    def willingness_to_share(self) -> float:
        """Willingness to share the data it holds (0 = information monopoly)."""
        return float(self.model.willingness[self.index])

    @property
    def head(self) -> Leader:
        """The department head."""
        return self.model.heads[self.index]


class Leader(mesa.Agent):
    """A department head or a government's top leader (a view on the leader arrays).

    Attributes:
        index: Department row for a head, government index for a top leader.
        is_top: True for the government's top leader.
    """

    def __init__(self, model: GovernanceModel, index: int, is_top: bool) -> None:
        super().__init__(model)
        self.index = index
        self.is_top = is_top

    @property
    def attention(self) -> float:
        """Attention paid to e-government, 0 to 1."""
        source = self.model.top_attention if self.is_top else self.model.head_attention
        return float(source[self.index])

    @property
    def vanity_preference(self) -> float:
        """Preference for visible projects of one's own (department heads only)."""
        return 0.0 if self.is_top else float(self.model.head_vanity[self.index])

    @property
    def term_ends(self) -> float:
        """Month in which the current leader leaves office."""
        source = self.model.top_term_end if self.is_top else self.model.head_term_end
        return float(source[self.index])


class Coordinator(mesa.Agent):
    """A governance body of one government: a sign-off body, an office or a desk.

    A body with ``REVIEW`` keeps a queue of proposals and a registry view; a
    body with ``COORDINATE`` keeps a queue of coordination cases. Capacity is
    the number of items it can handle per month; unused capacity is not
    banked beyond one month's worth.

    Attributes:
        jurisdiction: Government index.
        mandates: Functions this body holds.
        review_queue: Project ids waiting for review, oldest first.
        case_queue: Open coordination cases, oldest first.
    """

    def __init__(
        self, model: GovernanceModel, jurisdiction: int, mandates: frozenset[Mandate]
    ) -> None:
        super().__init__(model)
        self.jurisdiction = jurisdiction
        self.mandates = mandates
        self.review_queue: deque[int] = deque()
        self.case_queue: deque[tuple[str, int]] = deque()
        self._review_credit = 0.0
        self._case_credit = 0.0

    def review_slots(self, capacity: float) -> int:
        """Return how many proposals the body can review this month.

        Args:
            capacity: Reviews per month (may be fractional).
        """
        if self.model.is_disrupted(self.jurisdiction):
            return 0
        self._review_credit = min(self._review_credit + capacity, capacity + 1.0)
        slots = int(min(self._review_credit, len(self.review_queue)))
        self._review_credit -= slots
        return slots

    def case_slots(self, capacity: float) -> int:
        """Return how many coordination cases the body can work this month.

        Args:
            capacity: Cases per month (may be fractional).
        """
        if self.model.is_disrupted(self.jurisdiction):
            return 0
        self._case_credit = min(self._case_credit + capacity, capacity + 1.0)
        slots = int(min(self._case_credit, len(self.case_queue)))
        self._case_credit -= slots
        return slots

    @property
    def registry(self):
        """Per common capability, how many departmental systems the body knows of."""
        return self.model.registered_count[self.jurisdiction]


class TechnicalServiceCenter(mesa.Agent):
    """Builds shared platforms for one government ([001] 技术服务中心).

    Attributes:
        jurisdiction: Government index.
        plan: Common-capability indices waiting to be built, in priority order.
        building: Capability index -> platform project id under construction.
    """

    def __init__(self, model: GovernanceModel, jurisdiction: int) -> None:
        super().__init__(model)
        self.jurisdiction = jurisdiction
        self.plan: list[int] = []
        self.building: dict[int, int] = {}
