"""What a place's weather can be, month by month: °F under a bare name told from °C.

A cool season in °F (a UK winter's 41 °F, a Berlin January's 33 °F) reads as a hot one in
°C, and its median stays under the 45 "°C" no place has: it was scored as a heat wave. Its
months tell it apart all the same. No place's month has had a median above the month's
hottest on record (Death Valley's July 2018 averaged 42.3 °C; from November to March the
hottest months, in Australia's north-west and the Sahel, stay below 35 °C); and where a
month is hot, its days are alike (the hottest places' daily means wander by 1.5-3.5 °C),
while a cool season's weather fronts move its days by 7-16 degrees in °F. Not told apart:
a month colder than 25 °F (-4 °C) on its own, which as °C is a cool place's mild month.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

NORMAL_MAD = 1.4826  # a median absolute deviation as a normal spread's standard deviation
MONTH_DAYS = 14  # a month is judged on at least this many days of hours
# The highest median a month's hourly °C can have anywhere, January to December: the
# hottest monthly means on record (Marble Bar, Timbuktu, Jacobabad, Kuwait, Death Valley)
# and two degrees more.
HOTTEST_MONTH_C = (37.0, 37.0, 37.0, 38.0, 40.0, 42.0, 45.0, 43.0, 40.0, 37.0, 37.0, 37.0)
HOT_MONTH_C = 25.0  # a month this hot in °C keeps its days alike
HOT_DAYS_SPREAD_C = 4.5  # its daily means' standard deviation stays below this


def month_why_not_celsius(temperature: pd.Series) -> str | None:
    """Why hourly values read as °C make no place's month (with the month), else None."""
    known = temperature.dropna()
    if known.empty:
        return None
    index = pd.DatetimeIndex(known.index)
    for key, hours in known.groupby([index.year, index.month]):
        year, month = (int(part) for part in cast(tuple[int, int], key))
        days = hours.groupby(pd.DatetimeIndex(hours.index).normalize()).mean().to_numpy()
        if len(days) < MONTH_DAYS:
            continue
        median = float(hours.median())
        # Robust: one day of a sensor's fault (85 °C in a winter) is no weather front.
        spread = NORMAL_MAD * float(np.median(np.abs(days - np.median(days))))
        first_day = pd.Timestamp(year, month, 1)
        name = f"{first_day:%B %Y}"
        ceiling = HOTTEST_MONTH_C[month - 1]
        if median > ceiling:
            return (
                f"{name}'s median would be {median:.1f} °C, hotter than any place's "
                f"{first_day:%B} has been ({ceiling:g} °C)"
            )
        if median >= HOT_MONTH_C and spread > HOT_DAYS_SPREAD_C:
            return (
                f"{name} would be hot (median {median:.1f} °C) with days as unalike as a "
                f"cool season's (their means' spread {spread:.1f} degrees; a hot "
                f"month's stays below {HOT_DAYS_SPREAD_C:g} °C)"
            )
    return None
