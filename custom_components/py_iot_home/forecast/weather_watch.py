"""The forecast's weather entity: its coming hours, and at a start the wait for it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import CoreState, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_call_later, async_track_state_change_event
from homeassistant.helpers.start import async_at_started

from ..const import LOGGER
from ..feature_entry import FeatureEntry
from ..prediction.arrays import WeatherArrays
from .weather import REPLY_TIMEOUT_S, async_hourly_weather, hours_given

# A daily forecast handed over as hourly has one point in the coming day: the day's high,
# no hour's temperature.
MIN_FORECAST_HOURS = 2
# The home entry's set-up (its boards and nodes) waits for the forecast's first reply.
START_REPLY_TIMEOUT_S = 5
# How long after Home Assistant has started the forecast waits for a weather entity that is
# not up yet: one fed through MQTT came up a second after the start, a web service's first
# fetch may take tens of seconds.
WEATHER_START_GRACE = timedelta(minutes=2)


class WeatherWatch:
    """Asks the weather entity for its hourly forecast; says when it stops and starts again.

    `forecast_now(name)` makes the forecast again: once the weather is up after a start, or
    WEATHER_START_GRACE after the start if it is still down.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        feature: FeatureEntry,
        forecast_now: Callable[[str], None],
    ) -> None:
        """Watch no weather until `entity_id` is set (from the forecast's settings)."""
        self.hass = hass
        self._feature = feature
        self._title = feature.title
        self._forecast_now = forecast_now
        self.entity_id: str | None = None
        # Whether the last forecast's hours ahead took the weather's own hourly forecast.
        self.used = False
        # Whether the weather entity last gave no hourly forecast: warned once, not hourly.
        self._warned = False
        # Starting, the weather gave no hours yet: forecast again once it has a state.
        self._state_wait: Callable[[], None] | None = None
        # Meanwhile no forecast is shown: until the weather is up, or WEATHER_START_GRACE
        # after Home Assistant has started (the wait for the start, then for the grace).
        self._grace_wait: Callable[[], None] | None = None

    @property
    def holding(self) -> bool:
        """Whether a start's forecast waits for the weather (no forecast from yesterday's)."""
        return self._grace_wait is not None

    async def async_coming_hours(self, now: datetime, hours: int) -> WeatherArrays | None:
        """The hourly forecast from `now`, if any of its coming `hours` is usable."""
        if not self.entity_id:
            return None
        running = self.hass.state is CoreState.running
        # A start's set-up waits for this reply: a weather that is slow then counts as one not
        # up yet, and the forecast is made again once it is (_wait_until_up).
        timeout_s = REPLY_TIMEOUT_S if running else START_REPLY_TIMEOUT_S
        try:
            reply = await async_hourly_weather(self.hass, self.entity_id, timeout_s)
        except HomeAssistantError as err:
            state = self.hass.states.get(self.entity_id)
            # Home Assistant's own words for an unavailable one: "did not match any entities".
            if state is None:
                why = "no such entity"
            elif state.state == STATE_UNAVAILABLE:
                why = "it is unavailable"
            else:
                why = str(err)
            self._note(given=False, why=why)
            return None
        except TimeoutError:
            self._note(given=False, why=f"no reply within {timeout_s} s")
            return None
        except Exception as err:
            # Another integration's fault (its forecast raised, or gave a reply Home
            # Assistant's conversion cannot read): failed the whole forecast every hour.
            self._note(given=False, why=f"its forecast failed: {err!r}")
            return None
        weather, count = reply.arrays, reply.hours_in_reply
        given = hours_given(weather, now, hours)
        if not count:
            why = "no hours in its reply"
        elif given:
            why = f"only one of the {count} points in its reply falls in the coming day"
        else:
            why = f"none of the {count} hours in its reply has a temperature for the coming {hours}"
        usable = given >= MIN_FORECAST_HOURS
        self._note(given=usable, why=why)
        return weather if usable else None

    def _note(self, *, given: bool, why: str) -> None:
        """Say when the weather stops giving the coming hours, and when it gives them again.

        Without them the forecast quietly took yesterday's temperature for every hour ahead,
        while its model had learned from each hour's own.
        """
        self.used = given
        if not given and self.hass.state is not CoreState.running:
            # Starting: the weather's integration may load after this one. Not a warning at
            # every start; the forecast is made again as soon as the weather has a state.
            LOGGER.debug("%s: %s gives no hours yet (%.100s)", self._title, self.entity_id, why)
            self._wait_until_up()
            return
        if not given and not self._warned:
            LOGGER.warning(
                "%s: %s gives no hourly forecast (%.100s); the coming hours take yesterday's "
                "temperature at the same hour until it does",
                self._title,
                self.entity_id,
                why,
            )
        elif given and self._warned:
            LOGGER.info("%s: %s gives its hourly forecast again", self._title, self.entity_id)
        self._warned = not given

    def _wait_until_up(self) -> None:
        """Hold the forecast until the weather entity has a state, for a while after the start.

        After a restart the first forecast otherwise took yesterday's temperature for the
        coming hours, while the weather was up seconds later (its integration, or the broker
        it reads from, after ours): the forecast stepped away and back. Until then the
        forecast from before the restart is shown (the coordinator's async_show_until_weather).
        A weather still silent WEATHER_START_GRACE after the start is warned of, and
        yesterday's temperature stands in; the forecast is made again whenever the weather
        comes up.
        """
        if self.entity_id is None:
            return
        starting = self.hass.state in (CoreState.not_running, CoreState.starting)
        if starting and self._grace_wait is None:
            self._grace_wait = async_at_started(self.hass, self._async_started)
            self._feature.async_on_unload(self._stop_grace_wait)
        if self._state_wait is not None:
            return

        @callback
        def _changed(event: Event[EventStateChangedData]) -> None:
            new = event.data["new_state"]
            if new is None or new.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
                return
            self._stop_state_wait()
            self._release("weather up")

        self._state_wait = async_track_state_change_event(self.hass, [self.entity_id], _changed)
        self._feature.async_on_unload(self._stop_state_wait)

    @callback
    def _async_started(self, _hass: HomeAssistant) -> None:
        self._grace_wait = async_call_later(self.hass, WEATHER_START_GRACE, self._async_grace_over)

    @callback
    def _async_grace_over(self, _now: datetime) -> None:
        self._grace_wait = None
        self._release("weather still down")

    @callback
    def _release(self, why: str) -> None:
        self._stop_grace_wait()
        self._forecast_now(why)

    @callback
    def _stop_grace_wait(self) -> None:
        if self._grace_wait is not None:
            self._grace_wait()
            self._grace_wait = None

    @callback
    def _stop_state_wait(self) -> None:
        if self._state_wait is not None:
            self._state_wait()
            self._state_wait = None
