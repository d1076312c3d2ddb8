"""Issue 30: results folders that cannot hang a reader, one writer per folder, true messages.

Small runs only (a few departments, a few months).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiments import output_checks, results
from sim.experiments.folder_lock import FolderLock, FolderLockedError
from sim.experiments.inputs.folder_reads import FolderFileError, open_folder_file, read_folder_json
from sim.experiments.store import SweepStore
from sim.experiments.sweeps.files import load_sweep
from sim.experiments.sweeps.runner import run_sweep
from tests.test_fuzz_inputs import run_cli

ROOT = Path(__file__).resolve().parent.parent

TINY_SWEEP = """\
description: tiny
scenario: centralized
parameters: {n_departments: 6}
months: 4
levers:
  review_capacity: {values: [2, 30]}
design: grid
replications: 2
root_seed: 5
"""


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    """A finished tiny sweep folder (copied by the tests that damage it)."""
    base = tmp_path_factory.mktemp("sweep")
    (base / "tiny.yaml").write_text(TINY_SWEEP, encoding="utf-8")
    out = base / "out"
    run_sweep(load_sweep(base / "tiny.yaml"), out, executor="serial", progress=False)
    return out


@pytest.fixture(scope="module")
def results_folder(tmp_path_factory) -> Path:
    """A finished tiny results folder of ``run``."""
    out = tmp_path_factory.mktemp("results") / "run"
    code, _, err = run_cli(
        ["run", "centralized", "-r", "2", "--months", "4", "--departments", "6", "--out",
         str(out), "--quiet", "--formats", "none"]
    )  # fmt: skip
    assert code == 0, err
    return out


def copy(folder: Path, to: Path) -> Path:
    import shutil

    shutil.copytree(folder, to, symlinks=True)
    return to


def cli_with_timeout(argv: list[str], seconds: float = 60) -> tuple[int, str, str, float]:
    """``run_cli`` in a thread: a reader that hangs fails the test instead of hanging it."""
    box: dict[str, object] = {}
    start = time.perf_counter()
    worker = threading.Thread(target=lambda: box.update(out=run_cli(argv)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"{argv} still runs after {seconds} s (a blocking read)"
    code, out, err = box["out"]  # type: ignore[misc]
    return code, out, err, time.perf_counter() - start


# ------------------------------------------------------------ reading folders


@pytest.mark.parametrize("damage", ["fifo", "dev-zero", "outside-link"])
def test_summarize_refuses_a_design_csv_that_is_not_a_regular_file(sweep_folder, tmp_path, damage):
    folder = copy(sweep_folder, tmp_path / "s")
    target = folder / "design.csv"
    target.unlink()
    if damage == "fifo":
        os.mkfifo(target)
    elif damage == "dev-zero":
        target.symlink_to("/dev/zero")
    else:
        (tmp_path / "elsewhere.csv").write_text("point,review_capacity\n0,2\n1,30\n")
        target.symlink_to(tmp_path / "elsewhere.csv")
    code, _, err, seconds = cli_with_timeout(["summarize", str(folder)])
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert "design.csv" in err and "Traceback" not in err
    expected = {"fifo": "FIFO", "dev-zero": "/dev/zero", "outside-link": "out of its folder"}
    assert expected[damage] in err
    assert seconds < 30


def test_summarize_refuses_a_part_that_is_a_fifo(sweep_folder, tmp_path):
    folder = copy(sweep_folder, tmp_path / "s")
    part = sorted((folder / "parts").glob("part-*.parquet"))[0]
    part.unlink()
    os.mkfifo(part)
    code, _, err, _ = cli_with_timeout(["summarize", str(folder)])
    assert code == 2 and "FIFO" in err and part.name in err and "Traceback" not in err


@pytest.mark.parametrize("name", ["manifest.json", "timeseries.parquet", "runs.csv"])
def test_report_refuses_files_that_are_not_regular(results_folder, tmp_path, name):
    folder = copy(results_folder, tmp_path / "r")
    (folder / name).unlink()
    os.mkfifo(folder / name)
    code, _, err, _ = cli_with_timeout(["report", str(folder)])
    assert code == 2 and "FIFO" in err and name in err and "Traceback" not in err
    (folder / name).unlink()
    (folder / name).symlink_to("/dev/zero")
    code, _, err, _ = cli_with_timeout(["report", str(folder)])
    assert code == 2 and "/dev/zero" in err and "Traceback" not in err


def test_huge_manifest_refused_and_long_texts_bounded_in_the_report(results_folder, tmp_path):
    folder = copy(results_folder, tmp_path / "r")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    normal = (results_folder / "report.html").stat().st_size
    # A 3 MB description: accepted, but the report shows its ends only.
    manifest["scenarios"][0]["description"] = "d" * 3_000_000
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    code, _, err, _ = cli_with_timeout(["report", str(folder)])
    assert code == 0, err
    assert (folder / "report.html").stat().st_size < normal + 100_000
    # A 60 MB string: the manifest is refused before it is read.
    manifest["scenarios"][0]["description"] = "d" * 60_000_000
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    code, _, err, _ = cli_with_timeout(["report", str(folder)])
    assert code == 2 and "manifest.json" in err and "bytes" in err and len(err) < 1600


def test_folder_reads_open_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    start = time.perf_counter()
    with pytest.raises(FolderFileError, match="FIFO"), open_folder_file(fifo, 100):
        pass
    assert time.perf_counter() - start < 5
    big = tmp_path / "big.json"
    big.write_text("[" + "1," * 100 + "1]")
    with pytest.raises(FolderFileError, match="more than the 50"):
        read_folder_json(big, limit=50)
    inside = tmp_path / "link.json"
    inside.symlink_to(big)  # a link inside the folder is fine
    assert len(read_folder_json(inside)) == 101


# ------------------------------------------------------------ one writer per folder


def test_a_second_sweep_writer_is_refused_and_its_parts_left_alone(tmp_path):
    (tmp_path / "tiny.yaml").write_text(TINY_SWEEP, encoding="utf-8")
    sweep = load_sweep(tmp_path / "tiny.yaml")
    out = tmp_path / "out"
    run_sweep(sweep, out, executor="serial", progress=False)
    for part in SweepStore(out).part_files():
        part.unlink()  # runs left to do
    first = FolderLock(out, "sweep folder").acquire()  # as a running sweep holds it
    in_flight = out / "parts" / ".part-r00000-p0000000.parquet.999999.tmp"
    in_flight.write_bytes(b"PAR1 half")
    with pytest.raises(FolderLockedError, match=f"pid {os.getpid()}"):
        run_sweep(sweep, out, executor="serial", progress=False)
    assert in_flight.exists()  # the refused writer removed nothing
    code, _, err = run_cli(["sweep", str(tmp_path / "tiny.yaml"), "--out", str(out), "--quiet",
                            "--executor", "serial", "--formats", "none"])  # fmt: skip
    assert code == 2 and "being written by another process" in err and "Traceback" not in err
    first.release()
    done = run_sweep(sweep, out, executor="serial", progress=False)  # now it may
    assert done.ran == 4 and not in_flight.exists()  # a dead writer's part is removed


def test_resume_removes_only_temporary_files_of_dead_processes(tmp_path):
    (tmp_path / "tiny.yaml").write_text(TINY_SWEEP, encoding="utf-8")
    sweep = load_sweep(tmp_path / "tiny.yaml")
    out = tmp_path / "out"
    run_sweep(sweep, out, executor="serial", progress=False)
    live = out / f".runs.csv.{os.getppid()}.tmp"  # a summarize of the folder, writing
    dead = out / ".runs.csv.999999999.tmp"
    probe = out / ".write-test-999999999"  # left by a full disk
    other = out / ".notes.tmp"  # not ours at all
    for path in (live, dead, probe, other):
        path.write_text("x")
    run_sweep(sweep, out, executor="serial", progress=False)
    assert live.exists() and other.exists()
    assert not dead.exists() and not probe.exists()


def test_a_write_test_probe_does_not_make_a_folder_refused(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output_checks.os, "fsync", full)
    with pytest.raises(output_checks.OutputLocationError, match="no space left"):
        output_checks.check_writable(out, keep=True)
    monkeypatch.undo()
    assert not any(out.iterdir())  # the probe was removed
    (out / ".write-test-999999999").write_text("0")  # as an older version left it
    assert results.check_output_dir(out) == out
    (tmp_path / "tiny.yaml").write_text(TINY_SWEEP, encoding="utf-8")
    assert run_sweep(load_sweep(tmp_path / "tiny.yaml"), out, executor="serial",
                     progress=False).ran == 4  # fmt: skip


def test_default_results_folders_are_taken_atomically(tmp_path):
    taken: list[Path] = []
    barrier = threading.Barrier(20)

    def take() -> None:
        barrier.wait()
        taken.append(results.default_output_dir("a-vs-b", tmp_path, create=True))

    threads = [threading.Thread(target=take) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(taken)) == 20 and all(p.is_dir() for p in taken)
    assert len(list(tmp_path.iterdir())) == 20


# ------------------------------------------------------------ processes and messages


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_pool_workers_end_with_their_parent(how):
    script = textwrap.dedent(
        """
        import os, time
        from sim.experiments.executors import PoolExecutor
        with PoolExecutor(2) as ex:
            ex._executor.submit(os.getpid).result()
            print(" ".join(map(str, ex._executor._processes)), flush=True)
            time.sleep(120)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)  # fmt: skip
    workers = [int(p) for p in proc.stdout.readline().split()]
    assert len(workers) == 2 and all(_state(p) not in ("gone", "Z") for p in workers)
    proc.send_signal(how)
    proc.wait(30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_state(p) not in ("gone", "Z") for p in workers):
        time.sleep(0.1)
    assert all(_state(p) in ("gone", "Z") for p in workers)  # dead (a zombie awaits init)


