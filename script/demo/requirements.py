"""Install what the development Home Assistant needs beyond the test venv, into a folder.

Home Assistant would pip-install its integrations' requirements into the running venv at
startup; the venv is shared with the tests, so script/develop runs Home Assistant with
`--skip-pip` and this puts the missing packages (pinned by the integrations' manifests, plus
their missing dependencies) into a separate folder on PYTHONPATH instead.

    python -m script.demo.requirements .cache/develop/deps
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

CONFIGURATION = Path("config/configuration.yaml")
# Set up without a YAML key: the MQTT config entry, and what onboarding starts.
ALWAYS = ("mqtt", "analytics", "onboarding", "homeassistant")
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==(.+)$")


def configured_domains(configuration: Path) -> set[str]:
    """Top-level keys of configuration.yaml, plus what is set up without one."""
    keys = re.findall(r"^([a-z0-9_]+):", configuration.read_text(), flags=re.MULTILINE)
    return {*keys, *ALWAYS}


def pinned_requirements(domains: set[str]) -> set[str]:
    """The `requirements` of the domains' manifests and of all their dependencies."""
    spec = importlib.util.find_spec("homeassistant.components")
    assert spec is not None and spec.submodule_search_locations is not None
    components = Path(next(iter(spec.submodule_search_locations)))
    custom = Path("custom_components")
    todo, seen, requirements = list(domains), set[str](), set[str]()
    while todo:
        domain = todo.pop()
        if domain in seen:
            continue
        seen.add(domain)
        manifest_path = next(
            (
                p
                for p in (custom / domain / "manifest.json", components / domain / "manifest.json")
                if p.exists()
            ),
            None,
        )
        if manifest_path is None:
            continue
        manifest = json.loads(manifest_path.read_text())
        requirements.update(manifest.get("requirements", []))
        todo.extend(manifest.get("dependencies", []))
    return requirements


def missing(requirements: set[str]) -> list[str]:
    """Requirements whose pinned version is not importable (venv or PYTHONPATH)."""
    absent = []
    for requirement in sorted(requirements):
        if (match := REQUIREMENT.match(requirement)) is None:
            continue
        name, version = match.groups()
        try:
            installed = importlib.metadata.version(name.split("[")[0])
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            absent.append(requirement)
    return absent


def install(requirements: list[str], target: Path) -> None:
    """Resolve against the venv, then put only what it lacks into `target`."""
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    report = subprocess.run(
        [*pip, "install", "--dry-run", "--quiet", "--report", "-", *requirements],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    exact = [
        f"{item['metadata']['name']}=={item['metadata']['version']}"
        for item in json.loads(report)["install"]
    ]
    subprocess.run(
        [*pip, "install", "--quiet", "--no-deps", "--upgrade", "--target", str(target), *exact],
        check=True,
    )


def main() -> None:
    """Command line entry."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    needed = missing(pinned_requirements(configured_domains(CONFIGURATION)))
    if needed:
        print(f"==> installing into {args.target}: {' '.join(needed)}", file=sys.stderr)
        install(needed, args.target)


if __name__ == "__main__":
    main()
