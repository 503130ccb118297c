"""Backend errors mapped once to what Home Assistant shows, by one decorator per place.

An entity's action raises a translated ``HomeAssistantError``, a coordinator's update a
translated ``UpdateFailed``, an entry's set-up ``ConfigEntryNotReady`` (or, for a pin another
program holds, ``ConfigEntryError``): nothing below them raises Home Assistant's errors.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady, HomeAssistantError
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.update_coordinator import UpdateFailed

from .const import DOMAIN
from .hardware.errors import HardwareError
from .hardware.gpio import GpioError, PinInUseError


class NodeCommandError(Exception):
    """A node did not confirm a command in time."""

    def __init__(self, node: str, switch: str) -> None:
        """Say which node and which of its switches."""
        super().__init__(f"{node} did not confirm switching {switch}")
        self.node = node
        self.switch = switch


def entity_action[EntityT: Entity](
    func: Callable[Concatenate[EntityT, ...], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[EntityT, ...], Coroutine[Any, Any, None]]:
    """Show a failed action of an entity (an LED write, a node command) translated."""

    async def handler(self: EntityT, *args: Any, **kwargs: Any) -> None:
        try:
            await func(self, *args, **kwargs)
        except GpioError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="led_write_failed",
                translation_placeholders={"name": _device_name(self), "error": str(err)},
            ) from err
        except NodeCommandError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_not_confirmed",
                translation_placeholders={"node": err.node, "switch": err.switch},
            ) from err

    return handler


def _device_name(entity: Entity) -> str:
    # An LED's switch is named after its device, the LED, which is what the user knows.
    info = entity.device_info
    name = info.get("name") if info else None
    return str(name) if name else entity.entity_id


class TitledCoordinator(Protocol):
    """A coordinator that names what it reads as the user named it."""

    @property
    def title(self) -> str:
        """The board's (or node's) name."""


def coordinator_update[CoordinatorT: TitledCoordinator, **P, DataT](
    func: Callable[Concatenate[CoordinatorT, P], Coroutine[Any, Any, DataT]],
) -> Callable[Concatenate[CoordinatorT, P], Coroutine[Any, Any, DataT]]:
    """Turn a hardware error of a coordinator's update into a translated ``UpdateFailed``."""

    async def handler(self: CoordinatorT, /, *args: P.args, **kwargs: P.kwargs) -> DataT:
        try:
            return await func(self, *args, **kwargs)
        except HardwareError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="read_failed",
                translation_placeholders={"name": self.title, "error": str(err)},
            ) from err

    return handler


def entry_setup[EntryT: ConfigEntry[Any], **P, ResultT](
    func: Callable[Concatenate[HomeAssistant, EntryT, P], Coroutine[Any, Any, ResultT]],
) -> Callable[Concatenate[HomeAssistant, EntryT, P], Coroutine[Any, Any, ResultT]]:
    """Retry a set-up the hardware refused for now; fail one whose pin another program holds."""

    async def handler(
        hass: HomeAssistant, entry: EntryT, /, *args: P.args, **kwargs: P.kwargs
    ) -> ResultT:
        try:
            return await func(hass, entry, *args, **kwargs)
        except PinInUseError as err:
            raise ConfigEntryError(
                translation_domain=DOMAIN,
                translation_key="pin_in_use",
                translation_placeholders={"error": str(err)},
            ) from err
        except GpioError as err:
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="gpio_error",
                translation_placeholders={"error": str(err)},
            ) from err

    return handler
