"""The power predictor on real recorder statistics stored in a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from datetime import timedelta

import pytest
from homeassistant.components.recorder.core import Recorder
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util

from custom_components.py_iot_home.forecast.coordinator import PredictorCoordinator
from custom_components.py_iot_home.forecast.recorder_history import async_load_hourly_history

from .postgres_server import PostgresServer, postgres_available
from .test_predictor import ENOUGH_DAYS, NOW, PREDICTED, _add_predictor, _seed

pytest.importorskip("psycopg2", reason="the recorder needs psycopg2 to reach PostgreSQL")


@pytest.fixture
def postgres_server(socket_enabled: None) -> Iterator[PostgresServer]:
    """A throwaway cluster per test (about 0.6 s): picking its free port needs a socket."""
    if not postgres_available():
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    with PostgresServer() as server:
        yield server


@pytest.fixture
def recorder_db_url(
    postgres_server: PostgresServer, hass_fixture_setup: list[bool]
) -> Generator[str]:
    """A fresh PostgreSQL database for the harness's recorder, dropped after the test."""
    # Like the harness's own fixture: the database must exist before hass starts.
    assert not hass_fixture_setup
    yield postgres_server.create_database("recorder")
    postgres_server.drop_database("recorder")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


def _predictor(hass: HomeAssistant, forecast_id: str) -> PredictorCoordinator:
    (entry,) = hass.config_entries.async_entries("py_iot_home")
    predictor: PredictorCoordinator = entry.runtime_data.features[forecast_id].predictor
    return predictor


def _predicted(hass: HomeAssistant) -> State:
    state = hass.states.get(PREDICTED)
    assert state is not None
    return state


@pytest.mark.freeze_time(NOW)
async def test_trains_on_kilowatt_statistics_from_postgres(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    assert recorder_mock.engine is not None
    assert recorder_mock.engine.dialect.name == "postgresql"
    # Three weeks are enough to train; fewer rows keep the row-by-row import short.
    frame = await _seed(hass, ENOUGH_DAYS, power_unit="kW")
    entry_id = await _add_predictor(hass)
    predictor = _predictor(hass, entry_id)

    # The recorder converted the kW statistics to W on the way out of PostgreSQL.
    loaded = await async_load_hourly_history(
        hass, predictor.sources, NOW - timedelta(days=3), NOW.replace(minute=0)
    )
    assert loaded.power_kind == "power"
    assert loaded.converted_series == 1
    assert loaded.history.power_w == pytest.approx(
        frame["power_w"].tail(3 * 24).to_numpy(), rel=1e-6
    )

    state = _predicted(hass)
    assert state.attributes["unit_of_measurement"] == "W"
    forecast = state.attributes["forecast"]
    assert len(forecast) == 24
    assert forecast[0]["datetime"] == dt_util.as_local(NOW.replace(minute=0)).isoformat()
    assert frame["power_w"].min() * 0.5 <= float(state.state) <= frame["power_w"].max()
    assert all(0 <= point["power_w"] <= frame["power_w"].max() * 1.5 for point in forecast)
    snapshot = predictor.data
    assert snapshot.mae_w is not None
    assert 0 < snapshot.mae_w < frame["power_w"].std() * 1.5
    assert snapshot.skill is not None
    assert snapshot.skill >= 0
    # More rows than the days' hours: every imported hour came back from PostgreSQL.
    assert snapshot.training_rows is not None
    assert snapshot.training_rows > ENOUGH_DAYS * 24
    assert snapshot.trained_at == NOW


@pytest.mark.freeze_time(NOW)
async def test_energy_meter_sums_become_watts(recorder_mock: Recorder, hass: HomeAssistant) -> None:
    frame = await _seed(hass, ENOUGH_DAYS, energy=True)
    entry_id = await _add_predictor(hass)
    predictor = _predictor(hass, entry_id)
    loaded = await async_load_hourly_history(
        hass, predictor.sources, NOW - timedelta(days=3), NOW.replace(minute=0)
    )

    assert loaded.power_kind == "energy"
    # The first hour of the window has no earlier sum to take a change from.
    assert loaded.history.power_w[1:] == pytest.approx(
        frame["power_w"].tail(3 * 24 - 1).to_numpy(), rel=1e-6
    )
    predicted = float(_predicted(hass).state)
    assert frame["power_w"].min() * 0.5 <= predicted <= frame["power_w"].max()
