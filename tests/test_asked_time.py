"""The time of day a power question asks about, and when it falls: no Home Assistant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.py_iot_home.assist.asked_time import (
    AskedTime,
    MomentAsked,
    asked_day,
    moment_asked,
    parse_asked_time,
)
from custom_components.py_iot_home.assist.power_answers import ForecastHour, power_at_answer
from custom_components.py_iot_home.assist.spoken import time_repeated, time_skipped

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.mark.parametrize(
    ("words", "hours", "minute", "day"),
    [
        ("6 pm", (18,), 0, None),
        ("6 PM tomorrow", (18,), 0, "tomorrow"),
        ("6 p.m.", (18,), 0, None),
        ("6pm", (18,), 0, None),
        ("six pm", (18,), 0, None),
        ("6:30 pm today", (18,), 30, "today"),
        ("6.30 pm", (18,), 30, None),
        ("18.15", (18,), 15, None),
        ("half past six", (6, 18), 30, None),
        ("a quarter past 6 pm", (18,), 15, None),
        ("quarter to seven tomorrow", (6, 18), 45, "tomorrow"),
        ("a quarter to 1 am", (0,), 45, None),
        ("a quarter to 12 pm", (11,), 45, None),
        ("quarter to twelve am", (23,), 45, None),
        # Minutes in words, as a time is read aloud, and British English's "half six".
        ("six thirty pm", (18,), 30, None),
        ("seven oh five am", (7,), 5, None),
        ("6 45 pm", (18,), 45, None),
        ("half six", (6, 18), 30, None),
        ("half 6 tomorrow", (6, 18), 30, "tomorrow"),
        ("twenty past six", (6, 18), 20, None),
        ("ten to seven pm", (18,), 50, None),
        ("25 minutes to 7", (6, 18), 35, None),
        ("1800", (18,), 0, None),
        ("0630 hours", (6,), 30, None),
        ("eighteen hundred", (18,), 0, None),
        ("eighteen hundred hours", (18,), 0, None),
        ("oh six hundred", (6,), 0, None),
        ("twelve hundred", (12,), 0, None),
        ("twenty one forty five", (21,), 45, None),
        ("7 am tomorrow", (7,), 0, "tomorrow"),
        ("tomorrow at 7 am", (7,), 0, "tomorrow"),
        ("12 am", (0,), 0, None),
        ("12 pm", (12,), 0, None),
        ("noon", (12,), 0, None),
        ("18:00", (18,), 0, None),
        ("06:00", (6,), 0, None),
        ("0:30", (0,), 30, None),
        ("6 o'clock", (6, 18), 0, None),
        ("6 oclock", (6, 18), 0, None),
        ("6", (6, 18), 0, None),
        ("12 o'clock", (0, 12), 0, None),
        ("9 in the evening", (21,), 0, None),
        ("7 in the morning", (7,), 0, None),
    ],
)
def test_a_time_of_day_as_it_is_said(
    words: str, hours: tuple[int, ...], minute: int, day: str | None
) -> None:
    """12 h with am/pm, 24 h, "noon", and "6 o'clock" as either 6 or 18."""
    assert parse_asked_time(words) == AskedTime(hours=hours, minute=minute, day=day)


def test_midnight_is_the_one_that_ends_the_day() -> None:
    """ "Midnight today" is tonight's, not the one the day began with."""
    asked = parse_asked_time("midnight today")
    assert asked == AskedTime(hours=(0,), minute=0, day="today", ends_day=True)
    now = datetime(2026, 5, 4, 20, 30, tzinfo=BRUSSELS)
    moment = moment_asked(asked, now)
    assert moment is not None
    assert moment.at == datetime(2026, 5, 4, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "words",
    [
        "banana",
        "25 pm",
        "13 pm",
        "0 am",
        "6:75 pm",
        "noon pm",
        "9 am in the evening",
        "",
        "today 6 banana",
        "half to six",
        "quarter past thirteen",
        # Not hours of the night, nor of the part of the day said.
        "9 am tonight",
        "3 pm tonight",
        "noon tonight",
        "9 pm this morning",
        "7 am this evening",
        # Tonight is today's: no time of tomorrow.
        "9 pm tonight tomorrow",
        "tomorrow at 7 this morning",
        # Nor of tomorrow's part of the day said, nor of another day.
        "9 am tomorrow evening",
        "7 pm tomorrow morning",
        "9 am tomorrow night",
        "noon tomorrow night",
        "7 tomorrow morning today",
    ],
)
def test_words_that_are_no_time_of_day(words: str) -> None:
    """No time, no guess."""
    assert parse_asked_time(words) is None


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("7 pm on friday", datetime(2026, 5, 8, 19, 0)),
        ("friday at 7 pm", datetime(2026, 5, 8, 19, 0)),
        # Gone by today: next Monday's.
        ("7 am monday", datetime(2026, 5, 11, 7, 0)),
        ("8 am monday", datetime(2026, 5, 4, 8, 0)),
        ("6 on monday", datetime(2026, 5, 4, 18, 0)),
        ("midnight on tuesday", datetime(2026, 5, 6, 0, 0)),
    ],
)
def test_a_weekday_is_its_next_date(words: str, expected: datetime) -> None:
    """On Monday 4 May 2026 at 8:30 AM: today's weekday is today while its time is to come or
    under way (its hour), else next week; another weekday the next of it."""
    now = datetime(2026, 5, 4, 8, 30, tzinfo=BRUSSELS)
    asked = parse_asked_time(words)
    assert asked is not None
    assert moment_asked(asked, now).wall == expected


