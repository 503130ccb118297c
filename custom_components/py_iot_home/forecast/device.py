"""A power forecast's device: a service device named after its entry."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo

from ..entity import DeviceIdentity
from ..feature_entry import FeatureEntry


def predictor_device(entry: FeatureEntry) -> DeviceIdentity:
    """A predictor is a service device: it has no hardware, only the entry's name."""
    return DeviceIdentity.of(
        str(entry.unique_id),
        DeviceInfo(
            name=entry.title,
            entry_type=DeviceEntryType.SERVICE,
            manufacturer="Py IoT Home",
            model="Power forecast",
        ),
    )
