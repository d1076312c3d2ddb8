"""A YAML 1.2 loader with bounds: nesting depth, alias expansion, merge-key conflicts.

PyYAML reads YAML 1.1: ``1:30`` is 90 (base 60), ``017`` is 15 (octal),
``yes``/``no``/``on``/``off`` are yes/no values and ``1e-3`` is text. Scenario
and sweep files are read as YAML 1.2 (the core schema) instead: numbers are
decimal (``017`` is 17, ``0o17`` octal, ``0x1F`` hexadecimal), ``1:30`` is
text, only ``true``/``false`` are yes/no values and ``1e-3`` is a number.

:class:`BoundedSafeLoader` also refuses, before anything is built:

* nesting deeper than :data:`MAX_DEPTH` (a 5,000-deep list would otherwise
  exhaust Python's recursion limit);
* aliases that expand to more than :data:`MAX_NODES` values (nested aliases,
  "billion laughs", grow exponentially once traversed) or that refer to
  themselves;
* a key given by two ``<<`` merge sources of one mapping (YAML would keep one
  of the values silently).

Each refusal is a :class:`YamlLimitError`, a ``yaml.MarkedYAMLError`` whose
``problem`` says what was wrong and what is allowed.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

#: Deepest nesting of lists and mappings accepted (a scenario file needs 4).
MAX_DEPTH = 40

#: Most values (scalars, lists, mappings) a document may hold once aliases are expanded.
MAX_NODES = 50_000

_MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlLimitError(yaml.MarkedYAMLError):
    """A YAML document goes beyond a bound, or merges one key twice."""

    def __init__(self, problem: str, mark: yaml.Mark | None, key: Any = None) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.key = key


class BoundedSafeLoader(yaml.SafeLoader):
    """Safe loader reading the YAML 1.2 core schema, with bounded depth and aliases."""

    yaml_implicit_resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        """Compose one node, refusing nesting deeper than :data:`MAX_DEPTH`."""
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlLimitError(
                    f"lists and mappings are nested more than {MAX_DEPTH} levels deep (scenario "
                    "and sweep files need at most a few levels)",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Node | None:
        """Compose a document and refuse it if its aliases expand beyond the bound."""
        node = super().compose_document()
        if node is not None:
            _expanded_size(node, {}, set())
        return node

    def flatten_mapping(self, node: MappingNode) -> None:
        """Apply ``<<`` merge keys, refusing a key that two merge sources both give."""
        given: dict[Any, Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE_TAG:
                continue
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, MappingNode):
                    continue  # SafeLoader reports a merge of something else
                for key in _merged_keys(source):
                    if key in given and given[key] is not source:
                        raise YamlLimitError(
                            f"key {key[1]!r} is given by two '<<' merge keys of one mapping; "
                            "YAML would silently keep only one of the values. Merge it from "
                            "one place, or write it in the mapping itself",
                            key_node.start_mark,
                            key=key[1],
                        )
                    given.setdefault(key, source)
        super().flatten_mapping(node)


def _merged_keys(source: MappingNode) -> list[tuple[str, str]]:
    """The (tag, text) of the scalar keys a merged mapping provides, its own merges included."""
    keys = []
    for key_node, value_node in source.value:
        if key_node.tag == _MERGE_TAG:
            inner = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for item in inner:
                if isinstance(item, MappingNode):
                    keys.extend(_merged_keys(item))
        elif isinstance(key_node, ScalarNode):
            keys.append((key_node.tag, key_node.value))
    return list(dict.fromkeys(keys))


def _expanded_size(node: Node, sizes: dict[int, int], open_nodes: set[int]) -> int:
    """Count the values of ``node`` with every alias expanded; raise beyond the bound."""
    ident = id(node)
    if ident in sizes:
        return sizes[ident]
    if ident in open_nodes:
        raise YamlLimitError(
            "an alias refers to the list or mapping that contains it (a value that contains "
            "itself); write the values out",
            node.start_mark,
        )
    open_nodes.add(ident)
    total = 1
    if isinstance(node, SequenceNode):
        children: list[Node] = list(node.value)
    elif isinstance(node, MappingNode):
        children = [part for pair in node.value for part in pair]
    else:
        children = []
    for child in children:
        total += _expanded_size(child, sizes, open_nodes)
        if total > MAX_NODES:
            raise YamlLimitError(
                f"the document holds more than {MAX_NODES:,} values once its aliases (*name) "
                "are expanded; scenario and sweep files need far fewer. Write the values "
                "out instead of nesting aliases",
                node.start_mark,
            )
    open_nodes.discard(ident)
    sizes[ident] = total
    return total


# ------------------------------------------------------- YAML 1.2 core schema


def _not_a_number(node: ScalarNode, kind: str) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(
        None, None, f"this value is tagged as {kind} but is not one in YAML 1.2", node.start_mark
    )


def _construct_int(loader: BoundedSafeLoader, node: ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    try:
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)
    except ValueError:
        raise _not_a_number(node, "a whole number (!!int)") from None


def _construct_float(loader: BoundedSafeLoader, node: ScalarNode) -> float:
    text = str(loader.construct_scalar(node)).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    try:
        return float(text)
    except ValueError:
        raise _not_a_number(node, "a number (!!float)") from None


_RESOLVERS = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (_MERGE_TAG, r"^(?:<<)$", "<"),
)
for _tag, _pattern, _first in _RESOLVERS:
    BoundedSafeLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
BoundedSafeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
BoundedSafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
