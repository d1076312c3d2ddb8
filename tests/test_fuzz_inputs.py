"""Fuzz test: generated bad inputs each give exit status 2 and one bounded message.

Four categories of bad input, generated from fixed seeds (the same cases on
every run): scenario files, sweep files, command lines and results or sweep
folders. Every case calls the command's entry ``sim.cli.main.main(argv)`` in
this process with stdout and stderr captured, and must end with exit status
2, one paragraph ``error: ...`` of at most ``MAX_MESSAGE`` characters on
stderr, and no traceback. Every case is invalid by construction, so nothing
is ever simulated. The cases are split into chunks so that pytest-xdist
spreads them over the workers; ``test_fuzz_counts`` checks that there are at
least 500.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import string
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.model.parameters import SPECS

MAX_MESSAGE = 2_000
CHUNKS = 4
SECRET = "s3cr3t-value-do-not-print"

LEVERS = sorted(k for k, s in SPECS.items() if s.group == "lever")
PARAMETERS = sorted(SPECS)
# values that no parameter accepts (wrong types), as YAML text
BAD_VALUES = [
    '"abc"', "[1, 2]", "{a: 1}", "null", "~", "true", "false", "1:30", "yes", "off", "0x",
    '""', "[]", "{}", "!!str 5", "'5'", "5 apples", "- 1", "[[[1]]]", "2026-01-01",
]  # fmt: skip
BAD_DESIGNS = [
    "{method: lhs}", "{method: lhs, samples: 0}", "{method: sobol, samples: 10000000000}",
    "[grid]", "{method: morris, samples: -2}",
]  # fmt: skip
BAD_MANIFESTS = [
    "[]", "{}", "null", "garbage", '{"scenarios": "x"}', '{"scenarios": []}',
    '{"scenarios": [1]}', '{"scenarios": [{"name": 1}]}',
]  # fmt: skip
_DEFINITION = {"parameters": ["review_capacity"], "points": 2, "replications": 1}
NO_OUTCOMES = json.dumps({**_DEFINITION, "outcomes": [], "reference_point": 0})
BAD_REFERENCE = json.dumps({**_DEFINITION, "outcomes": ["x"], "reference_point": 7})
BASE_SCENARIO = """\
description: fuzz case
source: generated
parameters:
  review_capacity: 5
policy_changes:
  - month: 10
    parameters: {review_authority: 0.5}
"""
BASE_SWEEP = """\
description: fuzz sweep
scenario: centralized
parameters: {n_departments: 3}
months: 6
levers:
  review_capacity: {values: [2, 5]}
design: grid
replications: 1
root_seed: 1
"""


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """Run ``main(argv)`` in this process; return the exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def junk(rng: random.Random, low: int = 1, high: int = 40) -> str:
    alphabet = string.ascii_letters + string.digits + "_-.:/ 中文é\t"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def word(rng: random.Random) -> str:
    return "x" + "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 12)))


def alias_bomb(rng: random.Random, where: str) -> str:
    width, depth = rng.randint(6, 12), rng.randint(6, 10)
    lines = ["a0: &a0 [1, 2, 3]"]
    for level in range(1, depth):
        items = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{items}]")
    return "\n".join(lines) + f"\n{where}: *a{depth - 1}\n"


def deep(rng: random.Random) -> str:
    n = rng.randint(41, 6000)
    return rng.choice(["[" * n + "]" * n, "- " * n + "1", "{a: " * n + "1" + "}" * n])


def merge_conflict(rng: random.Random, key: str) -> str:
    a, b = rng.random(), rng.random()
    return f"x1: &m1 {{{key}: {a}}}\nx2: &m2 {{{key}: {b}}}\nparameters:\n  <<: [*m1, *m2]\n"


# ------------------------------------------------------------ scenario files


