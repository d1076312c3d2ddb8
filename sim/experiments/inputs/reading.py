"""Strict YAML reading and the wording of errors, shared by scenario and sweep files.

Scenario files (``sim.experiments.inputs.scenarios``) and sweep files
(``sim.experiments.sweeps.files``) are read with the same loader and explain
their mistakes in the same words. The loader refuses a key written twice in
one mapping (PyYAML would silently keep the last value) and records the line
of every key, so that a message can name it. The helpers below turn paths,
values and misspelled keys into the phrases of those messages.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from sim.experiments.data_files import PROJECT_DIR
from sim.experiments.inputs.limits import shorten
from sim.experiments.inputs.loader import BoundedSafeLoader

if TYPE_CHECKING:
    from sim.model.parameters import ParameterSpec

#: File endings recognised as scenario and sweep files.
SUFFIXES: tuple[str, ...] = (".yaml", ".yml")

#: YAML 1.1 read "1e-3" as text; files are now read as YAML 1.2 (a number), kept for hints.
EXPONENT_WITHOUT_POINT = re.compile(r"[-+]?\d+[eE][-+]?\d+")


# --------------------------------------------------------------------- YAML


class LineMapping(dict):
    """A dict that remembers the line (1-based) on which each key was written."""

    lines: dict[Any, int]


class DuplicateKeyError(yaml.MarkedYAMLError):
    """A key appears twice in one YAML mapping."""

    def __init__(self, key: Any, first_line: int, mark: yaml.Mark) -> None:
        super().__init__(problem=f"duplicate key {key!r}", problem_mark=mark)
        self.key = key
        self.first_line = first_line


class StrictLoader(BoundedSafeLoader):
    """Safe YAML 1.2 loader that rejects duplicate keys at any depth.

    PyYAML silently keeps the last of two equal keys; a scenario file with
    ``review_authority`` written twice would then run with whichever value came
    last. This loader refuses such files instead. Every mapping it builds is a
    :class:`LineMapping`. Depth, alias expansion and merge keys are bounded by
    :class:`~sim.experiments.inputs.loader.BoundedSafeLoader`.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        """Build a mapping, raising on a key written twice in it.

        Args:
            node: The YAML mapping node.
            deep: Whether to construct nested values at once.

        Returns:
            The constructed mapping.

        Raises:
            DuplicateKeyError: If one key appears twice in the node.
        """
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<" merge keys are allowed to repeat in YAML
            key = self.construct_object(key_node, deep=True)
            try:
                first_line = seen.get(key)
            except TypeError:  # unhashable key: let SafeLoader report it
                continue
            if first_line is not None:
                raise DuplicateKeyError(key, first_line, key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _construct_line_mapping(loader: StrictLoader, node: yaml.MappingNode) -> Any:
    data = LineMapping()
    data.lines = {}
    yield data
    data.update(loader.construct_mapping(node))
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            key = loader.construct_object(key_node)
            with contextlib.suppress(TypeError):  # unhashable keys are reported elsewhere
                data.lines.setdefault(key, key_node.start_mark.line + 1)


StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_line_mapping)


def key_lines(data: Any) -> Mapping[Any, int]:
    """Return the line of each key of a mapping read by :class:`StrictLoader` ({} otherwise)."""
    return getattr(data, "lines", {})


# ------------------------------------------------------------ error messages


def display_path(path: Path) -> str:
    """Return ``path`` relative to the project folder when it lies inside it (shortened)."""
    try:
        return shorten(path.resolve().relative_to(PROJECT_DIR).as_posix(), 200)
    except (ValueError, OSError, RuntimeError):
        return shorten(str(path), 200)


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` (links followed) lies in ``folder`` or below it."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def is_foreign(path: Path, referrer: Path) -> bool:
    """Whether ``path``, named in ``referrer``, lies outside the project and referrer's folder."""
    return not (is_inside(path, PROJECT_DIR) or is_inside(path, referrer.parent))


_LINE = re.compile(r", line \d+(?:, column \d+)?")


def redacted(message: str, path: Path) -> str:
    """Say what is wrong in ``path`` (outside the project) without showing its content.

    Keeps the file and the line the message is about; drops the rest, which
    could quote the file's contents: its values, and its key names too (a
    key of a file that is not a scenario, e.g. a configuration file reached
    by a link, can itself be a secret).

    Args:
        message: The full message about ``path``.
        path: The file outside the project.

    Returns:
        A message naming the file and the line only.
    """
    where = f"Scenario file {display_path(path)}"
    rest = message.split(display_path(path), 1)[1] if display_path(path) in message else ""
    line = _LINE.match(rest)
    if line:
        where += line.group(0)
    return (
        f"{where} is not valid. It lies outside the project and outside the folder of "
        "the file that names it, so its values are not shown here; run "
        f"'python run.py validate {display_path(path)}' to see the problem."
    )


def file_location(kind: str, path: Path, line: int | None = None) -> str:
    """Return the start of an error message, e.g. ``"Sweep file sweeps/a.yaml, line 3"``.

    Args:
        kind: What the file is: ``"Scenario"`` or ``"Sweep"``.
        path: The file.
        line: Line of the problem (1-based), if known.

    Returns:
        The phrase naming the file (and the line).
    """
    where = f"{kind} file {display_path(path)}"
    return f"{where}, line {line}" if line else where


def did_you_mean(key: Any, allowed: Any) -> str:
    """Return ``" Did you mean 'x'?"`` for close matches of ``key`` in ``allowed``, or ``""``."""
    text = str(key) if isinstance(key, str | int | float | bool) or key is None else ""
    if not text or len(text) > 100:  # lists, mappings and long text match nothing
        return ""
    matches = difflib.get_close_matches(text, list(allowed), n=3, cutoff=0.6)
    if not matches:
        return ""
    return " Did you mean " + " or ".join(f"'{m}'" for m in matches) + "?"


def describe_kind(value: Any) -> str:
    """Say what kind of YAML value ``value`` is, without quoting it (e.g. ``"text"``)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, int | float):
        return "a number"
    return describe_value(value)


def describe_value(value: Any) -> str:
    """Describe a YAML value the way a researcher wrote it (long text shortened)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, str):
        return f'"{shorten(value, 80)}" (text)'
    if isinstance(value, int) and abs(value) > 10**30:
        return f"a whole number of {len(str(abs(value))):,} digits"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return repr(value)


def allowed_values(spec: ParameterSpec) -> str:
    """Describe the values a parameter allows: its type, range and unit."""
    kind = "a whole number (int)" if spec.type is int else "a number (float)"
    return f"{kind} from {spec.low} to {spec.high} (unit: {spec.unit})"
