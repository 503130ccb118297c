"""Assist: humidity in an area, whether an area gets warmer or drier, the power forecast.

The answers are intents (`homeassistant.helpers.intent`), usable by any conversation agent.
The default agent reaches them through sentence triggers, the way Home Assistant 2026.10 lets
an integration add sentences to it (the same as an automation's conversation trigger): each
match calls the intent and its speech is the answer. English sentences only.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import probatio
from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    EVENT_COMPONENT_LOADED,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import Context, Event, HomeAssistant, callback
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent
from homeassistant.helpers.script import ScriptRunResult
from homeassistant.helpers.trigger import async_initialize_triggers, async_validate_trigger_config
from homeassistant.util import dt as dt_util

from ..const import (
    CONF_WINDOW_DAYS,
    DEFAULT_WINDOW_DAYS,
    DOMAIN,
)
from ..feature_lookup import entity_feature, feature_entry
from ..markdown_text import with_unit
from ..trends.coordinator import (
    ATTR_DIRECTION,
    ATTR_LAST_SAMPLE_AT,
    ATTR_READY_AT,
    ATTR_SPAN_HOURS,
    ATTR_UNKNOWN_REASON,
)
from .answers import (
    Direction,
    ForecastHour,
    TrendQuestion,
    humidity_answer,
    no_clear_trend_answer,
    no_recent_readings_answer,
    not_enough_data_answer,
    parse_trend_question,
    power_day_answer,
    power_forecast_answer,
    split_it_getting,
    trend_answer,
    unknown_direction_answer,
)
from .device_readings import (
    DeviceTemperatureIntent,
    async_follow_device_sentences,
    device_reading_speech,
)
from .trigger_log import log_sentence_triggers

INTENT_AREA_HUMIDITY = "PyIotHomeGetAreaHumidity"
INTENT_AREA_TREND = "PyIotHomeGetAreaTrend"
INTENT_POWER_FORECAST = "PyIotHomeGetPowerForecast"
_TREND_OF = (
    "(what is|what's|whats|how is|how's|tell me) [the] {quantity} trend (in|of) [the] {{area}}"
)

_RISING = "(rising|going up|increasing)"
_FALLING = "(falling|dropping|going down|decreasing)"


@dataclass(frozen=True, kw_only=True)
class AssistSentences:
    """Sentences that call one intent; `slots` adds what the sentence itself says."""

    intent_type: str
    sentences: tuple[str, ...]
    slots: Mapping[str, str] = field(default_factory=dict)


# Keyed by trigger id. A wildcard only where any words may stand: a "{direction} trend"
# would catch every "what is the ... trend in ..." question before Home Assistant's own.
SENTENCES: Mapping[str, AssistSentences] = {
    "humidity": AssistSentences(
        intent_type=INTENT_AREA_HUMIDITY,
        sentences=(
            "(what is|what's|whats|tell me) [the] humidity (in|of) [the] {area}",
            "how humid is [it in] [the] {area}",
        ),
    ),
    "getting": AssistSentences(
        intent_type=INTENT_AREA_TREND,
        sentences=(
            "is [the] {area} getting {direction}",
            "is it getting {direction} in [the] {area}",
        ),
    ),
    "power_forecast": AssistSentences(
        intent_type=INTENT_POWER_FORECAST,
        sentences=(
            "(what is|what's|whats|tell me) [the] (power|electricity|energy) forecast",
            "(what is|what's|whats) [the] (predicted|expected|forecast) (power|electricity|energy) "
            "[use|usage|consumption]",
            "how much (power|electricity|energy) will (i|we|the house|the home) use "
            "[in the next 24 hours|in the next day]",
            "what will [my|our|the] (power|electricity|energy) [use|usage|consumption] be "
            "[in the next 24 hours|in the next day]",
        ),
    ),
    **{
        f"power_forecast_{day}": AssistSentences(
            intent_type=INTENT_POWER_FORECAST,
            sentences=(
                f"how much (power|electricity|energy) will (i|we|the house|the home) use {day}",
                f"(what is|what's|whats) [the] (power|electricity|energy) forecast [for] {day}",
                f"what will [my|our|the] (power|electricity|energy) [use|usage|consumption] be "
                f"{day}",
            ),
            slots={"day": day},
        )
        for day in ("today", "tomorrow")
    },
    # Asked these ways, Home Assistant's own intent answered with the reading: "is the
    # temperature rising in the living room?" "20.7 degrees".
    **{
        f"{quantity}_{way}": AssistSentences(
            intent_type=INTENT_AREA_TREND,
            sentences=(f"is [the] {quantity} {verbs} in [the] {{area}}", *more),
            slots={"direction": direction},
        )
        for quantity, way, verbs, direction, more in (
            (
                "temperature",
                "rising",
                _RISING,
                "warmer",
                ("is [the] {area} warming up", "is it warming up in [the] {area}"),
            ),
            (
                "temperature",
                "falling",
                _FALLING,
                "colder",
                ("is [the] {area} cooling down", "is it cooling down in [the] {area}"),
            ),
            ("humidity", "rising", _RISING, "more humid", ()),
            ("humidity", "falling", _FALLING, "drier", ()),
        )
    },
    **{
        f"{quantity}_trend": AssistSentences(
            intent_type=INTENT_AREA_TREND,
            sentences=(_TREND_OF.format(quantity=quantity),),
            slots={"direction": quantity},
        )
        for quantity in ("temperature", "humidity")
    },
}
_STRIP = string.punctuation + string.whitespace


def _slot_text(value: Any) -> str:
    """A wildcard's words without the "the" and punctuation around them."""
    text = str(value).strip(_STRIP)
    return text[4:].strip() if text.casefold().startswith("the ") else text