def test_a_day_alone_is_the_days_question() -> None:
    """ "The power forecast for tomorrow" also fits "for {time}"."""
    assert asked_day(" Tomorrow") == "tomorrow"
    assert asked_day("tomorrow at 6 pm") is None


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        # At 20:30, 6 pm is tomorrow's and 8 pm the hour under way.
        ("6 pm", datetime(2026, 5, 5, 18, 0, tzinfo=BRUSSELS)),
        ("8 pm", datetime(2026, 5, 4, 20, 0, tzinfo=BRUSSELS)),
        ("8:15 pm", datetime(2026, 5, 4, 20, 15, tzinfo=BRUSSELS)),
        ("9 pm today", datetime(2026, 5, 4, 21, 0, tzinfo=BRUSSELS)),
        ("8 pm tomorrow", datetime(2026, 5, 5, 20, 0, tzinfo=BRUSSELS)),
        # "6 o'clock" is the next 6: tomorrow morning; "9" this evening.
        ("6 o'clock", datetime(2026, 5, 5, 6, 0, tzinfo=BRUSSELS)),
        ("9", datetime(2026, 5, 4, 21, 0, tzinfo=BRUSSELS)),
        ("6 o'clock tomorrow", datetime(2026, 5, 5, 6, 0, tzinfo=BRUSSELS)),
        ("midnight", datetime(2026, 5, 5, 0, 0, tzinfo=BRUSSELS)),
    ],
)
def test_a_time_without_a_day_is_its_next_occurrence(words: str, expected: datetime) -> None:
    """From the hour under way, in the home's time zone."""
    asked = parse_asked_time(words)
    assert asked is not None
    moment = moment_asked(asked, datetime(2026, 5, 4, 20, 30, tzinfo=BRUSSELS))
    assert moment is not None
    assert moment.at == expected.astimezone(UTC)
    assert not moment.skipped


def test_a_time_of_today_gone_by_is_today_s_and_passed() -> None:
    """6 am today at 20:30: no next one today; today's, said to have passed. "6 o'clock
    today" is the later of the two that have."""
    now = datetime(2026, 5, 4, 20, 30, tzinfo=BRUSSELS)
    for words, expected in (
        ("6 am today", datetime(2026, 5, 4, 6, 0, tzinfo=BRUSSELS)),
        ("6 o'clock today", datetime(2026, 5, 4, 18, 0, tzinfo=BRUSSELS)),
    ):
        asked = parse_asked_time(words)
        assert asked is not None
        assert moment_asked(asked, now) == MomentAsked(
            at=expected.astimezone(UTC),
            wall=expected.replace(tzinfo=None),
            skipped=False,
            passed=True,
        ), words


