"""Fixtures shared by the Home Assistant tests."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.py_iot_home.const import (
    CONF_ACTIVE_HIGH,
    CONF_AREA,
    CONF_BOARD_ID,
    CONF_DHT_MODEL,
    CONF_DHT_PIN,
    CONF_FAILURE_THRESHOLD,
    CONF_INITIAL_ON,
    CONF_LED_ID,
    CONF_LEDS,
    CONF_PIN,
    CONF_POLL_INTERVAL,
    DOMAIN,
)
from custom_components.py_iot_home.hardware import dht
from custom_components.py_iot_home.nodes import discovery
from custom_components.py_iot_home.prediction import worker

from . import imported_statistics
from .deprecation_guard import DeprecationReports
from .fakes import FakeHardware, install_fake_hardware
from .form_serialization import forms_reach_the_browser  # noqa: F401 (autouse fixture)
from .home_entry import board_subentry, home_entry
from .mosquitto_server import MosquittoServer
from .mqtt_entry import async_setup_mqtt_entry
from .worker_runs import ANSWERS, AnswerStore, once_per_request, worker_identity

# The repository's own cache folder; script/test keeps it warm for fresh clones.
STATISTICS_TEMPLATES = Path(__file__).parents[1] / ".cache" / "statistics-templates"

# The harness's plugin logs every SQL statement (sqlalchemy.engine at INFO), and the
# recorder's thread writes them, and its pool's DEBUG lines, between tests, past pytest's
# capture: over a thousand lines in CI's log that say nothing a failure would need.
logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
logging.getLogger("homeassistant.components.recorder").setLevel(logging.INFO)


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker of tests/imported_statistics.py."""
    config.addinivalue_line(
        "markers",
        f"{imported_statistics.MARKER}(statistics): the test's recorder starts from a copy of "
        "a database those statistics were imported into (tests/imported_statistics.py)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start a test's frozen clock before anything else it uses, Home Assistant first."""
    # Frozen later, the loop's clock jumped from the host's monotonic to epoch seconds, so
    # every timer set during set-up (a board's poll, a node's watchdog, a trend refresh)
    # came due at once and ran in a background task the test did not wait for, landing at
    # any point of it on a loaded machine (tests/test_frozen_clock.py). pytest-freezer does
    # the same for tests marked freeze_time.
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names and "freezer" in names:
            names.remove("freezer")
            names.insert(0, "freezer")


@pytest.fixture(scope="session")
def statistics_templates() -> Path:
    """Recorder databases with imported statistics, kept (tests/imported_statistics.py)."""
    return imported_statistics.templates_folder(STATISTICS_TEMPLATES)


@pytest.fixture
def recorder_db_url(
    recorder_db_url: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    statistics_templates: Path,
) -> Iterator[str]:
    """The harness's database, or an SQLite file for a test marked `imported_statistics`."""
    yield from imported_statistics.database_url(
        request, recorder_db_url, tmp_path, statistics_templates
    )


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let Home Assistant find custom_components/py_iot_home, in the tests that start it."""
    # Asked for by name, not as an argument: the tests of the pure packages (half the suite)
    # then start no Home Assistant, which cost each about 0.1 s of CPU.
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")


# asyncio's debug mode (the harness turns it on for every test) costs about 30 % of the CPU of
# a test that starts Home Assistant, mostly a stack kept for every callback and future, and
# script/test runs each test on two releases within its 6 minutes. Its suites set
# PY_IOT_HOME_ASYNCIO_DEBUG=0; its broker tests keep debug mode, where a real MQTT client's
# network thread meets the loop. Home Assistant's own checks (an entity written or a task
# made from another thread, blocking I/O in the loop) run in every test either way, and the
# integration makes no call on the loop itself. A run by hand keeps the harness's default.
ASYNCIO_DEBUG = os.environ.get("PY_IOT_HOME_ASYNCIO_DEBUG", "1") != "0"


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """The harness's fixture of that name, unless this run turned asyncio's debug mode off."""
    asyncio.get_running_loop().set_debug(ASYNCIO_DEBUG)


# Frozen, the loop's clock reads epoch seconds (~1.8e9), where asyncio's clock resolution
# (1 ns) is below a float's step (0.24 us): a timer due at the frozen instant never ran, and
# the loop spun at 100 % CPU beside every thread it waited for (the forecast's workers).
FROZEN_CLOCK_RESOLUTION_S = 1e-6


@pytest.fixture(autouse=True)
async def timers_due_at_a_frozen_instant_run() -> None:
    """Let the loop run a timer due at the instant time is frozen at, as it would unfrozen."""
    loop = asyncio.get_running_loop()
    loop._clock_resolution = max(loop._clock_resolution, FROZEN_CLOCK_RESOLUTION_S)


@pytest.fixture(autouse=True)
def fail_on_deprecated_use(request: pytest.FixtureRequest) -> Generator[DeprecationReports]:
    """Fail the test if Home Assistant reported a deprecated use by py_iot_home during it."""
    reports = DeprecationReports()
    root = logging.getLogger()
    root.addHandler(reports)
    try:
        yield reports
    finally:
        root.removeHandler(reports)
    if reports.reports and "reports_deprecated_use" not in request.keywords:
        pytest.fail("Home Assistant reported deprecated use:\n" + "\n".join(reports.reports))


@pytest.fixture(scope="session")
def worker_answers() -> AnswerStore:
    """The forecast worker's answers kept by earlier sessions and the other release's suite."""
    return AnswerStore(ANSWERS, worker_identity())


@pytest.fixture(autouse=True)
def worker_runs_once_per_request(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, worker_answers: AnswerStore
) -> None:
    """Answer a repeated forecast-worker request from memory or disk (tests/worker_runs.py)."""
    if request.path.parent.name != "prediction":  # there the worker itself is under test
        run = once_per_request(worker._run_worker, worker_answers)
        monkeypatch.setattr(worker, "_run_worker", run)


@pytest.fixture
def no_retained_announcement_comes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wait a moment, not 3 s, for the broker's retained announcement after a wrong secret.

    The harness's MQTT mock sends none on a new subscription, so the wait only times out.
    """
    monkeypatch.setattr(discovery, "RETAINED_WAIT_S", 0.01)


@pytest.fixture
def fake_hardware(monkeypatch: pytest.MonkeyPatch) -> FakeHardware:
    """Fake Adafruit_DHT / adafruit_dht / RPi.GPIO / gpiod modules, called by the real code.

    The DHT read spacing (2 s per pin) runs on the fakes' clock, so tests never really sleep.
    """
    hardware = install_fake_hardware(monkeypatch)
    monkeypatch.setattr(dht, "monotonic", hardware.clock.monotonic)
    monkeypatch.setattr(dht, "sleep", hardware.clock.sleep)
    return hardware


@pytest.fixture
def mock_setup_entry() -> Generator[AsyncMock]:
    """Skip setting up the entry when only the flow is under test."""
    with (
        patch("custom_components.py_iot_home.async_setup_entry", return_value=True) as mock_setup,
        patch("custom_components.py_iot_home.async_unload_entry", return_value=True),
    ):
        yield mock_setup


@pytest.fixture
def board_data() -> dict[str, Any]:
    """A board with a DHT22 on GPIO4 and one LED on GPIO17: its subentry's data."""
    return {
        CONF_BOARD_ID: "board0001",
        CONF_DHT_PIN: 4,
        CONF_DHT_MODEL: "dht22",
        CONF_AREA: "",
        CONF_POLL_INTERVAL: 60,
        CONF_FAILURE_THRESHOLD: 3,
        CONF_LEDS: [
            {
                CONF_LED_ID: "led00001",
                "name": "Desk LED",
                CONF_PIN: 17,
                CONF_ACTIVE_HIGH: True,
                CONF_INITIAL_ON: False,
            }
        ],
    }


@pytest.fixture
def mock_config_entry(board_data: dict[str, Any]) -> MockConfigEntry:
    """The home entry with that board as its subentry (``BOARD_SUBENTRY_ID``)."""
    return home_entry(board_subentry(board_data))


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> MockConfigEntry:
    """Set the board up on fake hardware."""
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


@pytest.fixture
def broker(tmp_path: Path, socket_enabled: None) -> Iterator[MosquittoServer]:
    """A Mosquitto of the test's own, anonymous, on a free loopback port (`-m broker` tests)."""
    directory = tmp_path / "broker"
    directory.mkdir()
    with MosquittoServer(directory) as server:
        yield server


@pytest.fixture
async def mqtt_entry(
    hass: HomeAssistant, broker: MosquittoServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[MockConfigEntry]:
    """Home Assistant's MQTT integration, with its real paho client, on the test broker."""
    # Imported here: the other tests need not load the MQTT client.
    from homeassistant.components.mqtt import client as mqtt_client

    # Home Assistant retries a lost broker every 10 s; a broker test should not wait that.
    monkeypatch.setattr(mqtt_client, "RECONNECT_INTERVAL_SECONDS", 0.5)
    entry = await async_setup_mqtt_entry(hass, {"broker": broker.host, "port": broker.port})
    yield entry
    for node_entry in hass.config_entries.async_entries(DOMAIN):
        await hass.config_entries.async_unload(node_entry.entry_id)
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
