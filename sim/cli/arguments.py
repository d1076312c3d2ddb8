"""Argument types shared by the command-line entry points.

Each turns a command-line word into a value or raises
``argparse.ArgumentTypeError`` with a message a researcher can act on.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from sim.experiments.inputs.limits import shorten

#: Most worker processes accepted (far more than any machine has cores).
MAX_WORKERS = 1_024


def whole_number(text: str) -> int:
    """Parse a whole number (at most 30 digits)."""
    try:
        if len(text.strip().lstrip("+-")) > 30:
            raise ValueError
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of at most 30 digits, got '{shorten(text, 40)}'"
        ) from None


def at_least(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """Return a parser of whole numbers from ``minimum`` (to ``maximum``, if given)."""

    def parse(text: str) -> int:
        value = whole_number(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"expected a number of at least {minimum}, got {value}"
            )
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(
                f"expected a number of at most {maximum:,}, got {shorten(str(value), 40)}"
            )
        return value

    return parse


def seed(text: str) -> int:
    """Parse a random seed (0 or more)."""
    value = whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"the seed must be 0 or more, got {value}")
    return value


def workers(text: str) -> int:
    """Parse a number of worker processes (1 to :data:`MAX_WORKERS`)."""
    return at_least(1, MAX_WORKERS)(text)


#: Largest memory limit per worker accepted (far more than any machine has).
MAX_WORKER_MEMORY = 2**50


def memory_size(text: str) -> int | str:
    """Parse a memory size per worker such as ``2GiB``, ``1.5GB`` or ``500MB`` (bytes).

    Dask's own parser reads it (``dask.utils.parse_bytes``); without Dask
    installed the text is returned unparsed and the command then says how to
    install Dask.
    """
    try:
        from dask.utils import parse_bytes
    except ImportError:  # the dask extra is missing: require() reports it
        return text
    try:
        value = int(parse_bytes(text.strip()))
    except (ValueError, TypeError, IndexError):
        value = -1
    if not 0 < value <= MAX_WORKER_MEMORY:
        raise argparse.ArgumentTypeError(
            f"expected a memory size such as 2GiB, 1.5GB or 800MB (more than 0, at most 1 PiB), "
            f"got '{shorten(text, 40)}'"
        )
    return value


def image_formats(text: str) -> tuple[str, ...]:
    """Parse a list of static image formats (``png,svg``, or ``none`` for none)."""
    from sim.reporting.export import parse_formats

    try:
        return parse_formats(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def report_options(group: Any, formats_default: str) -> None:
    """Add --lang and --formats (report language and static image formats)."""
    group.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="language of the report and charts: en (default) or zh (Chinese; writes "
        "report_zh.html)",
    )
    group.add_argument(
        "--formats",
        type=image_formats,
        default=image_formats(formats_default),
        metavar="LIST",
        help=f"static images of the charts to write into figures/: comma-separated png, svg, "
        f"pdf, or 'none' (default {formats_default}). Needs Chrome or Chromium; without one "
        "a note says how to install it and everything else is written.",
    )