@pytest.mark.parametrize(
    ("words", "hours", "day", "ends_day"),
    [
        ("9 pm tonight", (21,), "today", False),
        ("9 tonight", (21,), "today", False),
        ("21:00 tonight", (21,), "today", False),
        ("5 pm tonight", (17,), "today", False),
        # After midnight, the night's small hours: the next 1 AM (see below).
        ("1 am tonight", (1,), None, False),
        ("1 tonight", (1,), None, False),
        ("2 at night", (2,), None, False),
        ("midnight tonight", (0,), "today", True),
        ("12 tonight", (0,), "today", True),
        ("9 this evening", (21,), "today", False),
        ("7 this morning", (7,), "today", False),
        ("3 this afternoon", (15,), "today", False),
        ("12 this afternoon", (12,), "today", False),
        ("9 pm this evening today", (21,), "today", False),
    ],
)
def test_tonight_and_this_evening_are_todays(
    words: str, hours: tuple[int, ...], day: str | None, ends_day: bool
) -> None:
    """ "9 pm tonight" was any next 9 PM: at 23:30, tomorrow's. "This morning", "this
    afternoon" and "this evening" were no time at all."""
    assert parse_asked_time(words) == AskedTime(hours=hours, minute=0, day=day, ends_day=ends_day)


@pytest.mark.parametrize(
    ("words", "hours", "ends_day"),
    [
        ("at 7 tomorrow morning", (7,), False),
        ("7 am tomorrow morning", (7,), False),
        ("tomorrow at 7 in the morning", (7,), False),
        ("tomorrow morning at 7", (7,), False),
        ("7 in the morning tomorrow", (7,), False),
        ("3 tomorrow afternoon", (15,), False),
        ("at 9 tomorrow evening", (21,), False),
        ("9 pm tomorrow evening", (21,), False),
        ("at 10 tomorrow night", (22,), False),
        ("tomorrow night at 10", (22,), False),
        # Tomorrow night's small hours come after tomorrow's midnight, as tonight's after
        # today's (see below).
        ("at 1 tomorrow night", (1,), True),
        ("1 am tomorrow night", (1,), True),
        ("midnight tomorrow night", (0,), True),
    ],
)
def test_tomorrow_morning_evening_and_night_are_tomorrows(
    words: str, hours: tuple[int, ...], ends_day: bool
) -> None:
    """ "At 7 tomorrow morning" was no time of day: the part of the day pins tomorrow and
    its half of the clock."""
    assert parse_asked_time(words) == AskedTime(
        hours=hours,
        minute=0,
        day="tomorrow",
        ends_day=ends_day,
        tomorrow_night=words.endswith("night") or words.startswith("tomorrow night"),
    )


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (
            "3 this evening",
            AskedTime(hours=(15,), minute=0, day="today", amiss=("evening", "afternoon")),
        ),
        (
            "9 this afternoon",
            AskedTime(hours=(21,), minute=0, day="today", amiss=("afternoon", "evening")),
        ),
        (
            "3 pm in the evening",
            AskedTime(hours=(15,), minute=0, day=None, amiss=("evening", "afternoon")),
        ),
        ("6 this afternoon", AskedTime(hours=(18,), minute=0, day="today")),
        ("5 this evening", AskedTime(hours=(17,), minute=0, day="today")),
        ("12 this evening", AskedTime(hours=(0,), minute=0, day="today", ends_day=True)),
        ("12 in the evening", AskedTime(hours=(0,), minute=0, day=None)),
        ("5 this morning", AskedTime(hours=(5,), minute=0, day="today")),
    ],
)
def test_an_hour_outside_the_part_said_is_taken_and_marked(words: str, expected: AskedTime) -> None:
    """ "3 this evening" is 3 PM, in the afternoon: the answer says so; 5 and 6 PM are either."""
    assert parse_asked_time(words) == expected


