"""script/demo is what a newcomer runs: it stands on its own, never on a benchmark module."""

import ast
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "script" / "demo"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, absolute names only (relative imports stay in the demo)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_demo_imports_nothing_from_bench() -> None:
    files = sorted(DEMO.glob("*.py"))
    assert files, DEMO
    offending = {
        path.name: sorted(name for name in imported_modules(path) if name.split(".")[0] == "bench")
        for path in files
    }
    assert {name: found for name, found in offending.items() if found} == {}
