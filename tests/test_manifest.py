"""The manifest, hacs.json and brand files satisfy Home Assistant's loader, hassfest and HACS."""

from __future__ import annotations

import json
import re
from importlib.metadata import requires
from pathlib import Path

import probatio
import pytest
from awesomeversion import AwesomeVersion
from homeassistant.const import __version__ as HA_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration

from custom_components.py_iot_home.const import DOMAIN

ROOT = Path(__file__).parent.parent
COMPONENT = ROOT / "custom_components" / DOMAIN
URL = probatio.Match(r"^https://")

# What hassfest's manifest schema accepts for a custom integration, and HACS's required keys.
MANIFEST_SCHEMA = probatio.Schema(
    {
        probatio.Required("domain"): DOMAIN,
        probatio.Required("name"): probatio.All(str, probatio.Length(min=1)),
        probatio.Required("codeowners"): [probatio.Match(r"^@.+$")],
        probatio.Required("config_flow"): True,
        probatio.Required("documentation"): URL,
        probatio.Required("issue_tracker"): URL,
        probatio.Required("integration_type"): probatio.In(
            ["device", "entity", "hardware", "helper", "hub", "service", "system", "virtual"]
        ),
        probatio.Required("iot_class"): probatio.In(
            [
                "assumed_state",
                "calculated",
                "cloud_polling",
                "cloud_push",
                "local_polling",
                "local_push",
            ]
        ),
        probatio.Required("requirements"): [str],
        probatio.Required("version"): str,
        probatio.Optional("dependencies"): [str],
        probatio.Optional("after_dependencies"): [str],
        probatio.Optional("loggers"): [str],
        probatio.Optional("mqtt"): [str],
    }
)


def _manifest() -> dict[str, object]:
    return json.loads((COMPONENT / "manifest.json").read_text())


def test_manifest_schema_and_order() -> None:
    manifest = _manifest()
    MANIFEST_SCHEMA(manifest)
    keys = list(manifest)
    # hassfest: domain, name first, then the rest sorted.
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert AwesomeVersion(str(manifest["version"])).valid
    for topic in manifest["mqtt"]:  # type: ignore[attr-defined]
        assert re.fullmatch(r"[a-z_]+/\+/announce", topic)


def test_manifest_rejects_broken_manifest() -> None:
    broken = {**_manifest(), "iot_class": "sometimes_polling"}
    with pytest.raises(probatio.Invalid):
        MANIFEST_SCHEMA(broken)
    with pytest.raises(probatio.Invalid):
        MANIFEST_SCHEMA({k: v for k, v in _manifest().items() if k != "version"})


async def test_loads_through_home_assistant_loader(hass: HomeAssistant) -> None:
    integration = await async_get_integration(hass, DOMAIN)
    assert integration.is_built_in is False
    assert integration.config_flow is True
    assert integration.version == AwesomeVersion(str(_manifest()["version"]))
    assert integration.has_branding
    assert integration.mqtt == ["py_iot_home/+/announce"]
    assert await integration.async_get_component()
    assert integration.get_platform_cached("config_flow") or await integration.async_get_platform(
        "config_flow"
    )


def test_hacs_json_minimum_version_is_tested() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text())
    assert set(hacs) >= {"name", "homeassistant"}
    assert hacs["name"] == _manifest()["name"]
    # script/test runs the suite on the release the pinned test plugin pins (the minimum) and on
    # the newest one: the declared minimum is exactly the former, and this run is not older.
    plugin_pin = next(
        requirement.split("==")[1]
        for requirement in requires("pytest-homeassistant-custom-component") or []
        if requirement.startswith("homeassistant==")
    )
    assert hacs["homeassistant"] == plugin_pin
    assert AwesomeVersion(hacs["homeassistant"]) <= AwesomeVersion(HA_VERSION)


BRAND_IMAGES = (
    "icon.png",
    "icon@2x.png",
    "logo.png",
    "logo@2x.png",
    "dark_logo.png",
    "dark_logo@2x.png",
)


def test_brand_images() -> None:
    for name in BRAND_IMAGES:
        data = (COMPONENT / "brand" / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), name


@pytest.mark.parametrize(
    ("name", "shortest_side"),
    [
        ("icon.png", (256, 256)),
        ("icon@2x.png", (512, 512)),
        ("logo.png", (128, 256)),
        ("logo@2x.png", (256, 512)),
        ("dark_logo.png", (128, 256)),
        ("dark_logo@2x.png", (256, 512)),
    ],
)
def test_brand_images_are_trimmed(name: str, shortest_side: tuple[int, int]) -> None:
    """Home Assistant's brand rules: trimmed images (else the logo shows tiny), icons square."""
    from PIL import Image

    with Image.open(COMPONENT / "brand" / name) as image:
        alpha = image.convert("RGBA").getchannel("A")
        assert alpha.getbbox() == (0, 0, *image.size), f"{name} has a transparent margin"
        assert shortest_side[0] <= min(image.size) <= shortest_side[1]
        if name.startswith("icon"):
            assert image.width == image.height


def test_translations_are_built_from_strings() -> None:
    from script.translations_build import build

    assert (COMPONENT / "translations" / "en.json").read_text() == build()


def test_requirements_are_the_imported_libraries() -> None:
    names = {re.split(r"[<>=;]", requirement)[0] for requirement in _manifest()["requirements"]}  # type: ignore[attr-defined]
    # The power forecast is numpy alone: scikit-learn is no longer needed by anything.
    assert names == {"numpy", "pandas"}


def test_false_marker_requirement_is_skipped_by_home_assistant(tmp_path: Path) -> None:
    """What docs/hardware.md relies on: Home Assistant hands a requirement with an
    environment marker to uv, which skips it where the marker is false (no download)."""
    from homeassistant.util import package

    requirement = "RPi.GPIO==0.7.1; platform_machine == 'riscv128'"
    assert package.is_installed(requirement) is False
    assert package.install_package(requirement, upgrade=False, target=str(tmp_path)) is True
    assert [path.name for path in tmp_path.iterdir() if path.name != ".lock"] == []


def test_menu_titles_have_no_placeholders() -> None:
    """The frontend fills a menu step's description with its placeholders, never its title.

    A board's menu titled "Options of {name}" showed "Translation [formatjs Error:
    MISSING_VALUE] ..." as the dialog's title.
    """
    strings = json.loads((COMPONENT / "strings.json").read_text())
    steps = {
        **{
            f"{section}.{step_id}": step
            for section in ("config", "options")
            for step_id, step in strings[section]["step"].items()
        },
        **{
            f"config_subentries.{kind}.{step_id}": step
            for kind, flow in strings["config_subentries"].items()
            for step_id, step in flow["step"].items()
        },
    }
    menus = {
        key: step["title"]
        for key, step in steps.items()
        if "menu_options" in step and "title" in step
    }
    assert "config_subentries.board.reconfigure" in menus
    assert {step: title for step, title in menus.items() if "{" in title} == {}
