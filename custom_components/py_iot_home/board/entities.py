"""Entities of a board on the host: temperature and humidity sensors, LED switches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, override

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.helpers.restore_state import RestoreEntity

from ..const import (
    ATTR_HARDWARE,
)
from ..entity import DeviceIdentity, PyIotHomeCoordinatorEntity, PyIotHomeEntity
from ..errors import entity_action
from ..feature_entry import FeatureEntry
from ..quantities import ClimateReading, HomeUnitSensor, QuantitySensorDescription
from ..restored_reading import ReadingStoredData, RestoredReadingSensor
from .coordinator import LocalBoardCoordinator
from .devices import led_device
from .leds import LedBank, LedConfig


@dataclass(frozen=True, kw_only=True)
class LedSwitchDescription(SwitchEntityDescription):
    """An LED of the board's bank, by its id."""

    is_on_fn: Callable[[LedBank, str], bool]


LED_SWITCH = LedSwitchDescription(
    key="led",
    translation_key="led",
    is_on_fn=lambda bank, led_id: bank.states.get(led_id, False),
)


class LocalClimateSensor(
    PyIotHomeCoordinatorEntity[LocalBoardCoordinator], HomeUnitSensor, RestoredReadingSensor
):
    """Temperature or humidity of the board on the host.

    After a restart whose first read fails (a DHT22 botches a few percent), it shows the
    reading from before the stop as a few failed reads in a row hold one (restored_reading).
    """

    entity_description: QuantitySensorDescription[ClimateReading]
    _restored_at: datetime | None = None

    def __init__(
        self,
        coordinator: LocalBoardCoordinator,
        device: DeviceIdentity,
        description: QuantitySensorDescription[ClimateReading],
    ) -> None:
        """Describe the sensor."""
        super().__init__(coordinator, device, description.key)
        self.entity_description = description

    @override
    async def async_added_to_hass(self) -> None:
        """Take the reading from before the restart if no read has given one yet."""
        await super().async_added_to_hass()
        if self.coordinator.data.sample is None:
            grace_s = self.coordinator.reading_grace_s()
            self._restored_at = await self.async_restore_reading(grace_s)

    @property
    def available(self) -> bool:
        """Unavailable before the first reading and after too many failed reads in a row."""
        return self.coordinator.last_update_success and self.native_value is not None

    @property
    def extra_restore_state_data(self) -> ReadingStoredData:
        """The value shown and when it was read, for the next start."""
        sample = self.coordinator.data.sample
        sampled_at = sample.sampled_at if sample else self._restored_at
        return ReadingStoredData(
            self.native_value,
            self.native_unit_of_measurement,
            sampled_at,
            self.coordinator.reading_grace_s(),
        )

    @property
    def extra_state_attributes(self) -> dict[str, str]:
        """Which hardware gives the readings: "simulated" when nothing is measured."""
        return {ATTR_HARDWARE: self.coordinator.dht.name}

    @property
    def native_value(self) -> float | None:
        """The last good reading (the one from before a restart until a read gives one)."""
        sample = self.coordinator.data.sample
        return self.entity_description.value_fn(sample) if sample else self._restored


class LedSwitch(PyIotHomeEntity, SwitchEntity, RestoreEntity):
    """An LED on a GPIO pin of the host.

    The pin is driven to its saved level while the entry sets up (led_states.py). An LED
    with no saved level yet (one set up by a release before the integration kept them)
    takes Home Assistant's restored state once it is added.
    """

    # The LED is its own device and the switch its main feature, so its full name is the
    # LED's name ("Desk LED"), which is what people say to Assist (a translated name wins
    # over a description's name, so it is set here).
    _attr_name = None
    _attr_should_poll = False
    entity_description: LedSwitchDescription

    def __init__(self, entry: FeatureEntry, bank: LedBank, led: LedConfig) -> None:
        """Bind the switch to its LED, which is its device."""
        self.entity_description = LED_SWITCH
        self._bank = bank
        self._led = led
        self._attr_extra_state_attributes = {ATTR_HARDWARE: bank.gpio.name}
        self._identify(led_device(entry, led), key=None)

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
        return self.entity_description.is_on_fn(self._bank, self._led.led_id)

    @entity_action
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Light the LED."""
        await self._bank.async_set(self._led.led_id, True)
        self.async_write_ha_state()

    @entity_action
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the LED off."""
        await self._bank.async_set(self._led.led_id, False)
        self.async_write_ha_state()
