"""What Assist says about power, a silent sensor and the home's trends, in words read aloud."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from custom_components.py_iot_home.assist.climate_answers import (
    PlaceTrend,
    home_trend_answer,
    no_recent_readings_answer,
    source_no_recent_readings_answer,
    source_trend_answer,
)
from custom_components.py_iot_home.assist.power_answers import (
    ForecastHour,
    power_day_answer,
    power_day_peak_answer,
    power_forecast_answer,
    power_peak_answer,
)
from custom_components.py_iot_home.assist.spoken import shown, time_ahead, time_past
from custom_components.py_iot_home.assist.trend_question import Direction, TrendQuestion

NOW = datetime(2026, 12, 3, 21, 20, tzinfo=ZoneInfo("Europe/Brussels"))


def _hours(*powers: float) -> list[ForecastHour]:
    start = NOW.replace(minute=0)
    return [
        ForecastHour(
            start=start + timedelta(hours=hour),
            power_w=power,
            low_w=0.8 * power,
            high_w=1.3 * power,
        )
        for hour, power in enumerate(powers)
    ]


def test_this_hour_with_its_band_and_the_highest_hour_ahead() -> None:
    """Asked at 21:20: the energy is from now, 40 minutes of the 21:00 hour (280 Wh), then
    2,520 Wh to 01:00 (counted whole, the hour under way made it 2.9 kWh)."""
    answer = power_forecast_answer(name="Home", hours=_hours(420.4, 380, 1240, 900), now=NOW)
    assert answer == (
        "Home expects about 420\u00a0W this hour (likely 336\u00a0W to 547\u00a0W); "
        "the highest hour ahead is 11:00 PM today, about 1,240\u00a0W; "
        "about 2.8\u00a0kWh from now to 1:00 AM tomorrow."
    )


def test_the_peak_after_midnight_is_tomorrow_and_large_loads_read_in_kilowatts() -> None:
    powers = [9_000.0, 8_000.0, 7_000.0, 12_500.0]
    answer = power_forecast_answer(name="Workshop", hours=_hours(*powers), now=NOW)
    assert answer == (
        "Workshop expects about 9,000\u00a0W this hour (likely 7,200\u00a0W to 11.7\u00a0kW); "
        "the highest hour ahead is midnight tonight, about 12.5\u00a0kW; "
        "about 33.5\u00a0kWh from now to 1:00 AM tomorrow."
    )


def test_no_highest_hour_when_this_one_is_the_highest_or_none_is_known() -> None:
    assert power_forecast_answer(name="Home", hours=_hours(500, 400, 500.2), now=NOW) == (
        "Home expects about 500\u00a0W this hour (likely 400\u00a0W to 650\u00a0W); "
        "about 1.2\u00a0kWh from now to midnight tonight."
    )
    one_hour = power_forecast_answer(name="Home", hours=_hours(500), now=NOW)
    assert one_hour == "Home expects about 500\u00a0W this hour (likely 400\u00a0W to 650\u00a0W)."
    assert power_forecast_answer(name="Home", hours=[], now=NOW) == "Home has no forecast yet."


def test_a_half_watt_is_said_as_the_device_page_and_the_card_show_it() -> None:
    """The demo's 6 PM hour, 1,124.5 W, read "1,125 W" on the card and "1,124 W" in Assist."""
    start = NOW.replace(minute=0)
    hours = [
        ForecastHour(start=start, power_w=335.5, low_w=208.5, high_w=564.5),
        ForecastHour(start=start + timedelta(hours=1), power_w=1124.5, low_w=566.5, high_w=2578),
        ForecastHour(start=start + timedelta(hours=2), power_w=10_250.0, low_w=9e3, high_w=12e3),
    ]
    assert power_forecast_answer(name="Home", hours=hours[:2], now=NOW) == (
        "Home expects about 336\u00a0W this hour (likely 209\u00a0W to 565\u00a0W); "
        "the highest hour ahead is 10:00 PM today, about 1,125\u00a0W; "
        "about 1.3\u00a0kWh from now to 11:00 PM today."
    )
    assert "about 10.3\u00a0kW; " in power_forecast_answer(name="Home", hours=hours, now=NOW)
    # The same rounding decides whether an hour ahead is higher than this one: both say 501 W.
    level = [
        ForecastHour(start=start + timedelta(hours=hour), power_w=power, low_w=400, high_w=600)
        for hour, power in enumerate((500.5, 501.0))
    ]
    assert "highest" not in power_forecast_answer(name="Home", hours=level, now=NOW)


