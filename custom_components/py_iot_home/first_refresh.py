"""The first refresh of a feature's coordinator: at its entry's set-up, or once the entry runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


async def async_first_refresh(
    coordinator: DataUpdateCoordinator[Any],
    *,
    setup: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Refresh for the first time, after ``setup`` (the coordinator's ``_async_setup``).

    A board or forecast added to the running home entry starts after the entry's set-up,
    where Home Assistant refuses ``async_config_entry_first_refresh``. Raises
    ConfigEntryNotReady when the refresh fails, as that does.
    """
    entry = coordinator.config_entry
    if entry is None or entry.state is ConfigEntryState.SETUP_IN_PROGRESS:
        await coordinator.async_config_entry_first_refresh()
        return
    if setup is not None:
        await setup()
    await coordinator.async_refresh()
    if not coordinator.last_update_success:
        raise ConfigEntryNotReady from coordinator.last_exception
