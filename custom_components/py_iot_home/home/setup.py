"""Setting up the home entry: every board and forecast subentry, then the platforms once."""

from __future__ import annotations

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from ..const import LOGGER
from ..feature_entry import FeatureEntry
from ..feature_lifetime import FeatureLifetime
from ..feature_platform import async_add_platform_entities
from ..hardware.gpio import PinInUseError
from ..models import FeatureRuntime, PyIotHomeConfigEntry
from ..repairs import async_settings_readable, async_settings_unreadable
from ..stored_settings import put_right
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
    # After the platforms' unload and the pins' release (async_unload_entry), as before.
    entry.async_on_unload(runtime.async_stop_features)
    try:
        for subentry in list(entry.subentries.values()):
            # One deleted meanwhile starts no more; home/watch.py reloads once this set-up ends.
            if subentry.subentry_id in entry.subentries:
                await _async_start_feature(hass, entry, runtime, subentry)
    except BaseException:
        for feature in runtime.features.values():
            await feature.async_release(hass)
        raise
    entry.runtime_data = runtime
    await hass.config_entries.async_forward_entry_setups(entry, HOME_PLATFORMS)
    for subentry_id, feature in runtime.features.items():
        await _async_started(hass, entry, runtime, runtime.subentries[str(subentry_id)], feature)


async def async_start_added_subentries(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """Start the boards and forecasts added to the running home entry, beside the others.

    A reload for each new one took every other board's and forecast's entities away for a
    moment. One that fails to start for another reason than a held pin is left to a reload,
    which fails the entry as a set-up would.
    """
    runtime = getattr(entry, "runtime_data", None)  # unset while a test stands in for set-up
    if not isinstance(runtime, HomeRuntimeData) or set(HOME_PLATFORMS) - runtime.platforms.keys():
        return
    for subentry in list(entry.subentries.values()):
        if subentry.subentry_id in runtime.subentries:
            continue
        try:
            feature = await _async_start_feature(hass, entry, runtime, subentry)
        except Exception as err:
            LOGGER.debug("%s does not start beside the others: %s", subentry.title, err)
            return
        if feature is None:
            continue
        kind = SUBENTRY_KINDS[subentry.subentry_type]
        for platform in kind.platforms:
            async_add_platform_entities(
                entry, feature, subentry.subentry_id, platform, runtime.platforms[platform]
            )
        await _async_started(hass, entry, runtime, subentry, feature)


async def async_stop_deleted_subentries(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """Stop the boards and forecasts deleted from the running home entry, beside the others.

    A reload for each deleted one took every other board's and forecast's entities away for
    a moment. Home Assistant has taken the deleted one's devices and entities away already.
    """
    runtime = getattr(entry, "runtime_data", None)
    if not isinstance(runtime, HomeRuntimeData):
        return
    for subentry_id in runtime.subentries.keys() - entry.subentries.keys():
        feature, lifetime = runtime.forget(subentry_id)
        if lifetime is not None:
            await lifetime.async_stop()
        if feature is not None:
            await feature.async_release(hass)


async def _async_start_feature(
    hass: HomeAssistant,
    entry: PyIotHomeConfigEntry,
    runtime: HomeRuntimeData,
    subentry: ConfigSubentry,
) -> FeatureRuntime | None:
    """Start one subentry's feature and keep it in ``runtime``; None if it did not start."""
    if (kind := SUBENTRY_KINDS.get(subentry.subentry_type)) is None:
        # A newer release's kind (a downgrade, a restored backup): kept, for that release.
        LOGGER.warning(
            "%s does not start: this release has no %.40r (a newer release's)",
            subentry.title,
            subentry.subentry_type,
        )
        # Known as not running: deleting or adding another board reloads nothing for it.
        runtime.add_failed(subentry)
        return None
    if (data := put_right(subentry.title, subentry.data, kind.settings)) is not None:
        # Stored valid again, so the next start and the forms read what runs.
        hass.config_entries.async_update_subentry(entry, subentry, data=data)
        subentry = entry.subentries[subentry.subentry_id]
    if kind.settings_problem is not None and (problem := kind.settings_problem(subentry.data)):
        LOGGER.error(
            "%s does not start: its stored settings hold %s, which no form stores",
            subentry.title,
            problem,
        )
        async_settings_unreadable(hass, subentry.subentry_id, subentry.title, problem)
        runtime.add_failed(subentry)
        return None
    async_settings_readable(hass, subentry.subentry_id)
    lifetime = FeatureLifetime(hass, subentry.title)
    try:
        feature = await kind.async_setup(hass, FeatureEntry(entry, subentry, lifetime))
    except BaseException as err:
        # What it had begun (listeners, the last saves) ends with it.
        await lifetime.async_stop()
        if not isinstance(err, PinInUseError):
            raise
        # Before subentries it failed its own entry only; so it fails itself only.
        LOGGER.error("%s does not start: %s", subentry.title, err)
        runtime.add_failed(subentry)
        return None
    runtime.add(subentry, feature, lifetime)
    return feature


async def _async_started(
    hass: HomeAssistant,
    entry: PyIotHomeConfigEntry,
    runtime: HomeRuntimeData,
    subentry: ConfigSubentry,
    feature: FeatureRuntime,
) -> None:
    kind = SUBENTRY_KINDS[subentry.subentry_type]
    if kind.async_started is not None and subentry.subentry_id in entry.subentries:
        lifetime = runtime.lifetimes.get(subentry.subentry_id)
        await kind.async_started(hass, FeatureEntry(entry, subentry, lifetime), feature)


async def async_forget_home(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """A deleted home entry's subentries all go: what each kept in storage with them."""
    for subentry in entry.subentries.values():
        if (kind := SUBENTRY_KINDS.get(subentry.subentry_type)) is not None:
            await kind.async_forget(hass, subentry.subentry_id)
        async_settings_readable(hass, subentry.subentry_id)


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