def test_an_hour_that_ended_is_not_this_hour() -> None:
    """A forecast made at 21:46 still starts at 21:00 when asked at 22:20."""
    later = NOW + timedelta(hours=1)
    answer = power_forecast_answer(name="Home", hours=_hours(420.4, 380, 1240, 900), now=later)
    assert answer == (
        "Home expects about 380\u00a0W this hour (likely 304\u00a0W to 494\u00a0W); "
        "the highest hour ahead is 11:00 PM today, about 1,240\u00a0W; "
        "about 2.4\u00a0kWh from now to 1:00 AM tomorrow."
    )
    assert power_forecast_answer(name="Home", hours=_hours(500), now=later) == (
        "Home has no forecast yet."
    )


def _day(now: datetime) -> list[ForecastHour]:
    """24 hours from `now`'s hour: 100 W, but 900 W at 08:00 and 1,500 W at 19:00."""
    start = now.replace(minute=0)
    hours = [start + timedelta(hours=hour) for hour in range(24)]
    return [
        ForecastHour(
            start=at,
            power_w={8: 900.0, 19: 1500.0}.get(at.hour, 100.0),
            low_w=50.0,
            high_w=2000.0,
        )
        for at in hours
    ]


def test_tomorrow_is_tomorrows_hours_as_far_as_the_forecast_reaches() -> None:
    """Asked at 21:20: tomorrow is covered from 00:00 to 21:00, its peak at 19:00."""
    answer = power_day_answer(name="Home", hours=_day(NOW), now=NOW, tomorrow=True)
    assert answer == (
        "Tomorrow, Home expects about 4.3\u00a0kWh (midnight to 9:00 PM, as far as it sees); "
        "the highest hour is 7:00 PM, about 1,500\u00a0W."
    )


def test_today_is_the_rest_of_today() -> None:
    """Asked at 21:20: 21:00, 22:00 and 23:00 are left of today (100 W each)."""
    answer = power_day_answer(name="Home", hours=_day(NOW), now=NOW, tomorrow=False)
    assert answer == (
        "For the rest of today, Home expects about 0.3\u00a0kWh; "
        "the highest hour is 9:00 PM, about 100\u00a0W."
    )


def test_just_after_midnight_tomorrow_is_not_forecast_yet_and_a_whole_day_is_said() -> None:
    just_after = NOW.replace(day=4, hour=0, minute=10)
    answer = power_day_answer(name="Home", hours=_day(just_after), now=just_after, tomorrow=True)
    assert answer == (
        "Home sees none of tomorrow yet: it forecasts up to midnight tonight; "
        "ask again after noon today, when it sees half of the day."
    )
    midnight = NOW.replace(day=4, hour=0, minute=0)
    hours = _day(midnight)
    # Asked at 23:30 the day before, with a forecast from midnight: all of tomorrow.
    evening = midnight - timedelta(minutes=30)
    answer = power_day_answer(name="Home", hours=hours, now=evening, tomorrow=True)
    assert answer.startswith("Tomorrow, Home expects about 4.6\u00a0kWh (the whole day); ")
    assert power_day_answer(name="Home", hours=[], now=NOW, tomorrow=False) == (
        "Home has no forecast yet."
    )


def test_an_hour_or_two_of_tomorrow_is_no_days_figure() -> None:
    """Asked at 01:48 (a new user's walk): tomorrow was 00:00 to 01:00, "0.3 kWh" for a day."""
    early = NOW.replace(day=4, hour=1, minute=48)
    answer = power_day_answer(name="Home", hours=_day(early), now=early, tomorrow=True)
    assert answer == (
        "Home sees only 1 hour of tomorrow yet, up to 1:00 AM; "
        "ask again after noon today, when it sees half of the day."
    )
    # From noon it sees twelve hours of tomorrow, and says what they come to.
    noon = NOW.replace(day=4, hour=12, minute=5)
    answer = power_day_answer(name="Home", hours=_day(noon), now=noon, tomorrow=True)
    assert answer.startswith(
        "Tomorrow, Home expects about 2.0\u00a0kWh (midnight to noon, as far as"
    )
    eleven = noon - timedelta(hours=1)
    answer = power_day_answer(name="Home", hours=_day(eleven), now=eleven, tomorrow=True)
    assert answer.startswith("Home sees only 11 hours of tomorrow yet, up to 11:00 AM; ")


