"""Every model parameter, declared once: default, unit, allowed range and source.

Parameters fall in three groups, kept apart as in EMA Workbench:

* ``lever``: the governance design (what a reform can change);
* ``uncertainty``: context the designer does not control;
* ``structure``: size and horizon of the simulated world.

Sources cite the seed papers in ``../shared/seeds`` by number ([001] is the
proposal for a centralized promotion leading group; [002] the 2006 status
report; [003] the lecture on the four local arrangements; [004] the paper on
China's national conditions) or the literature of ``docs/ODD.md``. A value
marked "assumption" is a modelling choice, documented so that it can be swept.
Each plausible range names its own source (a seed, literature, statistics or
a judgement with its reasoning; ``ParameterSpec.plausible``).

A scenario is a set of overrides of these defaults (see ``sim/experiments/inputs/scenarios.py``).
The defaults themselves describe the dispersed status quo of the 2000s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

Group = Literal["lever", "uncertainty", "structure"]

#: Kinds of source a plausible range may have; its reason starts with one and a colon.
PLAUSIBLE_SOURCES: tuple[str, ...] = ("seed", "literature", "statistics", "judgement")


@dataclass(frozen=True)
class ParameterSpec:
    """Declaration of one model parameter.

    Attributes:
        name: Snake-case name used in scenario files and in the model.
        default: Value used when no scenario sets it.
        unit: Unit of measurement (``share`` means a number in [0, 1]).
        low: Smallest allowed value.
        high: Largest allowed value.
        group: ``lever``, ``uncertainty`` or ``structure``.
        source: Seed file or paper the value or mechanism comes from.
        description: What the parameter means, in one sentence.
        plausible: ``(low, high, reason)``: the range worth exploring in sweeps,
            screens and scenario discovery, inside the allowed one, with the
            source of the range itself (declared for every uncertainty and
            structure parameter, and for levers whose allowed range runs far
            beyond a government); None means the allowed range. The reason
            starts with the kind of source, one of ``PLAUSIBLE_SOURCES``:
            ``seed:`` (cites [001]-[004]), ``literature:`` (author or report
            and year), ``statistics:`` (official or published counts) or
            ``judgement:`` (with its reasoning). A range is never justified
            by the model's own output (issue 27).
    """

    name: str
    default: float | int
    unit: str
    low: float | int
    high: float | int
    group: Group
    source: str
    description: str
    plausible: tuple[float, float, str] | None = None

    @property
    def plausible_range(self) -> tuple[float | int, float | int]:
        """Range to explore: the declared plausible one, else the allowed one."""
        low, high = self.plausible[:2] if self.plausible else (self.low, self.high)
        cast = self.type
        return cast(low), cast(high)

    @property
    def plausible_reason(self) -> str:
        """Why the plausible range is plausible (or that the allowed range is used)."""
        return self.plausible[2] if self.plausible else "the allowed range"

    @property
    def plausible_source(self) -> str | None:
        """Kind of source of the declared plausible range (None if none is declared)."""
        if not self.plausible:
            return None
        kind = self.plausible[2].split(":", 1)[0]
        return kind if kind in PLAUSIBLE_SOURCES else "unknown"

    @property
    def type(self) -> type:
        """Python type of the value (``int`` when the default is an int)."""
        is_int = isinstance(self.default, int) and not isinstance(self.default, bool)
        return int if is_int else float


_P = ParameterSpec

#: Why the utility weights' plausible ranges end at 2 (a judgement; ODD 7.2).
_UTILITY_SCALE = (
    "utilities are in money terms (building a departmental system weighs 0.5, a year of waiting "
    "0.6; ODD 7.2), so 2 is about four systems' money and more would swamp every cost in the "
    "choice"
)

PARAMETERS: tuple[ParameterSpec, ...] = (
    # ---------------------------------------------------------------- structure
    _P(
        "n_jurisdictions",
        1,
        "governments",
        1,
        5000,
        "structure",
        "[004]",
        "Number of governments simulated side by side, each with its own departments and bodies.",
        plausible=(
            1,
            10,
            "judgement: identical copies of one government side by side; outcomes are per "
            "government, so copies only narrow intervals, and ten are enough for that (not a "
            "claim about the world)",
        ),
    ),
    _P(
        "n_departments",
        40,
        "departments per government",
        2,
        200_000,
        "structure",
        "assumption: 30-50 departments per local government; [004] counts tens of thousands "
        "of county-level departments",
        "Number of departments in each government.",
        plausible=(
            10,
            80,
            "seed: [004] '數萬' (tens of thousands) of county-level departments in '2000多' "
            "(2,000-odd) counties, so at least 10 a county; up to a province's ~60 (Shandong "
            "2018: 59 provincial departments on the exchange platform, docs/OBSERVED_TARGETS.md "
            "T8), the 71 State Council departments connected in 2018 (T7) and a large city "
            "(Wuhan: 90 budget units, T9)",
        ),
    ),
    _P(
        "months",
        120,
        "months",
        1,
        600,
        "structure",
        "assumption: a ten-year horizon",
        "Length of a run; one step is one month.",
        plausible=(
            60,
            180,
            "seed: [002] sets e-government goals per five-year plan ('“十五”期间'): one to three "
            "plan periods",
        ),
    ),
    _P(
        "n_provinces",
        0,
        "governments",
        0,
        60,
        "structure",
        "[004] five levels of government; end-2022: 34 provincial units",
        "Provincial governments under one central government; 0 simulates n_jurisdictions "
        "independent governments at one level instead.",
        plausible=(
            0,
            34,
            "statistics: end-2022, 34 provincial units (MODEL.md section 6); 0 for a run at one "
            "level",
        ),
    ),
    _P(
        "n_prefectures",
        0,
        "governments",
        0,
        1000,
        "structure",
        "end-2022: 333 prefectural units (MODEL.md section 6)",
        "Prefectural governments, spread at random over the provinces (needs n_provinces > 0).",
        plausible=(
            0,
            333,
            "statistics: end-2022, 333 prefectural units (MODEL.md section 6); 0 for none",
        ),
    ),
    _P(
        "n_counties",
        0,
        "governments",
        0,
        10000,
        "structure",
        "end-2022: 2,844 county units; [004] tens of thousands of county departments",
        "County governments, spread at random over the prefectures (needs n_prefectures > 0).",
        plausible=(
            0,
            2844,
            "statistics: end-2022, 2,844 county units (MODEL.md section 6); 0 for none",
        ),
    ),
    _P(
        "n_townships",
        0,
        "governments",
        0,
        60000,
        "structure",
        "[004] five levels of government, down to the township; MODEL.md section 6: 38,741 "
        "township-level units (towns, townships, sumu and subdistrict offices)",
        "Township governments, spread at random over the counties (needs n_counties > 0); "
        "0 stops a multi-level run at the county (four levels).",
        plausible=(
            0,
            38741,
            "statistics: 38,741 township-level units (MODEL.md section 6; the count also given "
            "for end-2020); 0 for four levels",
        ),
    ),
    _P(
        "township_offices",
        7,
        "departments per government",
        2,
        40,
        "structure",
        "assumption: a township government runs a handful of integrated offices (party and "
        "government office, economic development, social affairs, public safety, the service "
        "hall, ...), not the 30-50 departments of a county; the stations of county line "
        "departments ('七站八所') are counted with the county",
        "Mean number of offices (departments) of a township government; each township gets "
        "between township_offices - 2 and township_offices + 2 (at least 2).",
        plausible=(
            5,
            12,
            "judgement: 5-9 integrated offices after the base-level integration reforms, up to "
            "12 counting service halls and stations run by the township",
        ),
    ),
    _P(
        "n_ministries",
        27,
        "departments",
        1,
        60,
        "structure",
        "[004] 29 ministries after the 1998 reform (26-29 over the period)",
        "Departments (line ministries) of the central government in a multi-level run.",
        plausible=(
            20,
            35,
            "seed: [004] 29 ministries after the 1998 reform; 26 component departments of the "
            "State Council after the 2018 reform (State Council reform plan, 17 March 2018); "
            "widened to 20-35 for merged or added agencies",
        ),
    ),
    _P(
        "department_spread",
        0,
        "departments",
        0,
        100,
        "structure",
        "assumption: local governments have 30-50 departments, varied",
        "Local governments get between n_departments - spread and n_departments + spread "
        "departments (uniform).",
        plausible=(
            0,
            20,
            "judgement: no source gives the spread within one level; [004] stresses the extreme "
            "diversity of administrative units ('行政機構的極端多樣性'), so up to 20 either side "
            "of the mean (half a 40-department government), 0 for identical governments",
        ),
    ),
    # ------------------------------------------------------------ uncertainties
    _P(
        "need_delay_months",
        18.0,
        "months",
        0.5,
        240.0,
        "uncertainty",
        "[002] staged growth: OA, business systems, portals, integration",
        "Mean delay between a capability's stage opening and a department needing it.",
        plausible=(
            6.0,
            48.0,
            "seed: [002] dates the stages: office automation in the mid-1980s, the 'Golden' "
            "projects in 1993, government online in 1999, the tenth five-year plan in 2000, so "
            "needs followed their stage by months to a few years: half a year to four years",
        ),
    ),
    _P(
        "business_needs_per_year",
        0.4,
        "needs per department-year",
        0.0,
        5.0,
        "uncertainty",
        "[002][004] departmental business systems (e.g. Golden Customs, Golden Tax)",
        "Rate at which a department needs a new department-specific business system.",
        plausible=(
            0.1,
            1.5,
            "statistics: systems per department built over the ~20 years since 'government "
            "online' (1999, [002]): Wuhan's 2020 audit found 637 systems in 90 budget units (~7 "
            "each, ~0.35 a year), the State Council's 2017 self-inventory 2,363 systems, ~30 per "
            "department (~1.5 a year) (docs/OBSERVED_TARGETS.md T7, T9); 0.1 for a poor county "
            "department",
        ),
    ),
    _P(
        "data_needs_per_department",
        3.0,
        "needs per department per run",
        0.0,
        30.0,
        "uncertainty",
        "[001] information resource sharing; [002] low sharing rate",
        "Mean number of data needs (data held by another department) a department develops.",
        plausible=(
            0.5,
            8.0,
            "judgement: the four base registries (population, legal persons, geography, economy; "
            "MODEL.md 3.1) plus a few sectoral datasets make up to about eight datasets a "
            "department needs from others in ten years; 0.5 for departments that serve mostly "
            "from their own data",
        ),
    ),
    _P(
        "base_registry_share",
        0.6,
        "share",
        0.0,
        1.0,
        "uncertainty",
        "assumption: population, legal persons, geography and economy registries",
        "Share of data needs that target one of the four base registries.",
        plausible=(
            0.3,
            0.9,
            "judgement: the base registries are the classic shared data (MODEL.md 3.1; [001] "
            "information-resource sharing) but not all of it: sectoral data (such as the trade "
            "data pooled by the electronic port, [004]) make up the rest",
        ),
    ),
    _P(
        "services_per_department_year",
        0.05,
        "services per department-year",
        0.0,
        2.0,
        "uncertainty",
        "[004] the 12-ministry China Electronic Port; [001] cross-department work",
        "Rate at which cross-department services needing several departments arise.",
        plausible=(
            0.0,
            0.2,
            "judgement: joint services are rare: [004] names one national 12-ministry service "
            "(the electronic port, 2001); 0.2 a department-year (8 a year in a 40-department "
            "government) is a one-stop-service programme at full tilt, 0 none",
        ),
    ),
    _P(
        "max_service_departments",
        6,
        "departments",
        2,
        30,
        "uncertainty",
        "[004] the electronic port joined 12 ministries",
        "Largest number of departments one cross-department service needs.",
        plausible=(
            2,
            12,
            "seed: [004] the electronic port, the largest joint service the seeds name, joined "
            "12 ministries; 2 is the least a joint service needs",
        ),
    ),
    _P(
        "system_cost",
        1.0,
        "budget units",
        0.1,
        10.0,
        "uncertainty",
        "assumption: the unit of money is one typical departmental system",
        "Cost of a department building its own common-capability system.",
        plausible=(
            0.3,
            3.0,
            "literature: a factor of three either way around the planned cost: Flyvbjerg and "
            "Budzier (2011), 'Why your IT project may be riskier than you think', Harvard "
            "Business Review 89(9): over 1,471 IT projects the mean cost overrun was 27%, and "
            "one in six overran by 200% on average",
        ),
    ),
    _P(
        "platform_cost_multiple",
        4.0,
        "multiples of system_cost",
        0.5,
        50.0,
        "uncertainty",
        "[001] technical service center builds shared platforms (fixed cost, section 3.10)",
        "Cost of one shared platform relative to one departmental system.",
        plausible=(
            1.0,
            20.0,
            "judgement: a platform replaces the departments' own systems of one capability "
            "(Shandong 2018: one provincial mail system replaced 40, docs/OBSERVED_TARGETS.md "
            "T8), so it costs more than one of them and less than the tens it replaces; a "
            "planned 1-7 systems with the +200% overrun of one IT project in six (Flyvbjerg and "
            "Budzier 2011) reaches about 20",
        ),
    ),
    _P(
        "platform_build_months",
        18.0,
        "months",
        1.0,
        120.0,
        "uncertainty",
        "[001] foundational projects need feasibility study and approval",
        "Months the technical service center needs to build one shared platform.",
        plausible=(
            6.0,
            60.0,
            "literature: [001] foundational projects need a feasibility study, approval and the "
            "people's congress before they start; Flyvbjerg and Budzier (2011): a schedule "
            "overrun of almost 70% in the worst sixth of 1,471 IT projects, so a three-year plan "
            "can take five; half a year for a small portal",
        ),
    ),
    _P(
        "build_months",
        8.0,
        "months",
        1.0,
        60.0,
        "uncertainty",
        "[002] construction by stages; assumption for the scale",
        "Months a department with full IT capacity needs to build one system.",
        plausible=(
            3.0,
            24.0,
            "judgement: a departmental system takes a quarter to two years: [004] advises small, "
            "quick projects ('小步快走'), [002] staged projects drag on ('分期建设时间长'), and "
            "a 14-month plan with the ~70% schedule overrun of Flyvbjerg and Budzier (2011) "
            "takes two years",
        ),
    ),
    _P(
        "adoption_cost_share",
        0.15,
        "share of system_cost",
        0.0,
        2.0,
        "uncertainty",
        "assumption: integration cost of joining a platform",
        "Cost of adopting a shared platform or a peer's system.",
        plausible=(
            0.0,
            0.5,
            "judgement: joining a platform (integration, data migration, training) costs less "
            "than a system of one's own, or no one would join: up to half of one, 0 for a "
            "plug-in service",
        ),
    ),
    _P(
        "migration_cost_share",
        0.3,
        "share of system_cost",
        0.0,
        3.0,
        "uncertainty",
        "[001][004] standards decide whether systems can reuse platforms",
        "Extra cost of adopting when the department is not on the common standard.",
        plausible=(
            0.0,
            1.0,
            "judgement: moving a system onto the common standard costs at most a new system "
            "(beyond that one builds anew); [001][004] standards decide whether systems can "
            "reuse platforms",
        ),
    ),
    _P(
        "recollection_cost_share",
        0.25,
        "share of system_cost",
        0.0,
        3.0,
        "uncertainty",
        "[001] information monopoly forces duplicate collection",
        "Cost of collecting a data resource again instead of receiving it.",
        plausible=(
            0.0,
            1.0,
            "judgement: collecting the data oneself costs at most a new system (a survey or "
            "registry of one's own; [001] information monopoly forces duplicate collection); 0 "
            "for data already public",
        ),
    ),
    _P(
        "annual_budget",
        1.2,
        "budget units per department-year",
        0.0,
        50.0,
        "uncertainty",
        "[002] some localities lack funds; assumption for the scale",
        "Mean e-government money per department per year.",
        plausible=(
            0.3,
            8.0,
            "statistics: the yearly money that keeps the stocks of systems observed, with 8-year "
            "lives and upkeep of 15% a year: about 2 for Wuhan's ~7 systems per budget unit "
            "(docs/OBSERVED_TARGETS.md T9), about 8 for the State Council's ~30 per department "
            "(T7); 0.3 for a poor county department ([002] '财力匮乏') that cannot keep even a "
            "few",
        ),
    ),
    _P(
        "fiscal_disparity",
        0.3,
        "log-sd",
        0.0,
        2.0,
        "uncertainty",
        "[002][004] large regional differences in fiscal capacity",
        "Spread (log standard deviation) of fiscal capacity across governments and departments.",
        plausible=(
            0.0,
            1.0,
            "seed: [004] some local governments are rich, others live on central transfers; "
            "[002] development is uneven; judgement: a log-sd of 1 puts governments one sd above "
            "and below the median 7.4 times apart, the gap between rich coastal cities and "
            "transfer-dependent counties; 0 for equal means",
        ),
    ),
    _P(
        "it_capacity_mean",
        0.35,
        "share",
        0.01,
        0.99,
        "uncertainty",
        "[001] most departments have no unit, no posts, no technical staff",
        "Mean IT capacity (staff and skills) of a department; low means the 'three-nos' state.",
        plausible=(
            0.1,
            0.9,
            "seed: [001] most government bodies are in the 'three-nos' state (no unit, no posts, "
            "no technical staff) and [002] network specialists are very scarce: 0.1; 0.9 for a "
            "government with IT staff in nearly every department; the allowed ends are "
            "degenerate",
        ),
    ),
    _P(
        "stall_months",
        24,
        "months",
        1,
        240,
        "uncertainty",
        "[002] under-funded projects become 'beard' projects",
        "Months with less than half the money a project needs after which it counts as "
        "unfinished ('beard'); the months need not be consecutive.",
        plausible=(
            6,
            48,
            "seed: [002] under-funded projects built in stages drag on as 'beard' projects; "
            "judgement: a project starved for half a year to four years (about a leader's "
            "tenure) counts as stalled",
        ),
    ),
    _P(
        "leader_tenure_months",
        42.0,
        "months",
        3.0,
        600.0,
        "uncertainty",
        "literature on Chinese local cadres: tenure of about 3-4 years",
        "Mean tenure of a department head or top leader.",
        plausible=(
            12.0,
            96.0,
            "statistics: Zhuji, a county-level city in Zhejiang, had 15 party secretaries in the "
            "40 years 1978-2018, 2.7 years each (Si Shunwei 2018, "
            "'改革开放四十年诸暨的15位父母官'); 6 of the 7 Zhejiang county secretaries moved in "
            "November 2018 had served two years (Zhejiang Online, 28 Nov 2018); MODEL.md: 3-4 "
            "years; one year to two five-year terms (department heads may stay longer)",
        ),
    ),
    _P(
        "abandon_on_turnover",
        0.25,
        "probability",
        0.0,
        1.0,
        "uncertainty",
        "[003] leaders' personal preference and transfers move the informatization body",
        "Chance that a new head abandons each unfinished project of the predecessor when no "
        "permanent body protects it.",
        plausible=(
            0.0,
            0.6,
            "judgement: [003] a leader's transfer can move the informatization body, and new "
            "heads disown predecessors' projects ('新官不理旧账', MODEL.md fact 8); Heeks "
            "(2003): 35% of e-government projects in developing countries are total failures "
            "(never implemented or abandoned), which turnover only partly explains: up to "
            "better-than-even odds",
        ),
    ),
    _P(
        "head_attention_mean",
        0.5,
        "share",
        0.0,
        1.0,
        "uncertainty",
        "[004] e-government is a 'number-one leader project'",
        "Mean attention department heads give to e-government.",
        plausible=(
            0.1,
            0.9,
            "seed: [004] e-government is a 'number-one leader project' that depends largely on "
            "the leader's push, and [001] asks every head to take charge of it in person: from "
            "heads who leave it to others to heads who lead it; the allowed ends are degenerate",
        ),
    ),
    _P(
        "top_leader_attention",
        0.7,
        "share",
        0.0,
        1.0,
        "uncertainty",
        "[001] the leading body must be headed by the top leader; [004]",
        "Attention of the government's top leader, on which the office's authority rests.",
        plausible=(
            0.1,
            1.0,
            "seed: [003] a leader's personal preference decides how much weight informatization "
            "gets; 1 is the top leader heading the group in person ([001]); 0.1 rather than 0, "
            "at which no body has any power",
        ),
    ),
    _P(
        "vanity_preference_mean",
        0.3,
        "share",
        0.0,
        1.0,
        "uncertainty",
        "[001] vanity projects ('政绩工程') built for personal credit",
        "Mean preference of department heads for visible projects of their own.",
        plausible=(
            0.0,
            0.7,
            "seed: [001] names vanity projects ('政绩工程') as one failing among several, not "
            "the rule; judgement: a minority motive on average, up to 0.7 for leaders who court "
            "visibility",
        ),
    ),
    _P(
        "autonomy_value",
        0.5,
        "utility units",
        0.0,
        5.0,
        "uncertainty",
        "[001] departments are independent and build their own ('各行其是')",
        "Value a department places on owning and controlling its own system.",
        plausible=(
            0.0,
            2.0,
            "judgement: [001] departments are independent and build their own ('各行其是'), so "
            "autonomy is worth from nothing to about four systems' money; " + _UTILITY_SCALE,
        ),
    ),
    _P(
        "willingness_to_share_mean",
        0.35,
        "share",
        0.0,
        1.0,
        "uncertainty",
        "[001] information monopoly; Dawes (1996): officials share little",
        "Mean willingness of a data holder to share with another department.",
        plausible=(
            0.1,
            0.7,
            "literature: Dawes (1996), 'Interagency information sharing: expected benefits, "
            "manageable risks', Journal of Policy Analysis and Management 15(3): officials rate "
            "sharing beneficial yet share little; [001] information monopoly: from a few holders "
            "willing to most; the allowed ends are degenerate",
        ),
    ),
    _P(
        "sharing_risk",
        0.6,
        "utility units",
        0.0,
        3.0,
        "uncertainty",
        "Dawes (1996): technical, organizational and political risks of sharing",
        "Perceived risk a holder weighs against the benefit of sharing.",
        plausible=(
            0.0,
            2.0,
            "literature: Dawes (1996): technical, organizational and political risks of sharing "
            "weigh on holders; judgement: from nothing to about four systems' money; "
            + _UTILITY_SCALE,
        ),
    ),
    _P(
        "initial_common_standard_share",
        0.2,
        "share",
        0.0,
        1.0,
        "uncertainty",
        "[004] standards are the foundation; [001] standards hard to enforce",
        "Share of departments already on the common technical standard at the start.",
        plausible=(
            0.0,
            0.6,
            "seed: [004] the standard system is still to be built ('加速電子政務標準體系建設') "
            "and [001] standards are hard to enforce, so at most a majority starts on the common "
            "standard",
        ),
    ),
    _P(
        "peer_awareness",
        0.15,
        "probability",
        0.0,
        1.0,
        "uncertainty",
        "Lee (2010): decentralized adaptive reuse among agencies",
        "Chance a department learns by itself that a peer already has a reusable system.",
        plausible=(
            0.02,
            0.5,
            "judgement: chance per decision that a department knows of a peer's system or a "
            "platform without a registry: from one in fifty (departments that 'each go their own "
            "way', [001]) to one in two (a small government where everyone talks); Lee (2010) "
            "builds decentralized reuse on such awareness",
        ),
    ),
    _P(
        "adoption_contagion",
        0.6,
        "per unit adopted share",
        0.0,
        5.0,
        "uncertainty",
        "assumption: word of mouth among departments (drives the S-curve)",
        "How strongly peers' platform adoption makes a department aware of a platform.",
        plausible=(
            0.0,
            2.0,
            "judgement: word of mouth among departments (demonstration effects, MODEL.md fact "
            "10): at 2 a department is sure to know of a platform once half its peers use it, at "
            "0 word of mouth plays no part",
        ),
    ),
    _P(
        "choice_rationality",
        3.0,
        "1/utility unit",
        0.1,
        50.0,
        "uncertainty",
        "assumption: logit choice among build, adopt and wait",
        "Sharpness of departments' choices (high = always pick the best option).",
        plausible=(
            0.5,
            10.0,
            "judgement: a logit over utilities of order one: at 0.5 an option one unit better is "
            "chosen at odds of 1.6 to 1 (nearly random), at 10 at odds of e^10 (nearly strict)",
        ),
    ),
    _P(
        "poor_standard_risk",
        0.2,
        "probability",
        0.0,
        1.0,
        "uncertainty",
        "MODEL.md 3.10: a single master plan can lock in a poor standard early",
        "Chance that a government's master plan locks in a poor platform standard.",
        plausible=(
            0.0,
            0.5,
            "judgement: MODEL.md 3.10 (a single master plan can lock in a poor standard early); "
            "[004] urges careful planning ('審慎規劃'), so a plan is poor at most as often as "
            "not",
        ),
    ),
    _P(
        "poor_standard_penalty",
        0.6,
        "utility units",
        0.0,
        5.0,
        "uncertainty",
        "MODEL.md 3.10 (cost side of centralization)",
        "Utility lost by adopting a platform built on a poor standard.",
        plausible=(
            0.0,
            2.0,
            "judgement: living with a poor locked-in standard costs from nothing to about four "
            "systems' money (MODEL.md 3.10); " + _UTILITY_SCALE,
        ),
    ),
    # ---------------------------------------------- running costs (MODEL.md 3.10)
    _P(
        "review_staff_cost",
        0.08,
        "budget units per year per proposal-per-month of capacity",
        0.0,
        2.0,
        "uncertainty",
        "assumption: one reviewer costs about 0.15 of a departmental system a year (salary "
        "and overhead of a civil servant against a system of about 1 million CNY) and "
        "reviews about 2 proposals a month",
        "Yearly staff cost of the reviewing office per proposal a month of review_capacity; "
        "paid from the government's e-government money whether or not the capacity is used.",
        plausible=(
            0.03,
            0.5,
            "judgement: yearly pay of the staff that review one proposal a month, in "
            "departmental systems: at least 0.03 even when reviewers hold existing posts paid "
            "outside the e-government budget ([001] reforms 'within the existing framework', "
            "the office in the general office), because their time is still paid by the "
            "government (a civil servant at the 2010 urban mean wage of 37,147 CNY with "
            "overhead, about 0.06 of a 1 million CNY system, reviewing two proposals a month; "
            "the range does not let a design run its bodies for nothing); "
            "up to 0.5 when a scarce IT professional ([002]; 2010 mean wage "
            "in IT services 66,598 CNY against 37,147 for all urban non-private units, National "
            "Bureau of Statistics) costs 0.1-0.2 million CNY a year with overhead, reviews one "
            "proposal a month, and a system costs 0.3-1 million CNY",
        ),
    ),
    _P(
        "coordination_staff_cost",
        0.08,
        "budget units per year per case-per-month of capacity",
        0.0,
        2.0,
        "uncertainty",
        "assumption, as review_staff_cost: one coordinator handles about 2 cases a month",
        "Yearly staff cost of the coordinating body per case a month of coordination_capacity.",
        plausible=(
            0.03,
            0.5,
            "judgement: as review_staff_cost, per coordination case a month: 0.03 for existing "
            "posts of the general office ([001]), whose time the government still pays, "
            "up to 0.5 for scarce IT professionals ([002]) "
            "handling one case a month",
        ),
    ),
    _P(
        "center_staff_cost",
        1.0,
        "budget units per year per concurrent platform project",
        0.0,
        20.0,
        "uncertainty",
        "assumption: a team of 5-8 engineers per platform project at 0.15-0.2 of a "
        "departmental system per staff-year ([001] 技术服务中心 is a standing body)",
        "Yearly running cost of the technical service center per platform project of "
        "technical_center_capacity.",
        plausible=(
            0.15,
            4.0,
            "judgement: a platform team of 3-10 engineers at 0.05-0.4 of a departmental system "
            "each a year (IT-services pay, National Bureau of Statistics 2010: 66,598 CNY; "
            "systems of 0.3-1 million CNY); the lower end, 3 engineers at 0.05, holds also when "
            "the centre is a public institution ([001]: '参照事业单位进行管理') paid outside the "
            "e-government budget: the government still pays its staff",
        ),
    ),
    _P(
        "operation_cost_share",
        0.15,
        "share of build cost per year",
        0.0,
        0.5,
        "uncertainty",
        "assumption after the common rule of thumb that yearly operation and maintenance "
        "of an information system costs 15-20% of its initial cost",
        "Yearly operation and maintenance of every finished system and operating platform, "
        "as a share of its build cost; systems are paid by their owners, platforms by the "
        "government (the pool first).",
        plausible=(
            0.05,
            0.4,
            "literature: GAO-16-468 (2016): about 75% of US federal IT spending in fiscal year "
            "2015 went to operations and maintenance, which with 8-year lives means yearly "
            "upkeep of about 3/8 of build cost; vendors' yearly maintenance fees of 15-25% of "
            "the price are the common rule; 0.05 for a simple system on shared hosting (no "
            "system works for free, issue 25)",
        ),
    ),
    _P(
        "platform_outage_rate",
        0.01,
        "probability per platform-month",
        0.0,
        0.5,
        "uncertainty",
        "assumption: about one month-long outage per platform in 8 years; MODEL.md 3.10 "
        "(a platform can fail for all its users at once)",
        "Chance that an operating platform is down for a month; all its users lose that "
        "month of service.",
        plausible=(
            0.0,
            0.1,
            "judgement: month-long failures of a platform for all its users: 0 for a platform "
            "run to 99.9% availability (about 45 minutes down a month), up to one month in ten "
            "for one whose 'maintenance, operation and management do not keep up' ([002])",
        ),
    ),
    _P(
        "platform_patience_months",
        36.0,
        "months",
        1.0,
        600.0,
        "uncertainty",
        "assumption: about one budget-and-term cycle; MODEL.md 3.11 (departments take the "
        "routes they would really take)",
        "Months a department waits for a platform before it decides again (and may build).",
        plausible=(
            6.0,
            72.0,
            "judgement: how long departments wait for a promised platform: from half a budget "
            "year to about two heads' tenures (3-4 years each, MODEL.md section 2), after which "
            "a new head decides again",
        ),
    ),
    _P(
        "unpaid_upkeep_failure",
        1.0,
        "probability per month",
        0.0,
        1.0,
        "uncertainty",
        "assumption: no system works for free (issue 25); an information system whose "
        "operation and maintenance is not paid (hosting, licences, operators, fixes) stops "
        "serving; at 1 a wholly unpaid system is down every month, so the expected share "
        "of service lost equals the unpaid share of its upkeep",
        "Chance that a platform or departmental system whose monthly operation and "
        "maintenance went wholly unpaid is down that month (scaled by the unpaid share of "
        "the bill); its users lose that month of service.",
        plausible=(
            0.3,
            1.0,
            "seed: [002] applications whose 'maintenance, operation and management do not keep "
            "up' do not work ('功能发挥不出来'); judgement: an unpaid system is down at least "
            "three months in ten (servers may run a while unmaintained), at most every month",
        ),
    ),
    _P(
        "approval_patience_months",
        12.0,
        "months",
        1.0,
        600.0,
        "uncertainty",
        "assumption: about one budget year (money allocated for a project must be spent in "
        "the year); [001] departments build their own networks and systems; issue 25 "
        "(departments route around an overloaded office: '未批先建')",
        "Months a department waits for its proposal's sign-offs and review before it "
        "decides, and again every as many months, whether to withdraw it and build without "
        "approval (with the audit and sanction risk of an unapproved project) or keep "
        "waiting.",
        plausible=(
            3.0,
            36.0,
            "judgement: money allocated must be spent within its budget year, so a department "
            "waits from a quarter to three budget years before it builds without approval ([001] "
            "departments build their own; '未批先建', issue 25)",
        ),
    ),
    _P(
        "platform_stall_limit_months",
        12.0,
        "months",
        1.0,
        600.0,
        "uncertainty",
        "assumption: a platform that received no money and made no progress for a whole "
        "budget year is dropped from the plan; issue 25 (centre platforms of "
        "attached_to_line_department stalled 24-60 months and blocked the centre's slot)",
        "Months without progress after which a technical service center drops a platform "
        "under construction (freeing its slot and its reserve; the departments waiting for "
        "it decide again). Months in which the body is reorganized do not count.",
        plausible=(
            6.0,
            36.0,
            "judgement: a platform without money or progress is dropped after half a budget year "
            "to three budget years, the budget year being the planning unit ([001] annual "
            "e-government budget)",
        ),
    ),
    _P(
        "interface_cost_share",
        0.05,
        "share of system_cost",
        0.0,
        2.0,
        "uncertainty",
        "assumption: an interface costs a small fraction of a system; MODEL.md 3.10 "
        "(sharing has a cost side)",
        "Cost to the requester of building the interface when data is shared.",
        plausible=(
            0.0,
            0.5,
            "judgement: an exchange interface is a small project beside a system: up to half a "
            "system for a complex cross-standard exchange, 0 on a common platform ([004]: the "
            "electronic port exchanges data on one physical platform)",
        ),
    ),
    _P(
        "holder_cost_share",
        0.02,
        "share of system_cost",
        0.0,
        2.0,
        "uncertainty",
        "assumption: preparing, serving and answering for a dataset; Dawes (1996) (the holder "
        "bears the costs and risks of sharing, the requester gets the benefit); MODEL.md 3.10",
        "Cost to the holder of providing a dataset it agreed to share.",
        plausible=(
            0.0,
            0.2,
            "literature: Dawes (1996): the holder bears the costs and risks of sharing, the "
            "requester gets the benefit; judgement: preparing, serving and answering for one "
            "dataset costs the holder up to a fifth of a system, 0 when a platform serves it",
        ),
    ),
    _P(
        "bridging_cost_share",
        0.1,
        "share of system_cost",
        0.0,
        3.0,
        "uncertainty",
        "[001][004] (incompatible standards keep systems apart); value: assumption, between "
        "an interface (0.05) and a migration (0.3)",
        "Extra cost to the requester of bridging two standards when data is shared between "
        "departments on different standards (the common one, a poor locked-in one, none).",
        plausible=(
            0.0,
            0.5,
            "judgement: a bridge between incompatible standards ([001][004]) costs more than a "
            "plain interface and less than migrating a system (up to one system): up to half a "
            "system",
        ),
    ),
    _P(
        "data_need_value_mean",
        0.5,
        "system_cost units",
        0.01,
        20.0,
        "uncertainty",
        "assumption: a dataset is worth a fraction of a system to the department that needs it "
        "(log-normal across needs, sigma 1)",
        "Mean value of a data need to its requester. A requester asks only when the value "
        "covers its own cost (interface, bridging); sharing pays for both sides when the value "
        "covers the requester's and the holder's costs together.",
        plausible=(
            0.1,
            2.0,
            "judgement: a dataset is worth to the department that needs it from a tenth of a "
            "system (a convenience) to two systems (a service impossible without it)",
        ),
    ),
    _P(
        "cross_level_data_share",
        0.3,
        "share",
        0.0,
        1.0,
        "uncertainty",
        "[004] (a county needs provincial registries: data runs along the '条' and across "
        "levels); value: assumption. Multi-level runs only",
        "Share of a lower government's data needs held by a base registry of the government "
        "above it; its coordinating body pushes such a request upward only as far as the "
        "central-local link carries.",
        plausible=(
            0.0,
            0.6,
            "seed: [004] '條塊分割': data run along the vertical lines and across levels (in "
            "2018 the State Council opened its 40-odd vertical systems to local governments, "
            "docs/OBSERVED_TARGETS.md T7); judgement: up to most of a local government's data "
            "needs",
        ),
    ),
    _P(
        "platform_integration_months",
        2.0,
        "months at full IT capacity",
        0.0,
        36.0,
        "uncertainty",
        "[001] ('three-nos' departments are slow to build and integrate); value: assumption",
        "Months a department with full IT capacity needs to integrate with a platform before "
        "it is served; a department with IT capacity c needs this divided by 0.3 + 0.7 c.",
        plausible=(
            0.5,
            12.0,
            "judgement: joining a platform at full IT capacity takes from two weeks (a "
            "configured service) to a year (a business system rebuilt around it); [001] "
            "'three-nos' departments take longer still, through it_capacity_mean",
        ),
    ),
    _P(
        "platform_capacity_users",
        20,
        "departments per platform",
        1,
        100000,
        "uncertainty",
        "MODEL.md 3.10 (platforms have capacity; congestion as users grow); value: "
        "assumption, half the departments of a city government",
        "Departments one platform serves before it must be expanded.",
        plausible=(
            5,
            100,
            "judgement: a platform sized for a few departments up to every department of a large "
            "government (n_departments up to 80; Wuhan's 90 budget units, "
            "docs/OBSERVED_TARGETS.md T9)",
        ),
    ),
    _P(
        "platform_expansion_cost_share",
        0.25,
        "share of the platform's build cost",
        0.0,
        5.0,
        "uncertainty",
        "MODEL.md 3.10 (fixed costs and expansion); value: assumption",
        "Cost of each expansion of a platform by another platform_capacity_users departments, "
        "paid by its government (pool first); the expansion also adds to the platform's upkeep.",
        plausible=(
            0.0,
            1.0,
            "judgement: expanding a platform costs from nothing (spare capacity) to a second "
            "platform, beyond which one would build anew",
        ),
    ),
    _P(
        "cobuild_propensity",
        0.5,
        "probability per unit willingness to share",
        0.0,
        1.0,
        "uncertainty",
        "Lee (2010) decentralized adaptive investment: a lead department invests and others "
        "join; MODEL.md 3.11. Value: assumption",
        "Chance, times the head's willingness to share, that a department about to build a "
        "common system it knows others still need builds it as a shared system instead, "
        "paid by the departments that wait for it (no center or pool needed).",
        plausible=(
            0.0,
            1.0,
            "judgement: a probability per unit willingness to share, any value: Lee (2010) "
            "models lead-department investment but gives no rate, and no source narrows it",
        ),
    ),
    _P(
        "free_riding",
        0.3,
        "probability per member-month",
        0.0,
        1.0,
        "uncertainty",
        "MODEL.md 3.11 (free-riding in shared routes); Olson's collective action problem. "
        "Value: assumption",
        "Chance that a department waiting for a shared platform skips its share of this "
        "month's installment when the platform lives on fees; the platform then falls behind.",
        plausible=(
            0.0,
            0.6,
            "literature: Olson (1965), The Logic of Collective Action: members free-ride on a "
            "shared good, the more so the larger the group; judgement: from none to most members "
            "shirking in a month",
        ),
    ),
    # --------------------- capabilities that differ, systems that retire (issue 25)
    _P(
        "need_heterogeneity",
        0.5,
        "share",
        0.0,
        1.0,
        "uncertainty",
        "GAO-12-241 (systems of one category differ in their sub-functions, so only 4.6% "
        "of investments were potentially duplicative); value: assumption",
        "How much departments' needs of one common capability differ: sub-function i of "
        "the capability's N_SUBFUNCTIONS is needed with chance 1 - need_heterogeneity * "
        "i / (N_SUBFUNCTIONS - 1) (the first, the core, by everyone); 0 gives identical "
        "bundles.",
        plausible=(
            0.2,
            0.9,
            "literature: GAO-12-241 (2012): only 37 of 810 investments (4.6%) were potentially "
            "duplicative, systems of one category differing in their sub-functions (e.g. four "
            "Navy personnel-assignment systems); judgement: from nearly identical needs (0.2) to "
            "a shared core with widely varying extras (0.9)",
        ),
    ),
    _P(
        "platform_fit_cost_share",
        0.5,
        "share of a full-fit platform's cost",
        0.0,
        1.0,
        "uncertainty",
        "assumption: a standard platform is cheaper than one customized to every "
        "department's sub-functions (MODEL.md 3.10: platforms' fixed costs)",
        "Share of a platform's cost that grows with its fit: a platform covering share f "
        "of the sub-functions costs (1 - share + share * f) times a full-fit one.",
        plausible=(
            0.2,
            0.8,
            "judgement: a standard platform covering only the common core costs a fifth to four "
            "fifths of one customized to every sub-function (GAO-12-241: systems of one category "
            "differ in sub-functions)",
        ),
    ),
    _P(
        "customization_cost_share",
        0.6,
        "share of an own system's cost per share of the bundle not covered",
        0.0,
        3.0,
        "uncertainty",
        "assumption: custom work on a shared platform costs about as much per function as "
        "the department's own system would, less what the platform already provides",
        "Cost of customizing a platform (or a peer's system) to the sub-functions of a "
        "department's bundle it does not cover, per share of the bundle uncovered, in units "
        "of the department's own system.",
        plausible=(
            0.2,
            1.5,
            "judgement: custom work on a shared platform costs per function from a fifth "
            "(configuring an existing module) to one and a half times (bespoke work inside "
            "someone else's platform, with its integration and testing) what the department's "
            "own system would",
        ),
    ),
    _P(
        "duplication_overlap_threshold",
        0.8,
        "share",
        0.05,
        0.99,
        "uncertainty",
        "GAO-12-241 ('potentially duplicative': investments with similar functions serving "
        "the same agency); the threshold is an assumption",
        "Two systems of one capability (or two business systems of one mission family) of a "
        "government are duplicative when more than this share of the sub-functions either "
        "provides are provided by both (Jaccard overlap).",
        plausible=(
            0.5,
            0.95,
            "literature: GAO-12-241 (2012) calls investments 'potentially duplicative' when they "
            "provide similar functions; judgement: 'similar' means sharing from half to nearly "
            "all of them",
        ),
    ),
    _P(
        "business_similarity",
        0.5,
        "share",
        0.0,
        1.0,
        "uncertainty",
        "[001] departments with similar missions build similar business systems; value: assumption",
        "Chance that each sub-function of a business system is the one its mission family "
        "commonly has (else it is drawn at random): business systems of departments with "
        "similar missions overlap more the higher it is.",
        plausible=(
            0.2,
            0.8,
            "seed: [001] departments with similar missions build similar business systems "
            "(GAO-12-241: four Navy personnel-assignment systems in one department); judgement: "
            "between all business systems alike and all unique",
        ),
    ),
    _P(
        "system_lifetime_months",
        96.0,
        "months",
        12.0,
        600.0,
        "uncertainty",
        "GAO-16-468 (federal legacy systems: hardware refreshed in about five years, "
        "software kept for decades); value: assumption of eight years",
        "Mean service life of a system or platform (each drawn within +-LIFETIME_SPREAD of "
        "it); at its end an own system is renewed (its owner decides again), a platform is "
        "rebuilt at its cost.",
        plausible=(
            60.0,
            180.0,
            "literature: GAO-16-468 (2016) finds federal systems with components at least 50 "
            "years old, the extreme it reports on; judgement: a departmental system is renewed "
            "after five years (one five-year plan, [002]) to fifteen",
        ),
    ),
    _P(
        "upkeep_age_growth",
        0.1,
        "share of first-year upkeep per year of age",
        0.0,
        1.0,
        "uncertainty",
        "GAO-16-468 (operation and maintenance of ageing systems takes a growing share of "
        "IT budgets); value: assumption",
        "How much a system's or platform's yearly operation and maintenance grows with each "
        "year of its age.",
        plausible=(
            0.0,
            0.3,
            "literature: GAO-16-468 (2016): spending on operating and maintaining ageing legacy "
            "systems rose over seven fiscal years and crowded out development by $7.3 billion "
            "(FY2010-2017); judgement: from flat to 30% more each year",
        ),
    ),
    _P(
        "parallel_running_share",
        0.3,
        "probability",
        0.0,
        1.0,
        "uncertainty",
        "GAO-16-468 (agencies keep legacy systems running beside their replacements); "
        "value: assumption",
        "Chance that a department moving from its own system to a platform or a peer's "
        "system keeps the old one running in parallel (for KEPT_LIFE_SHARE of a lifetime) "
        "although the new one covers its bundle.",
        plausible=(
            0.0,
            0.6,
            "literature: GAO-16-468 (2016): several at-risk legacy investments had no plans to "
            "be retired or modernized; judgement: from none to most replaced systems kept "
            "running beside their replacements for a while",
        ),
    ),
    # ------------------------------------------------------------------ levers
    _P(
        "approval_bodies",
        3,
        "bodies",
        1,
        6,
        "lever",
        "[001] plans by the informatization office, projects by the planning commission, "
        "coordination by the general office",
        "Separate bodies whose sign-off a project needs (multi-headed management).",
    ),
    _P(
        "signoff_delay_months",
        1.5,
        "months per body",
        0.0,
        24.0,
        "lever",
        "[001] several sign-offs, each with its own delay",
        "Mean delay each sign-off body adds to a proposal.",
        plausible=(
            0.0,
            6.0,
            "seed: [001] several sign-offs, each with its own delay; judgement: half a year per "
            "body is already a long sign-off against a 12-month budget year",
        ),
    ),
    _P(
        "review_coverage",
        0.1,
        "share",
        0.0,
        1.0,
        "lever",
        "[001] approval mostly on budget grounds vs review of every project",
        "Share of proposals the reviewing office checks against what already exists.",
    ),
    _P(
        "registry_completeness",
        0.2,
        "share",
        0.0,
        1.0,
        "lever",
        "[001] the office must know what exists; GAO-12-241",
        "Share of existing systems and platforms recorded in the office's registry.",
    ),
    _P(
        "review_authority",
        0.1,
        "share",
        0.0,
        1.0,
        "lever",
        "[001] plans and standards without authority ('管而不理')",
        "Chance that the office can stop a duplicate it has found.",
    ),
    _P(
        "review_capacity",
        2.0,
        "proposals per month per government",
        0.0,
        1000.0,
        "lever",
        "[001] the office's finite staff; MODEL.md 3.10. Default (dispersed): the planning "
        "commission's desk, staffed for the ~10% of proposals it checks (assumption; a "
        "40-department government files about 2 proposals a month in the model). Staff "
        "cost money (review_staff_cost)",
        "Proposals the reviewing office can process each month.",
        plausible=(
            0.5,
            20.0,
            "statistics: the flow of new systems to review: Wuhan's 637 systems in 90 units "
            "(docs/OBSERVED_TARGETS.md T9) and the State Council's 2,363 (T7), built over the "
            "~20 years since 1999, are about 2.7 and 10 a month; capacity from under a fifth of "
            "a city's flow (0.5) to twice the State Council's (20)",
        ),
    ),
    _P(
        "priority_review",
        0.0,
        "share",
        0.0,
        1.0,
        "lever",
        "[001] arrange projects by importance and urgency",
        "Chance per month that the office orders its queue by importance (common, foundational "
        "needs before business systems) instead of first come, first served.",
    ),
    _P(
        "attention_dependence",
        0.5,
        "share",
        0.0,
        1.0,
        "lever",
        "[001][004] authority rests on the top leader; MODEL.md 3.10",
        "How much the office's authority depends on the top leader's attention.",
    ),
    _P(
        "technical_center_capacity",
        0,
        "platform projects at once",
        0,
        20,
        "lever",
        "[001] technical service center builds network, PKI/CA, portal, resource database",
        "Shared-platform projects the technical service center can run at the same time "
        "(0 = no center).",
        plausible=(
            0,
            6,
            "seed: [001] the centre builds the foundational projects (private network, PKI/CA, "
            "portal, resource database) and [002] adds office automation and hosting: six common "
            "capabilities, so more slots than six sit idle; 0 for no centre",
        ),
    ),
    _P(
        "platform_fit",
        0.75,
        "share",
        0.0,
        1.0,
        "lever",
        "GAO-12-241 (systems of one category differ in sub-functions); [001] a technical "
        "service center builds standard shared platforms; value: assumption",
        "Share of a capability's sub-functions a center-built platform covers (the most "
        "commonly needed first; the core always): a standard platform fits less, a "
        "customized one costs more (platform_fit_cost_share).",
        plausible=(
            0.3,
            1.0,
            "judgement: a platform covers from its common core and a little (0.3) to every "
            "sub-function (1) of its capability (GAO-12-241: systems of one category differ in "
            "sub-functions)",
        ),
    ),
    _P(
        "master_plan",
        0.0,
        "share",
        0.0,
        1.0,
        "lever",
        "[001] master plan and stage goals; foundational projects first",
        "Chance per capability that the master plan schedules its shared platform up front.",
    ),
    _P(
        "bundling_threshold",
        4,
        "needs",
        1,
        1000,
        "lever",
        "[001] common needs bundled into shared projects",
        "Known needs for one capability after which the office asks for a shared platform.",
        plausible=(
            1,
            20,
            "judgement: [001] bundles common needs into shared projects; the office bundles when "
            "from one department to twenty (half a 40-department government) need the same "
            "capability",
        ),
    ),
    _P(
        "unified_budget",
        0.0,
        "share",
        0.0,
        1.0,
        "lever",
        "[001] unified annual e-government budget; [002][004] departmental budgets",
        "Share of e-government money pooled in the office's unified annual budget.",
    ),
    _P(
        "standard_enforcement",
        0.1,
        "share",
        0.0,
        1.0,
        "lever",
        "[001] standards hard to enforce without authority; [004]",
        "Chance a new system is made to follow the common standard, scaled by the top "
        "leader's attention (the office's attention factor).",
    ),
    _P(
        "coordination_proactive",
        0.0,
        "share",
        0.0,
        1.0,
        "lever",
        "[001] passive coordination on request vs proactive coordination",
        "Share of cross-department cases the coordinating body opens by itself.",
    ),
    _P(
        "request_propensity",
        0.3,
        "probability per month",
        0.0,
        1.0,
        "uncertainty",
        "[001] coordination by the general office on request",
        "Chance per month that departments ask the coordinating body to open a stuck case.",
        plausible=(
            0.05,
            0.8,
            "seed: [001] the general office coordinates only on request ('被动式协调'); "
            "judgement: a department with a stuck service asks in a given month with probability "
            "from 0.05 (at least once in twenty months) to 0.8; the allowed ends are degenerate",
        ),
    ),
    _P(
        "coordination_capacity",
        2.0,
        "cases per month per government",
        0.0,
        1000.0,
        "lever",
        "[001] task forces scaled to the case, limited by staff. Default (dispersed): the "
        "general office on request (assumption; about 0.7 cases a month arise in a "
        "40-department government in the model). Staff cost money (coordination_staff_cost)",
        "Coordination cases the coordinating body can work on each month.",
        plausible=(
            0.0,
            12.0,
            "judgement: cases a month a coordinating office can carry: 0 (no desk) to 12 (a "
            "standing office of about six coordinators handling two cases a month each); [001] "
            "task forces scaled to the case",
        ),
    ),
    _P(
        "coordination_strength",
        0.2,
        "utility units",
        0.0,
        3.0,
        "lever",
        "[001] administrative weight behind coordination",
        "Push a worked coordination case gives a department towards agreeing or sharing.",
        plausible=(
            0.0,
            2.0,
            "judgement: the administrative weight behind coordination ([001]), from none to "
            "about four systems' money; " + _UTILITY_SCALE,
        ),
    ),
    _P(
        "audit_rate",
        0.05,
        "probability per project",
        0.0,
        1.0,
        "lever",
        "[001] supervision with audit and discipline bodies",
        "Chance a finished duplicate or vanity project is found by an audit.",
    ),
    _P(
        "sanction_strength",
        0.3,
        "utility units",
        0.0,
        5.0,
        "lever",
        "[001] constraint mechanisms",
        "Penalty a head expects from a found duplicate, learned from audits seen.",
        plausible=(
            0.0,
            2.0,
            "judgement: what an audit finding costs a department ([001] constraint mechanisms), "
            "from nothing to about four systems' money; " + _UTILITY_SCALE,
        ),
    ),
    _P(
        "evaluation_link",
        0.05,
        "share",
        0.0,
        1.0,
        "lever",
        "[001] e-government results in the heads' performance evaluation",
        "Weight of e-government results (sharing, compliance) in heads' evaluations.",
    ),
    _P(
        "body_permanence",
        0.2,
        "share",
        0.0,
        1.0,
        "lever",
        "[001] the coordination group is only a temporary body; [003] transfers move the body",
        "How institutionalized the governance body is (0 = temporary or personal).",
    ),
    _P(
        "central_local_link",
        0.0,
        "share",
        0.0,
        1.0,
        "lever",
        "[001] no vertical link between central and local bodies; '全国一盘棋' in the proposal",
        "Chance that a higher government's platforms (operating or planned) reach a lower "
        "government: its departments may adopt or wait for them, its office and master plan "
        "count them (0 = no vertical link). Registries stay within one government.",
    ),
    _P(
        "line_ministry_reach",
        0.3,
        "probability",
        0.0,
        1.0,
        "uncertainty",
        "[004] '条块分割': line ministries' vertical systems; [002] departments build their own "
        "networks",
        "Chance that a local department can use its line ministry's own system instead of "
        "building (the vertical '条').",
        plausible=(
            0.0,
            1.0,
            "seed: [004] '條塊分割': line ministries' vertical systems; in 2018 the State "
            "Council opened its 40-odd vertical systems to local governments "
            "(docs/OBSERVED_TARGETS.md T7), so reach runs from none to full: any probability",
        ),
    ),
    _P(
        "reorganization_months",
        12.0,
        "months",
        0.0,
        60.0,
        "uncertainty",
        "[003] a leader's transfer can move the informatization body",
        "Months a non-permanent body loses its authority after the top leader changes.",
        plausible=(
            0.0,
            24.0,
            "seed: [003] a leader's transfer can move the informatization body; judgement: the "
            "moved body is without authority from not at all to two years, about half a head's "
            "tenure of 3-4 years",
        ),
    ),
)

SPECS: dict[str, ParameterSpec] = {spec.name: spec for spec in PARAMETERS}


def _field(spec: ParameterSpec) -> Any:
    return (spec.type, Field(spec.default, ge=spec.low, le=spec.high, description=spec.description))


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, strict=True)

    @model_validator(mode="after")
    def _check_structure(self) -> _Base:
        """Reject combinations of structure parameters that describe no country."""
        values = self.__dict__
        if values["n_provinces"] > 0 and values["n_jurisdictions"] != 1:
            raise ValueError(
                "n_jurisdictions must be 1 when n_provinces > 0 (a multi-level run has one "
                "central government at its top)"
            )
        if values["n_provinces"] == 0 and values["n_prefectures"] > 0:
            raise ValueError("n_prefectures > 0 needs n_provinces > 0 to sit under")
        if values["n_prefectures"] == 0 and values["n_counties"] > 0:
            raise ValueError("n_counties > 0 needs n_prefectures > 0 to sit under")
        if values["n_counties"] == 0 and values["n_townships"] > 0:
            raise ValueError("n_townships > 0 needs n_counties > 0 to sit under")
        if values["n_departments"] - values["department_spread"] < 2:
            raise ValueError(
                "department_spread must leave every government at least 2 departments "
                "(n_departments - department_spread >= 2)"
            )
        return self


#: Validated, immutable set of parameter values. Unknown names are rejected.
Parameters: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "Parameters", __base__=_Base, **{spec.name: _field(spec) for spec in PARAMETERS}
)


def plain_value(value: Any) -> Any:
    """A NumPy scalar as the Python number it holds (``np.int64(5)`` -> 5); else as is.

    Validation is strict (a float is never silently rounded into an integer
    parameter), and NumPy integers are not Python ints; values from
    ``np.arange`` or a sampled design are converted here first.
    """
    if isinstance(value, np.generic):
        return value.item()
    return value


def make_parameters(**overrides: Any) -> BaseModel:
    """Return validated parameters: the defaults updated with ``overrides``.

    Args:
        **overrides: Parameter values by name (NumPy scalars are accepted).

    Returns:
        A frozen ``Parameters`` instance.

    Raises:
        pydantic.ValidationError: For an unknown name or a value out of range.
    """
    return Parameters(**{name: plain_value(value) for name, value in overrides.items()})


def parameter_table() -> list[dict[str, Any]]:
    """Return every declaration as a row (for docs, manifests and ``run.py list``)."""
    return [
        {
            "name": s.name,
            "group": s.group,
            "default": s.default,
            "unit": s.unit,
            "low": s.low,
            "high": s.high,
            "plausible_low": s.plausible_range[0],
            "plausible_high": s.plausible_range[1],
            "plausible_reason": s.plausible_reason,
            "source": s.source,
            "description": s.description,
        }
        for s in PARAMETERS
    ]