def _find_area(hass: HomeAssistant, name: str) -> ar.AreaEntry | None:
    wanted = name.casefold()
    for area in ar.async_get(hass).async_list_areas():
        if wanted in {area.name.casefold(), *(alias.casefold() for alias in area.aliases)}:
            return area
    return None


def _our_device_called(hass: HomeAssistant, name: str) -> dr.DeviceEntry | None:
    """A device of this integration named ``name``, or whose name begins with it."""
    wanted = name.casefold()
    for entry in hass.config_entries.async_entries(DOMAIN):
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id):
            device_name = (device.name_by_user or device.name or "").casefold()
            if device_name == wanted or device_name.startswith(f"{wanted} "):
                return device
    return None


def _area_of(hass: HomeAssistant, entity: er.RegistryEntry) -> str | None:
    if entity.area_id:
        return entity.area_id
    device = dr.async_get(hass).async_get(entity.device_id) if entity.device_id else None
    return device.area_id if device else None


class _AreaIntentHandler(intent.IntentHandler):
    """Finds the area named in the sentence, or says it does not know it."""

    platforms = None
    # The reading a device in no area answers itself, when the name asked is the device's.
    device_reading: str | None = None

    def _area(self, intent_obj: intent.Intent, name: str | None = None) -> ar.AreaEntry | str:
        name = name or _slot_text(intent_obj.slots["area"]["value"])
        hass = intent_obj.hass
        if (area := _find_area(hass, name)) is not None:
            return area
        if (device := _our_device_called(hass, name)) is None:
            return f"I do not know an area called {name}."
        # "Is the garage getting warmer" of a node called Garage Pi confirmed without an
        # area: Assist answers by area, so say which one, or how to give it one.
        device_name = device.name_by_user or device.name
        # Its reading, asked by its whole name, is its own wherever it is: "the humidity of
        # the Kitchen Pi" was sent to the Kitchen, while its temperature was answered.
        named = str(device_name).casefold() == name.casefold()
        if self.device_reading is not None and (named or not device.area_id):
            return device_reading_speech(hass, device.id, self.device_reading)
        if device.area_id and (home := ar.async_get(hass).async_get_area(device.area_id)):
            return f"{device_name} is in the {home.name}: ask about the {home.name}."
        return (
            f"{device_name} is in no area. Give it one under Settings, Devices, "
            "then ask about that area."
        )


class AreaHumidityIntent(_AreaIntentHandler):
    """The humidity of an area, from the area's humidity sensor."""

    intent_type = INTENT_AREA_HUMIDITY
    description = "Gets the current humidity of an area"
    device_reading = "humidity"

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """The area's name, as said."""
        return {probatio.Required("area"): cv.string}

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read the area's humidity sensor."""
        response = intent_obj.create_response()
        area = self._area(intent_obj)
        if isinstance(area, str):
            response.async_set_speech(area)
            return response
        state = intent_obj.hass.states.get(area.humidity_entity_id or "")
        if state is None:
            response.async_set_speech(f"The {area.name} has no humidity sensor.")
        elif state.state in (STATE_UNKNOWN, STATE_UNAVAILABLE):
            response.async_set_speech(f"The humidity sensor of the {area.name} has no reading now.")
        else:
            unit = str(state.attributes.get(ATTR_UNIT_OF_MEASUREMENT, "%"))
            response.async_set_speech(
                humidity_answer(area=area.name, humidity=state.state, unit=unit)
            )
        return response


