"""GPIO LED switches that keep their state across restarts."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from .const import ATTR_HARDWARE, BACKEND_SIMULATED, CONF_AREA, DOMAIN
from .entity import SIMULATION_MANUFACTURER
from .leds import LedBank, LedConfig, led_unique_id
from .models import LocalRuntimeData, NodeRuntimeData, PyIotHomeConfigEntry
from .node_entities import node_switches

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PyIotHomeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one switch per configured LED."""
    runtime = entry.runtime_data
    if isinstance(runtime, LocalRuntimeData):
        bank = runtime.leds
        async_add_entities(LedSwitch(entry, bank, led) for led in bank.leds.values())
    elif isinstance(runtime, NodeRuntimeData):
        async_add_entities(node_switches(runtime.node))


class LedSwitch(SwitchEntity, RestoreEntity):
    """An LED on a GPIO pin of the host.

    The pin is driven to its saved level while the entry sets up (led_states.py). An LED
    with no saved level yet (one set up by a release before the integration kept them)
    takes Home Assistant's restored state once it is added.
    """

    _attr_has_entity_name = True
    # The LED is its own device and the switch its main feature, so its full name is the
    # LED's name ("Desk LED"), which is what people say to Assist.
    _attr_name = None
    _attr_should_poll = False
    _attr_translation_key = "led"

    def __init__(self, entry: PyIotHomeConfigEntry, bank: LedBank, led: LedConfig) -> None:
        """Bind the switch to its LED."""
        self._bank = bank
        self._led = led
        simulated = bank.gpio.name == BACKEND_SIMULATED
        self._attr_extra_state_attributes = {ATTR_HARDWARE: bank.gpio.name}
        self._attr_unique_id = led_unique_id(entry.unique_id, led.led_id)
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, self._attr_unique_id)},
            name=led.name,
            manufacturer=SIMULATION_MANUFACTURER if simulated else "Py IoT Home",
            model=f"{'Simulated LED' if simulated else 'LED'} on GPIO{led.pin}",
            suggested_area=entry.data.get(CONF_AREA) or None,
        )

    async def async_added_to_hass(self) -> None:
        """Take the restored state of an LED the integration has no saved level of."""
        await super().async_added_to_hass()
        if self._led.led_id in self._bank.restored:
            return
        if (last := await self.async_get_last_state()) is not None and last.state in (
            STATE_ON,
            STATE_OFF,
        ):
            await self._bank.async_set(self._led.led_id, last.state == STATE_ON)

    @property
    def is_on(self) -> bool:
        """Whether the LED is lit, as last written to its pin."""
        return self._bank.states.get(self._led.led_id, False)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Light the LED."""
        await self._bank.async_set(self._led.led_id, True)
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the LED off."""
        await self._bank.async_set(self._led.led_id, False)
        self.async_write_ha_state()
