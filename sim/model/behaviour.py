"""Department and leader behaviour, written for many departments at once.

Each function takes arrays (one entry per deciding department) and returns
arrays, so that one call decides for every department that has something to
decide this month. Choices are logit (random-utility) choices: a department
picks the option with the highest utility plus Gumbel noise, the noise scaled
by ``choice_rationality``.
"""

from __future__ import annotations

import numpy as np

BUILD, ADOPT_PLATFORM, WAIT_FOR_PLATFORM, REUSE_PEER = 0, 1, 2, 3
OPTION_NAMES = ("build", "adopt_platform", "wait_for_platform", "reuse_peer")
#: How a department closes the gap a platform or a peer's system leaves in its bundle.
CUSTOMIZE, COMPLEMENT = 0, 1

#: Utility lost per year of waiting for a platform still under construction
#: (assumption; swept through ``need_delay_months`` and platform build time).
WAIT_COST_PER_YEAR = 0.6
#: Utility lost when the data or service partner is not on the common
#: standard ([001][004]: standards decide whether systems can exchange data).
INCOMPATIBILITY_PENALTY = 0.3
#: Utility per unit of ``evaluation_link`` that a head gains from sharing data
#: or joining a joint service (assumption; sharing is only part of the
#: evaluation [001], so it counts half).
EVALUATION_WEIGHT = 0.5


def logistic(x: np.ndarray) -> np.ndarray:
    """Return the logistic function of ``x``."""
    return 1.0 / (1.0 + np.exp(-x))


def logit_choice(utilities: np.ndarray, rationality: float, rng: np.random.Generator) -> np.ndarray:
    """Pick one option per row by random utility (Gumbel noise).

    Args:
        utilities: Array (deciders, options); ``-inf`` marks an unavailable option.
        rationality: Scale of utilities against the noise (one value, or one per row).
        rng: The model's generator.

    Returns:
        Index of the chosen option for each row.
    """
    noise = rng.gumbel(size=utilities.shape)
    if np.ndim(rationality):  # one value per row (replicas with their own parameters)
        rationality = np.asarray(rationality)[:, None]
    return np.argmax(rationality * utilities + noise, axis=1)


def money_weight(allocation: np.ndarray, mean_allocation: float) -> np.ndarray:
    """Weight a department puts on money: poorer departments weigh cost more ([002])."""
    relative = allocation / np.maximum(mean_allocation, 1e-9)
    return 1.0 / (0.5 + 0.5 * relative)