def test_at_8_in_the_evening_is_the_next_8_pm() -> None:
    """No day said: the next 8 PM, from the hour under way."""
    asked = parse_asked_time("at 8 in the evening")
    assert asked == AskedTime(hours=(20,), minute=0, day=None)
    moment = moment_asked(asked, datetime(2026, 5, 4, 21, 30, tzinfo=BRUSSELS))
    assert moment.at == datetime(2026, 5, 5, 20, 0, tzinfo=BRUSSELS).astimezone(UTC)


@pytest.mark.parametrize(
    ("now", "words", "expected", "passed"),
    [
        # At 23:30, 9 PM tonight has gone by: today's, not tomorrow's.
        (datetime(2026, 5, 4, 23, 30), "9 pm tonight", datetime(2026, 5, 4, 21, 0), True),
        (datetime(2026, 5, 4, 23, 30), "9 this evening", datetime(2026, 5, 4, 21, 0), True),
        (datetime(2026, 5, 4, 23, 30), "11 pm tonight", datetime(2026, 5, 4, 23, 0), False),
        # 1 AM tonight is the one after tonight's midnight: tomorrow's date, as a person
        # means it at 23:30 or at 3 PM; in the small hours, the night under way's.
        (datetime(2026, 5, 4, 23, 30), "1 am tonight", datetime(2026, 5, 5, 1, 0), False),
        (datetime(2026, 5, 4, 15, 0), "1 am tonight", datetime(2026, 5, 5, 1, 0), False),
        (datetime(2026, 5, 4, 0, 30), "1 am tonight", datetime(2026, 5, 4, 1, 0), False),
        (datetime(2026, 5, 4, 23, 30), "midnight tonight", datetime(2026, 5, 5, 0, 0), False),
        (datetime(2026, 5, 4, 0, 30), "midnight tonight", datetime(2026, 5, 5, 0, 0), False),
        (datetime(2026, 5, 4, 0, 30), "9 pm tonight", datetime(2026, 5, 4, 21, 0), False),
        (datetime(2026, 5, 4, 20, 30), "9 am this morning", datetime(2026, 5, 4, 9, 0), True),
        (datetime(2026, 5, 4, 10, 30), "3 this afternoon", datetime(2026, 5, 4, 15, 0), False),
        # Tomorrow night is the night after tonight, its small hours after its midnight: at
        # 23:30 it begins in tomorrow's evening; at 00:30, when tonight is the night under
        # way, in this evening, so "1 am tomorrow night" is a day ahead, not two.
        (datetime(2026, 5, 4, 23, 30), "10 tomorrow night", datetime(2026, 5, 5, 22, 0), False),
        (datetime(2026, 5, 4, 23, 30), "1 tomorrow night", datetime(2026, 5, 6, 1, 0), False),
        (datetime(2026, 5, 4, 0, 30), "1 am tomorrow night", datetime(2026, 5, 5, 1, 0), False),
        (datetime(2026, 5, 4, 0, 30), "10 tomorrow night", datetime(2026, 5, 4, 22, 0), False),
        (
            datetime(2026, 5, 4, 0, 30),
            "midnight tomorrow night",
            datetime(2026, 5, 5, 0, 0),
            False,
        ),
        # In the small hours tomorrow morning is the coming one, today's date.
        (datetime(2026, 5, 4, 0, 30), "7 tomorrow morning", datetime(2026, 5, 4, 7, 0), False),
        (datetime(2026, 5, 4, 23, 30), "7 tomorrow morning", datetime(2026, 5, 5, 7, 0), False),
    ],
)
def test_tonight_falls_today_or_in_the_night_after_it(
    now: datetime, words: str, expected: datetime, passed: bool
) -> None:
    """In the home's time zone; a time of tonight gone by is today's, and has passed."""
    asked = parse_asked_time(words)
    assert asked is not None
    moment = moment_asked(asked, now.replace(tzinfo=BRUSSELS))
    assert moment is not None
    assert moment.at == expected.replace(tzinfo=BRUSSELS).astimezone(UTC)
    assert (moment.passed, moment.skipped) == (passed, False)


