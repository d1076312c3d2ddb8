"""The parameter fields of the dashboard: every declared lever and uncertainty, grouped.

Fields come from the parameter declarations (``sim.model.parameters``):
every lever (it changes the design being edited) and every uncertainty (it
changes the world of every design) has a number field, labelled in English
from its name and unit with its declared description as the hint (in
Chinese from ``sim.reporting.parameter_labels``), grouped by theme and found
by a search over the name, label and description. The browser does not
bound the fields: the server checks every value against the declared range
and says what is allowed (``sim.dashboard.requests``). Structure
parameters (the layout of the governments) stay those of each design.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.model.parameters import SPECS
from sim.reporting import i18n

#: Levers: they change the design being edited.
LEVERS: tuple[str, ...] = tuple(n for n, s in SPECS.items() if s.group == "lever")

#: Uncertainties: they change the world of every design alike.
UNCERTAINTIES: tuple[str, ...] = tuple(n for n, s in SPECS.items() if s.group == "uncertainty")

#: Themes of the fields, in order: (key, English, Chinese, words in the names).
THEMES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "review",
        "Review and approval",
        "审核与审批",
        ("approval", "signoff", "review", "registry", "priority", "attention_dependence"),
    ),
    (
        "platforms",
        "Platforms, plan and budget",
        "平台、规划与预算",
        ("technical_center", "master_plan", "bundling", "unified_budget", "standard"),
    ),
    (
        "coordination",
        "Coordination and supervision",
        "协调与监督",
        ("coordination", "audit", "sanction", "evaluation", "body_permanence", "central_local"),
    ),
    (
        "needs",
        "Needs and services",
        "需求与服务",
        ("need", "service", "base_registry"),
    ),
    (
        "costs",
        "Costs, money and time",
        "成本、资金与时间",
        ("cost", "budget", "fiscal", "build_months", "stall", "it_capacity"),
    ),
    (
        "leaders",
        "Leaders and behaviour",
        "领导与行为",
        ("leader", "attention", "vanity", "autonomy", "abandon", "rationality", "reorganization"),
    ),
    (
        "sharing",
        "Sharing and adoption",
        "数据共享与平台采用",
        ("shar", "standard", "awareness", "contagion", "adoption", "request", "free_riding"),
    ),
    ("other", "Platforms and more", "平台及其他", ()),
)


def theme_of(name: str) -> str:
    """The theme key of a parameter: the first theme one of whose words is in its name."""
    lever = SPECS[name].group == "lever"
    for key, _, _, words in THEMES:
        if (key in ("review", "platforms", "coordination")) != lever:
            continue
        if any(w in name for w in words):
            return key
    return "coordination" if lever else "other"


def theme_label(key: str, lang: str = "en") -> str:
    """A theme's name in ``lang``."""
    for k, en, zh, _ in THEMES:
        if k == key:
            return zh if i18n.check_lang(lang) == "zh" else en
    raise KeyError(key)


#: Words written in capitals in English labels.
_CAPITALS = {"it": "IT"}


def label(name: str, lang: str = "en") -> str:
    """A parameter's label: in English its name in words, in Chinese the declared label."""
    if i18n.check_lang(lang) == "zh":
        return i18n.parameter_label(name, "zh")
    words = [_CAPITALS.get(w, w) for w in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def label_with_unit(name: str, lang: str = "en") -> str:
    """``Label (unit)`` of a parameter in ``lang``."""
    return i18n.label_with_unit(label(name, lang), i18n.unit(SPECS[name].unit, lang), lang)


def hint(name: str) -> str:
    """The declared description, with the allowed range."""
    spec = SPECS[name]
    return f"{spec.description} Allowed: {spec.low:g} to {spec.high:g}."


def search_text(name: str) -> str:
    """What a search matches: the name, both labels, unit and description, lower case."""
    spec = SPECS[name]
    return " ".join(
        (name, label(name), i18n.parameter_label(name, "zh"), spec.unit, spec.description)
    ).lower()


def matches(name: str, query: Any) -> bool:
    """Whether a parameter matches a search (every word of ``query`` appears)."""
    words = str(query or "").lower().split()
    text = search_text(name)
    return all(w in text for w in words)


@dataclass(frozen=True)
class Field:
    """A parameter field.

    Attributes:
        name: Parameter name.
        low: Smallest declared value.
        high: Largest declared value.
        step: Step of the field's arrows (1 for whole numbers, else "any").
        unit: Unit in English.
        group: ``lever`` or ``uncertainty``.
        theme: Key of its theme.
    """

    name: str
    low: float
    high: float
    step: float | str
    unit: str
    group: str
    theme: str


def field(name: str) -> Field:
    """Return the field of a declared parameter."""
    spec = SPECS[name]
    step: float | str = 1 if spec.type is int else "any"
    return Field(
        name, float(spec.low), float(spec.high), step, spec.unit, spec.group, theme_of(name)
    )


def fields() -> list[Field]:
    """Every field, levers first."""
    return [field(n) for n in (*LEVERS, *UNCERTAINTIES)]


def plain(name: str, value: Any) -> Any:
    """A field's value as the parameter's type (whole numbers as int), else unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if SPECS[name].type is int and float(value).is_integer():
        return int(value)
    return float(value) if SPECS[name].type is float else value


def overrides(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Values of ``names`` as parameter overrides (ints for int parameters); None kept out."""
    return {n: plain(n, values[n]) for n in names if values.get(n) is not None}
