"""The notebooks in docs/ run as the README says and are committed executed, with static images.

The README runs them with ``uv run jupyter nbconvert --execute --to notebook
docs/NAME.ipynb`` from the repository root: the kernel starts in ``docs/``
and imports ``sim`` from the project environment, which installs the package
(editable). No ``PYTHONPATH`` is set here, so a notebook that could only
import ``sim`` from the source folder fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = ("tutorial.ipynb", "sweeps_and_discovery.ipynb")
PLOTLY = "application/vnd.plotly.v1+json"

nbformat = pytest.importorskip("nbformat")


def _text(nb) -> str:
    return "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )


def _run_as_the_readme_says(name: str, out_dir: Path):
    """Execute docs/NAME from the repository root with nbconvert; return the executed notebook."""
    jupyter = ["jupyter"]
    if shutil.which("uv"):  # as the README: uv run (without re-syncing the environment)
        jupyter = ["uv", "run", "--no-sync", "jupyter"]
    elif (Path(sys.executable).parent / "jupyter").is_file():
        jupyter = [str(Path(sys.executable).parent / "jupyter")]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [*jupyter, "nbconvert", "--execute", "--to", "notebook", "--output-dir", str(out_dir),
         f"docs/{name}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return nbformat.read(out_dir / name, as_version=4)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_executed_with_static_images(name):
    nb = nbformat.read(DOCS / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))  # top to bottom
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    charts = [o for o in outputs if PLOTLY in o.get("data", {})]
    assert charts and all("image/png" in o["data"] for o in charts)  # GitHub shows the PNG
    headings = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown"]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in headings[1:])  # Chinese too


@pytest.mark.timeout(900)
def test_tutorial_runs_as_the_readme_says(tmp_path):
    nb = _run_as_the_readme_says("tutorial.ipynb", tmp_path)
    text = _text(nb)
    assert "数据共享率" in text  # the Chinese table
    assert "report_zh.html" in text and "manifest.json" in text
    out = DOCS / "tutorial_output"  # the kernel ran in docs/
    assert (out / "comparison" / "summary.csv").is_file()
    assert (out / "data_sharing_rate.png").is_file() or (out / "data_sharing_rate.html").is_file()
    # The showcase lever moves what is plotted: review wait by review capacity.
    rows = dict(
        (float(m[1]), float(m[2]))
        for m in re.finditer(r"^\s*(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s*$", text, re.M)
    )
    assert set(rows) == {0.5, 1.0, 2.0, 5.0, 20.0}, text[-2000:]
    assert rows[0.5] > rows[20.0] + 5  # months a proposal waits: a small office queues them


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_sweeps_and_discovery_notebook_runs_as_the_readme_says(tmp_path):
    nb = _run_as_the_readme_says("sweeps_and_discovery.ipynb", tmp_path)
    text = _text(nb)
    assert "first call: 24 runs; second call: 0 runs, 24 skipped" in text  # resumed
    out = DOCS / "sweeps_and_discovery_output"
    for name in ("sweep.json", "runs.csv", "paired_differences.csv", "manifest.json"):
        assert (out / "sweep" / name).is_file()
    for name in ("points.csv", "boxes.csv", "feature_scores.csv", "report.html"):
        assert (out / "discovery" / name).is_file()
