"""Assist: what each power forecast expects in the next 24 hours, a day, a part of one, an hour."""

from __future__ import annotations

from datetime import UTC, datetime

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent
from homeassistant.util import dt as dt_util

from ..feature_lookup import feature_entry, predicted_power_entities
from .asked_part import PartAsked, day_asked, part_asked
from .asked_time import (
    MomentAsked,
    asked_day,
    hours_from_now,
    moment_asked,
    moment_at,
    parse_asked_time,
)
from .exposure import assistant_of, is_exposed, not_exposed_answer
from .forecast_rows import forecast_hours, why_no_forecast
from .power_answers import (
    ForecastHour,
    power_at_answer,
    power_day_answer,
    power_day_peak_answer,
    power_forecast_answer,
    power_peak_answer,
    power_seen_answer,
)
from .power_part_answers import part_passed, power_part_answer, power_part_peak_answer
from .spoken import (
    clock_time,
    one_after_another,
    time_past,
    time_repeated,
    time_skipped,
    tomorrow_taken,
)
from .weekdays import WEEKDAYS, next_weekday, weekday_said

INTENT_POWER_FORECAST = "PyIotHomeGetPowerForecast"
INTENT_POWER_PEAK = "PyIotHomeGetPowerPeak"
INTENT_POWER_AT = "PyIotHomeGetPowerAt"
# A weekday past the next 24 hours, which no forecast sees.
_BEYOND = "beyond"


