"""Each hour's last five minutes, from the recorder's short-term statistics, reach the model."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.db_schema import StatisticsShortTerm
from homeassistant.components.recorder.models import StatisticMeanType
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.py_iot_home.forecast.recorder_history import (
    HistorySources,
    async_load_hourly_history,
)
from custom_components.py_iot_home.prediction.features import END_FEATURE, FEATURE_NAMES

from .test_predictor import (
    ENOUGH_DAYS,
    NOW,
    POWER,
    PREDICTED,
    _add_predictor,
    _predictor,
    _seed,
)

END = NOW.replace(minute=0)
COLUMN = FEATURE_NAMES.index(END_FEATURE)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def _import_five_minutes(hass: HomeAssistant, hourly: pd.Series, days: int) -> pd.Series:
    """Short-term rows for the last `days` days, each hour's last one at the next hour's mean.

    As if the next hour's load had begun in the hour's last minutes: the end power then says
    where the next hour goes. Returns what each hour's last five minutes were.
    """
    recent = hourly.tail(days * 24)
    ends = hourly.shift(-1).tail(days * 24).fillna(hourly.iloc[-1])
    rows = []
    for start, mean in recent.items():
        for minute in range(0, 60, 5):
            value = float(ends[start]) if minute == 55 else float(mean)
            rows.append(
                {
                    "start": (start + timedelta(minutes=minute)).to_pydatetime(),
                    "mean": value,
                    "min": value,
                    "max": value,
                }
            )
    metadata = {
        "mean_type": StatisticMeanType.ARITHMETIC,
        "has_sum": False,
        "name": None,
        "source": "recorder",
        "statistic_id": POWER,
        "unit_class": "power",
        "unit_of_measurement": "W",
    }
    get_instance(hass).async_import_statistics(metadata, rows, StatisticsShortTerm)  # type: ignore[arg-type]
    await async_wait_recording_done(hass)
    return ends


@pytest.mark.freeze_time(NOW)
async def test_each_hours_last_five_minutes_reach_the_history(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    frame = await _seed(hass, ENOUGH_DAYS)
    ends = await _import_five_minutes(hass, frame["power_w"], 2)
    loaded = await async_load_hourly_history(
        hass, HistorySources(power=POWER), END - timedelta(days=4), END
    )
    end_power = loaded.history.power_end_w
    assert end_power is not None
    # Two days without short-term statistics (purged after 10 days by default), then two with.
    assert np.isnan(end_power[: 2 * 24]).all()
    np.testing.assert_allclose(end_power[2 * 24 :], ends.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(
        loaded.history.power_w, frame["power_w"].tail(4 * 24).to_numpy(), rtol=1e-9
    )


@pytest.mark.freeze_time(NOW)
async def test_the_model_learns_the_end_power_the_recorder_kept(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    frame = await _seed(hass, ENOUGH_DAYS)
    await _import_five_minutes(hass, frame["power_w"], 10)
    entry_id = await _add_predictor(hass)
    model = _predictor(hass, entry_id).model
    assert model is not None
    # The next hour follows the last five minutes here: the model leans on them.
    assert model.linear.coef[0, COLUMN] > 0.05
    assert not model.linear.coef[1:, COLUMN].any()
    assert float(hass.states.get(PREDICTED).state) > 0


@pytest.mark.freeze_time(NOW)
async def test_an_energy_meter_goes_without_the_end_power(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    await _seed(hass, ENOUGH_DAYS, energy=True)
    entry_id = await _add_predictor(hass)
    loaded = await async_load_hourly_history(
        hass, _predictor(hass, entry_id).sources, END - timedelta(days=3), END
    )
    assert loaded.power_kind == "energy"
    assert loaded.history.power_end_w is None
    model = _predictor(hass, entry_id).model
    assert model is not None
    assert not model.linear.coef[:, COLUMN].any()
    assert float(hass.states.get(PREDICTED).state) > 0
