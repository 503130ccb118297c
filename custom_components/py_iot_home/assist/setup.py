"""Assist's set-up: our intents, and their sentences once the conversation integration runs."""

from __future__ import annotations

from typing import Any

from homeassistant.const import EVENT_COMPONENT_LOADED
from homeassistant.core import Context, Event, HomeAssistant, callback
from homeassistant.helpers import intent

from .area_temperature import AreaTemperatureIntent, async_follow_area_temperatures
from .device_readings import DeviceTemperatureIntent, async_follow_device_sentences
from .humidity import AreaHumidityIntent
from .leds import AreaLedsIntent
from .outdoor import OutdoorHumidityIntent, OutdoorTemperatureIntent
from .outdoor_trend import OutdoorTrendIntent
from .power_between import PowerBetweenIntent
from .power_forecast import PowerAtIntent, PowerForecastIntent, PowerPeakIntent
from .power_now import PowerNowIntent
from .power_trend import PowerTrendIntent
from .sentence_triggers import async_answer_with_intent, async_attach_sentences
from .sentences import SENTENCES
from .trend_intent import AreaTrendIntent


@callback
def async_setup_assist(hass: HomeAssistant) -> None:
    """Register the intents, and their sentences once the conversation integration runs."""
    for handler in (
        AreaHumidityIntent(),
        AreaTrendIntent(),
        PowerForecastIntent(),
        PowerPeakIntent(),
        PowerAtIntent(),
        PowerBetweenIntent(),
        PowerNowIntent(),
        PowerTrendIntent(),
        OutdoorTemperatureIntent(),
        OutdoorHumidityIntent(),
        OutdoorTrendIntent(),
        AreaLedsIntent(),
        DeviceTemperatureIntent(),
        AreaTemperatureIntent(),
    ):
        intent.async_register(hass, handler)
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
    async def answer(run_variables: dict[str, Any], context: Context | None = None) -> Any:
        trigger = run_variables["trigger"]
        said = SENTENCES[trigger["id"]]
        slots = said.slots_said(str(trigger["sentence"]), trigger["slots"])
        return await async_answer_with_intent(hass, said.intent_type, slots, trigger, context)

    await async_attach_sentences(
        hass, {trigger_id: list(said.sentences) for trigger_id, said in SENTENCES.items()}, answer
    )
    await async_follow_device_sentences(hass)
    await async_follow_area_temperatures(hass)
