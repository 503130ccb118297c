"""What the development stack does with an automation or script made in Home Assistant's editors."""

from __future__ import annotations

import shutil
from pathlib import Path

from homeassistant import config as conf_util
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from .demo_configuration import CONFIGURATION

# The editors' files as script/develop starts them, before Home Assistant's first start.
EDITOR_FILES = {"automations.yaml": "[]\n", "scripts.yaml": "", "scenes.yaml": ""}


async def test_an_automation_and_a_script_saved_in_the_editors_are_loaded(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, tmp_path: Path
) -> None:
    """The editors write automations.yaml and scripts.yaml and reload: configuration.yaml
    read neither, so a script saved in the editor was written and never appeared (a new
    user's "Forecast note" script, built on the `forecast_power` action)."""
    shutil.copy(CONFIGURATION, tmp_path / "configuration.yaml")
    (tmp_path / "packages").mkdir()
    for name, text in EDITOR_FILES.items():
        (tmp_path / name).write_text(text)
    hass.config.config_dir = str(tmp_path)
    config = await conf_util.async_hass_config_yaml(hass)
    for domain in ("automation", "script", "config"):
        assert await async_setup_component(hass, domain, config)
    await hass.async_block_till_done()

    client = await hass_client()
    script = {"alias": "Forecast note", "sequence": [{"delay": 1}]}
    response = await client.post("/api/config/script/config/forecast_note", json=script)
    assert response.status == 200, await response.text()
    automation = {
        "id": "1",
        "alias": "Note the rising garage",
        "triggers": [
            {"trigger": "state", "entity_id": "binary_sensor.garage_pi_temperature_rising"}
        ],
        "actions": [{"action": "script.forecast_note"}],
    }
    response = await client.post("/api/config/automation/config/1", json=automation)
    assert response.status == 200, await response.text()
    await hass.async_block_till_done()

    assert hass.states.get("script.forecast_note") is not None
    assert hass.states.get("automation.note_the_rising_garage") is not None
