"""Automations a power user writes from docs/trends.md, run by Home Assistant's own
`automation` component: the rising binary sensor, the trend sensor and the event."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation import DOMAIN as AUTOMATION_DOMAIN
from homeassistant.core import Event, HomeAssistant, State, callback
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.py_iot_home.const import DOMAIN

from .fakes import FakeHardware
from .fakes.fake_rpi_gpio import HIGH, LOW
from .home_entry import feature
from .notifications import watch_notifications
from .warming_room import async_warm_then_cool

DAY = 86400.0
TREND = "sensor.living_room_temperature_trend"
RISING = "binary_sensor.living_room_temperature_rising"
LED_PIN = 17
START = datetime(2026, 12, 7, 3, 30, tzinfo=dt_util.UTC)

GUIDE = Path(__file__).parents[1] / "docs" / "trends.md"


def _guide_automation(alias: str) -> list[dict[str, Any]]:
    """The YAML block of docs/trends.md that holds the automation of that alias, as written."""
    blocks = re.findall(r"```yaml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    (block,) = [block for block in blocks if f'alias: "{alias}"' in block]
    automations: list[dict[str, Any]] = yaml.safe_load(block)
    return automations


# Every key docs/trends.md lists for the event, and whether each is what it says it is.
EVERY_KEY_OF_THE_EVENT = """
- alias: "Any trend that turns"
  triggers:
    - trigger: event
      event_type: py_iot_home_trend_changed
      event_data:
        quantity: temperature
        direction: falling
  actions:
    - action: persistent_notification.create
      data:
        notification_id: trend_turned
        message: >-
          {% set d = trigger.event.data %}
          {{ d.entity_id }} ({{ d.key }}, {{ d.quantity }}) turned {{ d.direction }}
          from {{ d.previous_direction }}: {{ '%+.2f' | format(d.slope_per_day) }}
          ± {{ '%.2f' | format(d.standard_error) }} {{ d.unit }}
          (threshold {{ d.threshold }} {{ d.unit }});
          numbers: {{ [d.slope_per_day, d.standard_error, d.threshold]
                      | select('is_number') | list | count }};
          past the threshold: {{ d.slope_per_day + 2 * d.standard_error < -d.threshold }};
          last reading {{ as_datetime(state_attr('sensor.living_room_temperature_trend',
                                                 'last_sample_at')).strftime('%H:%M %z') }}.
"""


@pytest.mark.freeze_time(START)
async def test_the_led_comes_on_when_the_room_warms(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """docs/trends.md's example: a state trigger on the rising sensor, numeric_state on the
    trend in °C/d and a template on `direction` and `threshold`. The LED's pin goes high
    the analysis the trend rises; the rising sensor was at times written before the trend
    sensor, whose `unknown` then failed the condition and left the LED off."""
    assert await async_setup_component(
        hass, AUTOMATION_DOMAIN, {AUTOMATION_DOMAIN: _guide_automation("Warm living room: LED on")}
    )
    assert fake_hardware.rpi_gpio.levels[LED_PIN] == LOW
    trend = feature(init_integration).trend
    # Half an hour of warming is no trend: the LED stays off.
    for minute in range(5, 35, 5):
        fake_hardware.dht.script(4, (21.0 + minute / 10, 45.0))
        freezer.tick(timedelta(minutes=5))
        await trend.async_refresh()
        await hass.async_block_till_done()
    assert hass.states.get(RISING).state == "unknown"
    assert fake_hardware.rpi_gpio.levels[LED_PIN] == LOW
    await async_warm_then_cool(hass, init_integration, freezer, days=2.5)
    rising = hass.states.get(RISING)
    assert rising.attributes["threshold"] == 0.2
    assert rising.attributes["threshold_unit"] == "°C/d"
    assert hass.states.get(TREND).attributes["unit_of_measurement"] == "°C/d"
    assert hass.states.get("switch.desk_led").state == "on"
    assert fake_hardware.rpi_gpio.levels[LED_PIN] == HIGH


@pytest.mark.freeze_time(START)
async def test_the_event_carries_every_documented_key_in_the_homes_units(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """In a home set to °F: the event's slope, error and threshold are numbers in °F/d, as
    the trend sensor and the rising sensor show them, and event_data filters on it."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert await async_setup_component(hass, "persistent_notification", {})
    notifications = watch_notifications(hass)
    assert await async_setup_component(
        hass, AUTOMATION_DOMAIN, {AUTOMATION_DOMAIN: yaml.safe_load(EVERY_KEY_OF_THE_EVENT)}
    )
    fired: list[tuple[dict[str, Any], State]] = []

    @callback
    def _seen(event: Event) -> None:
        fired.append((dict(event.data), hass.states.get(TREND)))

    hass.bus.async_listen(f"{DOMAIN}_trend_changed", _seen)
    await async_warm_then_cool(hass, mock_config_entry, freezer, days=10)
    falling = [data for data, _ in fired if data["direction"] == "falling"]
    assert len(falling) == 1
    data, trend = next((data, trend) for data, trend in fired if data in falling)
    assert set(data) == {
        "entity_id",
        "key",
        "quantity",
        "direction",
        "previous_direction",
        "slope_per_day",
        "standard_error",
        "threshold",
        "unit",
    }
    assert data["unit"] == "°F/d"
    assert data["threshold"] == 0.36
    assert data["slope_per_day"] == float(trend.state)
    # The line through daily means turns as the cooling days outnumber the warming ones.
    assert data["slope_per_day"] + 2 * data["standard_error"] < -0.36
    message = " ".join(notifications["trend_turned"]["message"].split())
    # In the home's zone, as the trend sensor's attribute gives it.
    last = datetime.fromisoformat(trend.attributes["last_sample_at"])
    assert last.utcoffset() == dt_util.as_local(last).utcoffset()
    assert message == (
        f"sensor.living_room_temperature (temperature, temperature) turned falling from"
        f" {data['previous_direction']}: {data['slope_per_day']:+.2f}"
        f" ± {data['standard_error']:.2f} °F/d (threshold 0.36 °F/d); numbers: 3;"
        f" past the threshold: True; last reading {last:%H:%M %z}."
    )


async def test_an_action_named_by_target_as_actions_are_written(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """`target: {entity_id: ...}` reaches the action as a list of one: it was refused with
    "value should be a string at 'entity_id'". Two are refused with words."""
    scripts = {
        "one": {
            "sequence": [
                {
                    "action": "py_iot_home.analyze_trend",
                    "target": {"entity_id": "sensor.living_room_temperature"},
                    "data": {"days": 1},
                    "response_variable": "trend",
                },
                {
                    "variables": {
                        "told": {"entity": "{{ trend.entity_id }}", "unit": "{{ trend.unit }}"}
                    }
                },
                {"stop": "done", "response_variable": "told"},
            ]
        },
        "two": {
            "sequence": [
                {
                    "action": "py_iot_home.analyze_trend",
                    "target": {
                        "entity_id": "sensor.living_room_temperature, sensor.living_room_humidity"
                    },
                    "response_variable": "trend",
                }
            ]
        },
    }
    assert await async_setup_component(hass, "script", {"script": scripts})
    told = await hass.services.async_call("script", "one", blocking=True, return_response=True)
    assert told == {"entity": "sensor.living_room_temperature", "unit": "°C"}
    with pytest.raises(Exception, match="one, not 2: call the action once for each of"):
        await hass.services.async_call("script", "two", blocking=True)
