"""The DHT sensor board on the Home Assistant host: hardware choice and polling coordinator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
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
from ..feature_entry import FeatureEntry
from ..hardware.dht import DhtBackend, DhtModel, DhtReadError, create_dht_backend
from ..hardware.errors import HardwareUnavailableError
from ..hardware.gpio import GpioBackend, create_gpio_backend
from ..hardware.names import BACKEND_AUTO, BACKEND_SIMULATED
from ..hardware.reading_filter import (
    FilterCounts,
    FilteredRead,
    ReadingFilter,
    read_filtered,
    stuck_after_for,
)

FIRST_READ_RETRY_INTERVAL = timedelta(seconds=5)
"""Poll spacing while no reading has arrived yet (a DHT needs 2 s between reads)."""

READ_CHECK_INTERVAL = timedelta(seconds=30)
# One read seen running at this many checks in a row has hung for a minute or more; a
# driver's own retries end within about 35 s (15 tries 2 s apart).
HUNG_READ_CHECKS = 3
FIRST_READ_TIMEOUT_S = 60.0
"""At set-up, how long a read may keep Home Assistant's start waiting before it goes on."""


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


def backend_choice(entry: FeatureEntry) -> str:
    """The hardware the user chose for the board: the Pi's own, or simulated."""
    preference: str = entry.options.get(CONF_BACKEND, entry.data.get(CONF_BACKEND, BACKEND_AUTO))
    return preference


def open_dht_backend(
    entry: FeatureEntry,
) -> tuple[DhtBackend, HardwareUnavailableError | None]:
    """Open the chosen DHT backend (blocking).

    When the Pi's own sensor was chosen but no library works, it simulates and also returns
    why, so the caller can tell the user.
    """
    model = DhtModel(entry.data[CONF_DHT_MODEL])
    pin: int = entry.data[CONF_DHT_PIN]
    if backend_choice(entry) == BACKEND_SIMULATED:
        return create_dht_backend(model, pin, preference=BACKEND_SIMULATED), None
    try:
        return create_dht_backend(model, pin, preference=BACKEND_AUTO), None
    except HardwareUnavailableError as err:
        LOGGER.warning("No usable DHT library for %s (%s); simulating it", entry.title, err)
        return create_dht_backend(model, pin, preference=BACKEND_SIMULATED), err


def open_gpio(entry: FeatureEntry) -> GpioBackend:
    """Open the GPIO backend for the entry's LEDs, simulated off a Pi (blocking)."""
    if backend_choice(entry) == BACKEND_SIMULATED:
        return create_gpio_backend(preference=BACKEND_SIMULATED)
    try:
        return create_gpio_backend(preference=BACKEND_AUTO)
    except HardwareUnavailableError as err:
        LOGGER.warning("No usable GPIO library for %s (%s); simulating it", entry.title, err)
        return create_gpio_backend(preference=BACKEND_SIMULATED)


