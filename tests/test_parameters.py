"""Plausible ranges name their own source, never the model's output (issue 27, item 2)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from sim.model.parameters import PARAMETERS, PLAUSIBLE_SOURCES

ROOT = Path(__file__).resolve().parent.parent
DECLARED = [s for s in PARAMETERS if s.plausible is not None]

#: Phrases that justify a range by the model itself or by nothing at all.
FORBIDDEN = (
    r"where.it.loses",  # the command's stress values are the model's own choice
    r"\bmodel'?s? (own )?output",
    r"\bin the model\b",  # e.g. "the flow is ~2 proposals a month in the model"
    r"\baround the default\b",  # a range around a default says nothing about the world
)
#: What a citation of each kind must contain.
CITATION = {
    "seed": r"\[00[1-4]\]",
    "literature": r"\b(19|20)\d\d\b|GAO-\d",
    "statistics": r"\d",
}


def test_every_uncertainty_and_structure_parameter_declares_a_plausible_range():
    missing = [s.name for s in PARAMETERS if s.group != "lever" and s.plausible is None]
    assert missing == []


@pytest.mark.parametrize("spec", DECLARED, ids=lambda s: s.name)
def test_a_plausible_range_names_the_kind_of_its_source(spec):
    assert spec.plausible_source in PLAUSIBLE_SOURCES, (
        f"{spec.name}: the reason must start with one of {PLAUSIBLE_SOURCES} and a colon, "
        f"got {spec.plausible_reason!r}"
    )


@pytest.mark.parametrize("spec", DECLARED, ids=lambda s: s.name)
def test_a_plausible_range_is_not_justified_by_the_model_or_by_its_default(spec):
    for pattern in FORBIDDEN:
        assert not re.search(pattern, spec.plausible_reason, re.IGNORECASE), (
            spec.name,
            pattern,
        )


@pytest.mark.parametrize("spec", DECLARED, ids=lambda s: s.name)
def test_a_cited_source_is_cited_and_a_judgement_gives_its_reasoning(spec):
    kind = spec.plausible_source
    body = spec.plausible_reason.split(":", 1)[1]
    if kind in CITATION:
        assert re.search(CITATION[kind], body), (spec.name, kind, body)
    else:
        # A judgement says why: a bare "assumption" or a few words is not reasoning.
        assert len(body.split()) >= 12, (spec.name, body)
    # Seeds cited anywhere in the reason are the four seed papers.
    assert set(re.findall(r"\[(\d{3})\]", body)) <= {"001", "002", "003", "004"}, spec.name


@pytest.mark.parametrize("spec", DECLARED, ids=lambda s: s.name)
def test_the_plausible_range_lies_in_the_allowed_one_and_holds_the_default(spec):
    low, high = spec.plausible_range
    assert spec.low <= low < high <= spec.high, spec.name
    assert low <= spec.default <= high, (spec.name, spec.default, (low, high))


def test_the_odd_parameter_table_is_the_generated_one():
    generator = ROOT / "docs" / "make_parameter_table.py"
    module_spec = importlib.util.spec_from_file_location("make_parameter_table", generator)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    table = module.markdown_table()
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert table in odd, "regenerate with `uv run python docs/make_parameter_table.py`"
    assert "Source of the plausible range" in table
