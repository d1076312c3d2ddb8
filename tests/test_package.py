"""The installable package: data files found without the repository, a version, a command."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import sim
from sim.cli.main import main
from sim.experiments import data_files
from sim.experiments.version import VERSION

ROOT = Path(__file__).resolve().parent.parent


def test_repository_folders_win_and_the_packaged_copy_is_the_fallback(tmp_path):
    assert data_files.data_dir("scenarios") == ROOT / "scenarios"
    assert data_files.in_repository()
    assert data_files.results_root() == ROOT / "results"
    site = tmp_path / "site-packages"  # an installed copy: no run.py, no scenarios/ beside sim/
    packaged = site / "sim" / "_data"
    (packaged / "scenarios").mkdir(parents=True)
    assert data_files.data_dir("scenarios", site, packaged) == packaged / "scenarios"
    assert not data_files.in_repository(site)


def test_results_go_to_the_current_directory_when_installed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert data_files.results_root(tmp_path / "site-packages") == tmp_path / "results"


def test_wheel_ships_scenarios_sweeps_and_the_console_command():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include == {"scenarios": "sim/_data/scenarios", "sweeps": "sim/_data/sweeps"}
    assert config["project"]["scripts"]["egov-sim"] == "sim.cli.main:main"
    assert config["project"]["version"] == sim.__version__ == VERSION


def test_version_option(capsys):
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert capsys.readouterr().out.strip() == f"egov-sim {sim.__version__}"


# ------------------------------------------------------------- install by need

OPTIONAL = ("dash", "pyabc", "ema_workbench", "dask", "distributed", "statsmodels")


def test_extras_are_declared_and_the_core_leaves_them_out():
    from sim.cli.extras import EXTRA_OF_MODULE

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    assert set(EXTRA_OF_MODULE.values()) <= set(extras)
    assert set(extras["all"][0].partition("[")[2].rstrip("]").split(",")) == {
        "dashboard", "calibration", "discovery", "dask", "validation",
    }  # fmt: skip
    core = " ".join(project["dependencies"]).lower()
    for name in ("dash>", "pyabc", "ema-workbench", "dask", "statsmodels", "playwright"):
        assert name not in core


@pytest.mark.parametrize(
    ("command", "module", "extra"),
    [
        (["dashboard"], "dash", "dashboard"),
        (["calibrate", "synthetic_recovery"], "pyabc", "calibration"),
        (["discover", "centralized_vs_dispersed"], "ema_workbench", "discovery"),
        (["sweep", "sweeps/review_capacity_grid.yaml", "--executor", "dask"], "dask", "dask"),
        (["validate-model", "--fast"], "statsmodels", "validation"),
    ],
)
def test_a_missing_extra_is_one_line_naming_it(command, module, extra, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(sys.modules, module, None)  # import fails, as when not installed
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"pip install 'egov-governance-abm[{extra}]'" in err and module in err


def test_an_import_error_deep_in_a_command_names_the_extra_too(monkeypatch, capsys):
    from sim.cli import errors, extras

    def command(args):
        import ema_workbench  # noqa: F401 - fails: blocked below

        return 0

    monkeypatch.setitem(sys.modules, "ema_workbench", None)
    assert errors.guarded(command, argparse.Namespace(command="discover")) == 2
    assert "egov-governance-abm[discovery]" in capsys.readouterr().err
    # A core module missing is a broken installation, not a missing extra.
    assert extras.missing_extra_message(ModuleNotFoundError("x", name="numpy")) is None
    assert extras.missing_extra_message(ImportError("cannot import name", name="dash")) is None


@pytest.mark.timeout(600)
def test_core_commands_run_without_the_optional_packages(tmp_path):
    # A child process in which every optional package fails to import, as in a
    # core install: run, compare, sweep (a grid and a Latin hypercube) and report.
    sweep = tmp_path / "tiny.yaml"
    sweep.write_text(
        "scenario: centralized\nparameters: {n_departments: 10}\nmonths: 12\n"
        "levers:\n  review_capacity: {values: [1, 5]}\ndesign: grid\n"
        "replications: 1\nroot_seed: 1\n",
        encoding="utf-8",
    )
    lhs = tmp_path / "lhs.yaml"
    lhs.write_text(
        "scenario: centralized\nparameters: {n_departments: 10}\nmonths: 12\n"
        "levers:\n  review_capacity: {low: 1, high: 10}\ndesign: {method: lhs, samples: 2}\n"
        "replications: 1\nroot_seed: 1\n",
        encoding="utf-8",
    )
    small = ["--months", "12", "--departments", "10", "--quiet", "--formats", "none"]
    commands = [
        ["run", "centralized", "-r", "1", *small, "--out", str(tmp_path / "run")],
        ["compare", "dispersed", "centralized", "-r", "2", *small, "--out", str(tmp_path / "c")],
        ["report", str(tmp_path / "c")],
        ["sweep", str(sweep), "--executor", "serial", "--quiet", "--formats", "none",
         "--out", str(tmp_path / "s")],
        ["sweep", str(lhs), "--executor", "serial", "--quiet", "--formats", "none",
         "--out", str(tmp_path / "l")],
    ]  # fmt: skip
    script = (
        "import sys\n"
        f"for name in {OPTIONAL!r}: sys.modules[name] = None\n"
        "from sim.cli.main import main\n"
        f"codes = [main(c) for c in {commands!r}]\n"
        f"loaded = sorted(n for n in {OPTIONAL!r} if sys.modules.get(n) is not None)\n"
        "print(codes, loaded)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[0, 0, 0, 0, 0] []", done.stderr[-2000:]
    assert (tmp_path / "c" / "report.html").is_file()
