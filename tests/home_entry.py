"""The home entry as tests make it: boards and forecasts as its subentries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigSubentry,
    ConfigSubentryData,
    SubentryFlowResult,
)
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.py_iot_home.const import (
    CONF_KIND,
    DOMAIN,
    ENTRY_VERSION,
    HOME_TITLE,
    HOME_UNIQUE_ID,
    EntryKind,
    SubentryKind,
)
from custom_components.py_iot_home.models import FeatureRuntime

BOARD_SUBENTRY_ID = "01JBOARD00000000000000LIVING"
FORECAST_SUBENTRY_ID = "01JFORECAST0000000000000POWER"


def board_subentry(
    data: Mapping[str, Any],
    *,
    title: str = "Living room",
    subentry_id: str = BOARD_SUBENTRY_ID,
) -> ConfigSubentryData:
    """A board subentry; its unique id is its board id."""
    return {
        "data": dict(data),
        "subentry_id": subentry_id,  # type: ignore[typeddict-unknown-key]
        "subentry_type": SubentryKind.BOARD,
        "title": title,
        "unique_id": str(data["board_id"]),
    }


def forecast_subentry(
    data: Mapping[str, Any],
    *,
    title: str = "Power forecast",
    subentry_id: str = FORECAST_SUBENTRY_ID,
) -> ConfigSubentryData:
    """A forecast subentry; its unique id names its power sensor."""
    return {
        "data": dict(data),
        "subentry_id": subentry_id,  # type: ignore[typeddict-unknown-key]
        "subentry_type": SubentryKind.FORECAST,
        "title": title,
        "unique_id": f"predictor_{data['power_entity']}",
    }


def home_entry(*subentries: ConfigSubentryData, **kwargs: Any) -> MockConfigEntry:
    """The home entry with these subentries."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=HOME_TITLE,
        unique_id=HOME_UNIQUE_ID,
        version=ENTRY_VERSION,
        data={CONF_KIND: EntryKind.HOME},
        subentries_data=list(subentries),
        **kwargs,
    )


def feature(entry: MockConfigEntry, subentry_id: str = BOARD_SUBENTRY_ID) -> Any:
    """The running feature of a subentry (a board's or a forecast's runtime data)."""
    runtime: FeatureRuntime = entry.runtime_data.features[subentry_id]
    return runtime


def settings(entry: MockConfigEntry, subentry_id: str = BOARD_SUBENTRY_ID) -> Mapping[str, Any]:
    """A subentry's data: what was entry data and options before subentries."""
    subentry: ConfigSubentry = entry.subentries[subentry_id]
    return subentry.data


async def async_start_reconfigure(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    subentry_id: str = BOARD_SUBENTRY_ID,
    subentry_type: str = SubentryKind.BOARD,
) -> SubentryFlowResult:
    """Open a subentry's Reconfigure (a board's menu, a forecast's sources)."""
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, subentry_type),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )


async def async_start_add(
    hass: HomeAssistant, entry: MockConfigEntry, subentry_type: str = SubentryKind.BOARD
) -> SubentryFlowResult:
    """Press the integration page's Add board (or Add power forecast)."""
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, subentry_type), context={"source": SOURCE_USER}
    )


async def async_configure_subentry(
    hass: HomeAssistant, flow_id: str, user_input: dict[str, Any] | None = None
) -> SubentryFlowResult:
    """The next step of a subentry flow."""
    return await hass.config_entries.subentries.async_configure(flow_id, user_input)


def subentry_titled(entry: MockConfigEntry, title: str) -> ConfigSubentry:
    """The home entry's subentry of that title."""
    subentries: list[ConfigSubentry] = list(entry.subentries.values())
    (found,) = (s for s in subentries if s.title == title)
    return found
