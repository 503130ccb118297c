"""Each hour's last five minutes, from the recorder's short-term statistics, reach the model."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.db_schema import StatisticsShortTerm
from homeassistant.components.recorder.models import StatisticMeanType
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_purge_done,
    async_wait_recording_done,
)

from custom_components.py_iot_home.const import DOMAIN
from custom_components.py_iot_home.forecast.end_power_record import end_power_storage_key
from custom_components.py_iot_home.forecast.recorder_history import (
    HistorySources,
    async_load_hourly_history,
)
from custom_components.py_iot_home.prediction.features import END_FEATURE, FEATURE_NAMES
from custom_components.py_iot_home.prediction.model import PowerModel

from .imported_statistics import imported
from .test_predictor import (
    ENOUGH_DAYS,
    NOW,
    POWER,
    PREDICTED,
    _add_predictor,
    _hourly_statistics,
    _predictor,
    _seed,
)

END = NOW.replace(minute=0)
COLUMN = FEATURE_NAMES.index(END_FEATURE)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


def _five_minute_rows(hourly: pd.Series, days: int) -> tuple[list[dict], pd.Series]:
    """Each hour's five-minute powers for the last `days` days, its last at the next hour's mean.

    As if the next hour's load had begun in the hour's last minutes: the end power then says
    where the next hour goes. Returns (start, W) rows and what each hour's last five were.
    """
    recent = hourly.tail(days * 24)
    ends = hourly.shift(-1).tail(days * 24).fillna(hourly.iloc[-1])
    rows = []
    for start, mean in recent.items():
        # The hour's other eleven five minutes make up its mean with the last one.
        rest = (12 * float(mean) - float(ends[start])) / 11
        for minute in range(0, 60, 5):
            value = float(ends[start]) if minute == 55 else rest
            rows.append({"start": (start + timedelta(minutes=minute)).to_pydatetime(), "w": value})
    return rows, ends


def _import_short_term(hass: HomeAssistant, rows: list[dict], *, energy: bool) -> None:
    metadata = {
        "mean_type": StatisticMeanType.NONE if energy else StatisticMeanType.ARITHMETIC,
        "has_sum": energy,
        "name": None,
        "source": "recorder",
        "statistic_id": POWER,
        "unit_class": "energy" if energy else "power",
        "unit_of_measurement": "kWh" if energy else "W",
    }
    if energy:
        # Continues the hourly statistics' running total (kWh) from where the rows start.
        total = 0.0
        statistics = []
        for row in rows:
            total += row["w"] / 12_000
            statistics.append({"start": row["start"], "state": total, "sum": total})
    else:
        statistics = [
            {"start": row["start"], "mean": row["w"], "min": row["w"], "max": row["w"]}
            for row in rows
        ]
    get_instance(hass).async_import_statistics(metadata, statistics, StatisticsShortTerm)  # type: ignore[arg-type]


async def _import_five_minutes(
    hass: HomeAssistant, hourly: pd.Series, days: int, *, energy: bool = False
) -> pd.Series:
    rows, ends = _five_minute_rows(hourly, days)
    _import_short_term(hass, rows, energy=energy)
    await async_wait_recording_done(hass)
    return ends


@pytest.mark.freeze_time(NOW)
@imported(_hourly_statistics, ENOUGH_DAYS)
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
@imported(_hourly_statistics, ENOUGH_DAYS)
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
@imported(_hourly_statistics, ENOUGH_DAYS, energy=True)
async def test_an_energy_meters_last_five_minutes_are_its_change_in_watts(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    frame = await _seed(hass, ENOUGH_DAYS, energy=True)
    ends = await _import_five_minutes(hass, frame["power_w"], 2, energy=True)
    loaded = await async_load_hourly_history(
        hass, HistorySources(power=POWER), END - timedelta(days=4), END
    )
    assert loaded.power_kind == "energy"
    end_power = loaded.history.power_end_w
    assert end_power is not None
    assert np.isnan(end_power[: 2 * 24]).all()
    # The kWh of each hour's last five minutes, twelve times over, in W.
    np.testing.assert_allclose(end_power[2 * 24 :], ends.to_numpy(), rtol=1e-6)
    entry_id = await _add_predictor(hass)
    model = _predictor(hass, entry_id).model
    assert model is not None
    assert model.linear.coef[0, COLUMN] > 0.05
    assert float(hass.states.get(PREDICTED).state) > 0


@pytest.mark.freeze_time(NOW)
@imported(_hourly_statistics, ENOUGH_DAYS, energy=True)
async def test_a_meter_counting_in_coarse_steps_goes_without_the_end_power(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    """A meter read every 15 minutes: two of three five minutes stand still, one holds three."""
    frame = await _seed(hass, ENOUGH_DAYS, energy=True)
    rows, _ = _five_minute_rows(frame["power_w"], 2)
    for first in range(0, len(rows), 3):
        batch = rows[first : first + 3]
        total = sum(row["w"] for row in batch)
        for position, row in enumerate(batch):
            row["w"] = total if position == len(batch) - 1 else 0.0
    _import_short_term(hass, rows, energy=True)
    await async_wait_recording_done(hass)
    loaded = await async_load_hourly_history(
        hass, HistorySources(power=POWER), END - timedelta(days=4), END
    )
    assert loaded.power_kind == "energy"
    assert loaded.history.power_end_w is None
    entry_id = await _add_predictor(hass)
    model = _predictor(hass, entry_id).model
    assert model is not None
    assert not model.linear.coef[:, COLUMN].any()
    assert float(hass.states.get(PREDICTED).state) > 0


async def _purge_short_term_statistics(hass: HomeAssistant) -> None:
    """What the recorder does to five-minute statistics older than its `purge_keep_days`."""
    await hass.services.async_call("recorder", "purge", {"keep_days": 0}, blocking=True)
    await async_wait_purge_done(hass)


@pytest.mark.freeze_time(NOW)
@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_the_end_power_outlives_the_recorders_purge(
    recorder_mock: Recorder, hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    frame = await _seed(hass, ENOUGH_DAYS)
    ends = await _import_five_minutes(hass, frame["power_w"], 10)
    entry_id = await _add_predictor(hass)
    await _purge_short_term_statistics(hass)
    gone = await async_load_hourly_history(
        hass, HistorySources(power=POWER), END - timedelta(days=10), END
    )
    assert gone.history.power_end_w is not None
    assert np.isnan(gone.history.power_end_w).all()

    await hass.services.async_call(
        DOMAIN, "retrain", {"config_entry_id": entry_id}, blocking=True, return_response=True
    )
    model = _predictor(hass, entry_id).model
    assert model is not None
    # Retrained after the purge, it still learnt the end power: from the forecast's record.
    assert model.linear.coef[0, COLUMN] > 0.05
    kept = hass_storage[end_power_storage_key(entry_id)]["data"]
    assert kept["power"] == POWER
    recorded = {int(start.timestamp()): watts for start, watts in ends.items()}
    assert {int(s): w for s, w in kept["hours"].items()} == pytest.approx(recorded, rel=1e-9)


@pytest.mark.freeze_time(NOW)
@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_a_deleted_forecast_leaves_no_end_power_behind(
    recorder_mock: Recorder, hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    frame = await _seed(hass, ENOUGH_DAYS)
    await _import_five_minutes(hass, frame["power_w"], 2)
    entry_id = await _add_predictor(hass)
    assert end_power_storage_key(entry_id) in hass_storage
    (home,) = hass.config_entries.async_entries(DOMAIN)
    assert hass.config_entries.async_remove_subentry(home, entry_id)
    await hass.async_block_till_done()
    assert end_power_storage_key(entry_id) not in hass_storage


@pytest.mark.freeze_time(NOW)
@imported(_hourly_statistics, ENOUGH_DAYS)
@pytest.mark.parametrize(
    "record",
    [
        pytest.param(lambda hours: {"power": "sensor.another_meter", "hours": hours}, id="other"),
        pytest.param(lambda hours: {"power": POWER, "hours": list(hours)}, id="damaged"),
    ],
)
async def test_a_record_of_another_sensor_or_damaged_is_not_learnt_from(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    record: Callable[[dict[str, float]], object],
) -> None:
    frame = await _seed(hass, ENOUGH_DAYS)
    await _import_five_minutes(hass, frame["power_w"], 10)
    entry_id = await _add_predictor(hass)
    await _purge_short_term_statistics(hass)
    key = end_power_storage_key(entry_id)
    hass_storage[key]["data"] = record(hass_storage[key]["data"]["hours"])
    model = await _reloaded_and_retrained(hass, entry_id)
    assert model.linear.coef[0, COLUMN] == 0.0
    assert float(hass.states.get(PREDICTED).state) > 0


@pytest.mark.freeze_time(NOW)
@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_impossible_entries_in_the_record_are_dropped_and_the_rest_learnt(
    recorder_mock: Recorder, hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A hand-edited record (this release writes floats only): a 400-digit watt count raised
    OverflowError out of every load of the history, so the first training after the start
    failed (the home entry, every board and forecast, retried its set-up for good); `true`
    read as 1 W and `"500"` as 500 W. The entries written by this release are learnt."""
    frame = await _seed(hass, ENOUGH_DAYS)
    await _import_five_minutes(hass, frame["power_w"], 10)
    entry_id = await _add_predictor(hass)
    await _purge_short_term_statistics(hass)
    key = end_power_storage_key(entry_id)
    hours: dict[str, Any] = hass_storage[key]["data"]["hours"]
    impossible = dict(zip(list(hours)[:3], [10**400, True, "500"], strict=True))
    hours.update(impossible)
    model = await _reloaded_and_retrained(hass, entry_id)
    assert model.linear.coef[0, COLUMN] > 0.05
    assert float(hass.states.get(PREDICTED).state) > 0


async def _reloaded_and_retrained(hass: HomeAssistant, entry_id: str) -> PowerModel:
    """The home entry reloaded (its end-power record read again) and the forecast retrained."""
    (home,) = hass.config_entries.async_entries(DOMAIN)
    assert await hass.config_entries.async_reload(home.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await hass.services.async_call(
        DOMAIN, "retrain", {"config_entry_id": entry_id}, blocking=True, return_response=True
    )
    model = _predictor(hass, entry_id).model
    assert model is not None
    return model
