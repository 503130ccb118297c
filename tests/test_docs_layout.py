"""docs/CONTRIBUTING-layout.md's tree names every module of the integration's glue, and no other."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
COMPONENT = ROOT / "custom_components" / "py_iot_home"
# The pure packages are named as folders only.
PURE = {"hardware", "protocol", "analysis", "prediction"}


def _tree() -> str:
    text = (ROOT / "docs" / "CONTRIBUTING-layout.md").read_text(encoding="utf-8")
    start = text.index("```\ncustom_components/py_iot_home/")
    return text[start : text.index("```", start + 3)]


def test_the_layout_tree_names_every_module_of_the_glue() -> None:
    modules = {
        str(path.relative_to(COMPONENT))
        for path in COMPONENT.glob("**/*.py")
        if path.parent.name not in PURE
        and "native_lib" not in path.parts
        and (path.name != "__init__.py" or path.parent == COMPONENT)
    }
    listed = set()
    folder = ""
    for line in _tree().splitlines()[2:]:
        if match := re.match(r"  (\w+)/\s", line):
            folder = match[1]
        elif not line.startswith("    "):
            folder = ""
        listed |= {
            f"{folder}/{name}" if folder else name for name in re.findall(r"\b\w+\.py\b", line)
        }
    assert listed == modules