def scenario_case(rng: random.Random, folder: Path, n: int) -> list[str]:
    """Write one bad scenario file (or special file); return the command line."""
    path = folder / f"case{n}.yaml"
    kind = n % 24
    text: str | bytes | None = None
    base = BASE_SCENARIO
    if kind == 0:
        text = base.replace(
            "review_capacity: 5", f"{rng.choice(PARAMETERS)}: {rng.choice(BAD_VALUES)}"
        )
    elif kind == 1:
        text = base + f"{word(rng)}: {rng.randint(0, 9)}\n"
    elif kind == 2:
        text = base.replace("review_capacity: 5", f"{word(rng)}: 1")
    elif kind == 3:
        text = base.replace("review_capacity: 5", "review_capacity: 5\n  review_capacity: 6")
    elif kind == 4:
        text = base.replace("month: 10", f"month: {rng.choice([600, 10**6, -1, 'x', 1.5, '[1]'])}")
    elif kind == 5:
        text = base + "  - month: 10\n    parameters: {review_authority: 0.2}\n"
    elif kind == 6:
        text = base.replace("review_authority: 0.5", f"n_departments: {rng.randint(2, 99)}")
    elif kind == 7:
        text = rng.choice(["", "- a\n- b\n", "just text\n", "42\n", "[1, 2]\n", "\t- bad\n"])
        text = text or "# only a comment\n"
    elif kind == 8:
        text = bytes([0xFF, 0xFE]) + os.urandom(rng.randint(1, 200))
    elif kind == 9:
        text = alias_bomb(rng, rng.choice(["description", "parameters", "policy_changes"]))
    elif kind == 10:
        text = "description: d\nsource: s\nparameters: " + deep(rng) + "\n"
    elif kind == 11:
        text = "description: d\nsource: s\n" + merge_conflict(rng, rng.choice(LEVERS))
    elif kind == 12:
        text = base.replace(
            "review_capacity: 5", f"review_capacity: {'x' * rng.randint(1_000, 300_000)}"
        )
    elif kind == 13:
        text = (
            base
            + f"extends: {rng.choice([word(rng), '../' + word(rng), word(rng) + '.yaml', '.'])}\n"
        )
    elif kind == 14:
        text = base + f"extends: case{n}\n"  # itself
    elif kind == 15:
        outside = folder.parent / f"outside{n}"
        outside.mkdir(exist_ok=True)
        (outside / "secret.yaml").write_text(
            f"description: d\nsource: s\nparameters:\n  review_capacity: '{SECRET}'\n", "utf-8"
        )
        text = base + f"extends: ../outside{n}/secret.yaml\n"
    elif kind == 16:
        os.mkfifo(path)
    elif kind == 17:
        path.symlink_to(rng.choice(["/dev/zero", "/dev/urandom", "/etc/passwd", "/etc/hostname"]))
    elif kind == 18:
        path.mkdir()
    elif kind == 19:
        text = "description: d\nsource: s\npolicy_changes:\n" + "".join(
            f"  - {{month: {m}, parameters: {{}}}}\n" for m in range(rng.randint(1_001, 20_000))
        )
    elif kind == 20:
        text = base + "#" * (1_000_001 + rng.randint(0, 1000)) + "\n"
    elif kind == 21:
        return ["validate", str(folder / ("y" * rng.randint(256, 5000) + ".yaml"))]
    elif kind == 22:
        text = base.replace("description: fuzz case", f"description: {rng.choice(BAD_VALUES[1:7])}")
    else:
        text = (
            "description: d\nsource: s\npolicy_changes: "
            + rng.choice(
                ["5", "{a: 1}", "[1]", "[{month: 1}]", "[{month: 1, parameters: 3}]", "[{x: 1}]"]
            )
            + "\n"
        )
    if isinstance(text, bytes):
        path.write_bytes(text)
    elif text is not None:
        path.write_text(text, encoding="utf-8")
    if rng.random() < 0.25 and kind not in (16,):
        return ["run", str(path), "-r", "1", "--quiet", "--out", str(folder / f"out{n}")]
    return ["validate", str(path)]


# --------------------------------------------------------------- sweep files


