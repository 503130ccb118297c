"""The pure packages never import Home Assistant, nor the glue around them.

protocol/, hardware/, analysis/ and prediction/ are shared with the node agent (symlinks) and
tested without Home Assistant; the glue depends on them, never the other way round.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

COMPONENT = Path(__file__).parent.parent / "custom_components" / "py_iot_home"
PURE_PACKAGES = ("protocol", "hardware", "analysis", "prediction")


def glue_imports(path: Path, package_depth: int) -> list[str]:
    """Imports in `path` of Home Assistant or of modules outside its own pure package.

    `package_depth` is how deep the file sits below the integration (1 for protocol/x.py).
    """
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "homeassistant"]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 0 and module.split(".")[0] in {"homeassistant", "custom_components"}:
                found.append(module)
            elif node.level > package_depth:
                found.append("." * node.level + module)
    return found


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_package_imports_no_glue(package: str) -> None:
    found = {
        str(path.relative_to(COMPONENT)): imports
        for path in sorted((COMPONENT / package).rglob("*.py"))
        if (imports := glue_imports(path, len(path.relative_to(COMPONENT).parts) - 1))
    }
    assert found == {}


def test_the_check_finds_glue_imports(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "import homeassistant.core\n"
        "from homeassistant.const import STATE_ON\n"
        "from .. import const\n"
        "from ..trend_coordinator import TrendCoordinator\n"
        "from .fields import text\n"
        "def lazy():\n    from homeassistant.helpers import storage\n"
    )
    assert glue_imports(module, 1) == [
        "homeassistant.core",
        "homeassistant.const",
        "..",
        "..trend_coordinator",
        "homeassistant.helpers",
    ]
