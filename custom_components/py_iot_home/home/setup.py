"""Setting up the home entry: every board and forecast subentry, then the platforms once."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from ..const import LOGGER
from ..feature_entry import FeatureEntry
from ..hardware.gpio import PinInUseError
from ..models import PyIotHomeConfigEntry
from .runtime import HomeRuntimeData
from .subentry_kinds import SUBENTRY_KINDS

HOME_PLATFORMS = tuple(
    sorted({platform for kind in SUBENTRY_KINDS.values() for platform in kind.platforms})
)


async def async_setup_home(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """Start each subentry's feature; what one has taken is given back if another fails.

    A board whose pin another program holds does not start, and the others run: its repair
    says what to do, and changing the board starts it again (a reload). Errors that may pass
    (a GPIO refused for now, no recorder yet) fail the entry, which Home Assistant retries.
    """
    runtime = HomeRuntimeData()
    try:
        for subentry in list(entry.subentries.values()):
            # One deleted meanwhile starts no more; home/watch.py reloads once this set-up ends.
            if subentry.subentry_id not in entry.subentries or (
                (kind := SUBENTRY_KINDS.get(subentry.subentry_type)) is None
            ):
                continue
            try:
                feature = await kind.async_setup(hass, FeatureEntry(entry, subentry))
            except PinInUseError as err:
                # Before subentries it failed its own entry only; so it fails itself only.
                LOGGER.error("%s does not start: %s", subentry.title, err)
                runtime.add_failed(subentry)
                continue
            runtime.add(subentry, feature)
    except BaseException:
        for feature in runtime.features.values():
            await feature.async_release(hass)
        raise
    entry.runtime_data = runtime
    await hass.config_entries.async_forward_entry_setups(entry, HOME_PLATFORMS)
    for subentry_id, feature in runtime.features.items():
        subentry = runtime.subentries[str(subentry_id)]
        kind = SUBENTRY_KINDS[subentry.subentry_type]
        if kind.async_started is not None and subentry.subentry_id in entry.subentries:
            await kind.async_started(hass, FeatureEntry(entry, subentry), feature)


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
