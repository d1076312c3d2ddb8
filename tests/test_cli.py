"""Tests of the command line (run.py), run as a researcher would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "run.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_help_has_examples():
    result = cli("--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout and "compare dispersed centralized" in result.stdout


def test_list_scenarios():
    result = cli("list")
    assert result.returncode == 0, result.stderr
    assert "dispersed" in result.stdout and "centralized" in result.stdout


def test_list_parameters():
    result = cli("list", "--parameters")
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split()
    assert header == ["name", "group", "default", "unit", "range", "plausible", "source"]
    assert "review_authority" in result.stdout


def test_a_reader_that_stops_early_is_no_error():
    # `run.py list --parameters | head -1`: the reader is gone before the table is written.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "run.py", "list", "--parameters"],
            cwd=ROOT,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr and "Traceback" not in result.stderr


def test_validate_ok():
    result = cli("validate", "scenarios/dispersed.yaml", "centralized")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["ok: dispersed", "ok: centralized"]


def test_validate_misspelled_key(tmp_path):
    bad = tmp_path / "typo_design.yaml"
    bad.write_text("description: A typo.\nsource: test\nparameters:\n  review_autority: 0.5\n")
    result = cli("validate", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    assert "typo_design.yaml" in result.stderr
    assert "review_authority" in result.stderr  # the did-you-mean suggestion


def test_run_missing_scenario(tmp_path):
    out = tmp_path / "never"
    result = cli("run", "no_such_scenario", "--out", str(out))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "no_such_scenario" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_bad_option_value():
    result = cli("compare", "dispersed", "centralized", "-r", "0")
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_months_out_of_range_is_a_scenario_error(tmp_path):
    result = cli("run", "dispersed", "--months", "0", "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "months" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()


def test_compare_writes_files(tmp_path):
    out = tmp_path / "x"
    result = cli(
        "compare", "dispersed", "centralized", "--out", str(out), "-r", "2", "--months", "12",
        "--departments", "6", "--quiet", "--workers", "2", "--formats", "none",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in ("timeseries.parquet", "timeseries.csv", "runs.csv", "summary.csv",
                 "paired_differences.csv", "manifest.json", "report.html",
                 "networks.parquet"):  # fmt: skip
        assert (out / name).is_file(), name
    assert "centralized − dispersed" in result.stdout
    assert str(out) in result.stdout or "x" in result.stdout
    assert "simulating" not in result.stderr  # --quiet
    frame = pd.read_parquet(out / "timeseries.parquet")
    assert frame["month"].max() == 12 and frame["replication"].nunique() == 2
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command"][1:3] == ["compare", "dispersed"]
    assert manifest["seeds"]["root_seed"] == 20261122

    again = cli("compare", "dispersed", "centralized", "--out", str(out), "-r", "2")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_batched_compare(tmp_path):
    out = tmp_path / "b"
    result = cli(
        "compare", "dispersed", "centralized", "--out", str(out), "-r", "6", "--batch", "4",
        "--months", "12", "--departments", "6", "--quiet", "--formats", "none",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    frame = pd.read_parquet(out / "timeseries.parquet")
    assert sorted(frame["replication"].unique()) == list(range(6))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["batch"]["replications_per_model"] == 4
    assert len(set(manifest["seeds"]["replication_seeds"])) == 2  # two batched models

    # A multi-level scenario batches copies of its whole hierarchy.
    nested = cli(
        "run", "province_centralized", "--batch", "2", "-r", "2", "--out", str(tmp_path / "n"),
        "--months", "6", "--departments", "12", "--quiet", "--formats", "none",
    )  # fmt: skip
    assert nested.returncode == 0, nested.stderr
    manifest = json.loads((tmp_path / "n" / "manifest.json").read_text())
    assert manifest["batch"]["replications_per_model"] == 2
    governments = pd.read_parquet(tmp_path / "n" / "governments.parquet")
    assert (governments.groupby("replication")["parent"].min() == -1).all()
    assert (governments.groupby("replication")["parent"].max() < 96).all()


def test_compare_needs_two(tmp_path):
    result = cli("compare", "dispersed", "--out", str(tmp_path / "y"))
    assert result.returncode == 2 and "two or more" in result.stderr
