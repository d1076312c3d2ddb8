"""The installable package: data files found without the repository, a version, a command."""

from __future__ import annotations

import tomllib
from pathlib import Path

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
