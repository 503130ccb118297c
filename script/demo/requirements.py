"""Install what the development Home Assistant needs beyond the test venv, into a folder.

Home Assistant would pip-install its integrations' requirements into the running venv at
startup; the venv is shared with the tests, so script/develop runs Home Assistant with
`--skip-pip` and this puts the missing packages (pinned by the integrations' manifests, plus
their missing dependencies) into a separate folder on PYTHONPATH instead.

    python -m script.demo.requirements .cache/ha-deps
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

CONFIGURATION = Path("config/configuration.yaml")
# Set up without a YAML key: the MQTT config entry and onboarding.
ALWAYS = ("mqtt", "onboarding", "recorder")
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==(.+)$")


def configured_domains(configuration: Path) -> set[str]:
    """Top-level keys of configuration.yaml, plus what Home Assistant always sets up."""
    from homeassistant import bootstrap

    keys = re.findall(r"^([a-z0-9_]+):", configuration.read_text(), flags=re.MULTILINE)
    return {
        *keys,
        *ALWAYS,
        *bootstrap.CORE_INTEGRATIONS,
        *bootstrap.DEFAULT_INTEGRATIONS,
    }


def pinned_requirements(domains: set[str]) -> set[str]:
    """The `requirements` of the domains' manifests and of all their dependencies."""
    spec = importlib.util.find_spec("homeassistant.components")
    assert spec is not None
    assert spec.submodule_search_locations is not None
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


def install(requirements: list[str], target: Path) -> list[str]:
    """Resolve against the venv, then put what it lacks into `target`.

    Returns the packages that failed to build from source (the environment has no compiler);
    Home Assistant then starts without the integrations that need them.
    """
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    report = subprocess.run(  # noqa: S603  (our own interpreter, pinned names)
        [*pip, "install", "--dry-run", "--quiet", "--report", "-", *requirements],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    wheels: list[str] = []
    sources: list[str] = []
    for item in json.loads(report)["install"]:
        pinned = f"{item['metadata']['name']}=={item['metadata']['version']}"
        (wheels if item["download_info"]["url"].endswith(".whl") else sources).append(pinned)
    into_target = [*pip, "install", "--quiet", "--no-deps", "--upgrade", "--target", str(target)]
    if wheels:
        subprocess.run([*into_target, *wheels], check=True)  # noqa: S603
    failed = []
    for source in sources:
        built = subprocess.run([*into_target, source], check=False, capture_output=True)  # noqa: S603
        if built.returncode != 0:
            failed.append(source)
    return failed


def _stamp_text(unbuilt: list[str]) -> str:
    version = importlib.metadata.version("homeassistant")
    return (
        f"homeassistant {version}\nunbuilt: {' '.join(unbuilt) or 'none'}\n"
        f"{CONFIGURATION.read_text()}"
    )


def up_to_date(stamp: Path) -> bool:
    """Whether the last install still fits Home Assistant's version and the configuration.

    One that could not build everything (an older stamp does not say) is retried once a C++
    compiler is here.
    """
    if not stamp.exists():
        return False
    lines = stamp.read_text().splitlines()
    unbuilt = next((line for line in lines if line.startswith("unbuilt: ")), None)
    expected = _stamp_text([]).splitlines()
    if unbuilt is None or [line for line in lines if line != unbuilt] != [
        line for line in expected if not line.startswith("unbuilt: ")
    ]:
        return False
    return unbuilt == "unbuilt: none" or shutil.which("c++") is None


def main() -> None:
    """Command line entry; does nothing while Home Assistant and the configuration are unchanged."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    stamp = args.target / ".installed-for"
    if up_to_date(stamp):
        return
    needed = missing(pinned_requirements(configured_domains(CONFIGURATION)))
    skipped: list[str] = []
    if needed:
        print(f"==> installing into {args.target}: {' '.join(needed)}", file=sys.stderr)
        if skipped := install(needed, args.target):
            print(
                f"==> could not build (no compiler here?): {' '.join(skipped)}; "
                "integrations needing them will not load (without Assist's, the frontend hangs)",
                file=sys.stderr,
            )
    args.target.mkdir(parents=True, exist_ok=True)
    stamp.write_text(_stamp_text(skipped))


if __name__ == "__main__":
    main()
