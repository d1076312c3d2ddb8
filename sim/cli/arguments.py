"""Argument types shared by the command-line entry points.

Each turns a command-line word into a value or raises
``argparse.ArgumentTypeError`` with a message a researcher can act on.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sim.experiments.input_limits import shorten

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


def image_formats(text: str) -> str:
    """Check a list of static image formats (``png,svg`` or ``none``); return it as given."""
    from sim.reporting.export import parse_formats

    try:
        parse_formats(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text
