"""Finding the home entry and its subentries, for the flows that add or check them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback

from ..const import CONF_KIND, DOMAIN, EntryKind


@callback
def home_entry(hass: HomeAssistant) -> ConfigEntry[Any] | None:
    """The one entry whose subentries are the boards and forecasts, if it exists yet."""
    return next(
        (
            entry
            for entry in hass.config_entries.async_entries(DOMAIN, include_ignore=False)
            if entry.data.get(CONF_KIND) == EntryKind.HOME
        ),
        None,
    )


@callback
def home_subentries(hass: HomeAssistant, subentry_type: str) -> Iterator[ConfigSubentry]:
    """The home entry's subentries of one type."""
    if (entry := home_entry(hass)) is not None:
        yield from (s for s in entry.subentries.values() if s.subentry_type == subentry_type)


@callback
def feature_titles(hass: HomeAssistant) -> list[str]:
    """The names of the boards, forecasts and nodes, which a new board's should not repeat.

    Not those of ignored discoveries: their titles are whatever a stranger announced.
    """
    titles = [
        entry.title
        for entry in hass.config_entries.async_entries(DOMAIN, include_ignore=False)
        if entry.data.get(CONF_KIND) != EntryKind.HOME
    ]
    if (entry := home_entry(hass)) is not None:
        titles += [subentry.title for subentry in entry.subentries.values()]
    return titles