class AreaTrendIntent(_AreaIntentHandler):
    """Whether an area is getting warmer, colder, more humid or drier, from its trend."""

    intent_type = INTENT_AREA_TREND
    description = "Tells whether an area is getting warmer, colder, more humid or drier"

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """The area's name and the direction asked about ("warmer", "drier"...)."""
        return {probatio.Required("area"): cv.string, probatio.Required("direction"): cv.string}

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read the slope of the area's trend sensor and put it in words."""
        response = intent_obj.create_response()
        area_words, words = split_it_getting(
            _slot_text(intent_obj.slots["area"]["value"]),
            _slot_text(intent_obj.slots["direction"]["value"]),
        )
        question = parse_trend_question(words)
        area = self._area(intent_obj, _slot_text(area_words))
        if question is None:
            response.async_set_speech(unknown_direction_answer(words))
        elif isinstance(area, str):
            response.async_set_speech(area)
        else:
            response.async_set_speech(_trend_speech(intent_obj.hass, area, question))
        return response


class PowerForecastIntent(intent.IntentHandler):
    """What each power predictor expects: this hour, its band, and the highest hour ahead."""

    intent_type = INTENT_POWER_FORECAST
    description = "Tells the power use each power forecast expects for the coming hours"
    platforms = None

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read every predictor's Predicted power sensor."""
        hass = intent_obj.hass
        response = intent_obj.create_response()
        predicted = [
            entity
            for entity in er.async_get(hass).entities.values()
            if entity.platform == DOMAIN
            and entity.domain == Platform.SENSOR
            and entity.translation_key == "predicted_power"
            and not entity.disabled
        ]
        if not predicted:
            response.async_set_speech("No power forecast is set up.")
            return response
        # "today" or "tomorrow" when the sentence said it; else the next 24 hours.
        day = intent_obj.slots.get("day", {}).get("value")
        response.async_set_speech(
            " ".join(_forecast_speech(hass, entity, day) for entity in predicted)
        )
        return response


def _forecast_speech(hass: HomeAssistant, entity: er.RegistryEntry, day: str | None) -> str:
    forecast = feature_entry(hass, entity.config_entry_id, entity.config_subentry_id)
    name = forecast.title if forecast else "The power forecast"
    state = hass.states.get(entity.entity_id)
    if state is None or state.state in (STATE_UNKNOWN, STATE_UNAVAILABLE):
        return _why_no_forecast(hass, name, entity)
    hours = _forecast_hours(state.attributes.get("forecast"))
    now = dt_util.now()
    if day in ("today", "tomorrow"):
        return power_day_answer(name=name, hours=hours, now=now, tomorrow=day == "tomorrow")
    return power_forecast_answer(name=name, hours=hours, now=now)


def _forecast_hours(points: object) -> list[ForecastHour]:
    """The `forecast` attribute's hours, in the home's time zone; malformed points left out."""
    hours: list[ForecastHour] = []
    for point in points if isinstance(points, list) else []:
        try:
            start = dt_util.parse_datetime(str(point["datetime"]))
            values = [float(point[key]) for key in ("power_w", "low_w", "high_w")]
        except (KeyError, TypeError, ValueError):
            continue
        if start is not None and start.tzinfo is not None:
            hours.append(
                ForecastHour(
                    start=dt_util.as_local(start),
                    power_w=values[0],
                    low_w=values[1],
                    high_w=values[2],
                )
            )
    return hours


def _trend_entity(
    hass: HomeAssistant, area: ar.AreaEntry, quantity: str
) -> er.RegistryEntry | None:
    """Our trend sensor of `quantity` in the area; the one beside the area's own sensor first."""
    registry = er.async_get(hass)
    keys = {f"{quantity}_trend", f"sensor_{quantity}_trend"}
    candidates = [
        entity
        for entity in registry.entities.values()
        if entity.platform == DOMAIN
        and entity.domain == Platform.SENSOR
        and entity.translation_key in keys
        and _area_of(hass, entity) == area.id
    ]
    own = getattr(area, f"{quantity}_entity_id")
    own_device = (entry := registry.async_get(own)) and entry.device_id if own else None
    candidates.sort(key=lambda entity: entity.device_id != own_device)
    return candidates[0] if candidates else None


def _local_time(value: object) -> datetime | None:
    """A trend's time attribute in the home's time zone; None if it is not a time."""
    try:
        moment = dt_util.parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return None if moment is None or moment.tzinfo is None else dt_util.as_local(moment)


