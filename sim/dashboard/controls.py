"""The sliders of the dashboard: which parameters, and their ranges.

Ranges come from the parameter declarations (``sim.model.parameters``): a
slider runs from the declared ``low`` to ``high``, except that a few
capacities declared up to 1,000 end at ``SLIDER_HIGH`` (a city of 40
departments never uses more; a scenario file can still set more).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.model.parameters import SPECS

#: Levers: they change the compared (second) design.
LEVERS: tuple[str, ...] = (
    "review_capacity",
    "review_authority",
    "technical_center_capacity",
    "unified_budget",
    "coordination_proactive",
    "evaluation_link",
)

#: Key uncertainties: they change the world of both designs alike.
UNCERTAINTIES: tuple[str, ...] = (
    "top_leader_attention",
    "leader_tenure_months",
    "willingness_to_share_mean",
    "platform_cost_multiple",
)

#: Upper ends of sliders narrower than the declared range.
SLIDER_HIGH: dict[str, float] = {"review_capacity": 60.0}


@dataclass(frozen=True)
class Slider:
    """A parameter slider.

    Attributes:
        name: Parameter name.
        low: Left end (the declared ``low``).
        high: Right end (the declared ``high`` or ``SLIDER_HIGH``).
        step: Step between values.
        unit: Unit in English.
        group: ``lever`` or ``uncertainty``.
    """

    name: str
    low: float
    high: float
    step: float
    unit: str
    group: str

    def marks(self) -> dict[float, str]:
        """Marks at both ends."""
        return {self.low: _short(self.low), self.high: _short(self.high)}


def _short(value: float) -> str:
    return f"{value:g}"


def slider(name: str) -> Slider:
    """Return the slider of a declared parameter.

    Args:
        name: A parameter of ``sim.model.parameters``.

    Returns:
        Its slider, integer steps for integer parameters.
    """
    spec = SPECS[name]
    high = min(float(spec.high), SLIDER_HIGH.get(name, float(spec.high)))
    integer = spec.type is int
    step = 1.0 if integer else (0.05 if high - float(spec.low) <= 1 else 1.0)
    return Slider(name, float(spec.low), high, step, spec.unit, spec.group)


def sliders() -> list[Slider]:
    """Every slider, levers first."""
    return [slider(n) for n in (*LEVERS, *UNCERTAINTIES)]


def overrides(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Slider values of ``names`` as parameter overrides (ints for int parameters)."""
    out = {}
    for name in names:
        value = values.get(name)
        if value is None:
            continue
        out[name] = int(round(value)) if SPECS[name].type is int else float(value)
    return out