def test_the_night_the_clocks_go_forward_2_30_never_comes() -> None:
    """Brussels, 29 March 2026: 2:00 CET is 3:00 CEST. 2:30 AM does not exist; it is taken
    as the moment the clocks jump to (3:00 AM, 01:00 UTC), and flagged, so the answer says so
    and gives the hour that does come, rather than nothing or a silent 3 AM."""
    now = datetime(2026, 3, 28, 20, 30, tzinfo=BRUSSELS)
    for words in ("2:30 am", "2:30 am tomorrow", "2 am"):
        asked = parse_asked_time(words)
        assert asked is not None
        moment = moment_asked(asked, now)
        assert moment is not None
        assert moment.at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC), words
        assert moment.skipped, words
    # Said with the times as every answer says them, not the words asked.
    asked = parse_asked_time("2:30 AM")
    assert asked is not None
    after_midnight = datetime(2026, 3, 29, 0, 30, tzinfo=BRUSSELS)
    for asked_at, day in ((now, "tomorrow"), (after_midnight, "today")):
        moment = moment_asked(asked, asked_at)
        assert time_skipped(moment.wall, moment.at, asked_at) == (
            f"2:30 AM {day} does not exist: the clocks go forward from 2:00 AM to 3:00 AM"
        )
    asked = parse_asked_time("3 am")
    assert asked is not None
    three = moment_asked(asked, now)
    assert three is not None
    assert (three.at, three.skipped) == (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), False)
    # 1:30 AM comes, an hour before 3 AM.
    asked = parse_asked_time("1:30 am")
    assert asked is not None
    early = moment_asked(asked, now)
    assert early is not None
    assert (early.at, early.skipped) == (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), False)


def test_the_night_the_clocks_go_back_2_30_comes_twice_the_next_is_taken() -> None:
    """Brussels, 25 October 2026: 3:00 CEST is 2:00 CET, 2:30 comes at 00:30 and 01:30 UTC."""
    asked = parse_asked_time("2:30 am")
    assert asked is not None
    evening = moment_asked(asked, datetime(2026, 10, 24, 23, 30, tzinfo=BRUSSELS))
    assert evening is not None
    assert (evening.at, evening.skipped) == (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), False)
    # In the second 2 o'clock hour, the one under way.
    second = datetime(2026, 10, 25, 1, 40, tzinfo=UTC).astimezone(BRUSSELS)
    assert second.hour == 2
    under_way = moment_asked(asked, second)
    assert under_way is not None
    assert under_way.at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert (evening.repeated, under_way.repeated) == ("first", "second")
    assert evening.change_at == under_way.change_at == datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
    assert time_repeated(evening.wall, evening.change_at, second, first=False) == (
        "2:30 AM today comes twice: the clocks go back from 3:00 AM to 2:00 AM; the second, "
        "after they do"
    )
    # 3 AM comes once, after both.
    asked = parse_asked_time("3 am")
    assert asked is not None
    three = moment_asked(asked, datetime(2026, 10, 24, 23, 30, tzinfo=BRUSSELS))
    assert three is not None
    assert three.at == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)


def _hours_from(start: datetime) -> list[ForecastHour]:
    """24 hourly rows from `start` (UTC), in Brussels time, each hour's power its index x 100."""
    return [
        ForecastHour(
            start=(start + timedelta(hours=index)).astimezone(BRUSSELS),
            power_w=100.0 * index,
            low_w=50.0 * index,
            high_w=200.0 * index,
        )
        for index in range(24)
    ]


