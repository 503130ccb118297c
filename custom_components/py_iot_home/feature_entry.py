"""One board, node or forecast as its code reads its settings: an entry, or a subentry.

A node is a config entry of its own; a board and a forecast are subentries of the home entry.
Their code reads the same few things either way (an id that keys their stores and repairs, a
title, a unique id, settings), so it takes this view and never asks which one it has.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .feature_lifetime import FeatureLifetime


class FeatureEntry:
    """A config entry, or one subentry of it, read live (a subentry's settings can change)."""

    __slots__ = ("config_entry", "lifetime", "subentry")

    def __init__(
        self,
        config_entry: ConfigEntry[Any],
        subentry: ConfigSubentry | None = None,
        lifetime: FeatureLifetime | None = None,
    ) -> None:
        """View the entry itself, or its subentry; a running subentry's feature has a lifetime."""
        self.config_entry = config_entry
        self.subentry = subentry
        self.lifetime = lifetime

    @property
    def subentry_id(self) -> str | None:
        """The subentry's id; None for an entry of its own."""
        return self.subentry.subentry_id if self.subentry else None

    @property
    def entry_id(self) -> str:
        """What keys the stores and repairs: a subentry's id, else the entry's."""
        return self.subentry.subentry_id if self.subentry else self.config_entry.entry_id

    @property
    def title(self) -> str:
        """The name the user gave."""
        return self.subentry.title if self.subentry else self.config_entry.title

    @property
    def unique_id(self) -> str | None:
        """The stable id its devices and entities are named from."""
        return self.subentry.unique_id if self.subentry else self.config_entry.unique_id

    @property
    def data(self) -> Mapping[str, Any]:
        """What was set up; a subentry keeps it with its settings."""
        return self.subentry.data if self.subentry else self.config_entry.data

    @property
    def options(self) -> Mapping[str, Any]:
        """The settings; a subentry has only its data, which holds them."""
        return self.subentry.data if self.subentry else self.config_entry.options

    def async_on_unload(self, func: Callable[[], Coroutine[Any, Any, None] | None]) -> None:
        """Run ``func`` when the feature stops: its subentry deleted, or its entry unloading."""
        if self.lifetime is None:
            self.config_entry.async_on_unload(func)
        else:
            self.lifetime.async_on_stop(func)

    def async_create_background_task[R](
        self,
        hass: HomeAssistant,
        target: Coroutine[Any, Any, R],
        name: str,
        *,
        eager_start: bool = True,
    ) -> asyncio.Task[R]:
        """A task cancelled when the feature stops."""
        if self.lifetime is None:
            return self.config_entry.async_create_background_task(hass, target, name, eager_start)
        return self.lifetime.async_create_background_task(
            hass, target, name, eager_start=eager_start
        )


@callback
def feature_devices(hass: HomeAssistant, feature: FeatureEntry) -> list[dr.DeviceEntry]:
    """The devices of the entry, or of only this subentry of it."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), feature.config_entry.entry_id)
    if feature.subentry is None:
        return devices
    return [device for device in devices if device.config_subentry_id == feature.subentry_id]
