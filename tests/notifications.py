"""Persistent notifications as they are made, through Home Assistant's public callback."""

from __future__ import annotations

from homeassistant.components import persistent_notification
from homeassistant.components.persistent_notification import Notification, UpdateType
from homeassistant.core import HomeAssistant, callback


def watch_notifications(hass: HomeAssistant) -> dict[str, Notification]:
    """The notifications shown from now on, by id, kept up to date (dismissed ones leave)."""
    shown: dict[str, Notification] = {}

    @callback
    def _updated(update_type: UpdateType, notifications: dict[str, Notification]) -> None:
        if update_type == UpdateType.REMOVED:
            for notification_id in notifications:
                shown.pop(notification_id, None)
        else:
            shown.update(notifications)

    persistent_notification.async_register_callback(hass, _updated)
    return shown