@pytest.mark.parametrize(
    ("now", "words", "expected"),
    [
        # 20:30 CET, 28 March (row 0 is 8 PM): 2:30 AM is skipped, the clocks jump to 3:00 AM,
        # row 6 (midnight is row 4, 1 AM row 5); 6 PM on that 23-hour day is row 21.
        (
            datetime(2026, 3, 28, 20, 30, tzinfo=BRUSSELS),
            "2:30 am",
            "Home expects about 600\u00a0W at 3:00 AM tomorrow (likely 300\u00a0W to "
            "1,200\u00a0W).",
        ),
        (
            datetime(2026, 3, 28, 20, 30, tzinfo=BRUSSELS),
            "6 pm",
            "Home expects about 2,100\u00a0W at 6:00 PM tomorrow (likely 1,050\u00a0W to "
            "4,200\u00a0W).",
        ),
        # 23:30 CEST, 24 October: the first 2 AM is row 3, the second row 4, 3 AM row 5.
        (
            datetime(2026, 10, 24, 23, 30, tzinfo=BRUSSELS),
            "2 am",
            "Home expects about 300\u00a0W at 2:00 AM tomorrow (likely 150\u00a0W to 600\u00a0W).",
        ),
        # 2:30 AM in the first 2 o'clock hour, whose end reads 2:00 AM again.
        (
            datetime(2026, 10, 24, 23, 30, tzinfo=BRUSSELS),
            "2:30 am",
            "Home expects about 300\u00a0W in the hour from 2:00 AM tomorrow (likely 150\u00a0W "
            "to 600\u00a0W).",
        ),
        (
            datetime(2026, 10, 24, 23, 30, tzinfo=BRUSSELS),
            "3 am",
            "Home expects about 500\u00a0W at 3:00 AM tomorrow (likely 250\u00a0W to "
            "1,000\u00a0W).",
        ),
    ],
)
def test_the_hour_asked_on_the_days_the_clocks_change(
    now: datetime, words: str, expected: str
) -> None:
    """Rows are matched by instant: two 2 AM rows the night the clocks go back are two hours."""
    asked = parse_asked_time(words)
    assert asked is not None
    moment = moment_asked(asked, now)
    assert moment is not None
    start = now.astimezone(UTC).replace(minute=0)
    answer = power_at_answer(name="Home", hours=_hours_from(start), now=now, at=moment.at)
    assert answer == expected


@pytest.mark.parametrize(
    ("now", "words", "wall", "as_today"),
    [
        (datetime(2026, 5, 3, 23, 59), "7 am tomorrow", datetime(2026, 5, 4, 7, 0), False),
        (datetime(2026, 5, 4, 0, 0), "7 am tomorrow", datetime(2026, 5, 4, 7, 0), True),
        (datetime(2026, 5, 4, 5, 59), "tomorrow at 7", datetime(2026, 5, 4, 7, 0), True),
        (datetime(2026, 5, 4, 6, 0), "7 am tomorrow", datetime(2026, 5, 5, 7, 0), False),
        # Gone by today: the calendar's tomorrow, not taken as today.
        (datetime(2026, 5, 4, 5, 30), "4 am tomorrow", datetime(2026, 5, 5, 4, 0), False),
        # The midnight that ends the coming day.
        (datetime(2026, 5, 4, 0, 30), "midnight tomorrow", datetime(2026, 5, 5, 0, 0), True),
        # The night the clocks go forward at 2:00 AM: 2:30 AM that morning never comes.
        (datetime(2026, 3, 29, 0, 30), "2:30 am tomorrow", datetime(2026, 3, 29, 2, 30), True),
    ],
)
def test_tomorrow_in_the_small_hours_is_today(
    now: datetime, words: str, wall: datetime, as_today: bool
) -> None:
    """From midnight to 6:00 AM "tomorrow" is the coming day, today's date, and marked so."""
    asked = parse_asked_time(words)
    assert asked is not None
    moment = moment_asked(asked, now.replace(tzinfo=BRUSSELS))
    assert (moment.wall, moment.tomorrow_as_today) == (wall, as_today)
    assert moment.skipped == (now.month == 3)
