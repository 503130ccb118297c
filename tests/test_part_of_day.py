"""The hours of a part of the day ("tonight", "tomorrow morning"), and what a forecast says
of them: no Home Assistant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.py_iot_home.assist.part_of_day import (
    PARTS_OF_DAY,
    hour_of_night,
    part_placed,
    said_part,
)
from custom_components.py_iot_home.assist.power_answers import ForecastHour
from custom_components.py_iot_home.assist.power_part_answers import (
    part_passed,
    power_part_answer,
)

BRUSSELS = ZoneInfo("Europe/Brussels")


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("words", "now", "name", "start", "end"),
    [
        # Saturday 7 March 2026 in Brussels (UTC+1).
        ("this morning", "03-07 05:00", "this morning", "03-07 05:00", "03-07 11:00"),
        ("this afternoon", "03-07 15:00", "this afternoon", "03-07 11:00", "03-07 16:00"),
        ("this evening", "03-07 09:00", "this evening", "03-07 16:00", "03-07 23:00"),
        ("tonight", "03-07 09:00", "tonight", "03-07 16:00", "03-08 05:00"),
        # After midnight, tonight is the night under way, as "1 am tonight" is its 1 AM.
        ("tonight", "03-08 00:30", "tonight", "03-07 16:00", "03-08 05:00"),
        ("tonight", "03-08 06:00", "tonight", "03-08 16:00", "03-09 05:00"),
        ("tomorrow morning", "03-07 23:00", "tomorrow morning", "03-08 05:00", "03-08 11:00"),
        ("tomorrow afternoon", "03-07 09:00", "tomorrow afternoon", "03-08 11:00", "03-08 16:00"),
        ("tomorrow evening", "03-07 09:00", "tomorrow evening", "03-08 16:00", "03-08 23:00"),
        # At 00:30 tonight is the night under way: tomorrow night is the next, from this evening.
        ("tomorrow night", "03-08 00:30", "tomorrow night", "03-08 16:00", "03-09 05:00"),
        ("tomorrow night", "03-08 06:00", "tomorrow night", "03-09 16:00", "03-10 05:00"),
        # Without a day, the part under way or the next.
        ("in the morning", "03-07 16:10", "tomorrow morning", "03-08 05:00", "03-08 11:00"),
        ("in the morning", "03-07 11:00", "this morning", "03-07 05:00", "03-07 11:00"),
        ("night", "03-08 02:00", "tonight", "03-07 16:00", "03-08 05:00"),
        ("at night", "03-07 16:10", "tonight", "03-07 16:00", "03-08 05:00"),
        # A day before a part that names none pins it.
        ("tomorrow at night", "03-07 16:10", "tomorrow night", "03-08 16:00", "03-09 05:00"),
        # "For the morning" is "in the morning"; "the night" "at night".
        ("the morning", "03-07 16:10", "tomorrow morning", "03-08 05:00", "03-08 11:00"),
        ("the night", "03-07 16:10", "tonight", "03-07 16:00", "03-08 05:00"),
        # "Overnight" is tonight.
        ("overnight", "03-07 16:10", "tonight", "03-07 16:00", "03-08 05:00"),
        ("today in the morning", "03-07 05:00", "this morning", "03-07 05:00", "03-07 11:00"),
        # The night the clocks go forward (2:00 AM to 3:00 AM on 29 March) has 12 hours.
        ("tonight", "03-28 20:30", "tonight", "03-28 16:00", "03-29 04:00"),
        # The night they go back (3:00 AM to 2:00 AM on 25 October) has 14.
        ("Tonight", "10-24 23:30", "tonight", "10-24 15:00", "10-25 05:00"),
        # That morning begins an hour later in UTC than the day before.
        ("tomorrow morning", "10-24 23:30", "tomorrow morning", "10-25 05:00", "10-25 11:00"),
    ],
)
def test_the_hours_of_a_part_of_the_day(
    words: str, now: str, name: str, start: str, end: str
) -> None:
    """Asked at `now` in Brussels: the part's name, start and end in UTC (2026)."""
    part = said_part(words)
    assert part is not None
    placed = part_placed(part, datetime.fromisoformat(f"2026-{now}").replace(tzinfo=BRUSSELS))
    assert (placed.name, placed.start, placed.end) == (
        name,
        datetime.fromisoformat(f"2026-{start}").replace(tzinfo=UTC),
        datetime.fromisoformat(f"2026-{end}").replace(tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("now", "hours"),
    [
        (_local(2026, 3, 7, 9, 0), 13),
        (_local(2026, 3, 28, 9, 0), 12),
        (_local(2026, 10, 24, 9, 0), 14),
    ],
)
def test_a_night_has_its_real_hours(now: datetime, hours: int) -> None:
    placed = part_placed(PARTS_OF_DAY["tonight"], now)
    assert placed.end - placed.start == timedelta(hours=hours)


def test_the_night_holds_every_hour_said_of_it() -> None:
    """ "9 tonight" and "1 tonight" fall in tonight's hours; "9 am tonight" is no hour of it."""
    placed = part_placed(PARTS_OF_DAY["tonight"], _local(2026, 3, 7, 9, 0))
    for hour in range(24):
        night = hour_of_night(hour, "", twenty_four=True)
        day = placed.start.astimezone(BRUSSELS).date() + timedelta(days=hour < 12)
        moment = _local(day.year, day.month, day.day, hour, 0).astimezone(UTC)
        assert (night is not None) == (placed.start <= moment < placed.end), hour


def test_a_part_gone_by_says_its_hours() -> None:
    placed = part_placed(PARTS_OF_DAY["this morning"], _local(2026, 3, 7, 16, 10))
    assert placed.end < _local(2026, 3, 7, 16, 10)
    assert part_passed(placed, _local(2026, 3, 7, 16, 10)) == (
        "This morning, from 6:00 AM to noon, has passed"
    )


def _forecast(first: datetime, powers: list[float]) -> list[ForecastHour]:
    """Hourly rows from `first` (UTC), each its own power, with a band around it."""
    return [
        ForecastHour(
            start=(first + timedelta(hours=index)).astimezone(BRUSSELS),
            power_w=power,
            low_w=power * 0.8,
            high_w=power * 1.2,
        )
        for index, power in enumerate(powers)
    ]


def test_a_night_the_clocks_go_forward_counts_its_real_hours() -> None:
    """12 hours of 500 W are 6.0 kWh: a 13th for the hour that never comes would say 6.5."""
    now = _local(2026, 3, 28, 16, 0)
    # From 4:00 PM: the evening's hours 500 W, 1,000 W at 1:00 AM, 200 W from 6 AM on.
    powers = [200.0] + [500.0] * 12 + [200.0] * 11
    powers[1 + 8] = 1000.0
    hours = _forecast(now.astimezone(UTC), powers)
    assert hours[9].start.hour == 1
    assert power_part_answer(
        name="Power forecast",
        hours=hours,
        now=now,
        part=part_placed(PARTS_OF_DAY["tonight"], now),
    ) == (
        "Tonight, from 5:00 PM to 6:00 AM, Power forecast expects about 6.5\u00a0kWh; the "
        "highest hour is 1:00 AM, about 1,000\u00a0W."
    )


def test_a_night_the_clocks_go_back_counts_its_real_hours() -> None:
    """14 hours of 500 W are 7.0 kWh; from 11:30 PM, 7.5 real hours are left (6.5 on the
    clock), 3.75 kWh, a half up 3.8."""
    now = _local(2026, 10, 24, 16, 0)
    hours = _forecast(now.astimezone(UTC), [100.0] + [500.0] * 14 + [100.0] * 9)
    assert power_part_answer(
        name="Power forecast",
        hours=hours,
        now=now,
        part=part_placed(PARTS_OF_DAY["tonight"], now),
    ).startswith("Tonight, from 5:00 PM to 6:00 AM, Power forecast expects about 7.0\u00a0kWh;")
    late = _local(2026, 10, 24, 23, 30)
    assert power_part_answer(
        name="Power forecast",
        hours=hours,
        now=late,
        part=part_placed(PARTS_OF_DAY["tonight"], late),
    ).startswith(
        "For the rest of tonight, from 11:30 PM to 6:00 AM, Power forecast expects about "
        "3.8\u00a0kWh;"
    )


def test_a_part_the_forecast_does_not_reach_gets_no_figure() -> None:
    """At 4:00 PM the forecast sees tomorrow afternoon to 4:00 PM: 4 of its 5 hours."""
    now = _local(2026, 3, 7, 16, 0)
    hours = _forecast(now.astimezone(UTC), [500.0] * 24)
    assert power_part_answer(
        name="Power forecast",
        hours=hours,
        now=now,
        part=part_placed(PARTS_OF_DAY["tomorrow afternoon"], now),
    ) == (
        "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
        "after 5:00 PM today, when it sees all of tomorrow afternoon."
    )


@pytest.mark.parametrize(
    "words",
    [
        "banana",
        "tomorrow",
        "this night",
        "at 9 tonight",
        "",
        "tomorrow tonight",
        "today banana",
        "the tonight",
        "the banana",
    ],
)
def test_words_that_are_no_part_of_the_day(words: str) -> None:
    """ "Tomorrow" is a day, answered by the day's answer; "at 9 tonight" a time in a part."""
    assert said_part(words) is None
