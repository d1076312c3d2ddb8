"""Runs of the dashboard in a background thread, with progress, bounded and cancellable.

A ``Job`` runs a checked plan (``sim.dashboard.requests.Plan``) exactly as
``run.py compare`` runs the same settings: the same paired seeds, the same
batching (``auto_batch``: replications ``b*N .. b*N+N-1`` of a design side by
side in one model seeded with the first one's seed), the same ordering and
summaries, so the numbers are the command line's. Models run one after the
other in the job's thread; after every simulated month the model calls the
job back (``simulate_batch(after_month=...)``), which counts progress and
stops the run when the job is cancelled, so a cancel takes effect within a
month, not at the end of a run.

The ``JobBoard`` holds the jobs of the app: at most :data:`MAX_RUNNING` run at
once (a further start is refused with a message), a new job cancels the one
it replaces, and finished jobs are evicted (the oldest beyond
:data:`MAX_FINISHED`, and any older than :data:`FINISHED_SECONDS`).
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field

import pandas as pd

from sim.analysis.comparison import Comparison
from sim.analysis.summaries import difference_table, summary_table
from sim.experiments.inputs.scenarios import Scenario
from sim.experiments.replications import (
    batch_blocks,
    final_values,
    ordered_outcomes,
    ordered_results,
    simulate_batch,
)
from sim.experiments.seeds import DEFAULT_SEED, spawn_seeds

#: Jobs running at once (over every page of the app): the machine's work is bounded.
MAX_RUNNING = 2

#: Finished jobs kept (their results are shown and downloaded); older ones are evicted.
MAX_FINISHED = 8

#: Seconds a finished job is kept.
FINISHED_SECONDS = 30 * 60.0


class Cancelled(Exception):  # noqa: N818 - a signal, not an error
    """Raised from the month callback to stop a cancelled job's model."""


class BusyError(RuntimeError):
    """Too many jobs are running to start another."""


@dataclass
class Job:
    """One dashboard run.

    Attributes:
        scenarios: The designs, baseline first.
        replications: Paired replications.
        batch: Replications per batched model.
        root_seed: Root of the paired seeds.
        months_done: Model-months simulated (progress).
        runs_done: Runs finished.
        result: The comparison when finished.
        error: What went wrong, if something did.
        cancelled: Set to stop the job (within a month).
        ended: The job's thread has ended (finished, failed or cancelled).
        ended_at: ``time.monotonic()`` when it ended.
        bases: The known design each design was made from (for its scenario file).
        x: For a sweep, the swept parameter's value of each design.
        parameter: For a sweep, the swept parameter.
        design: For a sweep, the design swept.
    """

    scenarios: tuple[Scenario, ...]
    replications: int
    batch: int = 1
    root_seed: int = DEFAULT_SEED
    months_done: int = 0
    runs_done: int = 0
    result: Comparison | None = None
    error: str | None = None
    cancelled: bool = False
    ended: bool = False
    ended_at: float = 0.0
    bases: tuple[str, ...] = ()
    x: tuple[float, ...] = ()
    parameter: str = ""
    design: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def total(self) -> int:
        """Runs in the job."""
        return self.replications * len(self.scenarios)

    @property
    def months_total(self) -> int:
        """Model-months of the job (each batched model counts its months once)."""
        models = len(batch_blocks(self.replications, self.batch)) * len(self.scenarios)
        return models * max(s.parameters.months for s in self.scenarios)

    @property
    def done(self) -> int:
        """Runs finished (kept for the progress text)."""
        return self.runs_done

    @property
    def finished(self) -> bool:
        """Whether the job ended with a result or an error."""
        return self.result is not None or self.error is not None

    def _month(self, _month: int) -> None:
        if self.cancelled:
            raise Cancelled
        self.months_done += 1

    def run(self) -> None:
        """Simulate every batched model, then summarize; record an error instead of raising."""
        try:
            start = time.perf_counter()
            seeds = spawn_seeds(self.root_seed, self.replications)
            parts = []
            # The order of run.py compare's tasks: every design of a block, block by block.
            for block in batch_blocks(self.replications, self.batch):
                for scenario in self.scenarios:
                    if self.cancelled:
                        return
                    parts.extend(
                        simulate_batch(scenario, seeds[block[0]], block, after_month=self._month)
                    )
                    self.runs_done += len(block)
            self.result = comparison(self, parts, time.perf_counter() - start)
        except Cancelled:
            return
        except Exception as exc:  # shown on the page
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.ended_at = time.monotonic()
            self.ended = True


