"""Home Assistant's test instance outside pytest, set up as the test plugin's fixtures set it up.

For benchmarks: the same harness as the tests (`async_test_home_assistant`), with what the
`hass` and `enable_custom_integrations` fixtures add, so a bench needs no harness of its own:

    async with script_home_assistant(config_dir) as hass:
        await async_setup_http(hass)  # MQTT depends on http
        ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from unittest.mock import patch

# Before the plugin: on the newest release two of its imports need help (see ha_compat).
import tests.ha_compat  # noqa: F401  # isort: skip
from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import frame
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    async_test_home_assistant,
)

from tests.mosquitto_server import free_port


@asynccontextmanager
async def script_home_assistant(config_dir: Path | str) -> AsyncIterator[HomeAssistant]:
    """A test Home Assistant that finds custom_components/py_iot_home; stopped on exit.

    No configuration.yaml is read. Loaded entries are unloaded before the stop, as the
    plugin's `hass` fixture does.
    """
    async with async_test_home_assistant(config_dir=str(config_dir)) as hass:
        # The plugin's `hass` fixture: Home Assistant's usage reports need the frame helper.
        frame.async_setup(hass)
        # The `enable_custom_integrations` fixture: let the loader see custom_components.
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        with patch("homeassistant.config.load_yaml_config_file", return_value={}):
            try:
                yield hass
            finally:
                for entry in hass.config_entries.async_entries():
                    if entry.state is ConfigEntryState.LOADED:
                        await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_stop(force=True)


async def async_setup_http(hass: HomeAssistant) -> int:
    """Set up `http` on a free loopback port (not 8123, which a running stack may hold)."""
    port = free_port()
    http = {"http": {"server_host": ["127.0.0.1"], "server_port": port}}
    assert await async_setup_component(hass, "http", http)
    return port