def common_need_utilities(
    *,
    cost: np.ndarray,
    weight: np.ndarray,
    visibility: np.ndarray,
    vanity: np.ndarray,
    deterrence: np.ndarray,
    on_standard: np.ndarray,
    platform_operating: np.ndarray,
    platform_pending: np.ndarray,
    platform_poor: np.ndarray,
    expected_wait_months: np.ndarray,
    peer_available: np.ndarray,
    autonomy_value: float,
    adoption_cost_share: float,
    migration_cost_share: float,
    poor_standard_penalty: float,
    evaluation_link: float,
    gap_cost: np.ndarray | float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Utilities of building, adopting, waiting and reusing, for each open need.

    Building brings autonomy and, for visible capabilities, credit to a head
    who likes visible projects [001]; it costs money and, where the head knows
    something usable already exists, the expected sanction of an audit.
    Adopting costs integration (plus migration off a proprietary standard) and
    earns credit where heads are evaluated on e-government results [001].

    Args:
        cost: Cost of an own system for each need.
        weight: Money weight of the deciding department.
        visibility: Visibility of the capability.
        vanity: Head's vanity preference.
        deterrence: Expected sanction the head fears for a known duplicate.
        on_standard: Whether the department follows the common standard.
        platform_operating: A shared platform exists and the department knows it.
        platform_pending: A shared platform is planned or being built and known.
        platform_poor: The platform was built on a poor, locked-in standard.
        expected_wait_months: Months until a pending platform is expected.
        peer_available: A peer's reusable system is known.
        autonomy_value: Value of owning one's system.
        adoption_cost_share: Integration cost as a share of ``cost``.
        migration_cost_share: Extra cost off the common standard.
        poor_standard_penalty: Utility lost on a poor platform.
        evaluation_link: Weight of results in heads' evaluations.
        gap_cost: Expected cost (utility units) of customizing the known
            platform to the sub-functions it does not cover (issue 25).

    Returns:
        ``(utilities, vanity_part)``: utilities (needs, 4) with ``-inf`` for
        unavailable options, and the part of the build utility due to vanity.
    """
    known_overlap = platform_operating | platform_pending | peer_available
    vanity_part = vanity * visibility
    build = autonomy_value + vanity_part - 0.5 * weight * cost - deterrence * known_overlap
    adoption = weight * cost * (adoption_cost_share + migration_cost_share * ~on_standard)
    platform = -adoption - poor_standard_penalty * platform_poor + evaluation_link - gap_cost
    wait = platform - WAIT_COST_PER_YEAR * expected_wait_months / 12.0
    peer = -adoption - 0.5 * autonomy_value + evaluation_link
    utilities = np.full((len(cost), 4), -np.inf)
    utilities[:, BUILD] = build
    utilities[:, ADOPT_PLATFORM] = np.where(platform_operating, platform, -np.inf)
    utilities[:, WAIT_FOR_PLATFORM] = np.where(platform_pending, wait, -np.inf)
    utilities[:, REUSE_PEER] = np.where(peer_available, peer, -np.inf)
    return utilities, vanity_part


def fit_gap_utilities(
    *,
    cost: np.ndarray,
    weight: np.ndarray,
    gap_share: np.ndarray,
    has_old_system: np.ndarray,
    autonomy_value: float,
    customization_cost_share: float,
) -> np.ndarray:
    """Utilities of customizing the system joined and of a complementary own system.

    Customizing costs ``customization_cost_share`` of an own system per share
    of the bundle uncovered. A complementary system brings the autonomy of an
    own system for that share and, like building (``common_need_utilities``),
    half its cost weighs; an old system kept costs nothing to build.

    Args:
        cost: Cost of a full own system for each department.
        weight: Money weight of the department.
        gap_share: Share of its bundle the system joined does not provide.
        has_old_system: Whether it has an own system it could keep.
        autonomy_value: Value of owning one's system.
        customization_cost_share: Customization cost per share uncovered.

    Returns:
        Utilities (departments, 2): ``CUSTOMIZE``, ``COMPLEMENT``.
    """
    customize = -weight * cost * customization_cost_share * gap_share
    build = np.where(has_old_system, 0.0, 0.5 * weight * cost * gap_share)
    complement = autonomy_value * gap_share - build
    return np.column_stack((customize, complement))


KEEP_WAITING, BUILD_ANYWAY = 0, 1


def bypass_utilities(
    *,
    expected_wait_months: np.ndarray,
    deterrence: np.ndarray,
    weight: np.ndarray,
    cost: np.ndarray,
    pool_share: np.ndarray | float,
) -> np.ndarray:
    """Utilities of keeping a proposal in approval or building it without approval.

    A department whose proposal has waited its patience weighs the months it
    still expects to wait (at ``WAIT_COST_PER_YEAR``, as when it waits for a
    platform) against what building unapproved costs it: the sanction it
    expects if an audit finds the project (the same expected sanction that
    deters a known duplicate, 7.2) and the money the unified pool would have
    paid for an approved project, weighed like its other money (half the
    cost times its money weight, as in the build utility).

    Args:
        expected_wait_months: Months the department expects still to wait.
        deterrence: Expected sanction the head fears for a project found.
        weight: Money weight of the deciding department.
        cost: Cost of the project.
        pool_share: Share of an approved project's cost the pool would pay.

    Returns:
        Utilities (proposals, 2): ``KEEP_WAITING``, ``BUILD_ANYWAY``.
    """
    utilities = np.empty((len(expected_wait_months), 2))
    utilities[:, KEEP_WAITING] = -WAIT_COST_PER_YEAR * expected_wait_months / 12.0
    utilities[:, BUILD_ANYWAY] = -deterrence - 0.5 * weight * cost * pool_share
    return utilities


def agreement_probability(
    *,
    willingness: np.ndarray,
    compatible: np.ndarray,
    push: np.ndarray | float,
    evaluation_link: float,
    sharing_risk: float,
    rationality: float,
) -> np.ndarray:
    """Chance that a department agrees to share data or join a joint service.

    The holder weighs benefit (its willingness, the credit of evaluation,
    the push of a coordination case) against risk and the cost of bridging
    incompatible standards; monopoly is a choice [001], Dawes (1996).

    Args:
        willingness: Holder's willingness to share.
        compatible: Both sides follow the common standard.
        push: Push from a coordination case worked this month.
        evaluation_link: Weight of results in heads' evaluations.
        sharing_risk: Perceived risk of sharing.
        rationality: Sharpness of the choice.

    Returns:
        Probabilities in (0, 1).
    """
    net = willingness + EVALUATION_WEIGHT * evaluation_link + push - sharing_risk
    net = net - INCOMPATIBILITY_PENALTY * ~compatible
    return logistic(rationality * net)
