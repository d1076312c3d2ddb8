"""Golden regression: a fixed-seed run must reproduce tests/golden/summary.json.

See ``tests/update_golden.py`` for the tolerances and how to update the file
(``uv run python -m tests.update_golden``) when a change of behaviour is meant.
"""

from __future__ import annotations

from update_golden import GOLDEN, RTOL, compute, differences, load


def test_golden_file_exists():
    assert GOLDEN.exists(), "no golden file: run  uv run python -m tests.update_golden"


def test_fixed_seed_run_reproduces_golden_summary():
    changed = differences(load(), compute())
    assert not changed, (
        f"{len(changed)} final outcome(s) differ from {GOLDEN.name} beyond rtol {RTOL:g}:\n"
        + "\n".join(changed[:40])
        + "\nIf the change of behaviour is intended, run  uv run python -m tests.update_golden"
        "  and commit the new file with the code."
    )
