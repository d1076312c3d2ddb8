"""Saving a dashboard design as a scenario file the command line runs, and loading one.

A saved design is a scenario file that ``extends`` the known design it was
made from and sets only the values that differ from it (and ``months``), so
``python run.py compare dispersed my_design.yaml`` runs exactly what the
dashboard ran. Loading reads an uploaded scenario file with the loader of the
command line (``load_scenario``, the same checks and messages) from a private
temporary folder, removed afterwards; its ``extends`` must name a known
design (a path is refused), and it becomes that design with the values in
which the file differs from it.
"""

from __future__ import annotations

import base64
import binascii
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from sim.dashboard import controls
from sim.dashboard.requests import RequestError, clean_name, known_design, known_designs
from sim.experiments.inputs.limits import MAX_INPUT_BYTES, shorten
from sim.experiments.inputs.scenarios import Scenario, load_scenario
from sim.model.parameters import SPECS


def changed_values(scenario: Scenario, base: Scenario) -> dict[str, Any]:
    """Values of levers and uncertainties in which ``scenario`` differs from ``base``."""
    return {
        n: getattr(scenario.parameters, n)
        for n in (*controls.LEVERS, *controls.UNCERTAINTIES)
        if getattr(scenario.parameters, n) != getattr(base.parameters, n)
    }


def scenario_text(scenario: Scenario, base_name: str) -> str:
    """The scenario file of a dashboard design (YAML).

    An edited design ``extends`` the known design it was made from and sets
    the values that differ from it; an unedited one (named as its known
    design) sets its values itself, so that a file ``dispersed.yaml`` next to
    the others does not extend itself.

    Args:
        scenario: The design as run (``requests.check_run``'s scenario).
        base_name: The known design it was made from.

    Returns:
        The file's text.
    """
    base = known_design(base_name)
    months = int(scenario.parameters.months)
    stamp = time.strftime("%Y-%m-%d %H:%M")
    if scenario.name == base.name:
        values = {**dict(base.overrides), "months": months}
        data = {
            "description": f"{base.description} (Run for {months} months.)",
            "source": base.source,
            "parameters": values,
        }
    else:
        values = {**changed_values(scenario, base), "months": months}
        shown = ", ".join(
            f"{n} {getattr(base.parameters, n)!r} -> {v!r}" for n, v in values.items()
        )
        data = {
            "extends": base.name,
            "description": f"{base.name}, edited in the dashboard: {shown}.",
            "parameters": values,
        }
    head = (
        f"# Saved by the dashboard (python run.py dashboard) on {stamp}.\n"
        f"# Run it with: python run.py compare {base.name} {scenario.name}.yaml\n"
    )
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)


def file_name(scenario: Scenario) -> str:
    """The file name of a saved design: its name (made by the app), ``.yaml``."""
    return f"{clean_name(scenario.name) or 'design'}.yaml"


def _decode(contents: Any) -> bytes:
    if not isinstance(contents, str) or "," not in contents:
        raise RequestError("The uploaded file could not be read; choose a .yaml scenario file.")
    encoded = contents.split(",", 1)[1]
    if len(encoded) > (MAX_INPUT_BYTES * 4) // 3 + 8:
        raise RequestError(
            f"The uploaded file is larger than {MAX_INPUT_BYTES:,} bytes; scenario files are a "
            "few kilobytes."
        )
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise RequestError("The uploaded file could not be decoded; upload it again.") from None


def load_design(contents: Any, filename: Any) -> tuple[str, dict[str, Any], str, list[str]]:
    """Read an uploaded scenario file as a dashboard design.

    Args:
        contents: ``dcc.Upload``'s contents (a base64 data URL).
        filename: The uploaded file's name (only its cleaned stem is used, as
            the design's name).

    Returns:
        ``(base, values, name, notes)``: the known design it extends (or
        ``dispersed``, the status quo, for a file without ``extends``), the
        values in which it differs, its name, and notes on what was kept.

    Raises:
        RequestError, ScenarioError: What is wrong with the file, in one paragraph.
    """
    data = _decode(contents)
    stem = clean_name(Path(str(filename or "design")).stem) or "design"
    try:
        parsed = yaml.safe_load(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        parsed = None  # the loader below gives the file's own message
    if isinstance(parsed, dict) and "extends" in parsed:
        parent = parsed["extends"]
        if not isinstance(parent, str) or parent.strip() not in known_designs():
            raise RequestError(
                f"The uploaded file {shorten(stem, 40)}.yaml extends "
                f"{shorten(repr(parent), 60)}, which is not one of the dashboard's designs "
                f"({', '.join(known_designs())}); a loaded file may extend one of them by "
                "name, never a path."
            )
    folder = Path(tempfile.mkdtemp(prefix="egov-dashboard-upload-"))
    try:
        # not a known design's name: ``extends: NAME`` must not find the file itself
        path = folder / (f"uploaded-{stem}.yaml" if stem in known_designs() else f"{stem}.yaml")
        path.write_bytes(data)
        scenario = load_scenario(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base_name = (
        parsed["extends"].strip() if isinstance(parsed, dict) and "extends" in parsed else ""
    )
    base = known_design(base_name or "dispersed")
    notes = []
    layout = [
        n
        for n, s in SPECS.items()
        if s.group == "structure"
        and n != "months"
        and getattr(scenario.parameters, n) != getattr(base.parameters, n)
    ]
    if layout:
        notes.append(
            f"the layout ({', '.join(layout)}) is kept from {base.name}; run the file with "
            "python run.py compare to use its own"
        )
    if scenario.policy_changes:
        raise RequestError(
            f"The uploaded file {stem}.yaml has timed policy changes, which the dashboard does "
            "not run; run it with python run.py compare."
        )
    values = changed_values(scenario, base)
    return base.name, values, stem, notes
