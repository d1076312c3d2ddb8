"""Sweeps on an existing Dask scheduler, and the local cluster's memory per worker.

An existing scheduler (as dask-jobqueue or ``dask scheduler`` on a SLURM or PBS
cluster would start one) is reached by its address or its scheduler file and
gives the same results as the serial executor. A local cluster's workers get
the stated memory limit, and a cluster that does not fit into the machine's
memory is refused before it starts.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments.executors import DaskExecutor, ExecutorError, check_memory_fits
from sim.experiments.store import SweepStore
from sim.experiments.sweeps.files import load_sweep
from sim.experiments.sweeps.runner import run_sweep

pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parent.parent

TINY = """\
scenario: centralized
parameters: {n_departments: 6}
months: 6
levers:
  review_capacity: {values: [2, 30]}
design: grid
replications: 2
batch: 1
root_seed: 11
outcomes: [duplication_rate]
"""


def read_all(out: Path) -> pd.DataFrame:
    frame = SweepStore(out).read_timeseries()
    return frame.sort_values(["point", "replication", "month"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """A scheduler started here, as a cluster's job would start one (one worker)."""
    import logging

    from distributed import LocalCluster

    path = tmp_path_factory.mktemp("scheduler") / "scheduler.json"
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,  # in this process: quick to start; sim is importable
        host="127.0.0.1",
        protocol="tcp://",  # a network address, as a remote scheduler has
        dashboard_address=None,
        scheduler_kwargs={"scheduler_file": str(path)},
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster.scheduler_address, path


@pytest.mark.timeout(120)
def test_sweep_on_an_existing_scheduler_by_address_and_by_file(tmp_path, scheduler):
    address, scheduler_file = scheduler
    assert scheduler_file.is_file()
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    sweep = load_sweep(path)
    run_sweep(sweep, tmp_path / "serial", executor="serial", progress=False)
    expected = read_all(tmp_path / "serial")
    assert len(expected) == 2 * 2 * 7
    by_address = run_sweep(
        sweep, tmp_path / "address", executor="dask", scheduler=address, progress=False
    )
    by_file = run_sweep(
        sweep,
        tmp_path / "file",
        executor="dask",
        scheduler_file=scheduler_file,
        progress=False,
    )
    for out, result in ((tmp_path / "address", by_address), (tmp_path / "file", by_file)):
        assert result.ran == 4
        assert result.run_info["cluster"] == "remote scheduler"
        assert "worker_memory_limit_bytes" not in result.run_info  # the cluster's own
        assert len(result.run_info["worker_peak_rss_bytes"]) == 1
        pd.testing.assert_frame_equal(expected, read_all(out), check_exact=True)


def test_a_local_cluster_too_large_for_the_machine_is_refused():
    with pytest.raises(ExecutorError, match="available") as caught:
        check_memory_fits(2, 2**50)
    assert "--worker-memory" in str(caught.value)
    check_memory_fits(1, 2**20)  # 1 MiB fits anywhere
    with pytest.raises(ExecutorError, match="available"):  # before any process starts
        DaskExecutor(workers=2, memory_limit="1PiB").__enter__()


@pytest.mark.timeout(120)
def test_local_workers_get_the_stated_memory_limit():
    pytest.importorskip("cryptography")
    with DaskExecutor(workers=1, memory_limit="700MiB") as executor:
        limits = [w["memory_limit"] for w in executor._client.scheduler_info()["workers"].values()]
        assert limits == [700 * 2**20]
        assert executor.describe()["worker_memory_limit_bytes"] == 700 * 2**20
        peaks = executor.measure_peak_memory()
        assert len(peaks) == 1 and 10 * 2**20 < peaks[0] < 700 * 2**20
    assert DaskExecutor().memory_limit == 2 * 2**30  # the stated default


def die_once(task: tuple[str, int]) -> int:
    """Double ``x``; the first call anywhere kills its own worker process (``kill -9``)."""
    import os
    import signal

    marker, x = task
    try:
        with open(marker, "x"):  # only the first caller creates it
            pass
    except FileExistsError:
        return 2 * x
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


@pytest.mark.slow  # the nanny's restart takes tens of seconds on a busy machine
@pytest.mark.timeout(180)
def test_a_killed_worker_task_is_run_again(tmp_path):
    """A worker killed mid-task is restarted by its nanny and Dask runs the task again."""
    pytest.importorskip("cryptography")
    marker = str(tmp_path / "killed")
    with DaskExecutor(workers=1) as executor:
        results = sorted(executor.imap_unordered(die_once, [(marker, i) for i in range(4)]))
    assert (tmp_path / "killed").exists()  # a worker did die
    assert results == [0, 2, 4, 6]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "run.py", "sweep", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--executor", "dask", "--worker-memory", "0"], "memory size"),
        (["--executor", "dask", "--worker-memory", "lots"], "memory size"),
        (["--worker-memory", "1GiB"], "only with --executor dask"),
        (["--executor", "dask", "--worker-memory", "1PiB"], "available"),
        (["--executor", "dask", "--scheduler-file", "no/such/file.json"], "is not a file"),
        (
            ["--executor", "dask", "--scheduler", "tls://h:8786", "--scheduler-file", "x"],
            "not both",
        ),
        (
            ["--executor", "dask", "--scheduler", "tls://h:8786", "--worker-memory", "1GiB"],
            "dask worker",
        ),
    ],
)
def test_bad_dask_options_are_one_paragraph_and_status_2(tmp_path, args, said):
    result = cli("review_capacity_grid", "--out", str(tmp_path / "out"), *args)
    assert result.returncode == 2, result.stderr
    assert said in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
