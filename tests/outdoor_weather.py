"""A weather entity and the garden's sensors beside the meter, and a power forecast reading
them: what Assist's outdoor answers are asked of."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from custom_components.py_iot_home.const import (
    CONF_HUMIDITY_ENTITY,
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TEMPERATURE_ENTITY,
    CONF_TRAINING_DAYS,
    CONF_WEATHER_ENTITY,
)

from .assist_sentences import start_assist
from .home_entry import forecast_subentry, home_entry
from .test_predictor import HUMIDITY, POWER, TEMPERATURE, _set_states

# A template weather, `weather.outdoor`: 41.3 °F (5.2 °C) and 80 % now.
WEATHER = {
    "name": "Outdoor",
    "condition": "cloudy",
    "temperature": "{{ 41.3 }}",
    "temperature_unit": "°F",
    "humidity": "{{ 80 }}",
}
# The same in °C, with an hourly forecast: each hour ahead half a degree colder and a percent
# more humid than the one before; unavailable while `sensor.weather_service` is "down".
FORECAST_WEATHER = {
    **WEATHER,
    "temperature_unit": "°C",
    "temperature": "{{ 5.2 }}",
    "availability": "{{ not is_state('sensor.weather_service', 'down') }}",
    "forecast_hourly": (
        "{% set ns = namespace(items=[]) %}"
        "{% set start = now().replace(minute=0, second=0, microsecond=0) %}"
        "{% for h in range(24) %}{% set ns.items = ns.items + [{"
        "'datetime': (start + timedelta(hours=h)).isoformat(),"
        "'temperature': 5.2 - 0.5 * h, 'humidity': 80 + h,"
        "'condition': 'cloudy'}] %}{% endfor %}{{ ns.items }}"
    ),
}


def set_home_sensors(hass: HomeAssistant) -> None:
    """The meter and the outdoor sensors a power forecast learns from, with device classes."""
    hass.states.async_set(
        POWER,
        "1234.4",
        {"unit_of_measurement": "W", "device_class": "power", "friendly_name": "Meter"},
    )
    hass.states.async_set(
        TEMPERATURE,
        "4.5",
        {"unit_of_measurement": "°C", "device_class": "temperature", "friendly_name": "Garden"},
    )
    hass.states.async_set(
        HUMIDITY,
        "84",
        {
            "unit_of_measurement": "%",
            "device_class": "humidity",
            "friendly_name": "Garden humidity",
        },
    )


async def async_forecast_with_weather(
    hass: HomeAssistant, weather: Mapping[str, Any], *, outdoor_sensors: bool = True
) -> None:
    """`weather` as `weather.outdoor` and a power forecast of the meter that reads it, set up;
    Assist started. With `outdoor_sensors`, the garden's sensors (`set_home_sensors`) are the
    forecast's too; without, the weather is its only outdoor source."""
    assert await async_setup_component(hass, "template", {"template": [{"weather": [weather]}]})
    options: dict[str, Any] = {
        CONF_POWER_ENTITY: POWER,
        CONF_WEATHER_ENTITY: "weather.outdoor",
        CONF_TRAINING_DAYS: 60,
        CONF_RETRAIN_HOURS: 24,
    }
    if outdoor_sensors:
        set_home_sensors(hass)
        options |= {CONF_TEMPERATURE_ENTITY: TEMPERATURE, CONF_HUMIDITY_ENTITY: HUMIDITY}
    else:
        _set_states(hass)
    entry = home_entry(forecast_subentry(options))
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await start_assist(hass)
