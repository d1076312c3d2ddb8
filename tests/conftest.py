"""Shared helpers for the model, invariant and stylized-fact tests.

``final(design, seeds, months=..., **overrides)`` runs one design over several
seeds and returns the last row of each run's outcomes, indexed by seed. A
design is a scenario name, a ``Scenario``, a ``Parameters`` instance or None
(the defaults, i.e. the dispersed status quo). The browser tests share
``needs_chromium``, ``launch_chromium`` and ``local_only`` (every request
that is not to this machine aborted and listed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd
import pytest

from sim.experiments.inputs.scenarios import Scenario, load_scenario
from sim.model.governance import GovernanceModel

#: Debian's Chromium, which the browser tests drive through Playwright.
CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)",
)


def launch_chromium(playwright: Any) -> Any:
    """Headless Chromium as this machine runs it (no sandbox, GPU or background network)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )


def local_only(aborted: list[str]) -> Callable[[Any], None]:
    """A Playwright route handler that lets local requests through and aborts (and lists) others."""

    def route(request_route: Any) -> None:
        if urlparse(request_route.request.url).hostname in ("127.0.0.1", "localhost"):
            request_route.continue_()
        else:
            aborted.append(request_route.request.url)
            request_route.abort()

    return route


#: Small world used by the mechanism tests unless a test says otherwise.
SMALL = {"n_departments": 15, "months": 48}


def _resolve(design: Any, overrides: dict[str, Any]) -> tuple[Any, tuple]:
    """Return ``(parameters, policy_changes)`` for a design plus overrides."""
    if isinstance(design, str):
        design = load_scenario(design)
    if isinstance(design, Scenario):
        scenario = design.with_overrides(**overrides) if overrides else design
        return scenario.parameters, scenario.policy_changes
    if design is None:
        return None, ()
    # A Parameters instance: overrides are applied by the model itself.
    return design, ()


def make_model(design: Any = None, seed: int = 0, **overrides: Any) -> GovernanceModel:
    """Build (without running) a model for a design, a seed and overrides."""
    params, changes = _resolve(design, overrides)
    if isinstance(design, Scenario | str):
        return GovernanceModel(params, rng=seed, policy_changes=changes)
    return GovernanceModel(params, rng=seed, policy_changes=changes, **overrides)


def run_model(design: Any = None, seed: int = 0, **overrides: Any) -> GovernanceModel:
    """Build and run a model to the end of its ``months``."""
    model = make_model(design, seed, **overrides)
    model.run()
    return model


def final(
    design: Any = None,
    seeds: Iterable[int] = range(6),
    months: int | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Return the final outcome row of each seed's run, indexed by seed.

    Args:
        design: Scenario name, ``Scenario``, ``Parameters`` or None (defaults).
        seeds: Seeds to run; the same seeds give paired runs across designs.
        months: Horizon; None keeps the design's own.
        **overrides: Parameter values applied over the design.

    Returns:
        One row per seed (index ``seed``), columns ``month`` and every outcome.
    """
    if months is not None:
        overrides["months"] = months
    rows = {}
    for seed in seeds:
        model = run_model(design, seed, **overrides)
        rows[seed] = model.outcomes_frame().iloc[-1]
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "seed"
    return frame


def paired(
    column: str,
    a: dict[str, Any],
    b: dict[str, Any],
    design: Any = None,
    seeds: Iterable[int] = range(6),
    small: dict[str, Any] | None = None,
    **common: Any,
) -> tuple[pd.Series, pd.Series]:
    """Final ``column`` per seed under overrides ``a`` and ``b`` of one design, same seeds.

    Args:
        column: Outcome column.
        a: Overrides of the first arm.
        b: Overrides of the second arm.
        design: Design as in :func:`final`.
        seeds: Seeds (paired across the two arms).
        small: World size and horizon applied under both arms (default ``SMALL``).
        **common: Further overrides applied under both arms.

    Returns:
        The two series, indexed by seed.
    """
    base = {**(SMALL if small is None else small), **common}
    first = final(design, seeds, **{**base, **a})[column]
    return first, final(design, seeds, **{**base, **b})[column]


def show(first: pd.Series, second: pd.Series) -> str:
    """Both arms' means and per-seed values, for assertion messages."""
    return (
        f"A mean {first.mean():.3f} {first.round(3).tolist()} "
        f"vs B mean {second.mean():.3f} {second.round(3).tolist()}"
    )
