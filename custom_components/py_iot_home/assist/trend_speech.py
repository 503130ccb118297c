"""A trend sensor of ours read out: its slope, or why it has none, in a place's words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from ..const import CONF_WINDOW_DAYS, DEFAULT_WINDOW_DAYS, DOMAIN
from ..feature_lookup import feature_entry
from ..trends.snapshot import (
    ATTR_DIRECTION,
    ATTR_LAST_SAMPLE_AT,
    ATTR_READY_AT,
    ATTR_SPAN_HOURS,
    ATTR_UNKNOWN_REASON,
)
from .climate_answers import (
    DisabledTrend,
    no_clear_trend_answer,
    no_recent_readings_answer,
    not_enough_data_answer,
    source_no_clear_trend_answer,
    source_no_recent_readings_answer,
    source_not_enough_data_answer,
    source_trend_answer,
    trend_answer,
    trend_disabled_answer,
)
from .exposure import is_trend_exposed, not_exposed_answer, trend_source
from .spoken import sentence_start, shown
from .trend_question import Direction, TrendQuestion

TREND_DIRECTIONS: Mapping[object, Direction] = {
    "rising": Direction.UP,
    "falling": Direction.DOWN,
    "steady": Direction.STEADY,
}


@dataclass(frozen=True, kw_only=True)
class TrendWords:
    """How the answers about one trend name its place: a room, a device, or outside."""

    # Whose trend it is: "the Kitchen", "Garage Pi", the outdoor sensor's name.
    whose: str
    # The quantity's sensor, when the one the user un-exposed is gone.
    sensor: Callable[[str], str]
    trend: Callable[..., str]
    not_enough_data: Callable[..., str]
    no_clear_trend: Callable[..., str]
    no_recent_readings: Callable[..., str]
    unavailable: Callable[[str], str]
    disabled: Callable[..., str]


def place_words(place: str) -> TrendWords:
    """The words of a room ("the Kitchen") or of a device in no room ("Garage Pi")."""
    return TrendWords(
        whose=place,
        sensor=lambda quantity: f"The {quantity} sensor of {place}",
        trend=partial(trend_answer, place=place),
        not_enough_data=partial(not_enough_data_answer, place=place),
        no_clear_trend=partial(no_clear_trend_answer, place=place),
        no_recent_readings=partial(no_recent_readings_answer, place=place),
        unavailable=lambda quantity: f"The {quantity} trend of {place} is unavailable right now.",
        disabled=partial(trend_disabled_answer, place=place),
    )


def outdoor_words(source: str) -> TrendWords:
    """The words of the outdoor sensor `source` ("Garden"): "it is getting colder outside"."""
    return _source_words(source, subject="it", where=" outside")


def home_power_words(source: str) -> TrendWords:
    """The words of the home's power sensor `source`: "the home is using more power"."""
    return _source_words(source, subject="the home", where="")


def _source_words(source: str, *, subject: str, where: str) -> TrendWords:
    """The words of a sensor the home is read from, named after the figures ("(Garden)")."""
    return TrendWords(
        whose=source,
        sensor=lambda _quantity: source,
        trend=partial(source_trend_answer, source=source, subject=subject, where=where),
        not_enough_data=partial(
            source_not_enough_data_answer, source=source, subject=subject, where=where
        ),
        no_clear_trend=partial(
            source_no_clear_trend_answer, source=source, subject=subject, where=where
        ),
        no_recent_readings=partial(
            source_no_recent_readings_answer, source=source, subject=subject, where=where
        ),
        unavailable=lambda quantity: (
            f"The {quantity} trend{where} ({source}) is unavailable right now."
        ),
        disabled=partial(trend_disabled_answer, place=subject, where=where),
    )


def trend_entities(hass: HomeAssistant, quantity: str) -> list[er.RegistryEntry]:
    """Our trend sensors of `quantity`, the enabled ones first.

    The disabled ones too: asked about one, Assist says it is disabled and where to enable it.
    """
    keys = {f"{quantity}_trend", f"sensor_{quantity}_trend"}
    return sorted(
        (
            entity
            for entity in er.async_get(hass).entities.values()
            if entity.platform == DOMAIN
            and entity.domain == Platform.SENSOR
            and entity.translation_key in keys
        ),
        key=lambda entity: entity.disabled,
    )


