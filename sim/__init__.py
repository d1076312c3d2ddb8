"""Agent-based model of e-government construction under different governance designs.

What a notebook needs is here, loaded on first use (so ``import sim`` is
quick)::

    import sim

    result = sim.compare(["dispersed", "centralized"], replications=10)
    result.summary          # mean, SD and 95% CI per design and outcome
    result.paired           # centralized minus dispersed, paired by seed
    fig = sim.charts.timeseries_figure(result.frame, "data_sharing_rate")

    weaker = sim.load_scenario("centralized").with_overrides(review_capacity=2)
    sim.compare(["centralized", weaker], replications=10).paired

    folder = sim.save(result, "results/my-comparison")   # files, report, manifest
    data = sim.load_results(folder)                        # read a folder back

The package is layered (imports flow downward only): ``sim.model`` (the Mesa
model and its mechanisms), ``sim.experiments`` (scenario files,
replications, sweeps, executors, result files), ``sim.analysis``
(statistics, comparisons, stylized facts), ``sim.reporting`` (charts, the
report, images, translations) and ``sim.cli`` (the commands).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"  # also in pyproject.toml and sim/experiments/version.py (tested)

#: Public name -> (module, attribute); attribute None means the module itself.
_API: dict[str, tuple[str, str | None]] = {
    # scenarios and parameters
    "load_scenario": ("sim.experiments.inputs.scenarios", "load_scenario"),
    "list_scenarios": ("sim.experiments.inputs.scenarios", "list_scenarios"),
    "scenario_names": ("sim.experiments.inputs.scenarios", "scenario_names"),
    "Scenario": ("sim.experiments.inputs.scenarios", "Scenario"),
    "ScenarioError": ("sim.experiments.inputs.scenarios", "ScenarioError"),
    "make_parameters": ("sim.model.parameters", "make_parameters"),
    "parameter_table": ("sim.model.parameters", "parameter_table"),
    "PARAMETERS": ("sim.model.parameters", "PARAMETERS"),
    "OUTCOMES": ("sim.model.outcomes", "OUTCOMES"),
    # the model
    "GovernanceModel": ("sim.model.governance", "GovernanceModel"),
    "network_frames": ("sim.model.network", "network_frames"),
    # running and comparing, in memory
    "compare": ("sim.analysis.comparison", "compare"),
    "Comparison": ("sim.analysis.comparison", "Comparison"),
    "run_replications": ("sim.experiments.replications", "run_replications"),
    "rerun": ("sim.experiments.rerun", "rerun"),
    "spawn_seeds": ("sim.experiments.seeds", "spawn_seeds"),
    "DEFAULT_SEED": ("sim.experiments.seeds", "DEFAULT_SEED"),
    # sweeps
    "load_sweep": ("sim.experiments.sweeps.files", "load_sweep"),
    "run_sweep": ("sim.experiments.sweeps.runner", "run_sweep"),
    "summarize_sweep": ("sim.analysis.sweep_summary", "summarize_sweep"),
    # results folders, charts and reports
    "save": ("sim.reporting.experiment_folder", "save_comparison"),
    "load_results": ("sim.reporting.report", "load_results"),
    "write_report": ("sim.reporting.report", "write_report"),
    "format_report": ("sim.reporting.terminal", "format_report"),
    "charts": ("sim.reporting.charts", None),
    "export_figures": ("sim.reporting.export", "export_figures"),
}

__all__ = sorted(["__version__", *_API])


def __getattr__(name: str) -> Any:
    """Load a public name on first use (PEP 562)."""
    try:
        module_name, attribute = _API[name]
    except KeyError:
        raise AttributeError(f"module 'sim' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, for tab completion."""
    return sorted({*globals(), *_API})
