"""The power quantity: announced like the others, sent only by sensors that measure it."""

from __future__ import annotations

import pytest

from custom_components.py_iot_home.protocol import (
    NodeAnnouncement,
    ProtocolError,
    Quantity,
    RejectionKind,
    SensorInfo,
    SensorSample,
    StateMessage,
    build_announcement,
    build_state,
    parse_announcement,
    parse_state,
)

STATE = "py_iot_home/meter/state"


def test_power_round_trip() -> None:
    state = StateMessage(
        node_id="meter", ts=1.78e9, seq=3, sensors={"m": SensorSample(power=812.5, humidity=40.0)}
    )
    assert parse_state(STATE, build_state(state).payload) == state


def test_announced_power_quantity() -> None:
    node = NodeAnnouncement(
        node_id="meter",
        name="Meter",
        model="Pi",
        sw_version="1",
        sensors=(SensorInfo(key="m", name="Mains", quantities=(Quantity.POWER,), model="x"),),
        switches=(),
        interval_s=10,
    )
    message = build_announcement(node)
    assert parse_announcement(message.topic, message.payload).sensors[0].quantities == (
        Quantity.POWER,
    )


@pytest.mark.parametrize("power", [-1, 1_000_001, "5", True])
def test_implausible_power_is_rejected(power: object) -> None:
    payload = (
        b'{"v":1,"ts":1780000000.0,"seq":1,"sensors":{"m":{"power":%s}},"switches":{}}'
        % (str(power).lower() if not isinstance(power, str) else f'"{power}"').encode()
    )
    with pytest.raises(ProtocolError) as err:
        parse_state(STATE, payload)
    assert err.value.kind in (RejectionKind.OUT_OF_RANGE, RejectionKind.WRONG_TYPE)