def sweep_case(rng: random.Random, folder: Path, n: int) -> list[str]:
    """Write one bad sweep file; return the command line."""
    path = folder / f"sweep{n}.yaml"
    kind = n % 20
    base = BASE_SWEEP
    text: str | None = None
    if kind == 0:
        text = base.replace(
            "replications: 1",
            f"replications: {rng.choice([0, -1, 'x', 1.5, '[1]', 10**12, 'null'])}",
        )
    elif kind == 1:
        text = base.replace("root_seed: 1", f"root_seed: {rng.choice([-1, 'x', 1.5, '{}'])}")
    elif kind == 2:
        text = base.replace(
            "design: grid",
            f"design: {rng.choice([word(rng), *BAD_DESIGNS])}",
        )
    elif kind == 3:
        text = base.replace(
            "review_capacity: {values: [2, 5]}",
            f"n_departments: {{values: [2, {rng.randint(3, 9)}]}}",
        )
    elif kind == 4:
        text = base.replace(
            "{values: [2, 5]}",
            rng.choice(
                [
                    "{values: []}",
                    "{values: 3}",
                    "{values: [x]}",
                    "{values: [-5]}",
                    "{low: 1}",
                    "{values: [1], low: 0, high: 2}",
                    "5",
                    "{valus: [1]}",
                ]
            ),
        )
    elif kind == 5:
        text = base + f"{word(rng)}: 1\n"
    elif kind == 6:
        key = rng.choice(["scenario", "design", "replications", "root_seed"])
        text = "\n".join(line for line in base.splitlines() if not line.startswith(key)) + "\n"
    elif kind == 7:
        text = base.replace(
            "scenario: centralized",
            "scenario: "
            + rng.choice([word(rng), f"../{word(rng)}.yaml", "[a]", "/dev/zero", "x.txt"]),
        )
    elif kind == 8:
        text = base + f"outcomes: [{word(rng)}]\n"
    elif kind == 9:
        text = base.replace("description: fuzz sweep\n", "") + alias_bomb(
            rng, rng.choice(["outcomes", "description"])
        )
    elif kind == 10:
        text = (
            base
            + f"reference: {rng.choice(['{review_capacity: [3]}', '{x: 1}', '99', '[1]', '-1'])}\n"
        )
    elif kind == 11:
        text = base + "outcomes: " + deep(rng) + "\n"
    elif kind == 12:
        values = ", ".join(str(v) for v in range(1, 101))
        levers = "".join(
            f"  {name}: {{values: [{values}]}}\n"
            for name in (
                "review_capacity",
                "signoff_delay_months",
                "approval_bodies",
                "priority_review",
            )
        )
        text = base.replace(
            "  review_capacity: {values: [2, 5]}\n", levers.replace("[1, 2", "[0, 1, 2")
        )
        text = text.replace("replications: 1", f"replications: {rng.randint(1, 9)}")
    elif kind == 13:
        text = base + f"batch: {rng.choice([0, -1, 'x', 1.5])}\n"
    elif kind == 14:
        outside = folder.parent / f"outside_sweep{n}"
        outside.mkdir(exist_ok=True)
        (outside / "secret.yaml").write_text(
            f"description: d\nsource: s\nparameters:\n  review_capacity: '{SECRET}'\n", "utf-8"
        )
        text = base.replace("scenario: centralized", f"scenario: ../outside_sweep{n}/secret.yaml")
    elif kind == 15:
        os.mkfifo(path)
    elif kind == 16:
        path.symlink_to(rng.choice(["/dev/zero", "/etc/passwd"]))
    elif kind == 17:
        text = base.replace("months: 6", f"months: {rng.choice([0, 601, 'x', '1:30'])}")
    elif kind == 18:
        text = base.replace("parameters: {n_departments: 3}\n", "") + merge_conflict(
            rng, "n_departments"
        )
    else:
        text = base.replace(
            "levers:\n  review_capacity: {values: [2, 5]}\n",
            rng.choice(
                [
                    "levers: {}\n",
                    "levers: 5\n",
                    "levers:\n  review_capacity: {values: [2, 5]}\n"
                    "  review_capacity: {values: [3]}\n",
                ]
            ),
        )
    if text is not None:
        path.write_text(text, encoding="utf-8")
    out = folder / f"sweep_out{n}"
    return ["sweep", str(path), "--out", str(out), "--executor", "serial", "--quiet"]


# ------------------------------------------------------------- command lines