def followed_trend(hass: HomeAssistant, entity_id: str, quantity: str) -> er.RegistryEntry | None:
    """Our trend sensor that follows the sensor `entity_id`, if it is one of ours.

    Disabled too: the answer says so, and where to enable it.
    """
    trends = trend_entities(hass, quantity)
    followed = next((trend for trend in trends if trend_source(hass, trend) == entity_id), None)
    if followed is not None:
        return followed
    # While its entry is not running a trend follows nothing: the sensor's device's own, if
    # it has only one (a node may have a sensor inside and one outside).
    source = er.async_get(hass).async_get(entity_id)
    if source is None or source.platform != DOMAIN or source.device_id is None:
        return None
    on_device = [trend for trend in trends if trend.device_id == source.device_id]
    return on_device[0] if len(on_device) == 1 else None


def disabled_trend(hass: HomeAssistant, trend: er.RegistryEntry, whose: str) -> DisabledTrend:
    """A disabled trend sensor, by the name its device page lists it under."""
    device = dr.async_get(hass).async_get(trend.device_id) if trend.device_id else None
    device_name = (device.name_by_user or device.name) if device else None
    name = trend.name or " ".join(str(part) for part in (device_name, trend.original_name) if part)
    return DisabledTrend(of=whose, trend=name or trend.entity_id, device=str(device_name or whose))


def source_reads(hass: HomeAssistant, trend: er.RegistryEntry) -> bool:
    """Whether the sensor a trend follows has a reading now (or cannot be told)."""
    source = hass.states.get(trend_source(hass, trend) or "")
    return source is None or shown(source.state, None) is not None


def local_time(value: object) -> datetime | None:
    """A trend's time attribute in the home's time zone; None if it is not a time."""
    try:
        moment = dt_util.parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return None if moment is None or moment.tzinfo is None else dt_util.as_local(moment)


def trend_speech(
    hass: HomeAssistant,
    assistant: str,
    entity: er.RegistryEntry,
    question: TrendQuestion,
    words: TrendWords,
) -> str:
    """What the trend sensor `entity` says, in the words of its place."""
    quantity = question.quantity
    state = hass.states.get(entity.entity_id)
    if not is_trend_exposed(hass, assistant, entity):
        # Named by the sensor the user un-exposed: the trend follows it.
        source = hass.states.get(trend_source(hass, entity) or entity.entity_id)
        return not_exposed_answer(source.name if source else sentence_start(words.sensor(quantity)))
    if entity.disabled:
        return words.disabled(trends=[disabled_trend(hass, entity, words.whose)], question=question)
    feature = feature_entry(hass, entity.config_entry_id, entity.config_subentry_id)
    options = feature.options if feature else {}
    window_days = float(options.get(CONF_WINDOW_DAYS, DEFAULT_WINDOW_DAYS))
    if state is not None and state.attributes.get(ATTR_UNKNOWN_REASON) == "no_clear_trend":
        return words.no_clear_trend(quantity=quantity, window_days=window_days)
    if state is not None and state.attributes.get(ATTR_UNKNOWN_REASON) == "no_recent_samples":
        return words.no_recent_readings(
            quantity=quantity,
            last_reading=local_time(state.attributes.get(ATTR_LAST_SAMPLE_AT)),
            now=dt_util.now(),
        )
    if state is None or state.state == STATE_UNKNOWN:
        return words.not_enough_data(
            quantity=quantity,
            ready_at=local_time(None if state is None else state.attributes.get(ATTR_READY_AT)),
            now=dt_util.now(),
            # The time it expects a slope by counts on readings its sensor is not giving.
            silent=not source_reads(hass, entity),
        )
    if state.state == STATE_UNAVAILABLE:
        return words.unavailable(quantity)
    span_hours = state.attributes.get(ATTR_SPAN_HOURS)
    return words.trend(
        question=question,
        slope=float(state.state),
        unit=str(state.attributes.get(ATTR_UNIT_OF_MEASUREMENT, "")).removesuffix("/d"),
        # The direction the rising sensor shows (set with every slope), so Assist never
        # contradicts it.
        trend=TREND_DIRECTIONS.get(state.attributes.get(ATTR_DIRECTION), Direction.STEADY),
        span_hours=float(span_hours) if isinstance(span_hours, int | float) else 24.0 * window_days,
    )
