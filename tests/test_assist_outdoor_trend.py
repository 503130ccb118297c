"""Assist: "is it getting colder outside?", from the trend of the home's outdoor sensor."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import (
    CONF_HUMIDITY_ENTITY,
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TEMPERATURE_ENTITY,
    CONF_TRAINING_DAYS,
    DOMAIN,
)
from custom_components.py_iot_home.protocol import Quantity, SensorInfo

from .assist_sentences import NOT_EXPOSED, disable_by_user, expose, said, start_assist
from .fakes import FakeHardware
from .home_entry import board_subentry, feature, forecast_subentry, home_entry
from .node_messages import BOTH, NODE_ID, announcement, discover_and_confirm
from .outdoor_weather import FORECAST_WEATHER, WEATHER, async_forecast_with_weather
from .test_predictor import NOW, POWER, _set_states
from .trend_samples import three_days_warming

OUTDOOR_TEMPERATURE = "sensor.garden_temperature"
OUTDOOR_HUMIDITY = "sensor.garden_humidity"
TEMPERATURE_TREND = "sensor.garden_temperature_trend"
HUMIDITY_TREND = "sensor.garden_humidity_trend"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


@pytest.fixture
def mock_config_entry(board_data: dict[str, Any]) -> MockConfigEntry:
    """A board's sensors outside, chosen as the power forecast's outdoor sensors."""
    return home_entry(
        board_subentry(board_data, title="Garden"),
        forecast_subentry(
            {
                CONF_POWER_ENTITY: POWER,
                CONF_TEMPERATURE_ENTITY: OUTDOOR_TEMPERATURE,
                CONF_HUMIDITY_ENTITY: OUTDOOR_HUMIDITY,
                CONF_TRAINING_DAYS: 60,
                CONF_RETRAIN_HOURS: 24,
            }
        ),
    )


@pytest.fixture
async def garden(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
) -> None:
    """The home set up, and the default agent with every entity exposed."""
    _set_states(hass)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await start_assist(hass)


@pytest.mark.usefixtures("garden")
async def test_is_it_getting_colder_outside_from_a_boards_trend(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """It said 'I cannot tell whether a room is getting "colder outside"', "not aware of any
    device called is the" and "couldn't understand"; the board outside has a trend."""
    assert hass.states.get(OUTDOOR_TEMPERATURE).name == "Garden Temperature"
    # Before the first slope: when to ask again, as the board's trend expects it.
    ready = "; ask again after "
    not_yet = await said(hass, "is it getting colder outside?")
    assert not_yet.startswith(
        "Not enough data yet to tell whether it is getting warmer or colder outside "
        f"(Garden Temperature){ready}"
    ), not_yet
    assert await said(hass, "is it getting warmer in the garden") == (
        "Not enough data yet to tell whether Garden is getting warmer or colder"
        + not_yet[not_yet.index(ready) :]
    )

    await three_days_warming(hass, mock_config_entry)
    slope = float(hass.states.get(TEMPERATURE_TREND).state)
    assert 1.5 < slope < 2.5
    warmer = (
        f"it is getting warmer outside: {slope:+.1f}\u00a0°C a day over the last 3 days "
        "(Garden Temperature)."
    )
    for sentence, answer in (
        ("is it getting colder outside?", f"No, {warmer}"),
        ("Is it getting warmer outside", f"Yes, {warmer}"),
        ("is it getting cooler outdoors", f"No, {warmer}"),
        ("is the temperature outside rising?", f"Yes, {warmer}"),
        ("is the temperature rising outside", f"Yes, {warmer}"),
        ("is the outdoor temperature falling", f"No, {warmer}"),
        ("is the outside temperature going up", f"Yes, {warmer}"),
        ("is it warming up outside?", f"Yes, {warmer}"),
        ("is it cooling down outside", f"No, {warmer}"),
        ("what is the temperature trend outside", warmer[0].upper() + warmer[1:]),
        ("what's the outdoor temperature trend?", warmer[0].upper() + warmer[1:]),
    ):
        assert await said(hass, sentence) == answer, sentence
    steady = float(hass.states.get(HUMIDITY_TREND).state)
    assert steady == pytest.approx(0.0, abs=1e-6)
    drier = (
        f"it is holding steady outside: {steady:+.2f}\u00a0percent a day over the last 3 days "
        "(Garden Humidity)."
    )
    for sentence in (
        "is it getting drier outside",
        "is it getting more humid outside?",
        "is the humidity outside falling",
        "is the outdoor humidity rising",
    ):
        assert await said(hass, sentence) == f"No, {drier}", sentence
    # The reading now is still the sensor's, not its trend.
    assert (await said(hass, "what is the temperature outside")).endswith(
        "\u00a0°C outside (Garden Temperature)."
    )

    # The trend follows its sensor's switch, as a room's does.
    expose(hass, TEMPERATURE_TREND, False)
    expose(hass, OUTDOOR_TEMPERATURE, False)
    assert await said(hass, "is it getting colder outside") == f"Garden Temperature{NOT_EXPOSED}"
    expose(hass, OUTDOOR_TEMPERATURE, True)
    assert await said(hass, "is it getting colder outside") == f"No, {warmer}"


