"""The real node agent, a real Mosquitto: its LED shows before the wait ends, never Unknown.

The agent reads its sensors every two minutes here: what shows the LED after the node is
confirmed, and after a reload, is its answer to the request Home Assistant sends as it
subscribes, not a reading.
"""

from __future__ import annotations

import time
from collections import defaultdict
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


async def test_confirmed_and_reloaded_node_shows_its_led_without_unknown(
    hass: HomeAssistant, mqtt_entry: MockConfigEntry, tmp_path: Path, broker: MosquittoServer
) -> None:
    """Reloaded within the agent's 10 s ration of answers (RESEND_MIN_INTERVAL_S), as a user
    changing a node's options right after confirming it does: the switch states come on
    their own ration, before the wait for them ends, and the node is never "Disconnected"."""
    agent = Agent(tmp_path / "node", broker, interval_s=INTERVAL_S)
    states: defaultdict[str, list[str]] = defaultdict(list)

    @callback
    def _changed(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None:
            states[new.entity_id].append(new.state)

    hass.bus.async_listen(EVENT_STATE_CHANGED, _changed)
    try:
        runtime = await discover_and_confirm(hass, agent)
        ids = entity_ids(hass)
        led, connectivity = ids["led"], ids["connectivity"]
        await wait_until(lambda: state_of(hass, led) == STATE_OFF, "LED once confirmed", agent)
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: led}, blocking=True
        )
        assert state_of(hass, led) == STATE_ON
        states[connectivity].clear()

        reloaded_at = time.monotonic()
        assert await hass.config_entries.async_reload(runtime.node.config_entry.entry_id)
        await wait_until(lambda: state_of(hass, led) == STATE_ON, "LED after the reload", agent)
        assert time.monotonic() - reloaded_at < SWITCH_STATES_WAIT_S
        assert STATE_UNKNOWN not in states[led], states[led]
        await wait_until(lambda: state_of(hass, connectivity) == STATE_ON, "connection", agent)
        assert STATE_OFF not in states[connectivity], states[connectivity]
        # One answer each (for no sample once confirmed, after the last sample seen on
        # reload), the second on the node's next turn.
        await wait_until(
            lambda: (
                (
                    agent.log().count("sending the switch states an unsigned request"),
                    agent.log().count("asked for what it missed: 0 samples to send again"),
                )
                == (1, 1)
            ),
            "answer",
            agent,
        )
    finally:
        agent.stop()
