"""Polling the DHT sensor: failures, rejections, availability and recovery."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.py_iot_home.board import coordinator as board_coordinator
from custom_components.py_iot_home.board.coordinator import READ_CHECK_INTERVAL
from custom_components.py_iot_home.const import DEFAULT_POLL_INTERVAL
from custom_components.py_iot_home.hardware.dht import DEFAULT_ADAFRUIT_RETRIES

from .fakes import FakeHardware
from .home_entry import (
    BOARD_SUBENTRY_ID,
    async_configure_subentry,
    async_start_reconfigure,
    feature,
)
from .simulated_board import async_first_simulated_reading

TEMPERATURE = "sensor.living_room_temperature"
HUMIDITY = "sensor.living_room_humidity"


async def _poll(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    *,
    background: bool = True,
    after: timedelta = timedelta(seconds=60),
) -> None:
    freezer.tick(after)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=background)


async def _check_reads(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(READ_CHECK_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_failed_reads_keep_last_value_then_unavailable_then_recover(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert hass.states.get(TEMPERATURE).state == "21.0"
    # The fixture's threshold is 3: two failed reads keep the last good value...
    fake_hardware.dht.script(4, *([None] * 3 * 4))
    for _ in range(2):
        await _poll(hass, freezer)
        assert hass.states.get(TEMPERATURE).state == "21.0"
    # ...the third makes the entities unavailable.
    await _poll(hass, freezer)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert hass.states.get(HUMIDITY).state == STATE_UNAVAILABLE
    failure = feature(init_integration).board.last_exception
    assert isinstance(failure, UpdateFailed)
    assert failure.translation_key == "read_failed"
    await _poll(hass, freezer)  # still failing: logged once, not again
    assert (
        caplog.text.count(
            "Error fetching py_iot_home Living room data: Living room is unavailable: "
            "3 failed or rejected reads in a row"
        )
        == 1
    )
    # The next good read brings them back by themselves.
    fake_hardware.dht.script(4, (21.5, 46.0))
    await _poll(hass, freezer)
    assert hass.states.get(TEMPERATURE).state == "21.5"
    assert hass.states.get(HUMIDITY).state == "46.0"
    assert "Fetching py_iot_home Living room data recovered" in caplog.text
    counts = feature(init_integration).board.filter_counts
    assert counts.failed_reads == 4
    assert counts.reads_ok == 2


async def test_a_read_that_never_returns_makes_the_sensors_unavailable(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A driver stuck on the wire used to leave the last reading on show, looking current."""
    assert hass.states.get(TEMPERATURE).state == "21.0"
    stuck = threading.Event()
    fake_hardware.dht.stuck = stuck
    try:
        # This read never returns. Started between ticks: a poll's tick also fires a check,
        # before or after the read starts (the poll's offset is random), one check more or less.
        hass.async_create_background_task(
            feature(init_integration).board.async_refresh(), "stuck read", eager_start=True
        )
        # Two checks see it running: it may still be a slow read with the driver's retries.
        for _ in range(2):
            await _check_reads(hass, freezer)
            assert hass.states.get(TEMPERATURE).state == "21.0"
        await _check_reads(hass, freezer)
        assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
        assert hass.states.get(HUMIDITY).state == STATE_UNAVAILABLE
        assert "its sensor's read has not returned for over a minute" in caplog.text
        # Polls meanwhile start no second read (it would queue on the pin behind this one).
        for _ in range(3):
            await _poll(hass, freezer, background=False)
        # The stuck read finally answers: its reading brings the sensors back.
        fake_hardware.dht.script(4, (21.5, 46.0))
    finally:
        stuck.set()
    fake_hardware.dht.stuck = None
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "21.5"
    assert hass.states.get(HUMIDITY).state == "46.0"
    assert len(fake_hardware.dht.transfers) == 2  # the set-up's and the stuck one
    await _poll(hass, freezer)
    assert len(fake_hardware.dht.transfers) == 3