@pytest.mark.usefixtures("garden")
async def test_a_disabled_trend_outside_is_named_with_where_to_enable_it(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """With its trend sensor disabled, Assist said the board's sensor outside "keeps no
    temperature trend" and that "a board's or node's sensor outside ... keeps one": it is
    one, and its trend is only disabled."""
    await disable_by_user(hass, freezer, TEMPERATURE_TREND)
    now = await said(hass, "what is the temperature outside")
    assert await said(hass, "is it getting colder outside") == (
        "The temperature trend of Garden Temperature, Garden Temperature trend, is disabled, "
        "so I cannot tell whether it is getting colder outside: enable it on the Garden "
        f"device's page, under Settings, Devices & services, Devices. {now}"
    )
    # The humidity's trend, still enabled, answers as before (no slope yet).
    assert (await said(hass, "is it getting drier outside")).startswith(
        "Not enough data yet to tell whether it is getting more humid or drier outside "
        "(Garden Humidity); ask again after "
    )


@pytest.mark.usefixtures("garden")
async def test_a_week_too_uneven_outside_is_no_clear_trend(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Days that jump by degrees (weather, not a trend): as a room's answer says it."""
    now_s = dt_util.utcnow().timestamp()
    times = np.arange(now_s - 7 * 86400 + 1800.0, now_s, 3600.0)
    days = ((times - times[0]) // 86400).astype(int)
    day_means = np.array([5.0, 11.0, 2.0, 9.0, 1.0, 10.0, 4.0, 8.0])
    trend = feature(mock_config_entry).trend
    trend.add_samples("temperature", times, day_means[days] + 0.1 * np.sin(times / 3600.0))
    await trend.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE_TREND).attributes["unknown_reason"] == "no_clear_trend"
    assert await said(hass, "is it getting colder outside") == (
        "The temperature outside (Garden Temperature) has no clear trend: it went up and down "
        "too much over the last 7 days to tell whether it is getting warmer or colder."
    )


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_is_it_getting_colder_outside_from_the_weather(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    """A weather entity keeps no trend of ours: no yes or no, the reading now, and what would
    keep one."""
    await async_forecast_with_weather(hass, WEATHER, outdoor_sensors=False)
    for sentence, whether in (
        ("is it getting colder outside", "getting colder"),
        ("is the temperature outside rising", "getting warmer"),
        ("is it warming up outside", "getting warmer"),
        ("what is the temperature trend outside", "getting warmer or colder"),
    ):
        assert await said(hass, sentence) == (
            f"Outdoor keeps no temperature trend, so I cannot tell whether it is {whether} "
            "outside: a board's or node's sensor outside, chosen as a power forecast's outdoor "
            "temperature sensor, keeps one. It is 5.2\u00a0°C outside (Outdoor)."
        ), sentence
    assert await said(hass, "is it getting drier outside") == (
        "Outdoor keeps no humidity trend, so I cannot tell whether it is getting drier outside: "
        "a board's or node's sensor outside, chosen as a power forecast's outdoor humidity "
        "sensor, keeps one. The humidity outside is 80\u00a0percent (Outdoor)."
    )
    expose(hass, "weather.outdoor", False)
    assert await said(hass, "is it getting colder outside") == f"Outdoor{NOT_EXPOSED}"
    # Matched as the area "it" getting "colder outside" too, the room's intent answers alike.
    expose(hass, "weather.outdoor", True)
    response = await intent.async_handle(
        hass,
        "test",
        "PyIotHomeGetAreaTrend",
        {"area": {"value": "it"}, "direction": {"value": "colder outside"}},
        assistant="conversation",
    )
    assert response.speech["plain"]["speech"] == await said(hass, "is it getting colder outside")


# The MQTT client's housekeeping timer outlives the test, as in every node test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_a_nodes_sensor_outside_answers_from_its_own_trend(
    recorder_mock: Recorder, hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A node with a sensor inside and one in the garden (as the demo's meter has), the
    garden's chosen as the forecast's: its trend answers, not the other one on the device."""
    node = await discover_and_confirm(
        hass,
        announcement(
            sensors=(
                SensorInfo(key="dht1", name="Kitchen", quantities=BOTH, model="dht22"),
                SensorInfo(
                    key="garden", name="Garden", quantities=(Quantity.TEMPERATURE,), model="x"
                ),
            )
        ),
    )
    registry = er.async_get(hass)
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"node_{NODE_ID}"), node.config_entry.entry_id
    )
    garden = "sensor.kitchen_pi_garden_temperature"
    assert registry.async_get(garden).device_id == device.id
    now_s = dt_util.utcnow().timestamp()
    times = np.arange(now_s - 3 * 86400, now_s, 900.0)
    days = (times - times[0]) / 86400
    trend = node.config_entry.runtime_data.trend
    trend.add_samples("dht1_temperature", times, 20.0 + 2.0 * days)
    trend.add_samples("garden_temperature", times, 8.0 - 1.0 * days)
    await trend.async_refresh()
    await hass.async_block_till_done()
    _set_states(hass)
    entry = home_entry(
        forecast_subentry(
            {
                CONF_POWER_ENTITY: POWER,
                CONF_TEMPERATURE_ENTITY: garden,
                CONF_TRAINING_DAYS: 60,
                CONF_RETRAIN_HOURS: 24,
            }
        )
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await start_assist(hass)
    cooling = float(hass.states.get("sensor.kitchen_pi_garden_temperature_trend").state)
    assert -1.5 < cooling < -0.5
    assert float(hass.states.get("sensor.kitchen_pi_kitchen_temperature_trend").state) > 1.5
    assert await said(hass, "is it getting colder outside") == (
        f"Yes, it is getting colder outside: {cooling:+.1f}\u00a0°C a day over the last 3 days "
        "(Kitchen Pi Garden temperature)."
    )


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_a_sensor_without_a_trend_adds_what_the_weather_forecast_expects(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Another integration's sensor outside keeps no trend: the reading now, and what the
    forecast's weather entity expects six hours ahead, said as its forecast."""
    freezer.move_to(NOW)
    await async_forecast_with_weather(hass, FORECAST_WEATHER)
    # 00:10 UTC is 4:10 PM in the home's US/Pacific; six hours ahead, the 06:00 UTC hour.
    assert dt_util.as_local(NOW).hour == 16
    no_trend = (
        "Garden keeps no temperature trend, so I cannot tell whether it is getting colder "
        "outside: a board's or node's sensor outside, chosen as a power forecast's outdoor "
        "temperature sensor, keeps one."
    )
    assert await said(hass, "is it getting colder outside") == (
        f"{no_trend} It is 4.5\u00a0°C outside (Garden). Outdoor's hourly forecast expects "
        "2.2\u00a0°C by 10:00 PM today."
    )
    assert (await said(hass, "is the humidity outside rising")).endswith(
        " The humidity outside is 84\u00a0percent (Garden humidity). Outdoor's hourly forecast "
        "expects 86\u00a0percent by 10:00 PM today."
    )
    # A weather entity not exposed is not read, nor one whose forecast fails (unavailable,
    # Home Assistant refuses the call): the rest of the answer stands.
    expose(hass, "weather.outdoor", False)
    assert await said(hass, "is it getting colder outside") == (
        f"{no_trend} It is 4.5\u00a0°C outside (Garden)."
    )
    expose(hass, "weather.outdoor", True)
    hass.states.async_set("sensor.weather_service", "down")
    await hass.async_block_till_done()
    assert hass.states.get("weather.outdoor").state == "unavailable"
    assert await said(hass, "is it getting colder outside") == (
        f"{no_trend} It is 4.5\u00a0°C outside (Garden)."
    )


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_what_will_the_temperature_be_outside(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "What will the temperature be outside" was Home Assistant's "not aware of any device
    called what will the": the reading now, and what the weather's hourly forecast expects."""
    freezer.move_to(NOW)
    await async_forecast_with_weather(hass, FORECAST_WEATHER)
    # 4:10 PM in US/Pacific; six hours ahead, the weather expects 5.2 - 3.0 °C, 86 %.
    ahead = "It is 4.5\u00a0°C outside (Garden). Outdoor's hourly forecast expects 2.2\u00a0°C by "
    for sentence in (
        "what will the temperature be outside",
        "what's the temperature going to be outdoors",
        "what will the outdoor temperature be later",
        "how cold will it get outside",
    ):
        assert await said(hass, sentence) == f"{ahead}10:00 PM today.", sentence
    assert await said(hass, "what will the humidity be outside") == (
        "The humidity outside is 84\u00a0percent (Garden humidity). Outdoor's hourly forecast "
        "expects 86\u00a0percent by 10:00 PM today."
    )
    # Asked of now, still the reading alone; "outdoors" as "outside".
    assert await said(hass, "how warm is it outdoors") == "It is 4.5\u00a0°C outside (Garden)."
    # Without a weather forecast to say it, the reading now and what would.
    expose(hass, "weather.outdoor", False)
    assert await said(hass, "what will the temperature be outside") == (
        "It is 4.5\u00a0°C outside (Garden). No weather forecast tells me what the temperature "
        "will be: a power forecast's weather entity, exposed to Assist, does."
    )