def test_the_hour_under_way_counts_for_what_is_left_of_it() -> None:
    """Asked at 21:45 with 1,000 W forecast each hour: 15 minutes, then 22:00 and 23:00,
    2.25 kWh said a half up."""
    late = NOW.replace(minute=45)
    hours = [
        ForecastHour(
            start=late.replace(minute=0) + timedelta(hours=hour),
            power_w=1000.0,
            low_w=900.0,
            high_w=1100.0,
        )
        for hour in range(24)
    ]
    answer = power_day_answer(name="Home", hours=hours, now=late, tomorrow=False)
    assert answer.startswith("For the rest of today, Home expects about 2.3\u00a0kWh; ")


def test_a_days_energy_rounds_a_half_up_as_every_other_figure() -> None:
    """12.25 kWh was said "12.2 kWh" (Python rounds a half to even) where the watts and the
    states a user reads round a half up."""
    noon = NOW.replace(hour=12, minute=0)
    hours = [
        ForecastHour(
            start=noon + timedelta(hours=hour),
            power_w=1250.0 if hour == 7 else 1000.0,
            low_w=800.0,
            high_w=1500.0,
        )
        for hour in range(12)
    ]
    assert sum(hour.power_w for hour in hours) == 12_250
    assert power_day_answer(name="Home", hours=hours, now=noon, tomorrow=False) == (
        "For the rest of today, Home expects about 12.3\u00a0kWh; "
        "the highest hour is 7:00 PM, about 1,250\u00a0W."
    )
    # The next 24 hours' energy is said the same way: 0.25 kWh over 15 minutes of 1,000 W.
    quarter = noon.replace(minute=45)
    answer = power_forecast_answer(name="Home", hours=hours[:2], now=quarter)
    assert answer.endswith("; about 1.3\u00a0kWh from now to 2:00 PM today.")


def test_the_rest_of_a_25_hour_day_says_where_the_forecast_stops() -> None:
    """New York, 1 November 2026 (clocks go back): asked at 00:30, 24 hours of forecast
    end at 23:00, an hour short of midnight; the answer says so, not "the rest of today"."""
    new_york = ZoneInfo("America/New_York")
    start = datetime(2026, 11, 1, 4, 0, tzinfo=ZoneInfo("UTC"))  # 00:00 EDT
    hours = [
        ForecastHour(
            start=(start + timedelta(hours=hour)).astimezone(new_york),
            power_w=1000.0,
            low_w=800.0,
            high_w=1300.0,
        )
        for hour in range(24)
    ]
    now = datetime(2026, 11, 1, 0, 30, tzinfo=new_york)
    answer = power_day_answer(name="Home", hours=hours, now=now, tomorrow=False)
    assert answer == (
        "For the rest of today, Home expects about 23.5\u00a0kWh "
        "(until 11:00 PM, as far as it sees); "
        "the highest hour is midnight, about 1,000\u00a0W."
    )


def test_in_the_second_two_oclock_hour_the_first_has_ended() -> None:
    """Brussels, 25 October 2026 (clocks go back at 3:00 to 2:00): at 2:30 the second time,
    the first 2 o'clock hour has ended. Compared on the clock (both times in one zone, as
    Python compares them), 2:00 + 1 h read 3:00, after 2:30: that ended hour was "this hour"
    and its 200 W was said for the hour under way (300 W), its energy counted again."""
    brussels = ZoneInfo("Europe/Brussels")
    start = datetime(2026, 10, 24, 22, 0, tzinfo=ZoneInfo("UTC"))  # 00:00 CEST
    hours = [
        ForecastHour(
            start=(start + timedelta(hours=hour)).astimezone(brussels),
            power_w=100.0 * hour,
            low_w=80.0 * hour,
            high_w=130.0 * hour,
        )
        for hour in range(2, 26)
    ]
    # 01:30 UTC: 2:30 CET, the second time the clock reads it.
    now = datetime(2026, 10, 25, 1, 30, tzinfo=ZoneInfo("UTC")).astimezone(brussels)
    assert now.fold == 1
    answer = power_forecast_answer(name="Home", hours=hours, now=now)
    assert answer.startswith(
        "Home expects about 300\u00a0W this hour (likely 240\u00a0W to 390\u00a0W)"
    )
    # Half of this hour (150 Wh) and the 22 hours after it (31,900 Wh), to the forecast's end.
    assert answer.endswith("; about 32.1\u00a0kWh from now to 1:00 AM tomorrow.")
    assert power_peak_answer(name="Home", hours=hours[:2], now=now) == (
        "Home expects the peak this hour, about 300\u00a0W."
    )


