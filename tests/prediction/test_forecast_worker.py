"""Forecasting in a subprocess from plain arrays: the same hours as in this process."""

import io

import numpy as np
import pandas as pd
import pytest

from custom_components.py_iot_home.prediction import HourlyHistory, PowerModel
from custom_components.py_iot_home.prediction.arrays import HourlyArrays, WeatherArrays
from custom_components.py_iot_home.prediction.export import (
    ForecastRequest,
    ForecastValues,
    forecast_from_bytes,
    forecast_request_to_bytes,
    forecast_to_bytes,
)
from custom_components.py_iot_home.prediction.worker import (
    ForecastFailedError,
    forecast_in_subprocess,
)

from .conftest import TRAIN_HOURS


def _weather(frame: pd.DataFrame) -> WeatherArrays:
    index = pd.DatetimeIndex(frame.index).tz_convert("UTC")
    return WeatherArrays(
        time_ns=index.to_numpy(dtype="datetime64[ns]").astype(np.int64),
        temperature=frame["temperature"].to_numpy(np.float64),
        humidity=frame["humidity"].to_numpy(np.float64),
    )


@pytest.mark.parametrize("with_weather", [False, True], ids=["no_weather", "weather"])
def test_the_subprocess_forecasts_like_this_process(
    trained: PowerModel, hourly: pd.DataFrame, with_weather: bool
) -> None:
    history = HourlyHistory.from_frame(hourly.iloc[:TRAIN_HOURS])
    future = hourly.iloc[TRAIN_HOURS : TRAIN_HOURS + 24][["temperature", "humidity"]]
    request = ForecastRequest(
        model=trained,
        # What Home Assistant's side sends: arrays built without pandas.
        history=HourlyArrays.from_history(history),
        weather=_weather(future) if with_weather else None,
        hours=24,
    )
    child = forecast_in_subprocess(request)
    here = trained.forecast(history, future if with_weather else None, 24)
    np.testing.assert_allclose(child.power_w, here.power_w, rtol=1e-12)
    np.testing.assert_allclose(child.low_w, here.low_w, rtol=1e-12)
    np.testing.assert_allclose(child.high_w, here.high_w, rtol=1e-12)
    assert list(child.methods) == here.methods


def test_arrays_keep_the_home_time_zone(hourly: pd.DataFrame) -> None:
    history = HourlyHistory.from_frame(hourly.iloc[:48])
    arrays = HourlyArrays.from_history(history)
    assert arrays.time_zone == "Europe/Brussels"
    again = arrays.to_history()
    assert list(again.index) == list(history.index)
    np.testing.assert_array_equal(again.power_w, history.power_w)


def test_no_observed_power_comes_back_as_not_enough_history(trained: PowerModel) -> None:
    from custom_components.py_iot_home.prediction import NotEnoughHistoryError

    hours = np.arange(48, dtype=np.int64) * 3600 * 10**9
    empty = np.full(48, np.nan)
    request = ForecastRequest(
        model=trained,
        history=HourlyArrays(
            time_ns=hours, time_zone="UTC", power_w=empty, temperature=empty, humidity=empty
        ),
        weather=None,
        hours=24,
    )
    with pytest.raises(NotEnoughHistoryError):
        forecast_in_subprocess(request)


def _values(**changes: object) -> ForecastValues:
    fields: dict[str, object] = {
        "power_w": (100.0,) * 24,
        "low_w": (50.0,) * 24,
        "high_w": (150.0,) * 24,
        "methods": ("model",) * 24,
    } | changes
    return ForecastValues(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (_values(power_w=(100.0,) * 23), "24 hours"),
        (_values(high_w=(float("inf"),) * 24), "non-finite"),
        (_values(methods=("rm -rf",) * 24), "unknown methods"),
    ],
)
def test_a_forecast_that_does_not_fit_is_refused(values: ForecastValues, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        forecast_from_bytes(forecast_to_bytes(values), 24)


def test_a_good_forecast_reads_back() -> None:
    assert forecast_from_bytes(forecast_to_bytes(_values()), 24) == _values()


def test_a_failing_forecast_child_is_reported(
    monkeypatch: pytest.MonkeyPatch, trained: PowerModel, hourly: pd.DataFrame
) -> None:
    from custom_components.py_iot_home.prediction import worker

    request = ForecastRequest(
        model=trained,
        history=HourlyHistory.from_frame(hourly.iloc[:48]),
        weather=None,
        hours=24,
    )
    monkeypatch.setattr(worker.sys, "executable", "/bin/false")
    with pytest.raises(ForecastFailedError, match="exit status 1"):
        forecast_in_subprocess(request)


class _Stream:
    def __init__(self, data: bytes = b"") -> None:
        self.buffer = io.BytesIO(data)

    def write(self, text: str) -> int:
        return self.buffer.write(text.encode())


def test_worker_main_forecasts_on_its_streams(
    monkeypatch: pytest.MonkeyPatch, trained: PowerModel, hourly: pd.DataFrame
) -> None:
    """The child's side, run in this process."""
    from custom_components.py_iot_home.prediction import worker

    history = HourlyHistory.from_frame(hourly.iloc[:TRAIN_HOURS])
    request = ForecastRequest(model=trained, history=history, weather=None, hours=6)
    stdout = _Stream()
    monkeypatch.setattr("sys.stdin", _Stream(forecast_request_to_bytes(request)))
    monkeypatch.setattr("sys.stdout", stdout)
    assert worker.main(["forecast"]) == 0
    values = forecast_from_bytes(stdout.buffer.getvalue(), 6)
    np.testing.assert_allclose(values.power_w, trained.forecast(history, None, 6).power_w)
