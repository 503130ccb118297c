"""Assist: "is the power use rising?", from the trend of the meter the home's power is read from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from numpy.typing import NDArray
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import (
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TRAINING_DAYS,
    DOMAIN,
)
from custom_components.py_iot_home.protocol import SensorSample

from .assist_sentences import NOT_EXPOSED, disable_by_user, said, start_assist, start_default_agent
from .home_entry import forecast_subentry, home_entry
from .node_messages import NODE_ID, room_and_meter_reporting
from .test_predictor import POWER, _set_states

MAINS = "sensor.kitchen_pi_mains_power"
MAINS_TREND = "sensor.kitchen_pi_mains_power_trend"
DAY_S = 86400.0

# The MQTT client's housekeeping timer outlives the test, as in every node test.
pytestmark = pytest.mark.parametrize("expected_lingering_timers", [True])


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def _meter_node(hass: HomeAssistant) -> None:
    """The kitchen node, its meter reading 1234.5 W (no trend yet)."""
    await room_and_meter_reporting(
        hass,
        {
            "dht1": SensorSample(temperature=21.0, humidity=40.0),
            "meter": SensorSample(power=1234.5, temperature=23.0),
        },
    )


async def _meter_samples(
    hass: HomeAssistant, days: float, watts: Callable[[NDArray[np.float64]], NDArray[np.float64]]
) -> None:
    """The meter's power every 15 minutes over the last `days`: `watts` of the days since."""
    now_s = dt_util.utcnow().timestamp()
    times = np.arange(now_s - days * DAY_S + 900.0, now_s, 900.0)
    node = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, NODE_ID)
    assert node is not None
    trend = node.runtime_data.trend
    trend.add_samples("meter_power", times, watts((times - times[0]) / DAY_S))
    await trend.async_refresh()
    await hass.async_block_till_done()


async def _forecast_learning(hass: HomeAssistant, power_entity: str) -> None:
    """A power forecast set up on `power_entity`, as the demo's learns the meter's."""
    entry = home_entry(
        forecast_subentry(
            {CONF_POWER_ENTITY: power_entity, CONF_TRAINING_DAYS: 60, CONF_RETRAIN_HOURS: 24}
        )
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_is_the_power_use_rising_from_the_meters_trend(
    recorder_mock: Recorder, hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """ "Is the mains power rising" was "Sorry, I couldn't understand that", "what is the power
    trend" "not aware of any device called power trend", though the meter the forecast learns
    from has a trend. Its slope is said in whole watts a day, as the trend sensor shows it."""
    await _meter_node(hass)
    await _meter_samples(hass, 3, lambda days: 400.0 + 1200.0 * days)
    await _forecast_learning(hass, MAINS)
    await start_assist(hass)
    trend = hass.states.get(MAINS_TREND)
    assert (float(trend.state), trend.attributes["direction"]) == (1200.0, "rising")
    more = (
        "the home is using more power: +1,200\u00a0W a day over the last 3 days (Kitchen Pi "
        "Mains power)."
    )
    for sentence, answer in (
        ("is the mains power rising", f"Yes, {more}"),
        ("is the power use going up?", f"Yes, {more}"),
        ("is our electricity consumption increasing", f"Yes, {more}"),
        ("is the home using more power", f"Yes, {more}"),
        ("are we using more electricity lately", f"Yes, {more}"),
        ("is the power falling", f"No, {more}"),
        ("is the house power use going down", f"No, {more}"),
        ("are we using less power", f"No, {more}"),
        ("what is the power trend", f"T{more[1:]}"),
        ("what's the mains power trend?", f"T{more[1:]}"),
        ("how is the energy usage trend", f"T{more[1:]}"),
    ):
        assert await said(hass, sentence) == answer, sentence


async def test_before_the_first_slope_the_meter_says_when(
    recorder_mock: Recorder, hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Without a forecast the node's meter is the home's power, as for "how much power are we
    using"; before its trend has a slope, when to ask again (as the trend expects it)."""
    await _meter_node(hass)
    await start_assist(hass)
    trend = hass.states.get(MAINS_TREND)
    assert trend.state == "unknown"
    ready_at = dt_util.as_local(dt_util.parse_datetime(trend.attributes["ready_at"]))
    assert await said(hass, "is the power use rising") == (
        "Not enough data yet to tell whether the home is using more or less power (Kitchen Pi "
        f"Mains power); ask again after {ready_at:%-I:%M %p} {_day(ready_at)}."
    )


def _day(moment: datetime) -> str:
    return "today" if moment.date() == dt_util.now().date() else "tomorrow"


async def test_a_meter_not_exposed_is_not_read(
    recorder_mock: Recorder, hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Home Assistant exposes neither power sensors nor trend sensors by default: Assist says
    where to expose the meter, as "how much power are we using" does."""
    await _meter_node(hass)
    await _meter_samples(hass, 3, lambda days: 400.0 + 1200.0 * days)
    await start_default_agent(hass)
    assert await said(hass, "is the power rising") == f"Kitchen Pi Mains power{NOT_EXPOSED}"
    assert await said(hass, "how much power are we using") == (
        f"Kitchen Pi Mains power{NOT_EXPOSED}"
    )


async def test_a_disabled_power_trend_is_named_with_where_to_enable_it(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
) -> None:
    await _meter_node(hass)
    await _forecast_learning(hass, MAINS)
    await start_assist(hass)
    await disable_by_user(hass, freezer, MAINS_TREND)
    assert await said(hass, "is the home using less power") == (
        "The power trend of Kitchen Pi Mains power, Kitchen Pi Mains power trend, is disabled, "
        "so I cannot tell whether the home is using less power: enable it on the Kitchen Pi "
        "device's page, under Settings, Devices & services, Devices."
    )


async def test_a_week_too_uneven_is_no_clear_trend(
    recorder_mock: Recorder, hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Days hundreds of watts apart (a day at home, a day away): no slope, and it says so."""
    await _meter_node(hass)
    day_means = np.array([500.0, 1100.0, 200.0, 900.0, 100.0, 1000.0, 400.0, 800.0])
    await _meter_samples(
        hass, 7, lambda days: day_means[days.astype(int)] + 10.0 * np.sin(days * 24.0)
    )
    await start_assist(hass)
    assert hass.states.get(MAINS_TREND).attributes["unknown_reason"] == "no_clear_trend"
    assert await said(hass, "what is the power trend") == (
        "The power (Kitchen Pi Mains power) has no clear trend: it went up and down too much "
        "over the last 7 days to tell whether the home is using more or less power."
    )


async def test_another_integrations_power_sensor_keeps_no_trend(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    """The forecast learns a sensor of another integration: no trend of ours, none guessed;
    the reading now, and what would keep one."""
    _set_states(hass)
    hass.states.async_set(POWER, "100", {"unit_of_measurement": "W", "friendly_name": "Grid"})
    await _forecast_learning(hass, POWER)
    await start_assist(hass)
    assert await said(hass, "is the power rising") == (
        "Grid keeps no power trend, so I cannot tell whether the home is using more power: a "
        "node's power meter, chosen as a power forecast's power sensor, keeps one. Grid reads "
        "100\u00a0W now."
    )