class LocalBoardCoordinator(DataUpdateCoordinator[BoardState]):
    """Polls one DHT sensor in the executor and filters what it reads."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: FeatureEntry,
        dht: DhtBackend,
        reading_filter: ReadingFilter,
        on_read: Callable[[], None] | None = None,
    ) -> None:
        """Keep the injected backend and filter; poll on the configured interval.

        ``on_read`` is called after each read, on the event loop.
        """
        self._poll_interval = timedelta(
            seconds=entry.options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL)
        )
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry.config_entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=self._poll_interval,
        )
        self.title = entry.title
        self.dht = dht
        self.reading_filter = reading_filter
        self._on_read = on_read
        # One read at a time: a poll while a read still runs waits for that same read.
        self._read: asyncio.Future[FilteredRead] | None = None
        self._reads_started = 0
        self._hung_watch = (0, 0)  # (read seen running, how many checks in a row)
        # Home Assistant shuts it down at the entry's unload; a deleted subentry's, before.
        entry.async_on_unload(self.async_shutdown)

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

    async def async_take_reading_settings(self, poll_interval_s: int, failures: int) -> None:
        """Take a new poll interval and failure threshold while running, without a reload.

        A new interval starts with a read now: the old one could leave it waiting an hour.
        """
        self.reading_filter.set_max_consecutive_failures(failures)
        poll_interval = timedelta(seconds=poll_interval_s)
        if poll_interval == self._poll_interval:
            return
        self._poll_interval = poll_interval
        self.update_interval = poll_interval
        await self.async_request_refresh()

    async def _async_read(self) -> BoardState:
        previous = self.data.sample if self.data else None
        if self._read is None:
            polled_at = time.time()
            self._read = self.hass.async_add_executor_job(
                read_filtered, self.dht, self.reading_filter, lambda: polled_at
            )
            self._reads_started += 1
        read = self._read
        try:
            if not self.data:
                # At set-up a sensor that does not answer must not hold Home Assistant's
                # start: the board comes up without a reading, the next poll waits on.
                async with asyncio.timeout(FIRST_READ_TIMEOUT_S):
                    result = await asyncio.shield(read)
            else:
                result = await read
        except TimeoutError:
            LOGGER.warning(
                "%s: the sensor's first read has not returned in %.0f s",
                self.title,
                FIRST_READ_TIMEOUT_S,
            )
            return BoardState(sample=None)
        finally:
            if read.done():
                self._read = None
        if self._on_read is not None:
            self._on_read()
        reading = result.reading
        if reading is None:
            LOGGER.debug("%s: %s", self.title, result.problem)
            # A few botched reads keep the last reading. A failed read at set-up does not fail
            # the entry: the sensor shows unavailable until a reading comes, seconds later.
            if self.reading_filter.available or self.data is None:
                return BoardState(sample=previous)
            raise DhtReadError(
                f"{self.reading_filter.consecutive_failures} failed or rejected reads in a row, "
                f"last: {result.problem}"
            )
        return BoardState(
            sample=ClimateSample(
                temperature=reading.temperature,
                humidity=reading.humidity,
                sampled_at=dt_util.utcnow(),
            )
        )

    @callback
    def async_watch_reads(self) -> CALLBACK_TYPE:
        """Check on the running read every ``READ_CHECK_INTERVAL``; return the cancel."""
        return async_track_time_interval(
            self.hass,
            self._async_check_read,
            READ_CHECK_INTERVAL,
            name=f"{self.name} read check",
            cancel_on_shutdown=True,
        )

    @callback
    def _async_check_read(self, _now: datetime) -> None:
        """A read that never returns would keep the last reading on show as if it were new.

        Counted in checks, not measured on a clock: a driver stuck in its thread shows as
        the same read running at check after check.
        """
        if self._read is None:
            self._hung_watch = (0, 0)
            return
        watched, checks = self._hung_watch
        checks = checks + 1 if watched == self._reads_started else 1
        self._hung_watch = (self._reads_started, checks)
        if checks == HUNG_READ_CHECKS:
            self.async_set_update_error(
                UpdateFailed(
                    translation_domain=DOMAIN,
                    translation_key="read_hung",
                    translation_placeholders={"name": self.title},
                )
            )

    def reading_grace_s(self) -> float:
        """How long after a good read its reading still shows through failed reads."""
        return self._poll_interval.total_seconds() * self.reading_filter.max_consecutive_failures

    @property
    def has_reading(self) -> bool:
        """Whether there is a reading to show: one arrived, and reads work (or failed briefly)."""
        return self.last_update_success and self.data.sample is not None


def reading_filter_for(entry: FeatureEntry) -> ReadingFilter:
    """A board's plausibility filter: its failure threshold, its sensor model's stuck rule."""
    return ReadingFilter(
        max_consecutive_failures=failure_threshold(entry),
        stuck_after_s=stuck_after_for(DhtModel(entry.data[CONF_DHT_MODEL])),
    )


def failure_threshold(entry: FeatureEntry) -> int:
    """Consecutive failed reads after which the sensor shows unavailable."""
    threshold: int = entry.options.get(CONF_FAILURE_THRESHOLD, DEFAULT_FAILURE_THRESHOLD)
    return threshold
