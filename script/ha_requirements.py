"""Test requirements for a Home Assistant release that no test-plugin release pins yet.

pytest-homeassistant-custom-component pins one Home Assistant release exactly, with the
libraries of that release's test environment. Installed without its dependencies next to a
newer release, the plugin's requirements and ours are taken at the newer release's pins: its
package_constraints.txt first, then its components' manifests (aiohasupervisor, hassil,
home-assistant-intents, ...), then the plugin's and our own pins.

Usage (inside a venv holding the newer homeassistant and the plugin, installed --no-deps):
    python -m script.ha_requirements requirements_test.txt > generated.txt
"""

from __future__ import annotations

import json
import re
import sys
from importlib.metadata import requires
from pathlib import Path

import homeassistant

PLUGIN = "pytest-homeassistant-custom-component"
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical_name(requirement: str) -> str:
    """The PEP 503 name a requirement line is about ("" for blank lines and comments)."""
    match = _NAME.match(requirement.split("#", 1)[0])
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else ""


def home_assistant_pins(package_dir: Path) -> dict[str, str]:
    """Every library Home Assistant pins: its constraints, then its components' requirements."""
    pins: dict[str, str] = {}
    for manifest in sorted((package_dir / "components").glob("*/manifest.json")):
        for requirement in json.loads(manifest.read_text()).get("requirements", []):
            if name := canonical_name(requirement):
                pins.setdefault(name, requirement)
    for line in (package_dir / "package_constraints.txt").read_text().splitlines():
        constraint = line.split("#", 1)[0].strip()
        if (name := canonical_name(constraint)) and "==" in constraint:
            pins[name] = constraint
    return pins


def wanted_requirements(test_requirements: Path) -> list[str]:
    """The plugin's own requirements and ours, without Home Assistant or the plugin itself."""
    plugin_requirements = [r for r in requires(PLUGIN) or [] if "extra ==" not in r]
    ours = [line.strip() for line in test_requirements.read_text().splitlines()]
    skip = {"homeassistant", PLUGIN, ""}
    return [r for r in plugin_requirements + ours if canonical_name(r) not in skip]


def main(argv: list[str]) -> None:
    """Print the requirements, one a line, at Home Assistant's pins where it has one."""
    pins = home_assistant_pins(Path(homeassistant.__file__).parent)
    seen: set[str] = set()
    for requirement in wanted_requirements(Path(argv[1])):
        name = canonical_name(requirement)
        if name not in seen:
            seen.add(name)
            print(pins.get(name, requirement))


if __name__ == "__main__":
    main(sys.argv)
