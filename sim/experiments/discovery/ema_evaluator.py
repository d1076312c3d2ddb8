"""An EMA Workbench evaluator that runs a whole experiment set through the sweep runner.

EMA Workbench's own evaluators (``SequentialEvaluator``, ``MultiprocessingEvaluator``)
call the model's function once per replication of every experiment: one
``GovernanceModel`` per run, about 40 times slower per run than ``run.py
sweep`` (issue 27). :class:`BatchedEvaluator` takes the experiment set of
``perform_experiments`` at once and runs it as a sweep does
(``sim.experiments.sweeps.runner.run_batch``): replication r of up to
``batch`` experiments of one design side by side as the copies of one
batched model seeded with replication r's seed, each copy with its
experiment's values and layout (``GovernanceModel(replica_parameters=...)``;
experiments that differ in ``n_departments`` share a model). Every
experiment's outcomes are then processed by the model's own outcomes (the
mean over its replications) and handed to the workbench's callback, so the
results are what ``perform_experiments`` returns with any evaluator::

    from sim.experiments.discovery import ema
    from sim.experiments.discovery.ema_evaluator import BatchedEvaluator

    model = ema.ema_model(replications=3)
    with BatchedEvaluator(model, workers=2) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=50, policies=ema.design_policies(["dispersed", "centralized"])
        )

``batch=1`` runs one model per run with the replication's seed: the runs of
the workbench's own evaluators, bit for bit. With larger batches the copies
of a model share its random stream, so a run is not the one-model run with
that seed but follows its distribution (``tests/test_batch.py``); the designs
of a scenario keep their seeds and copy positions (pairing by replication, as
a batched sweep).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any

import pyarrow as pa
from tqdm import tqdm

from sim.experiments.executors import make_executor
from sim.experiments.inputs.scenarios import load_scenario
from sim.experiments.replications import (
    DEPARTMENTS_PER_MODEL,
    MAX_AUTO_BATCH,
    departments_per_run,
)
from sim.experiments.sweeps.runner import run_batch
from sim.model.outcomes import OUTCOME_NAMES
from sim.model.parameters import SPECS, plain_value
from sim.model.replica_parameters import layout_key

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # ipyparallel is optional
    import ema_workbench as ema_wb
    from ema_workbench.em_framework.evaluators import BaseEvaluator

#: Name of the categorical lever holding the design (``sim.experiments.discovery.ema.DESIGN``).
DESIGN = "design"

#: Name of the replication entry holding its seed (``sim.experiments.discovery.ema.SEED``).
SEED = "seed"

#: Name of the constant holding the fixed parameter values (``ema.ema_model``).
FIXED = "fixed"


class BatchedEvaluator(BaseEvaluator):
    """Evaluate an experiment set in batched models through the sweep runner.

    Works with models built by ``sim.experiments.discovery.ema.ema_model`` (a
    ``design`` lever, a ``fixed`` constant, replications carrying a ``seed``).

    Args:
        msis: The model (or models) of the experiments.
        batch: Runs per batched model: replication r of up to ``batch``
            experiments of one design; None chooses it from the largest
            layout of the experiments (as ``run.py sweep`` does: 100 city runs
            a model); 1 runs one model per run.
        executor: ``serial`` (in this process) or ``pool`` (worker processes).
        workers: Processes of the pool (default all cores).
        progress: Show a progress bar of the runs on stderr.
    """

    def __init__(
        self,
        msis: Any,
        *,
        batch: int | None = None,
        executor: str = "pool",
        workers: int | None = None,
        progress: bool = False,
    ) -> None:
        super().__init__(msis)
        if batch is not None and int(batch) < 1:
            raise ValueError(f"batch must be at least 1, got {batch}")
        self.batch = None if batch is None else int(batch)
        self.executor = executor
        self.workers = workers
        self.progress = progress
        #: Runs per model of the last evaluation (for a report).
        self.last_batch: int | None = None

    def initialize(self) -> None:
        """Nothing to start: the executor lives for one evaluation."""

    def finalize(self) -> None:
        """Nothing to stop."""

    def evaluate_experiments(
        self, experiments: Iterable[Any], callback: Callable, **kwargs: Any
    ) -> None:
        """Run every experiment's replications in batched models; report each experiment.

        Args:
            experiments: The workbench's experiments (``Experiment`` objects).
            callback: The workbench's callback, called once per experiment
                with its processed outcomes.
            **kwargs: Ignored (the workbench passes on what it was given).
        """
        experiments = list(experiments)
        if not experiments:
            return
        models = {m.name: m for m in self._msis}
        plans = [_plan(models[e.model_name], e) for e in experiments]
        batch = self.batch or _auto_batch(plans)
        self.last_batch = batch
        contexts: dict[tuple, dict[str, Any]] = {}
        groups: dict[tuple, list[int]] = {}
        for i, plan in enumerate(plans):
            key = (plan.model, plan.design, plan.names)
            contexts.setdefault(key, plan.context())
            layout = layout_key({**contexts[key]["base"], **plan.values_by_name})
            groups.setdefault((*key, layout), []).append(i)
        # One task per model: replication r of a block of experiments of one
        # design and model, seeded with replication r's seed.
        tasks = []
        for group_key, members in groups.items():
            seeds = plans[members[0]].seeds
            for start in range(0, len(members), batch):
                block = tuple(members[start : start + batch])
                values = tuple(plans[i].values for i in block)
                for rep, seed in enumerate(seeds):
                    tasks.append((group_key[:3], (block, rep, seed, values)))
        finals: dict[tuple[int, int], dict[str, float]] = {}
        total = sum(len(p.seeds) for p in plans)
        with (
            make_executor(self.executor, self.workers) as ex,
            tqdm(total=total, disable=not self.progress, file=sys.stderr, unit="run") as bar,
        ):
            run = partial(_run_task, contexts)
            for table in ex.imap_unordered(run, tasks):
                for row in _final_rows(table):
                    finals[(row["point"], row["replication"])] = row
                    bar.update(1)
        for i, (experiment, plan) in enumerate(zip(experiments, plans, strict=True)):
            outputs = {
                name: [finals[(i, rep)][name] for rep in range(len(plan.seeds))]
                for name in OUTCOME_NAMES
            }
            outcomes = {
                o.name: o.process([outputs[v] for v in o.variable_name])
                for o in models[experiment.model_name].outcomes
            }
            callback(experiment, outcomes)


class _Plan:
    """What one experiment runs: its model, design, seeds and parameter values."""

    __slots__ = ("model", "design", "fixed", "seeds", "names", "values", "values_by_name")

    def __init__(self, model: Any, design: str, fixed: Mapping[str, Any], seeds, values) -> None:
        self.model = model.name
        self.design = design
        self.fixed = dict(fixed)
        self.seeds = tuple(int(s) for s in seeds)
        self.values_by_name = dict(values)
        self.names = tuple(self.values_by_name)
        self.values = tuple(self.values_by_name.values())

    def context(self) -> dict[str, Any]:
        """The sweep runner's context of this experiment's design (``run_batch``)."""
        scenario = load_scenario(self.design).with_overrides(name=self.design, **self.fixed)
        return {
            "base": scenario.parameters.model_dump(),
            "policy_changes": [(m, dict(c)) for m, c in scenario.policy_changes],
            "names": list(self.names),
        }


def _plan(model: Any, experiment: Any) -> _Plan:
    """An experiment's design, seeds and values, as ``ema.run_design`` takes them."""
    constants = {c.name: c.value for c in model.constants}
    fixed = _typed(dict(constants.get(FIXED) or {}))
    seeds = [rep[SEED] for rep in model.replications]
    # The model's own uncertainties and levers, as the workbench hands them to
    # its function (a sample may hold more; a missing one takes its default).
    values = {}
    for parameters, sample in (
        (model.uncertainties, experiment.scenario),
        (model.levers, experiment.policy),
    ):
        for p in parameters:
            if p.name in sample:
                values[p.name] = sample[p.name]
            elif p.default is not None:
                values[p.name] = p.default
    design = str(values.pop(DESIGN))
    unknown = [n for n in values if n not in SPECS]
    if unknown:
        raise ValueError(f"'{unknown[0]}' is not a model parameter")
    return _Plan(model, design, fixed, seeds, _typed(values))


