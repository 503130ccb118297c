"""A CSV's time zones: UTC offsets and zone names written after times, naive local times."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import numpy as np
import pandas as pd

from bench.prediction_csv_options import CsvError

# After a time of day: `+01:00`, `+0100`, or whole hours, `-06` (Pecan Street's `localminute`),
# which after a date alone would be its day.
OFFSET_PATTERN = r"(?<=\d:\d\d)(?::\d\d(?:\.\d+)?)?([+-])(\d\d)(?::?(\d\d))?\s*$"
# Where several zones fit a file's offsets, the first of these areas names it.
ZONE_AREAS = ("Europe", "America", "Australia", "Asia", "Pacific", "Africa", "Atlantic")
# Zone names after a time, which pandas would drop (read as local time). CST, IST and the
# like name several zones: beside their summer name (US Central's CDT, Israel's IDT) they
# are that zone's; alone they are read as local time, as before.
SHARED_ZONE_NAMES = {("CST", "CDT"): "-06:00", ("IST", "IDT"): "+02:00"}
ZONE_NAMES = {
    "UTC": "+00:00",
    "UT": "+00:00",
    "GMT": "+00:00",
    "WET": "+00:00",
    "BST": "+01:00",
    "WEST": "+01:00",
    "CET": "+01:00",
    "CEST": "+02:00",
    "MEZ": "+01:00",
    "MESZ": "+02:00",
    "EET": "+02:00",
    "EEST": "+03:00",
    "EST": "-05:00",
    "EDT": "-04:00",
    "CDT": "-05:00",
    "MST": "-07:00",
    "MDT": "-06:00",
    "PST": "-08:00",
    "PDT": "-07:00",
    "AEST": "+10:00",
    "AEDT": "+11:00",
}


def zone_of_offsets(values: pd.Series, instants: pd.Series) -> str | None:
    """A time zone whose UTC offset at each row's instant is the offset written in it.

    Times written with the offsets of a zone's clock changes (`+01:00` in winter, `+02:00`
    in summer) are its local times: read in UTC, every hour of the day would be an hour
    off for half the year. Any zone that matches every row gives the same local times.
    """
    minutes = written_offsets(values)
    known = minutes.notna() & instants.notna()
    pairs = pd.DataFrame({"at": instants[known], "minutes": minutes[known]}).drop_duplicates()
    pairs = pairs.sort_values("at")
    # Each change of offset and its row before, plus every hundredth row: a zone that fits
    # these fits the rest of the span between them.
    changed = pairs["minutes"].ne(pairs["minutes"].shift()) | pairs["minutes"].ne(
        pairs["minutes"].shift(-1)
    )
    sample = pairs[changed | (np.arange(len(pairs)) % 100 == 0)]
    at = pd.DatetimeIndex(sample["at"])
    expected = sample["minutes"].to_numpy()
    if len(at) == 0:
        return None
    first = at[0].to_pydatetime()
    areas = {area: rank for rank, area in enumerate(ZONE_AREAS)}
    candidates = [name for name in available_timezones() if name.split("/")[0] in areas]
    for name in sorted(candidates, key=lambda name: (areas[name.split("/")[0]], name)):
        offset = first.astimezone(ZoneInfo(name)).utcoffset()
        if offset is None or offset.total_seconds() / 60 != expected[0]:
            continue
        local = at.tz_convert(name)
        offsets = (local.tz_localize(None) - at.tz_localize(None)).total_seconds() / 60
        if np.array_equal(offsets.to_numpy(), expected):
            return name
    return None


def offset_minutes(values: pd.Series) -> pd.Series:
    """The UTC offset written after each time, in minutes (NaN where none is)."""
    written = values.str.extract(OFFSET_PATTERN)
    minutes = pd.to_numeric(written[1], errors="coerce") * 60 + pd.to_numeric(
        written[2], errors="coerce"
    ).fillna(0)
    return minutes.where(written[0] != "-", -minutes)


def written_offsets(values: pd.Series) -> pd.Series:
    """The UTC offset of each time in minutes, `Z` as 0 (NaN where none is written)."""
    return offset_minutes(values).where(~values.str.contains(r"Z\s*$"), 0)


def zone_names_as_offsets(values: pd.Series, name: str, notes: Callable[[str], None]) -> pd.Series:
    """`... GMT`, `... CEST` as UTC offsets: pandas drops the name and reads a local time."""
    named = values.str.extract(r"(?<=[\d\s])([A-Z]{2,5})\s*$", expand=False)
    named = named.where(~named.isin(["AM", "PM"]))
    if named.isna().all():
        return values
    present = set(named.dropna())
    zones = ZONE_NAMES | {
        shared: offset
        for (shared, summer), offset in SHARED_ZONE_NAMES.items()
        if summer in present
    }
    stripped = values.str.replace(r"\s*[A-Z]{2,5}\s*$", "", regex=True)
    if unknown := sorted(present - set(zones)):
        if present & set(zones):
            raise CsvError(
                f"the times in {name!r} end in {unknown[0]!r} beside other zone names: "
                "write UTC offsets such as +01:00 instead"
            )
        notes(
            f"the times in {name!r} end in {unknown[0]!r}, a name this reader does not tell "
            "apart (several zones share it): read as local time (see --tz)"
        )
        return stripped
    return values.where(named.isna(), stripped + named.map(zones))


def localize(
    values: pd.Series, parsed: pd.Series, zone: str, notes: Callable[[str], None]
) -> pd.Series:
    """Naive local times in `zone`; the clock change's repeated hour by row order if it can.

    Night by night: one row written twice (a meter's repeat) must not cost the repeated
    hour of every other clock change in the file.
    """
    skipped = parsed.dt.tz_localize(zone, ambiguous=True, nonexistent="NaT").isna()
    if in_gap := int((skipped & parsed.notna()).sum()):
        # Times no clock in the zone shows: the file's clock does not change (standard time
        # or UTC all year, as OpenEEmeter's samples), and its hours of the day are off by
        # one all summer.
        notes(
            f"{in_gap} rows fall in the hour the clocks skip in {zone}, dropped: if the "
            "file's times do not change with the clocks (UTC or standard time all year), "
            "leave out --tz"
        )
    try:
        inferred_all: pd.Series = parsed.dt.tz_localize(zone, ambiguous="infer", nonexistent="NaT")
        return inferred_all
    except Exception:  # pytz's AmbiguousTimeError, no ValueError: the order cannot tell
        local: pd.Series = parsed.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").copy()
    repeated = local.isna() & ~skipped & parsed.notna()
    lost = 0
    for _, night in parsed[repeated].groupby(parsed[repeated].dt.normalize()):
        day = parsed[parsed.dt.normalize() == night.iloc[0].normalize()]
        # A row repeating the one before it is the same instant: infer without it.
        first = day[day != day.shift()]
        try:
            inferred = first.dt.tz_localize(zone, ambiguous="infer", nonexistent="NaT")
        except Exception:
            lost += int(repeated[day.index].sum())
            continue
        local[day.index] = inferred.reindex(day.index).ffill()
    if lost:
        notes(f"{lost} rows in a clock change's repeated hour dropped: their order does not tell")
    return local


def check_zone(zone: str | None) -> None:
    if zone is None:
        return
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise CsvError(f"unknown time zone {zone!r} (e.g. Europe/London)") from error
