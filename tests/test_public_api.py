"""The integration uses only Home Assistant's public API (README, "Home Assistant versions").

Internals change without notice between releases: 2026.11 removed the restore-state cache's
`last_states`, and every board with an LED failed to set up. This reads the code, so a new use
fails here on every release, not only on the one that removes it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

COMPONENT = Path(__file__).parent.parent / "custom_components" / "py_iot_home"
# Internal attributes of Home Assistant objects that integrations have reached for.
KNOWN_INTERNALS = frozenset(
    {"last_states", "last_states_by_entity_id", "last_states_by_entity_registry_id"}
)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def internal_uses(source: str, filename: str = "<source>") -> list[str]:
    """Every place in `source` that reaches past Home Assistant's public API."""
    found: list[str] = []

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("homeassistant"):
            if any(_is_private(part) for part in (node.module or "").split(".")):
                report(node, f"imports from private module {node.module}")
            for alias in node.names:
                if _is_private(alias.name):
                    report(node, f"imports private {alias.name} from {node.module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("homeassistant") and any(
                    _is_private(part) for part in alias.name.split(".")
                ):
                    report(node, f"imports private module {alias.name}")
        elif isinstance(node, ast.Attribute):
            owner = node.value
            own = isinstance(owner, ast.Name) and owner.id in {"self", "cls"}
            own |= isinstance(owner, ast.Call) and getattr(owner.func, "id", "") == "super"
            if node.attr in KNOWN_INTERNALS or (_is_private(node.attr) and not own):
                report(node, f"reads .{node.attr} of another object")
        elif isinstance(node, ast.Subscript) and _is_hass_data(node.value):
            if not isinstance(node.slice, ast.Name):
                report(node, "indexes hass.data with a key that is not one of our constants")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and _is_hass_data(node.func.value)
            and node.args
            and not isinstance(node.args[0], ast.Name)
        ):
            report(node, "reads hass.data with a key that is not one of our constants")
    return found


def _is_hass_data(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "data"
        and (
            (isinstance(node.value, ast.Name) and node.value.id == "hass")
            or (isinstance(node.value, ast.Attribute) and node.value.attr == "hass")
        )
    )


def test_the_integration_uses_no_home_assistant_internals() -> None:
    found = [
        use
        for path in sorted(COMPONENT.rglob("*.py"))
        for use in internal_uses(path.read_text(), str(path.relative_to(COMPONENT)))
    ]
    assert found == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from homeassistant.helpers.restore_state import _x", "imports private _x"),
        ("from homeassistant.components.mqtt._internal import y", "private module"),
        ("import homeassistant.components._private", "private module"),
        ("async_get(hass).last_states", "reads .last_states"),
        ("entry._async_thing()", "reads ._async_thing"),
        ("hass.data['mqtt']", "indexes hass.data"),
        ("self.hass.data.get('recorder_instance')", "reads hass.data"),
    ],
)
def test_the_check_finds_each_kind_of_internal_use(source: str, expected: str) -> None:
    assert any(expected in use for use in internal_uses(source))


def test_the_check_accepts_our_own_private_names_and_keys() -> None:
    source = "self._store = x\nsuper()._write()\nhass.data[DATA_RESEND_POSITIONS] = 1\n"
    assert internal_uses(source) == []
