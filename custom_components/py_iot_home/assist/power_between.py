"""Assist: what each power forecast expects between two times ("between 6 and 9 pm")."""

from __future__ import annotations

from datetime import UTC

from homeassistant.helpers import intent
from homeassistant.util import dt as dt_util

from .asked_hours import hours_asked, hours_placed
from .power_answers import ForecastHour, power_seen_answer
from .power_forecast import PowerForecastIntent, lead_with
from .power_part_answers import power_part_answer, power_part_peak_answer
from .spoken import time_past, tomorrow_taken

INTENT_POWER_BETWEEN = "PyIotHomeGetPowerBetween"


class PowerBetweenIntent(PowerForecastIntent):
    """The energy each power predictor expects between two times of day, or its highest hour."""

    intent_type = INTENT_POWER_BETWEEN
    description = "Tells the energy each power forecast expects between two times of day"

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Place the hours first: words that are no such hours answer alone."""
        start, end = (
            str(intent_obj.slots.get(slot, {}).get("value", "")).strip()
            for slot in ("start", "end")
        )
        now = dt_util.now()
        asked = hours_asked(start, end, now)
        if asked is None:
            response = intent_obj.create_response()
            response.async_set_speech(
                f'I do not understand "{start} to {end}" as hours of the day; ask, for example, '
                '"how much power will we use between 6 and 9 pm?"'
            )
            return response
        intent_obj.slots["part"] = {"value": hours_placed(asked, now)}
        response = await self._respond(intent_obj)
        if asked.passed:
            lead_with(
                intent_obj.hass,
                response,
                f"{time_past(dt_util.as_local(asked.end), now)} has passed; ",
            )
        elif asked.tomorrow_as_today:
            lead_with(
                intent_obj.hass, response, f"{tomorrow_taken(now, night=asked.tomorrow_night)} "
            )
        return response

    def _answer(self, name: str, hours: list[ForecastHour], intent_obj: intent.Intent) -> str:
        now = dt_util.now()
        part = intent_obj.slots["part"]["value"]
        if part.end <= now.astimezone(UTC):
            return power_seen_answer(name=name, hours=hours, now=now)
        if intent_obj.slots.get("peak"):
            return power_part_peak_answer(name=name, hours=hours, now=now, part=part)
        return power_part_answer(name=name, hours=hours, now=now, part=part)
