"""The DHT sensor board on the Home Assistant host: hardware choice and polling coordinator."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from ..const import (
    CONF_BACKEND,
    CONF_DHT_MODEL,
    CONF_DHT_PIN,
    CONF_FAILURE_THRESHOLD,
    CONF_POLL_INTERVAL,
    DEFAULT_FAILURE_THRESHOLD,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
    LOGGER,
)
from ..errors import coordinator_update
from ..hardware.dht import DhtBackend, DhtModel, DhtReadError, create_dht_backend
from ..hardware.errors import HardwareUnavailableError
from ..hardware.gpio import GpioBackend, create_gpio_backend
from ..hardware.names import BACKEND_AUTO, BACKEND_SIMULATED
from ..hardware.reading_filter import FilterCounts, ReadingFilter, read_filtered

FIRST_READ_RETRY_INTERVAL = timedelta(seconds=5)
"""Poll spacing while no reading has arrived yet (a DHT needs 2 s between reads)."""


@dataclass(frozen=True, kw_only=True)
class ClimateSample:
    """One accepted temperature/humidity reading."""

    temperature: float
    humidity: float
    sampled_at: datetime


@dataclass(frozen=True, kw_only=True)
class BoardState:
    """What the board's entities show: the last good sample, if any yet."""

    sample: ClimateSample | None


def _backend_preference(entry: ConfigEntry[Any]) -> str:
    """The hardware the user chose for the board: the Pi's own, or simulated."""
    preference: str = entry.options.get(CONF_BACKEND, entry.data.get(CONF_BACKEND, BACKEND_AUTO))
    return preference


def open_dht_backend(
    entry: ConfigEntry[Any],
) -> tuple[DhtBackend, HardwareUnavailableError | None]:
    """Open the chosen DHT backend (blocking).

    When the Pi's own sensor was chosen but no library works, it simulates and also returns
    why, so the caller can tell the user.
    """
    model = DhtModel(entry.data[CONF_DHT_MODEL])
    pin: int = entry.data[CONF_DHT_PIN]
    if _backend_preference(entry) == BACKEND_SIMULATED:
        return create_dht_backend(model, pin, preference=BACKEND_SIMULATED), None
    try:
        return create_dht_backend(model, pin, preference=BACKEND_AUTO), None
    except HardwareUnavailableError as err:
        LOGGER.warning("No usable DHT library for %s (%s); simulating it", entry.title, err)
        return create_dht_backend(model, pin, preference=BACKEND_SIMULATED), err


def open_gpio(entry: ConfigEntry[Any]) -> GpioBackend:
    """Open the GPIO backend for the entry's LEDs, simulated off a Pi (blocking)."""
    if _backend_preference(entry) == BACKEND_SIMULATED:
        return create_gpio_backend(preference=BACKEND_SIMULATED)
    try:
        return create_gpio_backend(preference=BACKEND_AUTO)
    except HardwareUnavailableError as err:
        LOGGER.warning("No usable GPIO library for %s (%s); simulating it", entry.title, err)
        return create_gpio_backend(preference=BACKEND_SIMULATED)


class LocalBoardCoordinator(DataUpdateCoordinator[BoardState]):
    """Polls one DHT sensor in the executor and filters what it reads."""

    config_entry: ConfigEntry[Any]

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        dht: DhtBackend,
        reading_filter: ReadingFilter,
    ) -> None:
        """Keep the injected backend and filter; poll on the configured interval."""
        self._poll_interval = timedelta(
            seconds=entry.options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL)
        )
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=self._poll_interval,
        )
        self.dht = dht
        self.reading_filter = reading_filter

    @property
    def simulated(self) -> bool:
        """Whether the readings are made up by the simulation, not measured."""
        return self.dht.name == BACKEND_SIMULATED

    @property
    def filter_counts(self) -> FilterCounts:
        """Reads, failures and rejections so far, for diagnostics."""
        return self.reading_filter.counts

    @coordinator_update
    async def _async_update_data(self) -> BoardState:
        state = await self._async_read()
        # Until a first reading arrives the sensor shows unavailable, so a failed first read
        # (a DHT22 botches a few percent) is retried soon rather than a whole interval later.
        self.update_interval = (
            self._poll_interval
            if state.sample is not None
            else min(self._poll_interval, FIRST_READ_RETRY_INTERVAL)
        )
        return state

    async def _async_read(self) -> BoardState:
        previous = self.data.sample if self.data else None
        polled_at = time.time()
        result = await self.hass.async_add_executor_job(
            read_filtered, self.dht, self.reading_filter, lambda: polled_at
        )
        reading = result.reading
        if reading is None:
            LOGGER.debug("%s: %s", self.config_entry.title, result.problem)
            # A few botched reads keep the last reading. A failed read at set-up does not fail
            # the entry: the sensor shows unavailable until a reading comes, seconds later.
            if self.reading_filter.available or self.data is None:
                return BoardState(sample=previous)
            raise DhtReadError(
                f"{self.reading_filter.consecutive_failures} failed or rejected reads in a row"
            )
        return BoardState(
            sample=ClimateSample(
                temperature=reading.temperature,
                humidity=reading.humidity,
                sampled_at=dt_util.utcnow(),
            )
        )

    @property
    def has_reading(self) -> bool:
        """Whether there is a reading to show: one arrived, and reads work (or failed briefly)."""
        return self.last_update_success and self.data.sample is not None


def failure_threshold(entry: ConfigEntry[Any]) -> int:
    """Consecutive failed reads after which the sensor shows unavailable."""
    threshold: int = entry.options.get(CONF_FAILURE_THRESHOLD, DEFAULT_FAILURE_THRESHOLD)
    return threshold