def test_a_silent_sensor_says_since_when_it_has_not_reported() -> None:
    """Asked on Thursday 3 December at 21:20, of a sensor silent since..."""
    since = {
        NOW.replace(hour=18, minute=5): "6:05 PM today",
        NOW.replace(day=2, hour=23, minute=59): "11:59 PM yesterday",
        NOW.replace(day=27, month=11, hour=7, minute=0): "7:00 AM on Friday",
        NOW.replace(day=26, month=11, hour=7, minute=0): "7:00 AM on 26 November",
    }
    for last_reading, said in since.items():
        answer = no_recent_readings_answer(
            place="the Kitchen", quantity="temperature", last_reading=last_reading, now=NOW
        )
        assert answer == (
            f"The Kitchen's temperature sensor has not reported since {said}, so I cannot "
            "tell whether it is getting warmer or colder."
        )
    assert no_recent_readings_answer(
        place="the Kitchen", quantity="humidity", last_reading=None, now=NOW
    ) == (
        "The Kitchen's humidity sensor has not reported for a while, so I cannot tell "
        "whether it is getting more humid or drier."
    )


def test_a_silent_sensor_outside_says_since_when_it_has_not_reported() -> None:
    """The outdoor sensor's name leads: "outside" follows the question it cannot answer."""
    assert source_no_recent_readings_answer(
        source="Garden Temperature",
        subject="it",
        where=" outside",
        quantity="temperature",
        last_reading=NOW.replace(hour=18, minute=5),
        now=NOW,
    ) == (
        "Garden Temperature has not reported since 6:05 PM today, so I cannot tell whether it "
        "is getting warmer or colder outside."
    )


def test_the_peak_is_the_highest_hour_of_the_next_24() -> None:
    """Asked at 21:20: a 1,500 W hour at 19:00 tomorrow; a higher one at 22:00 is past 24 hours."""
    hours = [
        *_day(NOW),
        ForecastHour(
            start=NOW.replace(minute=0) + timedelta(hours=25), power_w=9000.0, low_w=0.0, high_w=9e3
        ),
    ]
    assert power_peak_answer(name="Home", hours=hours, now=NOW) == (
        "Home expects the peak at 7:00 PM tomorrow, about 1,500\u00a0W."
    )
    assert power_peak_answer(name="Home", hours=_hours(900, 420.4, 1240.5), now=NOW) == (
        "Home expects the peak at 11:00 PM today, about 1,241\u00a0W."
    )
    # The hour under way, at its highest: said as this hour, not as a time gone by.
    assert power_peak_answer(name="Home", hours=_hours(1500, 420), now=NOW) == (
        "Home expects the peak this hour, about 1,500\u00a0W."
    )
    later = NOW + timedelta(hours=2)
    assert power_peak_answer(name="Home", hours=_hours(1500, 420), now=later) == (
        "Home has no forecast yet."
    )


def test_the_peak_of_today_or_tomorrow_is_that_days_highest_hour() -> None:
    """Asked at 21:20 ("when is the peak power tomorrow?"): tomorrow's 19:00, 1,500 W, as far
    as the forecast sees; today's is this hour, the highest of 21:00 to 23:00 (100 W each)."""
    assert power_day_peak_answer(name="Home", hours=_day(NOW), now=NOW, tomorrow=True) == (
        "Home expects the peak at 7:00 PM tomorrow, about 1,500\u00a0W "
        "(midnight to 9:00 PM, as far as it sees)."
    )
    today = [*_hours(300, 420.4, 1240.5)]
    assert power_day_peak_answer(name="Home", hours=today, now=NOW, tomorrow=False) == (
        "Home expects the peak at 11:00 PM today, about 1,241\u00a0W."
    )
    assert power_day_peak_answer(name="Home", hours=_day(NOW), now=NOW, tomorrow=False) == (
        "Home expects the peak this hour, about 100\u00a0W."
    )
    # The 08:00 hour tomorrow (900 W) is no day's peak seen from 01:48, an hour of it seen.
    early = NOW.replace(day=4, hour=1, minute=48)
    assert power_day_peak_answer(name="Home", hours=_day(early), now=early, tomorrow=True) == (
        "Home sees only 1 hour of tomorrow yet, up to 1:00 AM; "
        "ask again after noon today, when it sees half of the day."
    )
    just_after = NOW.replace(day=4, hour=0, minute=10)
    assert power_day_peak_answer(
        name="Home", hours=_day(just_after), now=just_after, tomorrow=True
    ) == (
        "Home sees none of tomorrow yet: it forecasts up to midnight tonight; "
        "ask again after noon today, when it sees half of the day."
    )
    assert power_day_peak_answer(name="Home", hours=[], now=NOW, tomorrow=True) == (
        "Home has no forecast yet."
    )