def command_case(rng: random.Random, folder: Path, n: int) -> list[str]:
    """Return one bad command line."""
    kind = n % 14
    if kind == 0:
        name = rng.choice(
            [
                word(rng),
                junk(rng),
                "x" * rng.randint(300, 5000),
                word(rng) + ".yaml",
                word(rng) + ".txt",
                "../" + word(rng),
            ]
        )
        return [rng.choice(["run", "compare"]), "dispersed", name, "--quiet"]
    if kind == 1:
        option, values = rng.choice([
            ("-r", ["0", "-1", "x", "1.5", "1000001", "2" * 30, "", "1e3"]),
            ("--months", ["0", "-1", "601", "x", "9" * 40]),
            ("--departments", ["0", "1", "200001", "x"]),
            ("--seed", ["-1", "x", "1e3"]),
            ("--workers", ["0", "-1", "5000", "x"]),
            ("--batch", ["0", "x", "-3"]),
            ("--formats", ["gif", "png,,x", "jpeg"]),
            ("--lang", ["fr", "", "EN"]),
        ])  # fmt: skip
        return [
            rng.choice(["run", "compare"]),
            "dispersed",
            "centralized",
            option,
            rng.choice(values),
            "--quiet",
        ]
    if kind == 2:
        return ["compare", rng.choice(["dispersed", "centralized"]), "--quiet"]
    if kind == 3:
        return ["compare", "centralized", "centralized", "--quiet"]
    if kind == 4:
        return [word(rng), *(["--" + word(rng)] if rng.random() < 0.5 else [])]
    if kind == 5:
        return [
            rng.choice(["run", "list", "validate", "report", "sweep", "summarize"]),
            "--" + word(rng),
        ]
    if kind == 6:
        full = folder / f"full{n}"
        full.mkdir(exist_ok=True)
        (full / "file.txt").write_text("x")
        bad = rng.choice(
            [
                "/proc/fuzz/out",
                "/etc/passwd/x",
                "/dev/null/x",
                str(folder / ("o" * rng.randint(256, 400))),
                str(full),
                "/sys/fuzz",
            ]
        )
        return [
            "run",
            "centralized",
            "-r",
            "1",
            "--months",
            "6",
            "--departments",
            "3",
            "--quiet",
            "--formats",
            "none",
            "--out",
            bad,
        ]
    if kind == 7:
        junk_address = rng.choice(
            [
                "garbage",
                junk(rng) + " x",
                "tcp://",
                "http://a:1",
                "tcp://host",
                "tcp://h:0",
                "tcp://h:99999",
                "tls://" + "a" * 300 + ":1",
            ]
        )
        return [
            "sweep",
            "sweeps/review_capacity_grid.yaml",
            "--executor",
            "dask",
            "--scheduler",
            junk_address,
            "--out",
            str(folder / f"s{n}"),
        ]
    if kind == 8:
        return [
            "sweep",
            "sweeps/review_capacity_grid.yaml",
            "--scheduler",
            "tcp://127.0.0.1:1",
            "--executor",
            rng.choice(["serial", "pool"]),
        ]
    if kind == 9:
        return [
            "sweep",
            rng.choice([word(rng), str(folder / "none.yaml"), "x" * 5000]),
            "--out",
            str(folder / f"s{n}"),
        ]
    if kind == 10:
        return [
            rng.choice(["report", "summarize"]),
            rng.choice(
                [str(folder / word(rng)), "x" * rng.randint(300, 5000), "/dev/null", "README.md"]
            ),
        ]
    if kind == 11:
        return [
            "validate-model",
            *rng.choice(
                [
                    ["--workers", "0"],
                    ["--workers", "-1"],
                    ["--facts", "F99"],
                    ["--replications", "1"],
                    ["--seed", "-5"],
                ]
            ),
        ]
    if kind == 12:
        return [
            "sweep",
            "sweeps/review_capacity_grid.yaml",
            rng.choice(["--executor", "--workers"]),
            rng.choice(["gpu", "0", "-1", "x"]),
        ]
    return [
        "report",
        "results",
        "--formats",
        rng.choice(["gif", "x,y"]),
        "--lang",
        rng.choice(["en", "de"]),
    ]


# ------------------------------------------------------------ results folders


