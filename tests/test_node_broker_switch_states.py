"""The real node agent, a real Mosquitto: after a reload, the LED shows at once, never Unknown.

The agent reads its sensors every two minutes here: what shows the LED after the reload is
its answer to the request Home Assistant sends as it subscribes, not a reading.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from homeassistant.components.switch.const import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_ON, STATE_ON, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.py_iot_home.nodes.coordinator import SWITCH_STATES_WAIT_S

from .mosquitto_server import MosquittoServer, mosquitto_available
from .test_node_broker import Agent, discover_and_confirm, entity_ids, state_of, wait_until

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed"),
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

INTERVAL_S = 120


async def test_reload_shows_the_led_within_a_second(
    hass: HomeAssistant, mqtt_entry: MockConfigEntry, tmp_path: Path, broker: MosquittoServer
) -> None:
    agent = Agent(tmp_path / "node", broker, interval_s=INTERVAL_S)
    try:
        runtime = await discover_and_confirm(hass, agent)
        led = entity_ids(hass)["led"]
        # Confirmed just now, the node's switch has not been heard yet: the wait runs out.
        await wait_until(lambda: state_of(hass, led) == STATE_UNKNOWN, "LED after the wait", agent)
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: led}, blocking=True
        )
        assert state_of(hass, led) == STATE_ON

        states: list[str | None] = []

        @callback
        def _changed(event: Event[EventStateChangedData]) -> None:
            new = event.data["new_state"]
            states.append(new and new.state)

        async_track_state_change_event(hass, led, _changed)
        reloaded_at = time.monotonic()
        assert await hass.config_entries.async_reload(runtime.node.config_entry.entry_id)
        await wait_until(lambda: state_of(hass, led) == STATE_ON, "LED after the reload", agent)
        shown_after_s = time.monotonic() - reloaded_at
        assert shown_after_s < SWITCH_STATES_WAIT_S, shown_after_s
        assert STATE_UNKNOWN not in states
        assert "resending 0 samples" in agent.log()
    finally:
        agent.stop()
