"""End to end: a command that reaches a stalled node after Home Assistant gave up is not obeyed.

The real node agent, a real Mosquitto and Home Assistant's real MQTT client. The agent is
stopped (SIGSTOP) as a stalled link or a busy Pi would stall it: the broker hands it the
command, which it reads only once it runs again, after Home Assistant called it failed.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from homeassistant.components.switch.const import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.py_iot_home.nodes.coordinator import COMMAND_CONFIRM_TIMEOUT_S

from .mosquitto_server import MosquittoServer, mosquitto_available
from .test_node_broker import Agent, discover_and_confirm, entity_ids, state_of, wait_until

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed"),
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

# Longer than the stall: the broker must not end the node's session meanwhile.
KEEPALIVE_S = 60
SECRET = "a secret for the late command node"


@pytest.fixture(params=["", SECRET], ids=["unsigned", "signed"])
def secret(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def agent(tmp_path: Path, broker: MosquittoServer, secret: str) -> Iterator[Agent]:
    node = Agent(tmp_path / "node", broker)
    config = node.config.read_text()
    assert "keepalive_s: 5}" in config
    config = config.replace("keepalive_s: 5}", f"keepalive_s: {KEEPALIVE_S}}}")
    node.config.write_text(f"{config}secret: {SECRET}\n" if secret else config)
    yield node
    if node.process is not None and node.process.poll() is None:
        node.signal(signal.SIGCONT)
    node.stop()


async def test_a_command_given_up_on_is_not_obeyed_when_the_node_reads_it_late(
    hass: HomeAssistant, mqtt_entry: MockConfigEntry, agent: Agent, secret: str
) -> None:
    runtime = await discover_and_confirm(hass, agent, secret)
    node = runtime.node
    ids = entity_ids(hass)
    await wait_until(lambda: node.messages_accepted["state"] >= 2, "live states", agent)

    # In time: obeyed, and confirmed within the wait.
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: ids["led"]}, blocking=True
    )
    assert state_of(hass, ids["led"]) == STATE_ON

    agent.signal(signal.SIGSTOP)
    stalled_at = time.monotonic()
    states = node.messages_accepted["state"]
    try:
        with pytest.raises(HomeAssistantError) as raised:
            await hass.services.async_call(
                SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: ids["led"]}, blocking=True
            )
        assert raised.value.translation_key == "command_not_confirmed"
        await asyncio.sleep(1.0)
    finally:
        agent.signal(signal.SIGCONT)
    assert time.monotonic() - stalled_at > COMMAND_CONFIRM_TIMEOUT_S

    # The node reads the command now, refuses it and says what the LED really is.
    await wait_until(lambda: node.messages_accepted["state"] >= states + 3, "states after", agent)
    assert state_of(hass, ids["led"]) == STATE_ON
    assert node.data.switches == {"led": True}
    assert "past its deadline" in agent.log()

    # The link is back: a command in time is obeyed and confirmed again.
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: ids["led"]}, blocking=True
    )
    assert node.data.switches == {"led": False}
    assert agent.log().count("past its deadline") == 1
    assert dict(node.rejections.counts) == {}