def _typed(values: Mapping[str, Any]) -> dict[str, Any]:
    """Plain values, whole numbers rounded (as ``ema.run_design`` does)."""
    out = {k: plain_value(v) for k, v in values.items()}
    return {k: int(round(v)) if SPECS[k].type is int else v for k, v in out.items()}


def _auto_batch(plans: Sequence[_Plan]) -> int:
    """Runs per model from the largest layout of the experiments (``auto_batch``'s rule)."""
    largest = 1
    defaults = {s.name: s.default for s in SPECS.values()}
    for plan in plans:
        largest = max(
            largest, departments_per_run({**defaults, **plan.fixed, **plan.values_by_name})
        )
    return max(1, min(MAX_AUTO_BATCH, DEPARTMENTS_PER_MODEL // largest))


def _run_task(contexts: Mapping[tuple, Mapping[str, Any]], task: tuple) -> pa.Table:
    """Run one model of the plan (in a worker): ``run_batch`` of its design's context."""
    key, (block, rep, seed, values) = task
    if len(block) == 1:  # one model per run: the run of ema.run_design, bit for bit
        return run_batch(contexts[key], [(block[0], rep, seed, values[0])])
    return run_batch(contexts[key], [(block, rep, seed, values)])


def _final_rows(table: pa.Table) -> list[dict[str, Any]]:
    """The last month of every run of a ``run_batch`` table, as dicts."""
    final = table.filter(table.column("final")).to_pydict()
    rows = []
    for i in range(len(final["point"])):
        row = {name: float(final[name][i]) for name in OUTCOME_NAMES}
        row["point"], row["replication"] = int(final["point"][i]), int(final["replication"][i])
        rows.append(row)
    return rows


def perform_experiments(models: Any, *args: Any, evaluator: Any = None, **kwargs: Any) -> Any:
    """``ema_workbench.perform_experiments`` with a :class:`BatchedEvaluator` by default.

    Args:
        models: The model(s) of ``sim.experiments.discovery.ema.ema_model``.
        *args: Passed on (``scenarios``, ``policies``, ...).
        evaluator: Another evaluator, if wanted.
        **kwargs: Passed on; ``batch``, ``executor``, ``workers`` and
            ``progress`` go to the evaluator.

    Returns:
        ``(experiments, outcomes)``, as the workbench's.
    """
    own = {k: kwargs.pop(k) for k in ("batch", "executor", "workers", "progress") if k in kwargs}
    if evaluator is None:
        evaluator = BatchedEvaluator(models, **own)
    with evaluator:
        return ema_wb.perform_experiments(models, *args, evaluator=evaluator, **kwargs)


__all__ = ["BatchedEvaluator", "perform_experiments"]
