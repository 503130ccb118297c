"""bench/prediction.py --csv: rows that do not fit the header are dropped and said, not fatal.

A comment after the data or a row with one cell more refused the whole file; a cut last
line was read with its cut value; a trailing separator on the first row shifted every
column by one.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.prediction_csv import CsvError, CsvOptions, load_csv

DAYS = 3


def options() -> CsvOptions:
    return CsvOptions(time="time", power="power", temperature="temp")


def clean_lines() -> list[str]:
    index = pd.date_range("2026-01-05", periods=DAYS * 24, freq="h")
    power = 100.0 + 10.0 * ((7 * index.hour.to_numpy()) % 24)
    return ["time,power,temp"] + [
        f"{time:%Y-%m-%d %H:%M},{watts:g},5.5" for time, watts in zip(index, power, strict=True)
    ]


def expected_power() -> np.ndarray:
    index = pd.date_range("2026-01-05", periods=DAYS * 24, freq="h")
    return 100.0 + 10.0 * ((7 * index.hour.to_numpy()) % 24)


@pytest.mark.parametrize(
    ("change", "line", "cells"),
    [
        # A comment after the data: one cell, or cells of its own.
        (lambda lines: [*lines, "# exported 2026-01-08 by the meter"], DAYS * 24 + 2, 1),
        (lambda lines: [*lines, "# total,1234 kWh,end"], DAYS * 24 + 2, 3),
        # A cut last line: its power `3` is the first digit of 300.
        (lambda lines: [*lines, "2026-01-08 00:00,3"], DAYS * 24 + 2, 2),
        # A row with a cell more, midway (a note typed into the next column).
        (
            lambda lines: [*lines[:10], lines[10] + ",meter read by hand", *lines[11:]],
            11,
            4,
        ),
    ],
)
def test_a_row_that_does_not_fit_the_header_is_dropped_and_said(
    tmp_path: Path, change: object, line: int, cells: int
) -> None:
    lines = change(clean_lines())  # type: ignore[operator]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    notes: list[str] = []
    hourly = load_csv(path, options(), notes.append)
    dropped = [note for note in notes if "dropped, the first on line" in note]
    assert len(dropped) == 1
    assert dropped[0].startswith("1 rows that are comments or do not have the header's 3 cells")
    assert f"the first on line {line} ({cells} cells" in dropped[0]
    if line == 11:  # the row itself is gone: its hour has no reading
        expected = expected_power()
        expected[9] = np.nan
        np.testing.assert_allclose(hourly["power_w"], expected)
    else:
        assert len(hourly) == DAYS * 24
        np.testing.assert_allclose(hourly["power_w"], expected_power())


def test_a_file_whose_rows_mostly_do_not_fit_is_refused(tmp_path: Path) -> None:
    # Every row has a cell more than the header: the header is not over these columns.
    lines = clean_lines()
    lines = [lines[0]] + [row + ",1" for row in lines[1:]]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused = r"72 of 72 rows do not have the header's 3 cells \(line 2: 4\)"
    with pytest.raises(CsvError, match=refused):
        load_csv(path, options(), lambda _: None)


def test_a_trailing_separator_on_the_first_row_shifts_no_column(tmp_path: Path) -> None:
    # pandas took the first column for an index: times read as power, power as temperature.
    lines = clean_lines()
    lines[1] += ","
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    notes: list[str] = []
    hourly = load_csv(path, options(), notes.append)
    np.testing.assert_allclose(hourly["power_w"], expected_power())
    assert not any("dropped" in note for note in notes)