async def test_a_first_read_that_never_returns_does_not_hold_the_set_up(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    caplog: pytest.LogCaptureFixture,
) -> None:
    stuck = threading.Event()
    fake_hardware.dht.stuck = stuck
    mock_config_entry.add_to_hass(hass)
    try:
        with patch.object(board_coordinator, "FIRST_READ_TIMEOUT_S", 0.2):
            assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        assert mock_config_entry.state is ConfigEntryState.LOADED
        assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
        assert "the sensor's first read has not returned in 0 s" in caplog.text
    finally:
        stuck.set()
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.parametrize(
    "bad",
    [(21.0, 140.0), (21.0, -3.0), (95.0, 40.0), (-60.0, 40.0)],
)
async def test_impossible_values_never_reach_the_state_machine(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
    bad: tuple[float, float],
) -> None:
    fake_hardware.dht.script(4, bad)
    await _poll(hass, freezer)
    assert hass.states.get(TEMPERATURE).state == "21.0"
    assert hass.states.get(HUMIDITY).state == "45.0"
    assert feature(init_integration).board.filter_counts.rejected_out_of_range == 1


async def test_jump_is_rejected(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    fake_hardware.dht.script(4, (40.0, 45.0))
    await _poll(hass, freezer)
    assert hass.states.get(TEMPERATURE).state == "21.0"
    assert feature(init_integration).board.filter_counts.rejected_step == 1


async def test_first_read_failing_shows_unavailable_until_a_good_read(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    fake_hardware.dht.script(4, None, None, None)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    await _poll(hass, freezer)
    assert hass.states.get(TEMPERATURE).state == "21.0"


async def test_a_failed_first_read_is_retried_in_seconds_not_a_minute(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A board just added shows its values seconds later even when its first read fails."""
    mock_config_entry.add_to_hass(hass)
    fake_hardware.dht.script(4, *[None] * DEFAULT_ADAFRUIT_RETRIES)  # one whole read_retry
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    reads = len(fake_hardware.dht.transfers)

    freezer.tick(timedelta(seconds=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "21.0"
    assert len(fake_hardware.dht.transfers) > reads

    # With a reading in hand, the configured interval is back: no read 5 s later.
    reads = len(fake_hardware.dht.transfers)
    freezer.tick(timedelta(seconds=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(fake_hardware.dht.transfers) == reads
    await _poll(hass, freezer)
    assert len(fake_hardware.dht.transfers) > reads


@pytest.mark.parametrize(
    ("installation", "translation_key"),
    [
        ("Home Assistant OS", "hardware_missing_remote"),
        ("Home Assistant Container", "hardware_missing_remote"),
        ("Home Assistant Core", "hardware_missing_core"),
    ],
)
async def test_simulated_board_off_a_pi(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    installation: str,
    translation_key: str,
) -> None:
    """The Pi's sensor was chosen but no library works: simulated, labelled, and a repair
    that speaks to this installation, with a link to the docs. The device stays the DHT22
    that was chosen (its readings' ``hardware`` says they are simulated) until the user
    chooses the simulation."""
    from homeassistant.helpers import issue_registry as ir

    from .fakes import install_fake_hardware

    install_fake_hardware(
        monkeypatch,
        legacy_dht="missing",
        circuitpython_dht="missing",
        rpi_gpio="missing",
        gpiochips=None,
    )

    async def system_info(hass: HomeAssistant) -> dict[str, object]:
        return {"installation_type": installation}

    monkeypatch.setattr("homeassistant.helpers.system_info.async_get_system_info", system_info)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    runtime = feature(mock_config_entry)
    assert runtime.board.dht.name == "simulated"
    assert runtime.leds.gpio.name == "simulated"
    issue = ir.async_get(hass).async_get_issue(
        "py_iot_home", f"hardware_missing_{BOARD_SUBENTRY_ID}"
    )
    assert issue is not None
    assert issue.translation_key == translation_key
    assert issue.translation_placeholders == {"name": "Living room", "installation": installation}
    assert issue.learn_more_url.endswith("docs/hardware.md#when-the-board-shows-simulated-values")
    device = dr.async_get(hass).async_get_device_by_identifier(
        ("py_iot_home", "board0001"), mock_config_entry.entry_id
    )
    assert (device.manufacturer, device.model) == ("Aosong", "DHT22")
    led = dr.async_get(hass).async_get_device_by_identifier(
        ("py_iot_home", "board0001_led_led00001"), mock_config_entry.entry_id
    )
    assert led.model == "LED on GPIO17"
    temperature = await async_first_simulated_reading(hass, TEMPERATURE)
    assert temperature.attributes["hardware"] == "simulated"
    assert 15.0 <= float(temperature.state) <= 28.0  # an indoor temperature
    assert hass.states.get("switch.desk_led").attributes["hardware"] == "simulated"

    # Choosing the simulation on purpose (Reconfigure) settles the repair.
    result = await async_start_reconfigure(hass, mock_config_entry)
    result = await async_configure_subentry(hass, result["flow_id"], {"next_step_id": "wiring"})
    result = await async_configure_subentry(
        hass, result["flow_id"], {"dht_pin": 4, "dht_model": "dht22", "backend": "simulated"}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert (
        ir.async_get(hass).async_get_issue("py_iot_home", f"hardware_missing_{BOARD_SUBENTRY_ID}")
        is None
    )
    device = dr.async_get(hass).async_get(device.id)
    assert (device.manufacturer, device.model) == ("Py IoT Home", "Simulated DHT22")
    led = dr.async_get(hass).async_get(led.id)
    assert led.model == "Simulated LED on GPIO17"


async def test_real_hardware_is_labelled_as_such(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    device = dr.async_get(hass).async_get_device_by_identifier(
        ("py_iot_home", "board0001"), init_integration.entry_id
    )
    assert (device.manufacturer, device.model) == ("Aosong", "DHT22")
    assert hass.states.get(TEMPERATURE).attributes["hardware"] == "adafruit_dht"


async def test_a_real_boards_led_names_no_maker(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """The user's own LED has no known maker: its card read "LED on GPIO17 by Py IoT Home",
    naming us as its maker, where the sensor reads "DHT22 by Aosong". A device an earlier
    release registered so loses the maker at the next set-up; the simulated LED keeps it."""
    mock_config_entry.add_to_hass(hass)
    devices = dr.async_get(hass)
    registered = devices.async_get_or_create(
        config_entry_id=mock_config_entry.entry_id,
        config_subentry_id=BOARD_SUBENTRY_ID,
        identifiers={("py_iot_home", "board0001_led_led00001")},
        name="Desk LED",
        manufacturer="Py IoT Home",
        model="LED on GPIO17",
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    led = devices.async_get(registered.id)
    assert (led.manufacturer, led.model) == (None, "LED on GPIO17")
    assert hass.states.get("switch.desk_led").attributes["hardware"] == "rpi_gpio"

    result = await async_start_reconfigure(hass, mock_config_entry)
    result = await async_configure_subentry(hass, result["flow_id"], {"next_step_id": "wiring"})
    result = await async_configure_subentry(
        hass, result["flow_id"], {"dht_pin": 4, "dht_model": "dht22", "backend": "simulated"}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    led = devices.async_get(registered.id)
    assert (led.manufacturer, led.model) == ("Py IoT Home", "Simulated LED on GPIO17")


async def test_a_board_that_does_not_start_names_the_hardware_it_is_set_to(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    board_data: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Moved from the simulation to the Pi's own sensor while another program holds its LED's
    pin: the board does not start, and its devices no longer claim a simulation.

    No entity of it is added to carry new device info: they read "Simulated DHT22" and
    "Simulated LED on GPIO17" on the integration page, beside its unavailable entities.
    """
    from .fakes import install_fake_hardware

    hardware = install_fake_hardware(monkeypatch, rpi_gpio="missing")
    assert hardware.gpiod is not None
    mock_config_entry.add_to_hass(hass)
    subentry = mock_config_entry.subentries[BOARD_SUBENTRY_ID]
    hass.config_entries.async_update_subentry(
        mock_config_entry, subentry, data={**board_data, "backend": "simulated"}
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    devices = dr.async_get(hass)
    board = devices.async_get_device_by_identifier(
        ("py_iot_home", "board0001"), mock_config_entry.entry_id
    )
    led = devices.async_get_device_by_identifier(
        ("py_iot_home", "board0001_led_led00001"), mock_config_entry.entry_id
    )
    assert (board.manufacturer, board.model) == ("Py IoT Home", "Simulated DHT22")
    assert led.model == "Simulated LED on GPIO17"

    hardware.gpiod.claim("/dev/gpiochip0", 17)
    hass.config_entries.async_update_subentry(
        mock_config_entry,
        mock_config_entry.subentries[BOARD_SUBENTRY_ID],
        data={**board_data, "backend": "auto"},
    )
    await hass.async_block_till_done(wait_background_tasks=True)

    assert BOARD_SUBENTRY_ID not in mock_config_entry.runtime_data.features
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    board = devices.async_get(board.id)
    assert (board.manufacturer, board.model) == ("Aosong", "DHT22")
    assert devices.async_get(led.id).model == "LED on GPIO17"


async def test_minutes_of_a_steep_rise_are_no_trend(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Half a degree warmer every minute (+720 degC/d extrapolated): unknown, no event."""
    events = async_capture_events(hass, "py_iot_home_trend_changed")
    trend_coordinator = feature(init_integration).trend
    for step in range(1, 6):
        fake_hardware.dht.script(4, (21.0 + step * 0.5, 45.0))
        await _poll(hass, freezer)
    await trend_coordinator.async_refresh()
    trend = hass.states.get("sensor.living_room_temperature_trend")
    assert trend.state == STATE_UNKNOWN
    assert trend.attributes["unit_of_measurement"] == "°C/d"
    assert trend.attributes["unknown_reason"] == "span_too_short"
    assert hass.states.get("binary_sensor.living_room_temperature_rising").state == STATE_UNKNOWN
    for step in range(1, 16):
        fake_hardware.dht.script(4, (23.5 - step * 0.5, 45.0))
        await _poll(hass, freezer)
    await trend_coordinator.async_refresh()
    assert hass.states.get("sensor.living_room_temperature_trend").state == STATE_UNKNOWN
    assert events == []


async def test_trend_entities_follow_the_board(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A steady room: after the minimum span the trend reads 0.0 and is not rising."""
    events = async_capture_events(hass, "py_iot_home_trend_changed")
    trend_coordinator = feature(init_integration).trend
    for _ in range(27):  # 4.5 hours, a reading every 10 minutes
        fake_hardware.dht.script(4, (21.0, 45.0))
        await _poll(hass, freezer, after=timedelta(minutes=10))
    await trend_coordinator.async_refresh()
    trend = hass.states.get("sensor.living_room_temperature_trend")
    assert trend.state == "0.0"
    assert "unknown_reason" not in trend.attributes
    assert trend.attributes["method"] == "robust_fit"
    assert trend.attributes["standard_error"] == 0.0
    assert hass.states.get("binary_sensor.living_room_temperature_rising").state == "off"
    assert hass.states.get("binary_sensor.living_room_humidity_rising").state == "off"
    assert events == []


async def test_the_first_samples_are_analysed_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
) -> None:
    """No waiting for the 5-minute refresh: the first sample says when a trend can come.

    Not "No readings yet" beside the reading the board shows. The clock is frozen before
    set-up (``freezer`` first): frozen after it, every timer set up meanwhile is overdue,
    the 5-minute refresh among them, and races the second poll.
    """
    first_s = dt_util.utcnow().timestamp()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.living_room_temperature").state == "21.0"
    ready_at = dt_util.as_local(dt_util.utc_from_timestamp(round(first_s + 24 * 3600))).isoformat()
    for quantity in ("temperature", "humidity"):
        trend = hass.states.get(f"sensor.living_room_{quantity}_trend")
        assert (trend.state, trend.attributes["unknown_reason"]) == (
            STATE_UNKNOWN,
            "span_too_short",
        )
        assert trend.attributes["ready_at"] == ready_at
        # The same, in sight on the device page: the status beside the unknown trend.
        status = hass.states.get(f"sensor.living_room_{quantity}_status")
        assert (status.state, status.attributes["ready_at"]) == ("span_too_short", ready_at)
        assert status.attributes["options"] == [
            "shown",
            "no_samples",
            "no_recent_samples",
            "span_too_short",
            "uncertain",
            "no_clear_trend",
        ]
    fake_hardware.dht.script(4, (21.5, 46.0))  # both up from the default reading
    freezer.tick(timedelta(seconds=DEFAULT_POLL_INTERVAL + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    for quantity in ("temperature", "humidity"):
        trend = hass.states.get(f"sensor.living_room_{quantity}_trend")
        assert trend.state == STATE_UNKNOWN
        assert trend.attributes["unknown_reason"] == "span_too_short"
        ready_at = dt_util.as_local(
            dt_util.utc_from_timestamp(round(first_s + 24 * 3600))
        ).isoformat()
        assert trend.attributes["ready_at"] == ready_at


async def test_a_sensor_stuck_on_one_reading_becomes_unavailable_until_it_moves(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The fake library answers 21.0 °C and 45.0 % for ever, as a hung DHT22 does."""
    assert hass.states.get(TEMPERATURE).state == "21.0"
    # Eighteen polls 20 minutes apart: nineteen reads of the same reading over six hours.
    for _ in range(18):
        await _poll(hass, freezer, after=timedelta(minutes=20))
    assert hass.states.get(TEMPERATURE).state == "21.0"
    # From then on each read is rejected; the fixture's threshold is 3.
    for _ in range(2):
        await _poll(hass, freezer)
        assert hass.states.get(TEMPERATURE).state == "21.0"
    await _poll(hass, freezer)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert hass.states.get(HUMIDITY).state == STATE_UNAVAILABLE
    assert "the sensor is probably stuck (power it off and on)" in caplog.text
    assert feature(init_integration).board.filter_counts.rejected_stuck == 3
    # Powered off and on, it reads again.
    fake_hardware.dht.default_reading = (21.2, 45.3)
    await _poll(hass, freezer)
    assert hass.states.get(TEMPERATURE).state == "21.2"
    assert hass.states.get(HUMIDITY).state == "45.3"


async def test_a_stuck_sensor_stays_unavailable_across_a_reload(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Home Assistant restarted (or the board's options changed) does not revive it."""
    for _ in range(21):
        await _poll(hass, freezer, after=timedelta(minutes=20))
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    # The first read after the reload is judged on the hours before it, not afresh.
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    await _poll(hass, freezer)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert feature(init_integration).board.filter_counts.rejected_stuck == 2
    fake_hardware.dht.default_reading = (21.2, 45.3)
    await _poll(hass, freezer)
    assert hass.states.get(TEMPERATURE).state == "21.2"


async def test_a_deleted_board_leaves_no_stuck_count(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    await _poll(hass, freezer)
    key = f"py_iot_home.repeated_reading.{BOARD_SUBENTRY_ID}"
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert hass_storage[key]["data"]["reads"] >= 2
    assert hass.config_entries.async_remove_subentry(init_integration, BOARD_SUBENTRY_ID)
    await hass.async_block_till_done()
    assert key not in hass_storage
