"""Home Assistant's MQTT integration set up on a broker, as the tests and benchmarks need it."""

from __future__ import annotations

from typing import Any

from homeassistant.components import mqtt
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)


async def async_setup_mqtt_entry(hass: HomeAssistant, data: dict[str, Any]) -> MockConfigEntry:
    """Add and set up an MQTT entry with `data` (broker, port...), and wait for its client.

    No birth message: its publish waits for discovery to settle, and a broker restart in
    that window fails it (an unretrieved task error, unrelated to what is measured).
    """
    entry = MockConfigEntry(
        domain=mqtt.DOMAIN,
        title="MQTT",
        data=data,
        options={"birth_message": {}},
        version=mqtt.CONFIG_ENTRY_VERSION,
        minor_version=mqtt.CONFIG_ENTRY_MINOR_VERSION,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert await mqtt.async_wait_for_mqtt_client(hass)
    return entry