def comparison(job: Job, parts: list, elapsed: float) -> Comparison:
    """The ``Comparison`` of the runs, ordered and summarized as ``sim.compare`` does."""
    names = [s.name for s in job.scenarios]

    def ordered(k: int, keys: list[str]) -> pd.DataFrame:
        return ordered_results(parts, names, k, keys)

    frame = ordered(0, ["month"])
    frame.attrs["root_seed"] = int(job.root_seed)
    runs = final_values(frame)
    outcomes = ordered_outcomes(frame)
    return Comparison(
        scenarios=job.scenarios,
        frame=frame,
        runs=runs,
        summary=summary_table(runs, outcomes),
        paired=difference_table(runs, outcomes, job.scenarios[0].name),
        networks=ordered(1, ["holder", "requester"]),
        governments=ordered(2, ["government"]),
        root_seed=int(job.root_seed),
        batch=int(job.batch),
        workers=1,
        elapsed=elapsed,
    )


class JobBoard:
    """The jobs of the app, by id: bounded, cancellable, evicted when old.

    The page keeps the id of its job. Two runs started in quick succession
    (sliders moved fast) may leave the page holding the id of a job that a
    newer one replaced, so ``get`` follows replacements to the newest job.

    Args:
        max_running: Jobs running at once.
        max_finished: Finished jobs kept.
        finished_seconds: Seconds a finished job is kept.
    """

    def __init__(
        self,
        max_running: int = MAX_RUNNING,
        max_finished: int = MAX_FINISHED,
        finished_seconds: float = FINISHED_SECONDS,
    ) -> None:
        self._jobs: dict[str, Job] = {}
        self._replaced_by: dict[str, str] = {}
        self._lock = threading.Lock()
        self.max_running = max_running
        self.max_finished = max_finished
        self.finished_seconds = finished_seconds

    def start(self, job: Job, replaces: str | None = None) -> Job:
        """Start ``job`` in a thread, cancelling the job ``replaces``.

        Raises:
            BusyError: If :attr:`max_running` other jobs are running.
        """
        with self._lock:
            self._evict()
            replaces = self._newest(replaces)
            old = self._jobs.get(replaces) if replaces else None
            if old is not None and not old.ended:
                old.cancelled = True
            running = [j for j in self._jobs.values() if not j.ended and not j.cancelled]
            if len(running) >= self.max_running:
                raise BusyError(
                    f"The dashboard is already running {len(running)} runs (at most "
                    f"{self.max_running} at once, from every open page); wait until one "
                    "finishes, or cancel it."
                )
            if replaces:
                self._replaced_by[replaces] = job.id
            self._jobs[job.id] = job
        threading.Thread(target=job.run, daemon=True, name=f"dashboard-job-{job.id}").start()
        return job

    def cancel(self, job_id: str | None) -> Job | None:
        """Cancel the newest job of ``job_id`` (it stops within a month); return it."""
        with self._lock:
            job = self._jobs.get(self._newest(job_id)) if job_id else None
            if job is not None and not job.ended:
                job.cancelled = True
            return job

    def get(self, job_id: str | None) -> Job | None:
        """The newest job that replaced the job with this id (or that job), if any."""
        with self._lock:
            if not isinstance(job_id, str):
                return None
            return self._jobs.get(self._newest(job_id))

    def __len__(self) -> int:
        with self._lock:
            return len(self._jobs)

    def running(self) -> int:
        """Jobs whose thread has not ended (cancelled ones still winding down included)."""
        with self._lock:
            return sum(not j.ended for j in self._jobs.values())

    def _newest(self, job_id: str | None) -> str | None:
        seen = 0
        while job_id in self._replaced_by and seen <= len(self._replaced_by):
            job_id = self._replaced_by[job_id]
            seen += 1
        return job_id

    def _evict(self) -> None:
        """Drop cancelled jobs that ended, old finished jobs, and replacements leading nowhere."""
        now = time.monotonic()
        for job_id, job in list(self._jobs.items()):
            if job.ended and (job.cancelled or now - job.ended_at > self.finished_seconds):
                del self._jobs[job_id]
        ended = sorted((j for j in self._jobs.values() if j.ended), key=lambda j: j.ended_at)
        for job in ended[: max(len(ended) - self.max_finished, 0)]:
            del self._jobs[job.id]
        for old in list(self._replaced_by):
            if self._newest(old) not in self._jobs:
                del self._replaced_by[old]