class PowerForecastIntent(intent.IntentHandler):
    """What each power predictor expects: this hour, its band, and the highest hour ahead."""

    intent_type = INTENT_POWER_FORECAST
    description = "Tells the power use each power forecast expects for the coming hours"
    platforms = None

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read every predictor's Predicted power sensor, over the day said if one is."""
        now = dt_util.now()
        day = str(intent_obj.slots.get("day", {}).get("value", ""))
        if (weekday := weekday_said(day)) is not None:
            return await self._respond_of_weekday(intent_obj, weekday, now)
        if day == "tomorrow" and (asked := day_asked("tomorrow", now)).taken:
            # In the small hours "tomorrow" is today's date after the night under way, and the
            # answer says so.
            intent_obj.slots["placed"] = {"value": asked.placed}
            response = await self._respond(intent_obj)
            lead_with(intent_obj.hass, response, f"{asked.taken} ")
            return response
        return await self._respond(intent_obj)

    async def _respond_of_weekday(
        self, intent_obj: intent.Intent, weekday: int, now: datetime
    ) -> intent.IntentResponse:
        """A weekday said ("on friday"): today's or tomorrow's answer, else what is seen."""
        days_on = (next_weekday(weekday, now.date()) - now.date()).days
        said = {0: "today", 1: "tomorrow"}.get(days_on, _BEYOND)
        intent_obj.slots["day"] = {"value": said}
        response = await self._respond(intent_obj)
        if said == _BEYOND:
            lead = f"{WEEKDAYS[weekday].title()} is beyond the next 24 hours; "
            lead_with(intent_obj.hass, response, lead)
        return response

    async def _respond(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Each predictor's answer, or why there is none."""
        hass = intent_obj.hass
        response = intent_obj.create_response()
        predicted = predicted_power_entities(hass)
        if not predicted:
            response.async_set_speech("No power forecast is set up.")
            return response
        response.async_set_speech(
            one_after_another(self._speech(hass, entity, intent_obj) for entity in predicted)
        )
        return response

    def _speech(
        self, hass: HomeAssistant, entity: er.RegistryEntry, intent_obj: intent.Intent
    ) -> str:
        forecast = feature_entry(hass, entity.config_entry_id, entity.config_subentry_id)
        name = forecast.title if forecast else "The power forecast"
        state = hass.states.get(entity.entity_id)
        # A power sensor is not exposed by default: the answer says where to expose it.
        if not is_exposed(hass, assistant_of(intent_obj), entity.entity_id):
            return not_exposed_answer(state.name if state else f"{name}'s Predicted power")
        if state is None or state.state in (STATE_UNKNOWN, STATE_UNAVAILABLE):
            return why_no_forecast(hass, name, entity)
        hours = forecast_hours(state.attributes.get("forecast"))
        if intent_obj.slots.get("day", {}).get("value") == _BEYOND:
            # Each forecast says what it sees, which is what is left to ask about.
            return power_seen_answer(name=name, hours=hours, now=dt_util.now())
        return self._answer(name, hours, intent_obj)

    def _answer(self, name: str, hours: list[ForecastHour], intent_obj: intent.Intent) -> str:
        now = dt_util.now()
        if (part := intent_obj.slots.get("placed", {}).get("value")) is not None:
            return power_part_answer(name=name, hours=hours, now=now, part=part)
        # "today" or "tomorrow" when the sentence said it; else the next 24 hours.
        day = intent_obj.slots.get("day", {}).get("value")
        if day in ("today", "tomorrow"):
            return power_day_answer(name=name, hours=hours, now=now, tomorrow=day == "tomorrow")
        return power_forecast_answer(name=name, hours=hours, now=now)


class PowerPeakIntent(PowerForecastIntent):
    """The hour each power predictor expects the highest use in the next 24 hours."""

    intent_type = INTENT_POWER_PEAK
    description = "Tells the hour of the highest power use each power forecast expects"

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Place the part of the day asked about ("tonight"), if one is."""
        said = intent_obj.slots.get("part", {}).get("value")
        now = dt_util.now()
        asked = part_asked(str(said), now) if said else None
        if asked is None:
            return await super().async_handle(intent_obj)
        intent_obj.slots["placed"] = {"value": asked.placed}
        response = await self._respond(intent_obj)
        if lead := _part_lead(asked, now):
            lead_with(intent_obj.hass, response, lead)
        return response

    def _answer(self, name: str, hours: list[ForecastHour], intent_obj: intent.Intent) -> str:
        now = dt_util.now()
        if (part := intent_obj.slots.get("placed", {}).get("value")) is not None:
            if part.end <= now.astimezone(UTC):
                return power_seen_answer(name=name, hours=hours, now=now)
            return power_part_peak_answer(name=name, hours=hours, now=now, part=part)
        # "today" or "tomorrow" when the sentence said it; else the next 24 hours.
        day = intent_obj.slots.get("day", {}).get("value")
        if day in ("today", "tomorrow"):
            return power_day_peak_answer(
                name=name, hours=hours, now=now, tomorrow=day == "tomorrow"
            )
        return power_peak_answer(name=name, hours=hours, now=now)


class PowerAtIntent(PowerForecastIntent):
    """What each power predictor expects at a time ("at 6 pm"), or over a part of the day."""

    intent_type = INTENT_POWER_AT
    description = "Tells the power use each power forecast expects at a time of day"

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Place the time first: words that are no time answer alone."""
        if intent_obj.slots.get("from_now") and (
            ahead := hours_from_now(intent_obj.text_input or "")
        ):
            # Hours elapsed, not read off the clock: the night it changes they differ.
            moment = moment_at(dt_util.as_local(dt_util.utcnow() + ahead))
            intent_obj.slots["moment"] = {"value": moment}
            response = await self._respond(intent_obj)
            # The night the clocks go back, which of the two 2:30 AMs it is.
            if moment.repeated and (lead := _moment_lead(moment, dt_util.now())):
                lead_with(intent_obj.hass, response, lead)
            return response
        said = str(intent_obj.slots.get("time", {}).get("value", "")).strip()
        day = intent_obj.slots.get("day", {}).get("value")
        # "What is the power forecast for tomorrow" also fits "… for {time}": the day's answer.
        if day is None and (only_day := asked_day(said)) is not None:
            intent_obj.slots["day"] = {"value": only_day}
            return await super().async_handle(intent_obj)
        # "What is the power forecast for friday": that day's, as the base intent reads it.
        if day is None and weekday_said(said) is not None:
            intent_obj.slots["day"] = {"value": said}
            return await super().async_handle(intent_obj)
        now = dt_util.now()
        if (part := part_asked(f"{day} at {said}" if day else said, now)) is not None:
            # "Tonight", "for tomorrow morning", "tomorrow at night", "friday evening": its hours.
            intent_obj.slots["part"] = {"value": part.placed}
            lead = _part_lead(part, now)
        else:
            asked = parse_asked_time(f"{said} {day}" if day else said)
            if asked is None:
                response = intent_obj.create_response()
                # As it was said: "9 pm" alone is a time, "tomorrow morning at 9 pm" none.
                heard = f"{day} at {said}" if day else said
                response.async_set_speech(
                    f'I do not understand "{heard}" as a time of day; ask, for example, '
                    '"what will the power be at 6 pm?"'
                )
                return response
            moment = moment_asked(asked, now)
            intent_obj.slots["moment"] = {"value": moment}
            lead = _moment_lead(moment, now)
            if asked.amiss is not None:
                # Taken as said, 3 PM, and said so: "3:00 PM is in the afternoon, not the evening".
                said, is_in = asked.amiss
                amiss = f"{clock_time(moment.wall)} is in the {is_in}, not the {said}; "
                lead = amiss + (lead or "")
            if moment.tomorrow_as_today:
                lead = f"{tomorrow_taken(now, night=asked.tomorrow_night)} {lead or ''}"
        response = await self._respond(intent_obj)
        if lead is not None:
            lead_with(intent_obj.hass, response, lead)
        return response

    def _answer(self, name: str, hours: list[ForecastHour], intent_obj: intent.Intent) -> str:
        now = dt_util.now()
        if (part := intent_obj.slots.get("part", {}).get("value")) is not None:
            if part.end <= now.astimezone(UTC):
                return power_seen_answer(name=name, hours=hours, now=now)
            return power_part_answer(name=name, hours=hours, now=now, part=part)
        moment = intent_obj.slots.get("moment", {}).get("value")
        if moment is None:
            return super()._answer(name, hours, intent_obj)
        if moment.passed:
            return power_seen_answer(name=name, hours=hours, now=now)
        return power_at_answer(name=name, hours=hours, now=now, at=moment.at)


def lead_with(hass: HomeAssistant, response: intent.IntentResponse, lead: str) -> None:
    """Say `lead` once before the forecasts' answers; not before "No power forecast is set up"."""
    if predicted_power_entities(hass):
        response.async_set_speech(lead + response.speech["plain"]["speech"])


def _part_lead(part: PartAsked, now: datetime) -> str | None:
    """Said first of a part gone by, or of "tomorrow morning" asked in the small hours."""
    if part.placed.end <= now.astimezone(UTC):
        return f"{part_passed(part.placed, now)}; "
    return f"{part.taken} " if part.taken else None


def _moment_lead(moment: MomentAsked, now: datetime) -> str | None:
    """What is said once before the forecasts' answers of a time gone by, skipped or repeated."""
    if moment.passed:
        # Each forecast then says the hours it sees, which are what is left to ask about.
        return f"{time_past(dt_util.as_local(moment.at), now)} has passed; "
    if moment.skipped:
        # 2:30 AM the night the clocks go forward never comes: the hour they jump to.
        return f"{time_skipped(moment.wall, moment.at, now)}; "
    if moment.repeated and moment.change_at:
        # The night they go back it comes twice: which of the two is answered.
        first = moment.repeated == "first"
        return f"{time_repeated(moment.wall, moment.change_at, now, first=first)}: "
    return None
