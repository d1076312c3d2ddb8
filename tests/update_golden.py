"""Golden regression: final outcomes of a fixed-seed run, kept in tests/golden/summary.json.

``tests/test_golden.py`` runs the same designs and seeds and compares every
final outcome with the file. The file changes only through this command::

    uv run python -m tests.update_golden

which recomputes it, prints every value that changed (old -> new), and
rewrites it, so that a behaviour change shows up in the commit diff of
``tests/golden/summary.json`` together with the code that caused it.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).resolve().parent / "golden" / "summary.json"
DESIGNS: tuple[str, ...] = ("dispersed", "centralized")
SEEDS: tuple[int, ...] = (1, 2, 3)
WORLD: dict[str, int] = {"n_departments": 40, "months": 120}

#: Tolerances of the comparison. A change of behaviour (one different draw,
#: one more project) moves some count by at least 1, i.e. by 1e-3 or more
#: relative to these outcomes, so rtol 1e-6 catches it; floating-point noise
#: from another numpy/BLAS build or CPU (summation order, fused
#: multiply-add) is around 1e-13 relative and passes. A numpy release that
#: changes a random stream fails the test on purpose: rerun this command
#: and commit the new file with a note.
RTOL = 1e-6
ATOL = 1e-9


def compute() -> dict[str, Any]:
    """Run every design and seed; return the golden record."""
    from sim.experiments.inputs.scenarios import load_scenario
    from sim.model.governance import GovernanceModel

    runs: dict[str, dict[str, dict[str, float]]] = {}
    for name in DESIGNS:
        scenario = load_scenario(name).with_overrides(name=name, **WORLD)
        runs[name] = {}
        for seed in SEEDS:
            model = GovernanceModel(
                scenario.parameters, rng=seed, policy_changes=scenario.policy_changes
            )
            model.run()
            final = model.outcomes_frame().iloc[-1]
            runs[name][str(seed)] = {k: float(v) for k, v in final.items() if k != "month"}
    return {
        "what": "final value of every outcome; update with: uv run python -m tests.update_golden",
        "designs": list(DESIGNS),
        "seeds": list(SEEDS),
        "world": WORLD,
        "runs": runs,
    }


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Return one line per value that differs beyond the tolerances (or is missing)."""
    lines = []
    for key in ("designs", "seeds", "world"):
        if old.get(key) != new.get(key):
            lines.append(f"{key}: {old.get(key)} -> {new.get(key)}")
    old_runs, new_runs = old.get("runs", {}), new.get("runs", {})
    for design in sorted(set(old_runs) | set(new_runs)):
        for seed in sorted(set(old_runs.get(design, {})) | set(new_runs.get(design, {}))):
            a = old_runs.get(design, {}).get(seed, {})
            b = new_runs.get(design, {}).get(seed, {})
            for outcome in sorted(set(a) | set(b)):
                if outcome not in a or outcome not in b:
                    lines.append(
                        f"{design} seed {seed} {outcome}: {a.get(outcome, 'absent')} -> "
                        f"{b.get(outcome, 'absent')}"
                    )
                elif not math.isclose(a[outcome], b[outcome], rel_tol=RTOL, abs_tol=ATOL):
                    lines.append(
                        f"{design} seed {seed} {outcome}: {a[outcome]!r} -> {b[outcome]!r}"
                    )
    return lines


def load() -> dict[str, Any]:
    """Return the stored golden record (empty if there is none)."""
    if not GOLDEN.exists():
        return {}
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def main() -> int:
    """Recompute the golden file, print what changed, write it."""
    new = compute()
    old = load()
    changed = differences(old, new) if old else ["(no golden file yet)"]
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if changed:
        print(f"{len(changed)} value(s) changed in {GOLDEN.name}:")
        print("\n".join(f"  {line}" for line in changed))
    else:
        print(f"{GOLDEN.name}: no value changed beyond rtol {RTOL:g}")
    print(f"written: {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
