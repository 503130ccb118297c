"""Numbers, units, times and days as Assist says them: plain words, no Home Assistant."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal

from ..markdown_text import with_unit
from .part_of_day import in_small_hours

# Said in words, as Home Assistant's own answers say "degrees": speech reads "%" as a symbol.
_SPOKEN_UNITS = {"%": "percent"}


def spoken_unit(number: str, unit: str) -> str:
    """A number and its unit, "%" in words: "44.0 percent", "22.5 °C"."""
    return with_unit(number, _SPOKEN_UNITS.get(unit, unit))


def sentence_start(said: str) -> str:
    """`said` as a sentence begins it: a capital first letter, the rest as given.

    A first word with capitals of its own is a brand's spelling, written so at a sentence's
    start too ("eGauge", "iPhone"; "EGauge" reads as a typo); Home Assistant's `capitalize`
    filter would lower the rest ("Egauge").
    """
    first_word = said.split(" ", 1)[0]
    if any(letter.isupper() for letter in first_word):
        return said
    return said[:1].upper() + said[1:]


def one_after_another(answers: Iterable[str]) -> str:
    """Answers said in a row (one per sensor or forecast), each begun as a sentence."""
    return " ".join(sentence_start(answer) for answer in answers)


def listed(names: Sequence[str]) -> str:
    """Names listed in words: "A", "A and B", "A, B and C"."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def clock_time(moment: datetime) -> str:
    """A time of day as Home Assistant's own English answers say it: "6:27 AM".

    Midnight and noon are said in words: "12:00 AM" is heard as noon as often as not.
    """
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "noon"
    return f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def time_ahead(moment: datetime, now: datetime) -> str:
    """A time to come and its day: "6:00 PM today", "noon on Friday", "midnight tonight".

    A midnight is named by the night it ends, not the day it begins: "12:00 AM on Friday" is
    "midnight on Thursday night", which "midnight on Friday" would be heard as the end of.
    """
    if moment.minute or moment.hour:
        return f"{clock_time(moment)} {day_ahead(moment, now)}"
    night = moment - timedelta(days=1)
    days = (night.date() - now.date()).days
    if days < 0:
        return "midnight"
    if days == 0:
        # In the small hours "tonight" is the night under way, whose midnight has gone.
        return f"midnight at the end of {now:%A}" if in_small_hours(now) else "midnight tonight"
    if days < 7:
        return f"midnight on {night:%A} night"
    return f"midnight at the end of {night.day} {night:%B}"


def day_begins(midnight: datetime, now: datetime) -> str:
    """A midnight said as the day it begins: "midnight, as tomorrow begins".

    Of an hour asked of a day it starts (tomorrow's first), "midnight tonight" is true but
    heard as tonight's.
    """
    return f"midnight, as {day_ahead(midnight, now).removeprefix('on ')} begins"


def hour_said(start: datetime, now: datetime | None = None) -> str:
    """An hour's start on the clock (with its day, from `now`), and which it is if it comes twice.

    The night the clocks go back, "2:00 AM" is two hours: "2:00 AM tomorrow (before the clocks
    go back)" or "(after …)". `start` is aware, as the home's zone reads the instant.
    """
    said = clock_time(start) if now is None else time_ahead(start, now)
    if start.replace(fold=1 - start.fold).utcoffset() == start.utcoffset():
        return said
    return f"{said} ({'after' if start.fold else 'before'} the clocks go back)"


