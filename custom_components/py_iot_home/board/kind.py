"""The board subentry kind: a DHT sensor and LEDs wired to the Home Assistant host."""

from __future__ import annotations

from ..const import (
    CONF_FAILURE_THRESHOLD,
    CONF_POLL_INTERVAL,
    DEFAULT_FAILURE_THRESHOLD,
    DEFAULT_POLL_INTERVAL,
)
from ..models import SubentryKindSpec
from ..stored_settings import StoredSetting
from ..trends.settings_form import STORED_TREND_SETTINGS
from .led_changes import async_remove_led_device
from .setup import BOARD_PLATFORMS, async_board_started, async_forget_board, async_setup_local
from .stored_wiring import wiring_problem
from .subentry_flow import READING_BOUNDS, BoardSubentryFlow

BOARD_KIND = SubentryKindSpec(
    platforms=BOARD_PLATFORMS,
    async_setup=async_setup_local,
    async_started=async_board_started,
    async_forget=async_forget_board,
    flow=BoardSubentryFlow,
    # An LED is its own device; deleting it from its page takes it off the board.
    removable_device=async_remove_led_device,
    settings={
        CONF_POLL_INTERVAL: StoredSetting(
            *READING_BOUNDS[CONF_POLL_INTERVAL][:2], DEFAULT_POLL_INTERVAL
        ),
        CONF_FAILURE_THRESHOLD: StoredSetting(
            *READING_BOUNDS[CONF_FAILURE_THRESHOLD][:2], DEFAULT_FAILURE_THRESHOLD
        ),
        **STORED_TREND_SETTINGS,
    },
    settings_problem=wiring_problem,
)