def _trend_speech(hass: HomeAssistant, area: ar.AreaEntry, question: TrendQuestion) -> str:
    entity = _trend_entity(hass, area, question.quantity)
    if entity is None:
        return f"The {area.name} has no {question.quantity} trend."
    state = hass.states.get(entity.entity_id)
    feature = feature_entry(hass, entity.config_entry_id, entity.config_subentry_id)
    options = feature.options if feature else {}
    window_days = float(options.get(CONF_WINDOW_DAYS, DEFAULT_WINDOW_DAYS))
    if state is not None and state.attributes.get(ATTR_UNKNOWN_REASON) == "no_clear_trend":
        return no_clear_trend_answer(
            area=area.name, quantity=question.quantity, window_days=window_days
        )
    if state is not None and state.attributes.get(ATTR_UNKNOWN_REASON) == "no_recent_samples":
        return no_recent_readings_answer(
            area=area.name,
            quantity=question.quantity,
            last_reading=_local_time(state.attributes.get(ATTR_LAST_SAMPLE_AT)),
            now=dt_util.now(),
        )
    if state is None or state.state == STATE_UNKNOWN:
        return not_enough_data_answer(
            area=area.name,
            quantity=question.quantity,
            ready_at=_local_time(None if state is None else state.attributes.get(ATTR_READY_AT)),
            now=dt_util.now(),
        )
    if state.state == STATE_UNAVAILABLE:
        return f"The {question.quantity} trend of the {area.name} is unavailable right now."
    unit = str(state.attributes.get(ATTR_UNIT_OF_MEASUREMENT, "")).removesuffix("/d")
    slope = float(state.state)
    span_hours = state.attributes.get(ATTR_SPAN_HOURS)
    return trend_answer(
        area=area.name,
        question=question,
        slope=slope,
        unit=unit,
        # The direction the rising sensor shows (set with every slope), so Assist never
        # contradicts it.
        trend=_TREND_DIRECTIONS.get(state.attributes.get(ATTR_DIRECTION), Direction.STEADY),
        span_hours=float(span_hours) if isinstance(span_hours, int | float) else 24.0 * window_days,
    )


_TREND_DIRECTIONS: Mapping[object, Direction] = {
    "rising": Direction.UP,
    "falling": Direction.DOWN,
    "steady": Direction.STEADY,
}


@callback
def async_setup_assist(hass: HomeAssistant) -> None:
    """Register the intents, and their sentences once the conversation integration runs."""
    intent.async_register(hass, AreaHumidityIntent())
    intent.async_register(hass, AreaTrendIntent())
    intent.async_register(hass, PowerForecastIntent())
    intent.async_register(hass, DeviceTemperatureIntent())
    if "conversation" in hass.config.components:
        hass.async_create_task(_async_attach_sentences(hass), eager_start=True)
        return

    @callback
    def _conversation_loaded(event: Event[Any]) -> None:
        if event.data.get("component") == "conversation":
            unsubscribe()
            hass.async_create_task(_async_attach_sentences(hass), eager_start=True)

    unsubscribe = hass.bus.async_listen(EVENT_COMPONENT_LOADED, _conversation_loaded)


async def _async_attach_sentences(hass: HomeAssistant) -> None:
    triggers = await async_validate_trigger_config(
        hass,
        [
            {"platform": "conversation", "id": trigger_id, "command": list(said.sentences)}
            for trigger_id, said in SENTENCES.items()
        ],
    )

    async def answer(run_variables: dict[str, Any], context: Context | None = None) -> Any:
        trigger = run_variables["trigger"]
        said = SENTENCES[trigger["id"]]
        slots = {**trigger["slots"], **said.slots}
        response = await intent.async_handle(
            hass,
            DOMAIN,
            said.intent_type,
            {name: {"value": value} for name, value in slots.items()},
            text_input=trigger["sentence"],
            context=context,
            language=trigger["user_input"].get("language"),
        )
        speech: str = response.speech["plain"]["speech"]
        return ScriptRunResult(conversation_response=speech, service_response=None, variables={})

    await async_initialize_triggers(hass, triggers, answer, DOMAIN, "Assist", log_sentence_triggers)
    await async_follow_device_sentences(hass)


def _why_no_forecast(hass: HomeAssistant, name: str, entity: er.RegistryEntry) -> str:
    """No forecast: why, in a few words, as the predictor's `forecast_power` action says it."""
    runtime = entity_feature(hass, entity)
    predictor = runtime.predictor if runtime is not None else None
    if predictor is None or predictor.data is None:
        return f"{name} has no forecast yet."
    snapshot = predictor.data
    match snapshot.absence:
        case "power_silent":
            return f"{name} has no forecast: its power sensor recorded nothing for weeks."
        case "net_meter":
            return (
                f"{name} has no forecast: its power sensor went below zero in "
                f"{with_unit(str(snapshot.export_percent), 'percent')} of its hours, like a net "
                "meter; choose a consumption sensor in its options."
            )
        case "needs_history":
            return (
                f"{name} has no forecast yet: it needs {snapshot.hours_needed} more hours "
                "of history."
            )
    return f"{name} has no forecast yet."