def test_tomorrows_peak_at_its_first_hour_is_said_as_the_day_begins() -> None:
    """Asked at 21:20 "when is the peak power tomorrow", a peak at 00:00 was "at midnight
    tonight": true, but heard as tonight's. Asked of the next 24 hours, tonight's it is."""
    hours = [
        ForecastHour(
            start=hour.start,
            power_w=2000.0 if hour.start.hour == 0 else 100.0,
            low_w=50.0,
            high_w=2500.0,
        )
        for hour in _day(NOW)
    ]
    assert power_day_peak_answer(name="Home", hours=hours, now=NOW, tomorrow=True) == (
        "Home expects the peak at midnight, as tomorrow begins, about 2,000\u00a0W "
        "(midnight to 9:00 PM, as far as it sees)."
    )
    assert power_peak_answer(name="Home", hours=hours, now=NOW) == (
        "Home expects the peak at midnight tonight, about 2,000\u00a0W."
    )


def test_the_home_power_trend_is_said_in_whole_watts_a_day() -> None:
    """As the power trend sensor shows its slope (whole W/d), grouped; steady in words that fit
    power ("holding steady" is a temperature's)."""
    more = TrendQuestion(quantity="power", asked=Direction.UP)
    home = {"source": "Grid", "subject": "the home", "where": "", "unit": "W", "span_hours": 168}
    assert source_trend_answer(question=more, slope=-1250.0, trend=Direction.DOWN, **home) == (
        "No, the home is using less power: -1,250\u00a0W a day over the last 7 days (Grid)."
    )
    assert source_trend_answer(question=more, slope=5.0, trend=Direction.STEADY, **home) == (
        "No, the home is using about the same power: +5\u00a0W a day over the last 7 days (Grid)."
    )


def test_the_home_trend_leads_with_yes_or_no_only_when_every_room_agrees() -> None:
    warmer = TrendQuestion(quantity="temperature", asked=Direction.UP)
    kitchen = PlaceTrend(place="the Kitchen", slope=1.94, unit="°C", trend=Direction.UP)
    hall = PlaceTrend(place="Hall Pi", slope=-0.04, unit="°C", trend=Direction.STEADY)
    assert home_trend_answer(question=warmer, places=[kitchen]) == (
        "Yes, the Kitchen is getting warmer (+1.9\u00a0°C a day)."
    )
    assert home_trend_answer(question=warmer, places=[hall]) == (
        "No, Hall Pi is holding steady (-0.04\u00a0°C a day)."
    )
    assert home_trend_answer(question=warmer, places=[hall, kitchen]) == (
        "Hall Pi is holding steady (-0.04\u00a0°C a day); "
        "the Kitchen is getting warmer (+1.9\u00a0°C a day)."
    )
    assert home_trend_answer(question=warmer, places=[]) == (
        "Not enough data yet to tell whether any room is getting warmer or colder."
    )


def test_a_state_is_said_as_the_frontend_shows_it() -> None:
    """To the entity's decimals, a half rounded up (Python's formatting said 1234.5 "1234")."""
    cases = {
        ("1234.5", 0): "1,235",
        ("1234.50", None): "1,234.50",
        ("-310.4", 0): "-310",
        ("-0.3", 0): "0",
        ("4.45", 1): "4.5",
        ("4.449", 1): "4.4",
        ("1E+3", None): "1,000",
        ("21", 2): "21.00",
    }
    assert {case: shown(*case) for case in cases} == cases
    assert [shown(text, 1) for text in ("unknown", "nan", "inf", "None", "")] == [None] * 5


def test_a_midnight_is_named_by_the_night_it_ends() -> None:
    """Asked on Saturday 28 February at 4:10 PM, and at 00:30 on Sunday, when "tonight" is the
    night under way."""
    afternoon = datetime(2026, 2, 28, 16, 10, tzinfo=ZoneInfo("US/Pacific"))
    small_hours = afternoon.replace(hour=0, minute=30) + timedelta(days=1)
    midnight = afternoon.replace(hour=0, minute=0) + timedelta(days=1)
    assert time_ahead(midnight, afternoon) == "midnight tonight"
    assert time_ahead(midnight + timedelta(days=1), small_hours) == "midnight at the end of Sunday"
    assert time_ahead(midnight + timedelta(days=3), afternoon) == "midnight on Tuesday night"
    assert time_ahead(midnight + timedelta(days=9), afternoon) == "midnight at the end of 9 March"
    assert time_ahead(midnight + timedelta(hours=12), afternoon) == "noon tomorrow"
    assert time_past(midnight - timedelta(days=1), afternoon) == "midnight"
    assert time_past(midnight - timedelta(days=2), afternoon) == "midnight on Thursday night"
    assert time_past(midnight - timedelta(hours=12), afternoon) == "noon today"
