"""The package keeps its layers: imports flow downward only and never form a cycle.

Layers, lowest first: ``sim.model`` < ``sim.experiments`` < ``sim.analysis`` <
``sim.reporting`` < ``sim.dashboard`` < ``sim.cli`` < the package root (``sim/__init__.py``, the
public API, and ``sim/__main__.py``). A module may import modules of its own
layer or of lower ones. Every import counts, deferred ones inside functions
included; only imports under ``if TYPE_CHECKING:`` (never executed) do not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parent.parent / "sim"
LAYERS = ("model", "experiments", "analysis", "reporting", "dashboard", "cli")
TOP = len(LAYERS)  # the package root: the public API


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SIM.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SIM.rglob("*.py"))}


def layer_of(name: str) -> int:
    parts = name.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        return TOP
    return LAYERS.index(parts[1])


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:``."""
    nodes, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        nodes.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return nodes


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of ``sim`` that ``name`` imports (resolved to existing modules)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import mod`` imports pkg.mod; ``from mod import name`` imports mod.
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_every_module_belongs_to_a_layer():
    names = set(all_modules())
    strays = sorted(n for n in names if layer_of(n) == TOP and n not in ("sim", "sim.__main__"))
    assert not strays, f"modules outside the layers (move them into one): {strays}"


def test_no_import_cycle_in_sim():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_imports_flow_downward_only():
    upward = [
        f"{name} ({LAYERS[layer_of(name)]}) imports {dep} ({LAYERS[layer_of(dep)]})"
        for name, deps in import_graph().items()
        if layer_of(name) < TOP
        for dep in sorted(deps)
        if layer_of(dep) > layer_of(name)
    ]
    assert not upward, "imports from a higher layer:\n" + "\n".join(upward)


def test_the_model_does_no_file_io_plotting_or_printing():
    forbidden = {"plotly", "kaleido", "pyarrow", "yaml", "matplotlib", "tqdm"}
    problems = []
    for name, path in all_modules().items():
        if layer_of(name) != 0:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                mods = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                mods += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                problems += [f"{name} imports {m}" for m in mods if m.split(".")[0] in forbidden]
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            if called and node.func.id in ("print", "open"):
                problems.append(f"{name} calls {node.func.id}() at line {node.lineno}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("graph", "cyclic"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, False),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True),
        ({"a": {"a2"}, "a2": set(), "b": {"a"}}, False),
    ],
)
def test_the_cycle_finder_itself(graph, cyclic):
    assert (find_cycle(graph) is not None) == cyclic


def test_deferred_imports_count_and_type_checking_ones_do_not(tmp_path):
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from sim.cli import main\n"
        "def f():\n    from sim.reporting import report\n"
    )
    path = tmp_path / "mod.py"
    path.write_text(source)
    modules = {"sim.cli.main": path, "sim.reporting.report": path, "sim.model.x": path}
    assert imports_of("sim.model.x", path, modules) == {"sim.reporting.report"}
