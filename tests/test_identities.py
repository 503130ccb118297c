"""Entities and devices keep the identities earlier releases gave them.

Unique ids and device identifiers are what an installation's entity ids, names, areas and
history hang on: a refactor that changed one would orphan them. These are the identities the
2026.11 releases created; the entity and device registries must find exactly these.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.py_iot_home.const import DOMAIN


def identities(hass: HomeAssistant, entry_id: str) -> tuple[set[tuple[str, str, str]], set[str]]:
    entities = {
        (entity.domain, entity.unique_id, entity.entity_id)
        for entity in er.async_entries_for_config_entry(er.async_get(hass), entry_id)
    }
    devices = {
        value
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id)
        for domain, value in device.identifiers
        if domain == DOMAIN
    }
    return entities, devices


async def test_a_board_keeps_its_identities(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    entities, devices = identities(hass, init_integration.entry_id)
    assert devices == {"board0001", "board0001_led_led00001"}
    assert entities == {
        ("sensor", "board0001_temperature", "sensor.living_room_temperature"),
        ("sensor", "board0001_humidity", "sensor.living_room_humidity"),
        ("sensor", "board0001_temperature_trend", "sensor.living_room_temperature_trend"),
        ("sensor", "board0001_humidity_trend", "sensor.living_room_humidity_trend"),
        # Added 2026-12-04: why a trend is unknown, on the device page.
        (
            "sensor",
            "board0001_temperature_trend_status",
            "sensor.living_room_temperature_status",
        ),
        ("sensor", "board0001_humidity_trend_status", "sensor.living_room_humidity_status"),
        # Added 2026-12-05: when a trend is expected, as the device page shows a time.
        (
            "sensor",
            "board0001_temperature_trend_expected",
            "sensor.living_room_temperature_ready",
        ),
        (
            "sensor",
            "board0001_humidity_trend_expected",
            "sensor.living_room_humidity_ready",
        ),
        (
            "binary_sensor",
            "board0001_temperature_rising",
            "binary_sensor.living_room_temperature_rising",
        ),
        ("binary_sensor", "board0001_humidity_rising", "binary_sensor.living_room_humidity_rising"),
        ("switch", "board0001_led_led00001", "switch.desk_led"),
    }
