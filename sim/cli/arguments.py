"""Argument types shared by the command-line entry points.

Each turns a command-line word into a value or raises
``argparse.ArgumentTypeError`` with a message a researcher can act on.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def whole_number(text: str) -> int:
    """Parse a whole number."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None


def at_least(minimum: int) -> Callable[[str], int]:
    """Return a parser of whole numbers no smaller than ``minimum``."""

    def parse(text: str) -> int:
        value = whole_number(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"expected a number of at least {minimum}, got {value}"
            )
        return value

    return parse


def seed(text: str) -> int:
    """Parse a random seed (0 or more)."""
    value = whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"the seed must be 0 or more, got {value}")
    return value
