"""bench/prediction_data.py: the parts of its loaders that read a file's own layout."""

import pandas as pd

from bench.prediction_data import _try_weather

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
