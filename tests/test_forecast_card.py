"""The dashboard card of docs/examples renders the forecast as a 24-row Markdown table."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.template import Template
from homeassistant.util import dt as dt_util

from custom_components.py_iot_home.assist.spoken import shown

EXAMPLES = Path(__file__).parents[1] / "docs" / "examples"
CARD = EXAMPLES / "power_forecast_card.yaml"
AUTOMATION = EXAMPLES / "power_forecast_automation.yaml"
# The card reads now(): frozen, an hour cannot end between the states set and the render.
# Half past an hour; on both changes of the harness's zone (US/Pacific) in 2026, in the hour
# before each, where the next hour's wall-clock time is not one more (02:00 does not exist
# in March; 01:00 comes twice in November).
NOW = datetime(2026, 12, 6, 18, 30, tzinfo=UTC)
DST_CHANGES = [datetime(2026, 3, 8, 9, 30, tzinfo=UTC), datetime(2026, 11, 1, 8, 30, tzinfo=UTC)]
HOUR = timedelta(hours=1)


def _card_text(hass: HomeAssistant) -> str:
    """The card's Markdown, rendered by Home Assistant's template engine with the states set."""
    card = yaml.safe_load(CARD.read_text())
    return str(Template(card["content"], hass).async_render(parse_result=False))


def _hour_under_way() -> datetime:
    """The hour under way, in UTC: hours are added to it as a clock does, not a wall clock."""
    return dt_util.utcnow().replace(minute=0, second=0, microsecond=0)


def _local(moment: datetime) -> str:
    """A forecast point's time, as the sensor gives it: in the home's zone."""
    return dt_util.as_local(moment).isoformat()


def _set_the_hour_under_way(
    hass: HomeAssistant, power_w: float, low_w: float, high_w: float
) -> None:
    """Predicted power with a forecast of one point, the hour under way."""
    point = {
        "datetime": _local(_hour_under_way()),
        "power_w": power_w,
        "low_w": low_w,
        "high_w": high_w,
    }
    hass.states.async_set(
        "sensor.demo_power_forecast_predicted_power", str(power_w), {"forecast": [point]}
    )


def _set_the_model_published(
    hass: HomeAssistant, mae_w: float, rule_mae_w: float, skill: str
) -> None:
    """The model is the day ahead's method, with its error, the best rule's and its skill."""
    hass.states.async_set(
        "sensor.demo_power_forecast_forecast_method",
        "model",
        {"day_ahead_mae_w": mae_w, "day_ahead_best_rule_mae_w": rule_mae_w},
    )
    hass.states.async_set("sensor.demo_power_forecast_skill_over_the_best_rule", skill)


@pytest.mark.parametrize("now", [NOW, *DST_CHANGES])
async def test_card_renders_one_row_per_hour(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, now: datetime
) -> None:
    freezer.move_to(now)
    start = _hour_under_way()
    if now in DST_CHANGES:  # the case is there: the next hour's wall-clock time is not one more
        assert dt_util.as_local(start + HOUR).hour != dt_util.as_local(start).hour + 1
    points = [
        {
            "datetime": _local(start + h * HOUR),
            "power_w": 100.0 + 20 * h,
            "low_w": 50.0 + 10 * h,
            "high_w": 200.0 + 40 * h,
        }
        for h in range(24)
    ]
    hass.states.async_set("sensor.demo_power_forecast_predicted_power", "100", {"forecast": points})
    _set_the_model_published(hass, 251.6, 268.9, "6.4")
    text = _card_text(hass)
    lines = text.splitlines()
    rows = [line for line in lines if line.startswith("| ") and "█" in line]
    assert len(rows) == 24
    # A table: header, alignment row, then the hours, with no blank line between them.
    first = lines.index(rows[0])
    assert lines[first - 2].startswith("| hour")
    assert lines[first : first + 24] == rows
    # Bars share one scale, the highest band top (1120 W = 24 blocks): 560 W is 12 blocks.
    # The hour in progress is "now"; the next ones are named in the home's time zone.
    assert rows[0].startswith("| now |")
    assert rows[1].startswith(f"| {dt_util.as_local(start + HOUR):%a %H:%M} |")
    assert "| " + "█" * 12 + " |" in rows[-1]
    # Plain text in the theme's colour: a code span's shaded box smudged them in dark mode.
    assert "`" not in text
    assert "**560**" in rows[-1]
    assert "280\N{EN DASH}1120" in rows[-1]
    # A number and its unit never wrap apart (a no-break space, as Markdown's entity).
    assert "6.4&nbsp;% better than the best rule" in text
    # The method and its skill on one line (the card breaks lines where the text does).
    (method_line,) = [line for line in lines if line.startswith("Method: ")]
    assert method_line.endswith(", 6.4&nbsp;% better than the best rule.")
    # What the skill compares, in watts a person can weigh against the forecast.
    assert "off by 252&nbsp;W an hour on average; the best rule, by 269&nbsp;W." in text


@pytest.mark.parametrize("now", [NOW, *DST_CHANGES])
async def test_card_shows_no_hour_that_ended(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, now: datetime
) -> None:
    """Between the hour's start and the forecast's refresh a minute later, the first point
    is the hour that ended: it is left out, and only the hour under way reads "now"."""
    freezer.move_to(now.replace(minute=0, second=30))
    start = _hour_under_way() - HOUR
    points = [
        {
            "datetime": _local(start + h * HOUR),
            "power_w": 100.0,
            "low_w": 50.0,
            "high_w": 200.0,
        }
        for h in range(24)
    ]
    hass.states.async_set("sensor.demo_power_forecast_predicted_power", "100", {"forecast": points})
    text = _card_text(hass)
    rows = [line for line in text.splitlines() if line.startswith("| ") and "█" in line]
    assert len(rows) == 23
    assert [row for row in rows if row.startswith("| now |")] == [rows[0]]
    assert rows[1].startswith(f"| {dt_util.as_local(start + 2 * HOUR):%a %H:%M} |")


@pytest.mark.freeze_time(NOW)
async def test_card_when_a_rule_is_published(hass: HomeAssistant) -> None:
    """The best rule is the forecast: not "0.0 % better than the best rule", itself."""
    _set_the_hour_under_way(hass, 100.0, 50.0, 200.0)
    hass.states.async_set(
        "sensor.demo_power_forecast_forecast_method",
        "median_by_hour",
        {
            "day_ahead_best_rule": "median_by_hour",
            "day_ahead_mae_w": 268.9,
            "day_ahead_best_rule_mae_w": 268.9,
        },
    )
    hass.states.async_set("sensor.demo_power_forecast_skill_over_the_best_rule", "0.0")
    text = _card_text(hass)
    assert "better than the best rule" not in text
    # One line: the card breaks lines where the text does.
    assert "Method: median_by_hour, the best of the simple rules: the model does not beat" in text


@pytest.mark.freeze_time(NOW)
async def test_card_before_the_first_training_names_no_errors(hass: HomeAssistant) -> None:
    _set_the_hour_under_way(hass, 100.0, 50.0, 200.0)
    hass.states.async_set("sensor.demo_power_forecast_forecast_method", "persistence_24h")
    text = _card_text(hass)
    assert "off by" not in text
    assert "None" not in text


async def test_card_without_a_forecast(hass: HomeAssistant) -> None:
    assert _card_text(hass) == "No forecast yet."


@pytest.mark.freeze_time(NOW)
async def test_card_rounds_watts_as_the_device_page_does(hass: HomeAssistant) -> None:
    """Half a watt goes up, as the frontend's number format rounds the sensors' states.

    The template's own round goes half to even: a forecast of 704.5 W read 704 in the card
    and 705 W beside "Predicted power" on the device page.
    """
    _set_the_hour_under_way(hass, 704.5, 438.5, 1182.5)
    _set_the_model_published(hass, 254.5, 268.5, "5.2")
    text = _card_text(hass)
    (row,) = [line for line in text.splitlines() if line.startswith("| now |")]
    assert row.endswith("| **705** | 439\N{EN DASH}1183 |")
    assert "off by 255&nbsp;W an hour on average; the best rule, by 269&nbsp;W." in text


@pytest.mark.freeze_time(NOW)
async def test_the_automation_example_rounds_watts_as_the_card_and_the_device_page(
    hass: HomeAssistant,
) -> None:
    """The guide's automation told "about 704 W (likely 438 to 1182 W)" for an hour the card
    showed as 705 and 439 to 1183, and the device page as 705 W: its round went half to even."""
    _set_the_hour_under_way(hass, 704.5, 438.5, 1182.5)
    point = hass.states.get("sensor.demo_power_forecast_predicted_power").attributes["forecast"][0]
    (row,) = [line for line in _card_text(hass).splitlines() if line.startswith("| now |")]
    card_cells = [cell.strip(" *") for cell in row.split("|")[3:5]]
    card = [card_cells[0], *card_cells[1].split("\N{EN DASH}")]

    (automation,) = yaml.safe_load(AUTOMATION.read_text())
    (notify,) = [
        action
        for action in automation["actions"]
        if action.get("action") == "persistent_notification.create"
    ]
    message = Template(notify["data"]["message"], hass).async_render(
        {"quietest": point}, parse_result=False
    )
    told = re.fullmatch(r"\d\d:\d\d: about (\S+) W \(likely (\S+) to (\S+) W\)\.", message)
    assert told is not None, message

    # The same number: the device page also groups thousands ("1,183"), the templates do not.
    device_page = [
        str(shown(str(point[key]), 0)).replace(",", "") for key in ("power_w", "low_w", "high_w")
    ]
    assert list(told.groups()) == card == device_page