def test_repeated_dask_worker_deaths_are_one_paragraph():
    from distributed import KilledWorker

    from sim.experiments.executors import ExecutorError, _dask_result

    class Died:  # a future whose task killed its workers (as the scheduler reports it)
        def result(self):
            worker = type("W", (), {"address": "tls://127.0.0.1:40000"})()
            raise KilledWorker("run_batch-1234", worker, 3)

    with pytest.raises(ExecutorError) as info:
        _dask_result(Died())
    code, _, err = run_cli(["list"])  # the CLI's error path treats it as the user's
    from sim.cli.errors import user_error_types

    assert code == 0 and isinstance(info.value, user_error_types())
    message = str(info.value)
    assert "died 4 times" in message and "memory" in message and "\n" not in message
    assert "127.0.0.1" not in message  # no host addresses


def test_second_ctrl_c_is_ignored_while_stopping():
    from sim.cli.main import _stop_on_first_ctrl_c

    previous = _stop_on_first_ctrl_c()
    assert previous is signal.default_int_handler
    try:
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGINT)  # the second: ignored, no exception
        time.sleep(0.1)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_three_ctrl_c_stop_a_pool_sweep_with_status_130_and_no_traceback(tmp_path):
    sweep = tmp_path / "longer.yaml"
    sweep.write_text(TINY_SWEEP.replace("months: 4", "months: 36").replace(
        "replications: 2", "replications: 40") + "batch: 1\n", encoding="utf-8")  # fmt: skip
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "run.py", "sweep", str(sweep), "--out", str(out), "--workers", "2",
         "--formats", "none", "--quiet"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("parts/part-*"))) < 2:
        time.sleep(0.1)
    for _ in range(3):  # as a terminal sends it to the whole group, again and again
        os.killpg(proc.pid, signal.SIGINT)
        time.sleep(0.3)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted (Ctrl-C)" in err


