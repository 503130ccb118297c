"""A CSV's cells as text, row by row: rows that do not fit the header are dropped, and said.

pandas refuses a whole file for one row with more cells than the header (a comment after
the data) and fills a row with fewer (a cut last line) with
blanks, reading its cut value as if whole; a row whose first extra cell is a trailing
separator made pandas shift every column by one. Here each row is held against the
header: one that fits is kept, one that does not (or a comment line, `# ...`) is dropped
with one `note:`, and a file
where most rows do not fit is refused (the wrong separator?).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from bench.prediction_csv_options import CsvError
from bench.prediction_csv_units import EXCEL_ERRORS

MOST_ROWS = 0.5  # more rows than this share that do not fit: the file, not a row, is wrong


def pandas_names(header: list[str]) -> list[str]:
    """The header's names as pandas gives them: `Unnamed: 3` for an empty one, `a.1` for a
    repeated `a` (the names asked for are checked to be unique before this)."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for number, written in enumerate(header):
        name = written or f"Unnamed: {number}"
        if name in seen:
            seen[name] += 1
            names.append(f"{name}.{seen[name]}")
        else:
            seen[name] = 0
            names.append(name)
    return names


def without_trailing_blanks(cells: list[str], width: int) -> list[str]:
    """A row cut to `width` cells where the cells past it are blank (a trailing separator)."""
    if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
        return cells[:width]
    return cells


def read_cells(
    path: Path,
    encoding: str,
    skip: int,
    separator: str,
    notes: Callable[[str], None],
) -> pd.DataFrame:
    """Every cell of the file as text, below the header on line `skip` + 1 (0-based `skip`).

    A blank line is passed over; a row with more cells than the header (past blank ones)
    or fewer (short of its blank names at the end) is dropped, and one note says how many
    and where the first was.
    """
    with open(path, encoding=encoding, errors="replace", newline="") as file:
        for _ in range(skip):
            file.readline()
        reader = csv.reader(file, delimiter=separator, skipinitialspace=True)
        try:
            header = next(reader, [])
            names = pandas_names(header)
            width, least = len(names), len(trailing_names(header))
            kept: list[list[str]] = []
            ragged = 0
            first: tuple[int, list[str]] | None = None
            for line, written in numbered_rows(reader, skip):
                cells = without_trailing_blanks(written, width)
                # A header ending in separators over rows that leave them out still fits.
                if least <= len(cells) <= width and not is_comment(cells[0]):
                    kept.append(cells + [""] * (width - len(cells)))
                    continue
                ragged += 1
                first = first or (line, cells)
        except csv.Error as error:
            raise CsvError(f"not a readable CSV ({error})") from error
    if first is not None:
        check_most_rows_fit(ragged, len(kept), width, first)
        line, cells = first
        notes(
            f"{ragged} rows that are comments or do not have the header's {width} cells "
            f"dropped, the first on line {line} ({len(cells)} cells: "
            f"{separator.join(cells)[:60]!r}; a cut last line?)"
        )
    return pd.DataFrame(kept, columns=names, dtype=str)


def is_comment(cell: str) -> bool:
    """A cell that opens a comment line (`# exported by ...`), not a spreadsheet's `#N/A`."""
    text = cell.strip()
    return text.startswith("#") and not re.fullmatch(EXCEL_ERRORS, text)


def trailing_names(header: list[str]) -> list[str]:
    """The header's names without blank ones at its end, unless every one is blank."""
    names = list(header)
    while len(names) > 1 and not names[-1].strip():
        names.pop()
    return names


def numbered_rows(reader: Iterator[list[str]], skip: int) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank row with the file's line number (1-based) it starts on."""
    start = reader.line_num  # type: ignore[attr-defined]
    for cells in reader:
        line = skip + start + 1
        start = reader.line_num  # type: ignore[attr-defined]
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        yield line, cells


def check_most_rows_fit(ragged: int, kept: int, width: int, first: tuple[int, list[str]]) -> None:
    """Refuse a file where most rows do not fit the header: its separator or header is
    wrong, and dropping them would leave a few rows that happen to fit."""
    if ragged <= MOST_ROWS * (ragged + kept):
        return
    line, cells = first
    raise CsvError(
        f"{ragged} of {ragged + kept} rows do not have the header's {width} cells (line "
        f"{line}: {len(cells)}): another separator (--sep) or a header over other columns?"
    )
