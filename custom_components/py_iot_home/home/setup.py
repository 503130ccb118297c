"""Setting up the home entry: every board and forecast subentry, then the platforms once."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from ..feature_entry import FeatureEntry
from ..models import PyIotHomeConfigEntry
from .runtime import HomeRuntimeData
from .subentry_kinds import SUBENTRY_KINDS

HOME_PLATFORMS = tuple(
    sorted({platform for kind in SUBENTRY_KINDS.values() for platform in kind.platforms})
)


async def async_setup_home(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """Start each subentry's feature; what one has taken is given back if another fails."""
    runtime = HomeRuntimeData()
    try:
        for subentry in entry.subentries.values():
            if (kind := SUBENTRY_KINDS.get(subentry.subentry_type)) is not None:
                feature = await kind.async_setup(hass, FeatureEntry(entry, subentry))
                runtime.add(subentry, feature)
    except BaseException:
        for feature in runtime.features.values():
            await feature.async_release(hass)
        raise
    entry.runtime_data = runtime
    await hass.config_entries.async_forward_entry_setups(entry, HOME_PLATFORMS)
    for subentry_id, subentry in runtime.subentries.items():
        kind = SUBENTRY_KINDS[subentry.subentry_type]
        if kind.async_started is not None:
            await kind.async_started(
                hass, FeatureEntry(entry, subentry), runtime.features[subentry_id]
            )
    entry.async_on_unload(entry.add_update_listener(_async_subentries_changed))


async def _async_subentries_changed(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """A subentry added, removed or changed: reload, unless the features took the change.

    Home Assistant has removed a deleted subentry's devices and entities; what it kept in
    storage goes once it has unloaded (an unload saves for the last time).
    """
    runtime = entry.runtime_data
    if not isinstance(runtime, HomeRuntimeData) or not runtime.stale(entry.subentries):
        return
    removed = [
        subentry
        for subentry_id, subentry in runtime.subentries.items()
        if subentry_id not in entry.subentries
    ]
    await hass.config_entries.async_reload(entry.entry_id)
    for subentry in removed:
        await SUBENTRY_KINDS[subentry.subentry_type].async_forget(hass, subentry.subentry_id)


async def async_forget_home(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """A deleted home entry's subentries all go: what each kept in storage with them."""
    for subentry in entry.subentries.values():
        if (kind := SUBENTRY_KINDS.get(subentry.subentry_type)) is not None:
            await kind.async_forget(hass, subentry.subentry_id)


@callback
def async_removable_home_device(
    hass: HomeAssistant, entry: PyIotHomeConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Whether the device's subentry lets it go from its page (a board's LED does)."""
    subentry = entry.subentries.get(device.config_subentry_id or "")
    kind = SUBENTRY_KINDS.get(subentry.subentry_type) if subentry else None
    return (
        kind is not None
        and kind.removable_device is not None
        and kind.removable_device(hass, FeatureEntry(entry, subentry), device)
    )
