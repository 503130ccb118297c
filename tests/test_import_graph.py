"""The integration's modules import each other without circles, type-only imports included.

A circle (models.py and the coordinators importing each other, as before the feature folders)
makes the order of imports matter and hides which module depends on which.
"""

from __future__ import annotations

import ast
from pathlib import Path

COMPONENT = Path(__file__).parent.parent / "custom_components" / "py_iot_home"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path, known: set[str]) -> set[str]:
    """The package's own modules that `path` imports (relative or absolute)."""
    own = module_name(path, root)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        base = package.split(".") if package else []
        base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
        target = ".".join([*base, *([node.module] if node.module else [])])
        for alias in node.names:
            candidate = f"{target}.{alias.name}" if target else alias.name
            # `from .pkg import module` imports the module; `from .module import name` the module.
            found.add(candidate if candidate in known else target)
    return {name for name in found if name in known and name != own}


def import_graph(root: Path) -> dict[str, set[str]]:
    paths = [p for p in root.rglob("*.py") if "__pycache__" not in p.parts]
    known = {module_name(p, root) for p in paths}
    return {module_name(p, root): imported_modules(p, root, known) for p in paths}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for child in sorted(graph[node]):
            if child not in index:
                visit(child)
                low[node] = min(low[node], low[child])
            elif child in on_stack:
                low[node] = min(low[node], index[child])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_integration_has_no_import_circles() -> None:
    graph = import_graph(COMPONENT)
    assert len(graph) > 40  # the walk found the integration's modules
    assert circles(graph) == []


def test_the_check_finds_a_circle_through_a_type_only_import(tmp_path: Path) -> None:
    (tmp_path / "feature").mkdir()
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "feature" / "__init__.py").write_text("")
    (tmp_path / "models.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .feature.coordinator import C\n"
    )
    (tmp_path / "feature" / "coordinator.py").write_text("from ..models import Entry\n")
    (tmp_path / "feature" / "setup.py").write_text("from . import coordinator\n")
    graph = import_graph(tmp_path)
    assert graph["feature.setup"] == {"feature.coordinator"}
    assert circles(graph) == [["feature.coordinator", "models"]]