def test_ctrl_c_while_images_are_written_keeps_the_complete_folder(tmp_path, monkeypatch):
    from sim.reporting import experiment_folder

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(experiment_folder, "_export_figures", interrupted)
    out = tmp_path / "r"
    code, _, err = run_cli(["run", "centralized", "-r", "2", "--months", "4", "--departments",
                            "6", "--out", str(out), "--quiet", "--formats", "png"])  # fmt: skip
    assert code == 130 and "no results folder was written" not in err
    assert "is complete" in err and (out / "manifest.json").is_file()


def test_ctrl_c_after_a_sweeps_runs_says_they_are_kept(tmp_path, monkeypatch):
    from sim.analysis import sweep_summary

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sweep_summary, "summarize_sweep", interrupted)
    (tmp_path / "tiny.yaml").write_text(TINY_SWEEP, encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run_cli(["sweep", str(tmp_path / "tiny.yaml"), "--out", str(out), "--quiet",
                            "--executor", "serial", "--formats", "none"])  # fmt: skip
    assert code == 130 and "no results folder" not in err
    assert "Every run of the sweep is kept" in err and "summarize" in err
    assert len(SweepStore(out).finished()) == 4


def test_cart_leaves_are_the_same_in_every_analysis():
    from sim.analysis import discovery

    rng = np.random.default_rng(1)
    a = rng.uniform(0, 1, 200)
    # Two identical columns: an unseeded tree picks either, at random.
    x = pd.DataFrame({"p": a, "q": a, "r": rng.uniform(0, 1, 200)})
    leaves = {discovery.cart_leaves(x, a > 0.6, 0.9).to_csv() for _ in range(8)}
    assert len(leaves) == 1
