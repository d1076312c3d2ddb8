"""Issue 30: a calibration stopped and continued gives the posterior of one run without a stop.

A tiny calibration (one free uncertainty, 6 departments, 12 months, 10
particles) keeps these tests fast.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest

from sim.experiments.calibration import runner as runner
from sim.experiments.calibration.files import load_calibration
from sim.experiments.folder_lock import FolderLock, FolderLockedError
from tests.test_fuzz_inputs import run_cli

TINY = """\
description: tiny
free:
  annual_budget: plausible
parameters: {n_departments: 6}
months: 12
targets:
  - name: spending
    scenario: dispersed
    outcome: cum_spending
    observed: 8.0
    tolerance: 2.0
    source: test
    mapping: the same outcome
population: 10
generations: 3
replications: 1
root_seed: 7
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cal")
    path = folder / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return load_calibration(path)


@pytest.fixture(scope="module")
def uninterrupted(tiny, tmp_path_factory):
    return runner.run_calibration(
        tiny, tmp_path_factory.mktemp("full") / "out", workers=1, progress=False
    )


def _populations(db: Path) -> list[int]:
    with sqlite3.connect(db) as con:
        return [t for (t,) in con.execute("SELECT t FROM populations WHERE t >= 0 ORDER BY t")]


def test_stopped_after_generation_1_and_continued_gives_the_same_posterior(
    tiny, uninterrupted, tmp_path
):
    out = tmp_path / "cut"
    # Stopped once generations 0 and 1 are stored (as a kill during generation 2 leaves it).
    runner.run_calibration(dataclasses.replace(tiny, generations=2), out, workers=1,
                           progress=False)  # fmt: skip
    assert _populations(out / "abc.db") == [0, 1]
    resumed = runner.run_calibration(tiny, out, workers=1, progress=False)
    assert resumed.generations_run == 1
    assert resumed.posterior.equals(uninterrupted.posterior)
    assert resumed.table.equals(uninterrupted.table)
    a = runner.posterior_summary(tiny, resumed.posterior)
    b = runner.posterior_summary(tiny, uninterrupted.posterior)
    assert a.equals(b)


def test_a_database_without_a_finished_generation_is_started_over(
    tiny, uninterrupted, tmp_path, monkeypatch, capsys
):
    import pyabc

    out = tmp_path / "early"

    def killed(self, *args, **kwargs):  # stopped after abc.new's first records
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(pyabc.ABCSMC, "run", killed)
        with pytest.raises(KeyboardInterrupt):
            runner.run_calibration(tiny, out, workers=1, progress=False)
    assert (out / "abc.db").is_file() and _populations(out / "abc.db") == []
    capsys.readouterr()
    again = runner.run_calibration(tiny, out, workers=1, progress=False)
    assert "started over" in capsys.readouterr().err
    assert again.posterior.equals(uninterrupted.posterior)
    # An empty database file (killed as SQLite created it) too.
    empty = tmp_path / "empty"
    runner.run_calibration(dataclasses.replace(tiny, generations=1), empty, workers=1,
                           progress=False)  # fmt: skip
    (empty / "abc.db").write_bytes(b"")
    again = runner.run_calibration(tiny, empty, workers=1, progress=False)
    assert again.posterior.equals(uninterrupted.posterior)


def test_a_full_disk_in_the_database_is_one_paragraph(tiny, tmp_path, monkeypatch):
    import sqlalchemy.exc
    from pyabc.storage import History

    def full(self, *args, **kwargs):
        raise sqlalchemy.exc.OperationalError(
            "INSERT INTO populations", {}, sqlite3.OperationalError("database or disk is full")
        )

    monkeypatch.setattr(History, "append_population", full)
    out = tmp_path / "full"
    code, _, err = run_cli(["calibrate", str(tiny.path), "--out", str(out), "--workers", "1",
                            "--quiet"])  # fmt: skip
    assert code == 2 and err.startswith("error: cannot write") and "no space left" in err
    assert "internal error" not in err and err.count("\n") == 1
    assert not list(out.glob(".*.tmp"))  # calibration.json written whole, through a rename
    assert (out / "calibration.json").is_file()


def test_a_second_calibration_in_the_same_folder_is_refused(tiny, tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    with FolderLock(out, "calibration folder"), pytest.raises(FolderLockedError):
        runner.run_calibration(tiny, out, workers=1, progress=False)
    assert not (out / "abc.db").exists()


def test_a_database_that_is_a_fifo_is_refused_at_once(tiny, tmp_path):
    import os

    out = tmp_path / "fifo"
    out.mkdir()
    identity = {"definition_hash": tiny.definition_hash, "runs_per_model": 100}
    (out / "calibration.json").write_text(json.dumps(identity) + "\n")
    os.mkfifo(out / "abc.db")
    code, _, err = run_cli(["calibrate", str(tiny.path), "--out", str(out), "--workers", "1",
                            "--quiet"])  # fmt: skip
    assert code == 2 and "FIFO" in err and "abc.db" in err and "Traceback" not in err
