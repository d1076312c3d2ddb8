"""Runs of the dashboard in a background thread, with progress.

A ``Job`` runs N paired replications of two scenarios one run at a time
(``sim.experiments.replications.simulate``, the seeds of ``sim.compare``), so
the page can show how many runs are done, and assembles the same
``Comparison`` that ``sim.compare`` returns. Starting a new job cancels the
previous one of the same session.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field

import pandas as pd

from sim.analysis.comparison import Comparison
from sim.analysis.summaries import difference_table, summary_table
from sim.experiments.replications import final_values, ordered_outcomes, simulate
from sim.experiments.scenarios import Scenario
from sim.experiments.seeds import DEFAULT_SEED, spawn_seeds


@dataclass
class Job:
    """One dashboard run.

    Attributes:
        scenarios: Baseline and compared design (with the slider values).
        replications: Paired replications.
        root_seed: Root of the paired seeds.
        done: Runs finished.
        result: The comparison when finished.
        error: What went wrong, if something did.
        cancelled: Set to stop the job between runs.
    """

    scenarios: tuple[Scenario, ...]
    replications: int
    root_seed: int = DEFAULT_SEED
    done: int = 0
    result: Comparison | None = None
    error: str | None = None
    cancelled: bool = False
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def total(self) -> int:
        """Runs in the job."""
        return self.replications * len(self.scenarios)

    @property
    def finished(self) -> bool:
        """Whether the job ended (with a result or an error)."""
        return self.result is not None or self.error is not None

    def run(self) -> None:
        """Simulate every run, then summarize; record an error instead of raising."""
        try:
            start = time.perf_counter()
            seeds = spawn_seeds(self.root_seed, self.replications)
            parts = []
            for r in range(self.replications):
                for scenario in self.scenarios:
                    if self.cancelled:
                        return
                    parts.append(simulate(scenario, seeds[r], r))
                    self.done += 1
            self.result = _comparison(self, parts, time.perf_counter() - start)
        except Exception as exc:  # shown on the page
            self.error = f"{type(exc).__name__}: {exc}"


def _comparison(job: Job, parts: list, elapsed: float) -> Comparison:
    frame, edges, governments = (
        pd.concat([p[k] for p in parts], ignore_index=True) for k in range(3)
    )
    order = {s.name: i for i, s in enumerate(job.scenarios)}
    frame = (
        frame.assign(_o=frame["scenario"].map(order))
        .sort_values(["_o", "replication", "month"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    frame.attrs["root_seed"] = job.root_seed
    runs = final_values(frame)
    outcomes = ordered_outcomes(frame)
    return Comparison(
        scenarios=job.scenarios,
        frame=frame,
        runs=runs,
        summary=summary_table(runs, outcomes),
        paired=difference_table(runs, outcomes, job.scenarios[0].name),
        networks=edges,
        governments=governments,
        root_seed=job.root_seed,
        batch=1,
        workers=1,
        elapsed=elapsed,
    )


class JobBoard:
    """The jobs of the app, by id; a new job cancels the one it replaces.

    The page keeps the id of its job. Two runs started in quick succession
    (sliders moved fast) may leave the page holding the id of a job that a
    newer one replaced, so ``get`` follows replacements to the newest job.
    """

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._replaced_by: dict[str, str] = {}
        self._lock = threading.Lock()

    def start(self, job: Job, replaces: str | None = None) -> Job:
        """Start ``job`` in a thread, cancelling the job ``replaces``."""
        with self._lock:
            replaces = self._newest(replaces)
            old = self._jobs.get(replaces) if replaces else None
            if old is not None and not old.finished:
                old.cancelled = True
            if replaces:
                self._replaced_by[replaces] = job.id
            self._jobs[job.id] = job
        threading.Thread(target=job.run, daemon=True).start()
        return job

    def get(self, job_id: str | None) -> Job | None:
        """The newest job that replaced the job with this id (or that job), if any."""
        with self._lock:
            return self._jobs.get(self._newest(job_id)) if job_id else None

    def _newest(self, job_id: str | None) -> str | None:
        while job_id in self._replaced_by:
            job_id = self._replaced_by[job_id]
        return job_id