def day_ahead(moment: datetime, now: datetime) -> str:
    """The day in words: today, tomorrow, on Friday within the week, else on 12 December."""
    days = (moment.date() - now.date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 7:
        return f"on {moment:%A}"
    return f"on {moment.day} {moment:%B}"


def tomorrow_taken(now: datetime, *, night: bool) -> str:
    """What "tomorrow" said in the small hours is taken as, which the answer says first.

    "It's after midnight, so I take tomorrow as today, Monday." (or "tomorrow night as Monday
    night."), as phone assistants say the alarm they set "for tomorrow at 7" at 00:30.
    """
    if night:
        return f"It's after midnight, so I take tomorrow night as {now:%A} night."
    return f"It's after midnight, so I take tomorrow as today, {now:%A}."


def time_past(moment: datetime, now: datetime) -> str:
    """A time gone by in words: 2:05 PM today, yesterday, on Friday within the week, else a date.

    Last midnight is "midnight"; an earlier one is named by its night, as `time_ahead` says it.
    """
    days = (now.date() - moment.date()).days
    if not (moment.minute or moment.hour):
        if days <= 0:
            return "midnight"
        night = moment - timedelta(days=1)
        return (
            f"midnight on {night:%A} night"
            if days < 7
            else f"midnight at the end of {night.day} {night:%B}"
        )
    if days <= 0:
        when = "today"
    elif days == 1:
        when = "yesterday"
    elif days < 7:
        when = f"on {moment:%A}"
    else:
        when = f"on {moment.day} {moment:%B}"
    return f"{clock_time(moment)} {when}"


def time_skipped(wall: datetime, change_at: datetime, now: datetime) -> str:
    """A wall time (naive) the clocks jump over at `change_at`, in the zone of `now`.

    "2:30 AM tomorrow does not exist: the clocks go forward from 2:00 AM to 3:00 AM"
    """
    return f"{time_ahead(wall, now)} does not exist: {_change(change_at, now)}"


def time_repeated(wall: datetime, change_at: datetime, now: datetime, *, first: bool) -> str:
    """A wall time (naive) the clock reads twice as it goes back at `change_at`, and which.

    "2:30 AM tomorrow comes twice: the clocks go back from 3:00 AM to 2:00 AM; the first,
    before they do"
    """
    which = "the first, before they do" if first else "the second, after they do"
    return f"{time_ahead(wall, now)} comes twice: {_change(change_at, now)}; {which}"


def _change(change_at: datetime, now: datetime) -> str:
    after = change_at.astimezone(now.tzinfo)
    # The clock's last reading before the change, a minute on: where it stops.
    before = (change_at - timedelta(minutes=1)).astimezone(now.tzinfo) + timedelta(minutes=1)
    way = "forward" if after.replace(tzinfo=None) > before.replace(tzinfo=None) else "back"
    return f"the clocks go {way} from {clock_time(before)} to {clock_time(after)}"


def half_up(value: float, decimals: int) -> Decimal:
    """`value` to `decimals` places, a half away from zero, as the frontend shows a state.

    Python's formatting rounds a half to even: 1,124.5 W was said "1,124 W" where the device
    page and the dashboard card show 1,125.
    """
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def watts(power_w: float) -> str:
    """Whole watts below 10 kW ("1,240 W"), else kilowatts to a tenth ("12.5 kW")."""
    if power_w >= 10_000:
        return with_unit(f"{half_up(power_w / 1000, 1):,}", "kW")
    return with_unit(f"{half_up(power_w, 0):,}", "W")


def kwh(energy_kwh: float) -> str:
    """Energy to a tenth of a kilowatt-hour, a half up as the watts: "2.9 kWh"."""
    return with_unit(f"{half_up(energy_kwh, 1):,}", "kWh")


def shown(number: str, precision: int | None) -> str | None:
    """A state as the frontend shows it: to `precision` decimals, rounded half up, grouped.

    "1234.5" at no decimals is "1,235" (Python's formatting, and Home Assistant's own
    rounding with it, say "1234"); without a precision the digits stay as given. None if the
    state is not a finite number.
    """
    try:
        value = Decimal(number)
    except ArithmeticError:
        return None
    if not value.is_finite():
        return None
    # Quantizing to more digits than the default 28 raised: a meter's 1e30 W failed Assist.
    digits = Context(prec=max(28, value.adjusted() + (precision or 0) + 2))
    if precision is not None:
        value = value.quantize(
            Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP, context=digits
        )
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        # "1E+3" is a thousand written short: said in full, as the frontend shows it.
        value = value.quantize(Decimal(1), context=digits)
    # -0.3 W shown whole is "0 W", as the frontend writes it, not "-0".
    return f"{value.copy_abs() if value.is_zero() else value:,}"
