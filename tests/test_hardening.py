"""Bad inputs refused early and clearly: files, YAML, output locations, sizes, secrets."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml

from sim.experiments.inputs import limits as input_limits
from sim.experiments.inputs.limits import InputFileError, read_input_file
from sim.experiments.inputs.loader import YamlLimitError
from sim.experiments.inputs.reading import StrictLoader
from sim.experiments.inputs.scenarios import ScenarioError, load_scenario
from sim.experiments.output_checks import OutputLocationError, check_writable
from tests.test_fuzz_inputs import run_cli

HEADER = "description: d\nsource: s\n"


def load(text: str):
    return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass


# ---------------------------------------------------------------- YAML


def test_yaml_1_2_numbers():
    assert load("a: 1:30\nb: 017\nc: 0o17\nd: 1e-3\ne: yes\n") == {
        "a": "1:30", "b": 17, "c": 15, "d": 0.001, "e": "yes",
    }  # fmt: skip


def test_yaml_merge_conflict_refused():
    with pytest.raises(YamlLimitError, match="two '<<' merge keys"):
        load("x: &a {k: 1}\ny: &b {k: 2}\nz:\n  <<: *a\n  <<: *b\n")
    # one merge overridden in the mapping itself is fine
    assert load("x: &a {k: 1}\nz:\n  <<: *a\n  k: 3\n")["z"] == {"k": 3}


def test_yaml_alias_bomb_depth_and_self_reference_refused():
    bomb = "a: &a [1, 2]\n" + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdef", "bcdefg", strict=True)
    )
    with pytest.raises(YamlLimitError, match="aliases"):
        load(bomb)
    with pytest.raises(YamlLimitError, match="nested"):
        load("[" * 5000 + "]" * 5000)
    with pytest.raises(YamlLimitError, match="contains itself"):
        load("a: &a [*a]")


# ---------------------------------------------------------------- files


def test_input_files_must_be_small_regular_files(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    big = tmp_path / "big.yaml"
    big.write_text("#" * (input_limits.MAX_INPUT_BYTES + 1))
    for path, problem in ((fifo, "FIFO"), (zero, "device"), (tmp_path, "folder"), (big, "bytes")):
        with pytest.raises(InputFileError, match=problem):
            read_input_file(path, "Scenario file")


def test_symlink_to_a_system_file_is_not_echoed(tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:TOPSECRET:/root:/bin/bash\nuser:x:1000:1000::/home/u:/bin/sh\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(secret)
    code, _, err = run_cli(["validate", str(link)])
    assert code == 2 and "TOPSECRET" not in err and "top level is text" in err


def test_extends_outside_the_project_does_not_echo_values(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "base.yaml").write_text(HEADER + "parameters:\n  review_capacity: 'TOPSECRET'\n")
    here = tmp_path / "here"
    here.mkdir()
    (here / "child.yaml").write_text(HEADER + "extends: ../elsewhere/base.yaml\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(here / "child.yaml")
    assert "TOPSECRET" not in str(info.value)
    # Not even a key name of a file outside the project (issue 30): the file and line only.
    assert "review_capacity" not in str(info.value) and "outside the project" in str(info.value)
    assert "base.yaml, line 4" in str(info.value)
    # a bare name may not leave the folder
    (here / "other.yaml").write_text(HEADER + "extends: ../elsewhere/base\n")
    with pytest.raises(ScenarioError, match="neither a scenario name"):
        load_scenario(here / "other.yaml")


def test_repeated_month_check_is_linear(tmp_path):
    entries = "".join(f"  - {{month: {m}, parameters: {{}}}}\n" for m in range(999))
    path = tmp_path / "many.yaml"
    path.write_text(
        HEADER
        + "parameters: {months: 600}\npolicy_changes:\n"
        + entries
        + "  - {month: 0, parameters: {}}\n"
    )
    start = time.perf_counter()
    with pytest.raises(ScenarioError, match="two policy_changes entries have month 0"):
        load_scenario(path)
    assert time.perf_counter() - start < 5
    too_many = tmp_path / "too_many.yaml"
    too_many.write_text(HEADER + "policy_changes:\n" + entries * 2)
    with pytest.raises(ScenarioError, match="at most 1,000"):
        load_scenario(too_many)


# ------------------------------------------------------- output locations


@pytest.mark.parametrize("where", ["/proc/egov/out", "/etc/hostname/x", "/dev/null/x", "LONG"])
def test_unwritable_output_refused_before_running(tmp_path, where):
    target = tmp_path / ("o" * 300) if where == "LONG" else Path(where)
    with pytest.raises(OutputLocationError):
        check_writable(target)
    code, out, err = run_cli(["run", "centralized", "-r", "1", "--quiet", "--out", str(target)])
    assert code == 2 and err.startswith("error: --out") and "nothing was run" in err.lower()
    assert "replication" not in out  # no table: nothing ran


def test_check_writable_leaves_nothing_behind(tmp_path):
    target = tmp_path / "a" / "b" / "c"
    assert check_writable(target) == target
    assert not (tmp_path / "a").exists()
    check_writable(target, keep=True)
    assert target.is_dir() and not any(target.iterdir())


# ------------------------------------------------------------ run sizes


def test_run_too_large_for_memory_is_refused_with_estimate(monkeypatch, tmp_path):
    monkeypatch.setattr(input_limits, "available_memory", lambda: 1024**2)
    code, _, err = run_cli(["run", "centralized", "-r", "50", "--out", str(tmp_path / "o")])
    assert code == 2
    assert "would need 50 runs, about" in err and "of memory available" in err


def test_long_run_prints_its_estimate(monkeypatch, tmp_path):
    monkeypatch.setattr(input_limits, "ANNOUNCE_SECONDS", 0.0)
    argv = ["run", "centralized", "-r", "1", "--months", "3", "--departments", "3",
            "--formats", "none", "--workers", "1", "--out", str(tmp_path / "o")]  # fmt: skip
    code, _, err = run_cli(argv)
    assert code == 0, err
    assert "estimate: 1 run, about" in err


def test_huge_numbers_are_refused():
    for argv in (["run", "centralized", "-r", "2" * 30], ["validate-model", "--workers", "-1"]):
        code, _, err = run_cli(argv)
        assert code == 2 and err.startswith("error: argument")


def test_bug_is_reported_as_a_bug(monkeypatch):
    from sim.cli import main as cli_main

    def broken(args):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(cli_main, "cmd_list", broken)
    code, _, err = run_cli(["list"])
    assert code == 1
    assert "internal error (a bug" in err and "report it" in err and "Traceback" not in err
