"""Setting up and forgetting a board (DHT sensor and LEDs on this host), a home subentry."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..area_climate import async_offer_device_climate_sensors
from ..const import CONF_WINDOW_DAYS, DEFAULT_WINDOW_DAYS, DOMAIN
from ..feature_entry import FeatureEntry, feature_devices
from ..first_refresh import async_first_refresh
from ..hardware.gpio import GpioError, PinInUseError
from ..models import FeatureRuntime
from ..quantities import CLIMATE_SENSORS
from ..repairs import async_clear_hardware_missing, async_hardware_missing
from ..trends.coordinator import (
    TrendCoordinator,
)
from ..trends.persistence import async_remove_trend_samples
from ..trends.snapshot import (
    TrendSource,
)
from .coordinator import LocalBoardCoordinator, open_dht_backend, open_gpio, reading_filter_for
from .devices import async_describe_board_devices, climate_sensor_unique_id
from .led_devices import async_remove_stale_led_devices
from .led_states import LedStates, led_states_store
from .leds import LedBank, leds_from_options
from .repeated_reading import RepeatedReadingKeeper, repeated_reading_store
from .runtime import BoardRuntimeData

BOARD_PLATFORMS = (Platform.BINARY_SENSOR, Platform.SENSOR, Platform.SWITCH)


def local_trend_sources(entry: FeatureEntry) -> list[TrendSource]:
    """The board's temperature and humidity, analysed over days."""
    return [
        TrendSource(
            key=str(quantity),
            quantity=str(quantity),
            unit=description.native_unit_of_measurement,
            source_unique_id=climate_sensor_unique_id(entry.unique_id, quantity),
        )
        for quantity, description in CLIMATE_SENSORS.items()
    ]


async def async_setup_local(hass: HomeAssistant, entry: FeatureEntry) -> BoardRuntimeData:
    """Open the hardware, drive the LEDs to their restored states, start polling."""
    async_describe_board_devices(hass, entry)
    dht, missing_library = await hass.async_add_executor_job(open_dht_backend, entry)
    if missing_library is None:
        async_clear_hardware_missing(hass, entry.entry_id)
    else:
        await async_hardware_missing(hass, entry.entry_id, entry.title)
    reading_filter = reading_filter_for(entry)
    repeats = RepeatedReadingKeeper(repeated_reading_store(hass, entry.entry_id), reading_filter)
    await repeats.async_restore()
    entry.async_on_unload(repeats.async_flush)
    board = LocalBoardCoordinator(hass, entry, dht, reading_filter, on_read=repeats.remember)
    gpio = await hass.async_add_executor_job(open_gpio, entry)
    leds = LedBank(
        hass,
        gpio,
        leds_from_options(dict(entry.options)),
        LedStates(led_states_store(hass, entry.entry_id)),
    )
    try:
        await leds.async_setup()
    except GpioError as err:
        # The set-up fails (errors.entry_setup says how): the sensor is not kept open.
        await hass.async_add_executor_job(dht.close)
        if isinstance(err, PinInUseError):
            ir.async_create_issue(
                hass,
                DOMAIN,
                f"pin_conflict_{entry.entry_id}",
                is_fixable=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key="pin_conflict",
                translation_placeholders={"name": entry.title, "error": str(err)},
            )
        raise
    trend = TrendCoordinator(
        hass,
        entry,
        local_trend_sources(entry),
        window_days=int(entry.options.get(CONF_WINDOW_DAYS, DEFAULT_WINDOW_DAYS)),
    )
    ir.async_delete_issue(hass, DOMAIN, f"pin_conflict_{entry.entry_id}")
    # Only a board set up for the first time (no device yet) offers its sensors to its area
    # (it came from the form); later, a choice the user made or cleared for the area stays.
    runtime = BoardRuntimeData(
        entry=entry, board=board, leds=leds, trend=trend, new=not feature_devices(hass, entry)
    )
    entry.async_on_unload(board.async_watch_reads())
    await async_first_refresh(board)
    await async_first_refresh(trend, setup=trend.async_fill_windows)

    @callback
    def _feed_trend() -> None:
        sample = board.data.sample
        if sample is not None:
            at = sample.sampled_at.timestamp()
            for quantity, description in CLIMATE_SENSORS.items():
                if (value := description.value_fn(sample)) is not None:
                    trend.add_sample(quantity, at, value)

    _feed_trend()
    entry.async_on_unload(board.async_add_listener(_feed_trend))
    return runtime


async def async_board_started(
    hass: HomeAssistant, entry: FeatureEntry, runtime: FeatureRuntime
) -> None:
    """Once its entities are added: stale LED devices go, the trends look at the recorder."""
    assert isinstance(runtime, BoardRuntimeData)
    async_remove_stale_led_devices(hass, entry)
    # Sensors registered just now (a new or re-added board) may have recorded history.
    if await runtime.trend.async_seed_from_recorder():
        await runtime.trend.async_refresh()
    if runtime.new:
        for device in feature_devices(hass, entry):
            async_offer_device_climate_sensors(hass, device.id)


async def async_forget_board(hass: HomeAssistant, entry_id: str) -> None:
    """A deleted board's saved trend samples, LED levels and repairs go with it."""
    await async_remove_trend_samples(hass, entry_id)
    await led_states_store(hass, entry_id).async_remove()
    await repeated_reading_store(hass, entry_id).async_remove()
    async_clear_hardware_missing(hass, entry_id)
    ir.async_delete_issue(hass, DOMAIN, f"pin_conflict_{entry_id}")
