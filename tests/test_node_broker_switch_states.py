"""The real node agent, a real Mosquitto: its LED shows before the wait ends, never Unknown.

The agent reads its sensors every two minutes here: what shows the LED after the node is
confirmed, and after a reload, is its answer to the request Home Assistant sends as it
subscribes, not a reading.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from homeassistant.components.switch.const import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    EVENT_STATE_CHANGED,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .mosquitto_server import MosquittoServer, mosquitto_available
from .test_node_broker import Agent, discover_and_confirm, entity_ids, state_of, wait_until

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed"),
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

INTERVAL_S = 120
# The agent answers one request every 10 s (RESEND_MIN_INTERVAL_S); a reload sooner after the
# confirmation waits for the node's turn.
ANSWER_TURN_S = 10.0


async def test_confirmed_and_reloaded_node_shows_its_led_without_unknown(
    hass: HomeAssistant, mqtt_entry: MockConfigEntry, tmp_path: Path, broker: MosquittoServer
) -> None:
    agent = Agent(tmp_path / "node", broker, interval_s=INTERVAL_S)
    switch_states: list[str] = []

    @callback
    def _changed(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None and new.entity_id.startswith("switch."):
            switch_states.append(new.state)

    hass.bus.async_listen(EVENT_STATE_CHANGED, _changed)
    try:
        runtime = await discover_and_confirm(hass, agent)
        confirmed_at = time.monotonic()
        led = entity_ids(hass)["led"]
        await wait_until(lambda: state_of(hass, led) == STATE_OFF, "LED once confirmed", agent)
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: led}, blocking=True
        )
        assert state_of(hass, led) == STATE_ON

        await asyncio.sleep(max(0.0, confirmed_at + ANSWER_TURN_S - time.monotonic()))
        assert await hass.config_entries.async_reload(runtime.node.config_entry.entry_id)
        await wait_until(lambda: state_of(hass, led) == STATE_ON, "LED after the reload", agent)
        # Shown before the wait for it ran out (SWITCH_STATES_WAIT_S), it was never "Unknown".
        assert STATE_UNKNOWN not in switch_states, switch_states
        # One answer each: for no sample once confirmed, after the last sample seen on reload.
        assert agent.log().count("resending 0 samples after seq") == 2
    finally:
        agent.stop()
