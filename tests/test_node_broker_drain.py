"""End to end: a node back from an outage drains a large backlog; a command meanwhile is
confirmed in time, and every buffered sample reaches the statistics once.

The real node agent, a real Mosquitto, Home Assistant's real MQTT client and recorder. The
node reaches the broker over a link with a round trip of 50 ms (Wi-Fi, a remote shed), so
it drains its backlog one replay batch per 50 ms, as a Pi does.
"""

from __future__ import annotations

import asyncio
import math
import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from homeassistant.components.recorder import Recorder
from homeassistant.components.switch.const import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_ON, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from py_iot_node.buffer import SampleBuffer
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.py_iot_home.nodes import replay_statistics
from custom_components.py_iot_home.nodes.coordinator import COMMAND_CONFIRM_TIMEOUT_S
from custom_components.py_iot_home.protocol import (
    MessageSigner,
    SensorSample,
    StateMessage,
    build_state,
)

from .hourly_statistics import hourly_statistics
from .mosquitto_server import MosquittoServer, mosquitto_available
from .slow_link import SlowLink
from .test_node_broker import NODE_ID, Agent, discover_and_confirm, entity_ids, state_of, wait_until

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed"),
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

SECRET = "a secret for the draining node"
# 83 hours of samples, ten seconds apart (the trend's slot, so it keeps every one): 150
# replay batches, at least 7.5 s of round trips, longer than Home Assistant's 5 s wait.
BACKLOG = 30_000
SPACING_S = 10.0
LINK_DELAY_S = 0.025
DRAIN_WAIT_S = 90.0
HOUR_S = 3600


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


@pytest.fixture(params=["", SECRET], ids=["unsigned", "signed"])
def secret(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def link(broker: MosquittoServer) -> Iterator[SlowLink]:
    relay = SlowLink((broker.host, broker.port), LINK_DELAY_S)
    relay.start()
    yield relay
    relay.stop()


@pytest.fixture
def agent(tmp_path: Path, broker: MosquittoServer, link: SlowLink, secret: str) -> Iterator[Agent]:
    node = Agent(tmp_path / "node", broker)
    config = node.config.read_text()
    assert f"port: {broker.port}," in config
    config = config.replace(f"port: {broker.port},", f"port: {link.port},")
    node.config.write_text(f"{config}secret: {SECRET}\n" if secret else config)
    yield node
    node.stop()


def buffer_backlog(state_dir: Path, secret: str, first_ts: float) -> dict[int, tuple[float, float]]:
    """What the node buffered while it could not reach the broker: (ts, °C) by seq.

    Written with the node's own buffer and counter, as the stopped agent would have.
    """
    buffer = SampleBuffer(state_dir / "buffer.sqlite3", BACKLOG)
    counter = buffer.sequence()
    signer = MessageSigner(secret) if secret else None
    written = {}
    try:
        for index in range(BACKLOG):
            ts = first_ts + index * SPACING_S
            temperature = round(15.0 + (index * 37 % 1000) / 100, 2)
            state = StateMessage(
                node_id=NODE_ID,
                ts=ts,
                seq=counter(),
                sensors={"climate": SensorSample(temperature=temperature, humidity=45.0)},
                switches={"led": False},
            )
            buffer.append(state.seq, build_state(state, signer=signer).payload)
            written[state.seq] = (ts, temperature)
    finally:
        buffer.close()
    return written


async def test_a_command_during_a_drain_is_confirmed_in_time_and_nothing_is_lost(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mqtt_entry: MockConfigEntry,
    agent: Agent,
    secret: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(replay_statistics, "IMPORT_DELAY_S", 0.5)
    # The drain's batches meet at an hour's edge: the second import of that hour is not
    # held a minute here.
    monkeypatch.setattr(replay_statistics, "REIMPORT_SPACING_S", 0.5)
    runtime = await discover_and_confirm(hass, agent, secret)
    node = runtime.node
    ids = entity_ids(hass)
    await wait_until(lambda: node.messages_accepted["state"] >= 2, "live states", agent)
    assert state_of(hass, ids["led"]) == STATE_OFF

    # The node loses the broker for days and buffers a sample every ten seconds.
    agent.signal(signal.SIGTERM)
    assert agent.process is not None
    assert await hass.async_add_executor_job(agent.process.wait, 10) == 0
    last_complete_hour = math.floor(time.time() / HOUR_S) * HOUR_S - HOUR_S
    first_ts = last_complete_hour - BACKLOG * SPACING_S
    backlog = await hass.async_add_executor_job(
        buffer_backlog, agent.config.parent / "state", secret, first_ts
    )
    arrivals: Counter[int] = Counter()
    node.async_add_samples_listener(
        lambda states, _replayed: arrivals.update(state.seq for state in states)
    )

    # Back: the user switches the LED while the backlog drains.
    agent.start()
    await wait_until(lambda: node.replayed_samples > 0, "the first replay batch", agent)
    asked_at = time.monotonic()
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: ids["led"]}, blocking=True
    )
    confirmed_after_s = time.monotonic() - asked_at
    replayed_by_then = node.replayed_samples
    assert confirmed_after_s < COMMAND_CONFIRM_TIMEOUT_S
    assert state_of(hass, ids["led"]) == STATE_ON
    assert node.data.switches == {"led": True}
    # The broker keeps the node's order: the confirmation left before the backlog's end.
    assert replayed_by_then < BACKLOG

    deadline = time.monotonic() + DRAIN_WAIT_S
    while not backlog.keys() <= arrivals.keys():
        assert time.monotonic() < deadline, f"backlog not through: {agent.log()[-2000:]}"
        await asyncio.sleep(0.2)
    # Each buffered sample arrived once. A signed node's reconnect skips counters (the
    # backlog's), so one resend is asked: the answer's batches Home Assistant had already
    # are counted as replayed_counter (Signatures, in docs/protocol.md). Nothing else.
    assert {arrivals[seq] for seq in backlog} == {1}
    assert node.resend.requests_sent <= (1 if secret else 0)
    assert set(node.rejections.counts) <= ({"replayed_counter"} if secret else set())
    assert state_of(hass, ids["led"]) == STATE_ON

    # The statistics of every hour hold each buffered sample once.
    await asyncio.sleep(2 * replay_statistics.IMPORT_DELAY_S)
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    times = np.array([ts for ts, _ in backlog.values()])
    values = np.array([value for _, value in backlog.values()])
    hours = (times // HOUR_S).astype(np.int64)
    expected = [(float(hour * HOUR_S), values[hours == hour]) for hour in np.unique(hours)]
    rows = await hourly_statistics(
        hass,
        ids["temperature"],
        dt_util.utc_from_timestamp(first_ts - HOUR_S),
        dt_util.utc_from_timestamp(last_complete_hour),
    )
    assert [row["start"] for row in rows] == [start for start, _ in expected]
    for row, (_, hour_values) in zip(rows, expected, strict=True):
        assert row["mean"] == pytest.approx(hour_values.mean(), abs=1e-4)
        assert row["min"] == pytest.approx(hour_values.min(), abs=1e-4)
        assert row["max"] == pytest.approx(hour_values.max(), abs=1e-4)
