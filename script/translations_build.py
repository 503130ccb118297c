"""Resolve [%key:...%] references in strings.json into translations/en.json."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import homeassistant

COMPONENT = Path("custom_components/py_iot_home")
REFERENCE = re.compile(r"\[%key:([a-z0-9_:]+)%\]")
HA_ROOT = Path(homeassistant.__file__).parent


def _lookup(path: str, own: dict[str, Any]) -> str:
    parts = path.split("::")
    if parts[0] == "common":
        tree = json.loads((HA_ROOT / "strings.json").read_text())
        node: Any = tree
        for part in parts:
            node = node[part]
    else:
        _, domain, *rest = parts
        if domain == "py_iot_home":
            node = own
        else:
            # Installed Home Assistant ships each component's English text already resolved.
            node = json.loads(
                (HA_ROOT / "components" / domain / "translations" / "en.json").read_text()
            )
        for part in rest:
            node = node[part]
    if not isinstance(node, str):
        raise TypeError(f"{path} is not a string")
    return _resolve(node, own)


def _resolve(value: Any, own: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {key: _resolve(item, own) for key, item in value.items()}
    if isinstance(value, str):
        return REFERENCE.sub(lambda match: _lookup(match.group(1), own), value)
    return value


def build() -> str:
    """Return the resolved English translations as formatted JSON."""
    own = json.loads((COMPONENT / "strings.json").read_text())
    return json.dumps(_resolve(own, own), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    """Write translations/en.json, or with --check fail when it is stale."""
    text = build()
    target = COMPONENT / "translations" / "en.json"
    if "--check" in sys.argv:
        if target.read_text() != text:
            print("translations/en.json is stale: run script/translations", file=sys.stderr)
            return 1
        return 0
    target.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
