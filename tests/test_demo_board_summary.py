"""script/develop's banner says of each board what Home Assistant set up, not "simulated".

The banner read 'the board "Climate sensor" (Living Room) is simulated' whatever the board
was: one moved to the Pi's own sensor, or one that did not start, was still "simulated".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.py_iot_home.const import CONF_LEDS, DOMAIN
from script.demo.board_summary import board_lines
from script.demo.bootstrap import subentry_ids
from script.demo.ha_client import HomeAssistantClient

from .fakes import install_fake_hardware
from .home_entry import board_subentry, home_entry

A_GOOD_READ = "2026-12-06 12:00:00+00:00"


def _board(board_data: dict[str, Any], number: int, **changes: Any) -> dict[str, Any]:
    led = {**board_data[CONF_LEDS][0], "led_id": f"led0000{number}", "pin": 20 + number}
    return {
        **board_data,
        "board_id": f"board000{number}",
        "dht_pin": 4 + number,
        CONF_LEDS: [led],
        **changes,
    }


# The simulated DHT22 botches a read now and then, as the real one does, at instants its seed
# and the clock decide: at the wall clock's, the first read failed in one CI run and the line
# said "no reading yet". This instant's read succeeds (frozen from the start: the access
# token is issued at it).
@pytest.mark.freeze_time(A_GOOD_READ)
@pytest.mark.usefixtures("enable_custom_integrations", "socket_enabled")
async def test_the_banner_says_what_each_board_runs_on(
    hass: HomeAssistant,
    hass_access_token: str,
    hass_client_no_auth: ClientSessionGenerator,
    board_data: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    hardware = install_fake_hardware(monkeypatch, rpi_gpio="missing")
    assert hardware.gpiod is not None
    hardware.gpiod.claim("/dev/gpiochip0", 23)  # the garage's LED
    for component in ("http", "api", "homeassistant", "config", "websocket_api"):
        assert await async_setup_component(hass, component, {})
    server = await hass_client_no_auth()
    base_url = str(server.make_url("")).rstrip("/")
    entry = home_entry(
        board_subentry(
            _board(board_data, 1, backend="simulated"), title="Climate sensor", subentry_id="a"
        ),
        board_subentry(_board(board_data, 2, backend="auto"), title="Attic", subentry_id="b"),
        board_subentry(_board(board_data, 3, backend="auto"), title="Garage", subentry_id="c"),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    living_room = ar.async_get(hass).async_create("Living room")
    devices = dr.async_get(hass)
    climate_sensor = devices.async_get_device_by_identifier((DOMAIN, "board0001"), entry.entry_id)
    devices.async_update_device(climate_sensor.id, area_id=living_room.id)

    async with HomeAssistantClient(hass_access_token, base_url) as client:
        lines = await board_lines(client, await subentry_ids(client, "board"))

    assert lines == [
        '"Attic": DHT22 read through adafruit_dht',
        '"Climate sensor" (Living room): simulated',
        # Never set up, so no device: the pin was held from its first start.
        '"Garage": not running (Settings > System > Repairs says why)',
    ]
