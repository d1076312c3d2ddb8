"""Static tables: the common capabilities and the base data registries.

These are facts about e-government, not design choices, so they are constants
rather than parameters. Each row cites where it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommonCapability:
    """A capability every department needs and one shared instance could serve.

    Attributes:
        name: Snake-case name.
        stage_month: Month the capability's stage opens (e-government grows in
            stages: office automation, networks, portals, integration [002][004]).
        relative_cost: Cost of one departmental instance in units of
            ``system_cost``.
        visibility: How visible an own instance is to outsiders (0-1); drives
            vanity building [001].
        foundational: Priority in a master plan (higher first) [001].
    """

    name: str
    stage_month: int
    relative_cost: float
    visibility: float
    foundational: int


#: The six common capabilities of [001] (network platform, PKI/CA, portal,
#: shared resource database) and [002] (office automation, "re-building a
#: local information platform" = hosting / data centre).
COMMON_CAPABILITIES: tuple[CommonCapability, ...] = (
    CommonCapability("office_automation", 0, 0.6, 0.1, 2),
    CommonCapability("private_network", 0, 1.2, 0.3, 6),
    CommonCapability("data_center", 12, 1.5, 0.6, 5),
    CommonCapability("pki_ca", 24, 0.8, 0.1, 4),
    CommonCapability("portal", 24, 0.8, 1.0, 3),
    CommonCapability("shared_resource_database", 36, 1.0, 0.4, 1),
)

N_COMMON = len(COMMON_CAPABILITIES)

#: The four classic base registries (population, legal persons, geography,
#: economy); in every government the first four departments hold them.
BASE_REGISTRIES: tuple[str, ...] = ("population", "legal_persons", "geography", "economy")
N_REGISTRIES = len(BASE_REGISTRIES)

#: Sub-functions of each common capability (and of business systems): a
#: system is the set of those it provides, a department's need the set it
#: needs, both as bitmasks (GAO-12-241: systems of one category differ in
#: their sub-functions). Eight: e.g. a portal's publishing, search, forms,
#: payments, identity, notification, statistics and mobile access.
N_SUBFUNCTIONS = 8

#: Mission families: departments of a government whose missions are alike
#: (economic regulation, social services, law enforcement, ...) build
#: business systems with overlapping functions; business systems are compared
#: for overlap only within a family (assumption: about five departments of
#: forty per family).
MISSION_FAMILIES = 8
