"""The actions' fields as the UI offers them (services.yaml), read by Home Assistant's selectors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from homeassistant.helpers import selector

SERVICES = Path(__file__).parents[1] / "custom_components" / "py_iot_home" / "services.yaml"


def _fields() -> list[tuple[str, str, dict[str, Any]]]:
    actions = yaml.safe_load(SERVICES.read_text(encoding="utf-8"))
    return [
        (action, name, field["selector"])
        for action, description in actions.items()
        for name, field in description.get("fields", {}).items()
        if "selector" in field
    ]


@pytest.mark.parametrize(("action", "name", "config"), _fields())
def test_every_field_is_a_selector_home_assistant_reads(
    action: str, name: str, config: dict[str, Any]
) -> None:
    selector.validate_selector(config)


@pytest.mark.parametrize("action", ["forecast_power", "retrain"])
def test_the_forecast_actions_offer_power_sensors_of_ours_only(action: str) -> None:
    """The picker offered every sensor of the integration (temperatures, trends, ...), and a
    pick other than a forecast's was refused only once run (a walk's finding)."""
    config = {name: conf for act, name, conf in _fields() if act == action}["entity_id"]
    (entity_filter,) = selector.validate_selector(config)["entity"]["filter"]
    assert entity_filter["integration"] == "py_iot_home"
    assert entity_filter["domain"] == ["sensor"]
    assert entity_filter["device_class"] == ["power"]
