"""Print the parameter table of ``docs/ODD.md`` (Markdown) from ``sim/model/parameters.py``.

Every parameter is declared once in ``sim/model/parameters.py``; this script turns
those declarations into the table pasted in the ODD's appendix, so that the
documentation can be regenerated whenever a declaration changes::

    uv run python docs/make_parameter_table.py > /tmp/parameters.md

Rows are ordered by group (structure, lever, uncertainty) and, within a group,
in declaration order. The plausible range's own source (a seed, literature,
statistics or a judgement with its reasoning) has a column of its own, beside
the source of the default and mechanism.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.model.parameters import parameter_table  # noqa: E402

GROUP_ORDER: tuple[str, ...] = ("structure", "lever", "uncertainty")
HEADER: tuple[str, ...] = (
    "Name",
    "Group",
    "Default",
    "Unit",
    "Range",
    "Plausible range",
    "Source of the plausible range",
    "Source of the default and mechanism",
    "Meaning",
)


def _cell(value: object) -> str:
    """Return ``value`` as text safe inside a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _number(value: float | int) -> str:
    """Format a number compactly (``200_000`` -> ``200000``, ``1.0`` -> ``1.0``)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def markdown_table() -> str:
    """Return the parameter table as Markdown."""
    rows = sorted(parameter_table(), key=lambda row: GROUP_ORDER.index(row["group"]))
    lines = [
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _ in HEADER) + "|",
    ]
    for row in rows:
        cells = (
            f"`{row['name']}`",
            row["group"],
            _number(row["default"]),
            row["unit"],
            f"{_number(row['low'])} – {_number(row['high'])}",
            f"{_number(row['plausible_low'])} – {_number(row['plausible_high'])}",
            row["plausible_reason"],
            row["source"],
            row["description"],
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def main() -> None:
    """Print the table to standard output."""
    print(markdown_table())


if __name__ == "__main__":
    main()
