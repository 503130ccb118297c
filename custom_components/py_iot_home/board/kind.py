"""The board subentry kind: a DHT sensor and LEDs wired to the Home Assistant host."""

from __future__ import annotations

from ..models import SubentryKindSpec
from .led_changes import async_remove_led_device
from .setup import BOARD_PLATFORMS, async_board_started, async_forget_board, async_setup_local
from .subentry_flow import BoardSubentryFlow

BOARD_KIND = SubentryKindSpec(
    platforms=BOARD_PLATFORMS,
    async_setup=async_setup_local,
    async_started=async_board_started,
    async_forget=async_forget_board,
    flow=BoardSubentryFlow,
    # An LED is its own device; deleting it from its page takes it off the board.
    removable_device=async_remove_led_device,
)