def folder_case(rng: random.Random, folder: Path, n: int, bases: dict[str, Path]) -> list[str]:
    """Damage a copy of a results or sweep folder; return the command line."""
    kind = n % 16
    if kind < 9:
        target = folder / f"results{n}"
        shutil.copytree(bases["results"], target)
        name, content = [
            ("manifest.json", rng.choice([*BAD_MANIFESTS, json.dumps(junk(rng))])),
            ("manifest.json", None),
            ("runs.csv", rng.choice(["a,b\n1,2\n", junk(rng, 50, 500), "scenario\n" + "x\n" * 3])),
            ("summary.csv", "scenario,outcome,other\na,b,c\n"),
            ("timeseries.parquet", "networks.parquet"),
            ("networks.parquet", os.urandom(rng.randint(10, 400))),
            ("governments.parquet", "runs.parquet"),
            ("paired_differences.csv", "scenario,baseline\nx,y\n"),
            ("timeseries.parquet", os.urandom(rng.randint(10, 400))),
        ][kind]  # fmt: skip
        _damage(target, name, content)
        return ["report", str(target)]
    target = folder / f"sweep{n}"
    shutil.copytree(bases["sweep"], target)
    name, content = [
        ("sweep.json", rng.choice(["{}", "[]", "null", "x", '{"parameters": 5}', NO_OUTCOMES])),
        ("sweep.json", None),
        ("design.csv", rng.choice(["a,b\n1,2\n", junk(rng, 20, 200), "point\nx\n"])),
        ("parts/part-r9-p9.parquet", "networks"),
        ("parts/part-r8-p8.parquet", os.urandom(rng.randint(10, 300))),
        ("parts", "file"),
        ("sweep.json", BAD_REFERENCE),
    ][kind - 9]  # fmt: skip
    _damage(target, name, content)
    return ["summarize", str(target)]


def _damage(target: Path, name: str, content: str | bytes | None) -> None:
    path = target / name
    if content is None:
        path.unlink()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content == "file":
        shutil.rmtree(path)
        path.write_text("not a folder")
    elif content in ("networks.parquet", "runs.parquet", "networks"):
        import pandas as pd

        frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
        if content == "networks.parquet":
            shutil.copy(target / "networks.parquet", path)
        else:
            frame.to_parquet(path)
    else:
        path.write_text(content, encoding="utf-8")


# ---------------------------------------------------------------- the tests

COUNTS = {"scenario files": 168, "sweep files": 140, "command lines": 140, "results folders": 112}
GENERATORS: dict[str, Callable[..., list[str]]] = {
    "scenario files": scenario_case,
    "sweep files": sweep_case,
    "command lines": command_case,
}


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> dict[str, Path]:
    """A small valid results folder and sweep folder to damage."""
    root = tmp_path_factory.mktemp("bases")
    results = root / "results"
    code, _, err = run_cli([
        "compare", "dispersed", "centralized", "-r", "2", "--months", "6", "--departments", "3",
        "--formats", "none", "--quiet", "--workers", "1", "--out", str(results),
    ])  # fmt: skip
    assert code == 0, err
    sweep_file = root / "small.yaml"
    sweep_file.write_text(BASE_SWEEP, encoding="utf-8")
    sweep = root / "sweep"
    code, _, err = run_cli(
        ["sweep", str(sweep_file), "--executor", "serial", "--quiet", "--out", str(sweep)]
    )
    assert code == 0, err
    return {"results": results, "sweep": sweep}


def check(argv: list[str], case: str) -> None:
    code, out, err = run_cli(argv)
    shown = " ".join(a if len(a) < 100 else a[:60] + "..." for a in argv)
    assert code == 2, f"{case}: {shown}: exit {code}\n{err[-3000:]}"
    message = err.strip()
    assert message.startswith("error: "), f"{case}: {shown}: {message[:500]!r}"
    assert "\n" not in message, f"{case}: {shown}: more than one paragraph: {message[:500]!r}"
    assert len(message) <= MAX_MESSAGE, f"{case}: {shown}: {len(message)} characters"
    assert "Traceback" not in err + out, f"{case}: {shown}"
    assert SECRET not in err + out, f"{case}: {shown}: a value of another file was printed"


@pytest.mark.parametrize("chunk", range(CHUNKS))
@pytest.mark.parametrize("category", list(GENERATORS))
def test_fuzz_files_and_commands(tmp_path, category, chunk):
    rng = random.Random(f"{category}-{chunk}")
    for n in range(chunk, COUNTS[category], CHUNKS):
        check(GENERATORS[category](rng, tmp_path, n), f"{category} case {n}")


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_fuzz_results_folders(tmp_path, bases, chunk):
    rng = random.Random(f"folders-{chunk}")
    for n in range(chunk, COUNTS["results folders"], CHUNKS):
        check(folder_case(rng, tmp_path, n, bases), f"results folders case {n}")


def test_fuzz_counts():
    assert sum(COUNTS.values()) >= 500
    assert all(count >= 100 for count in COUNTS.values())
