"""The daily means pandas computes, as the trend analysis defines them: a day's hourly means."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray


def pandas_daily(times: NDArray[Any], values: NDArray[Any], zone: str) -> pd.DataFrame:
    """Each local day's mean of its hourly means, and its count of usable samples."""
    index = pd.to_datetime(times, unit="s", utc=True).tz_convert(zone)
    series = pd.Series(values.astype(np.float64), index=index)
    return pd.DataFrame(
        {
            "mean": series.resample("h").mean().resample("D").mean(),
            "count": series.resample("D").count(),
        }
    )
