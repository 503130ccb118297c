"""The board entry kind: a DHT sensor and LEDs wired to the Home Assistant host."""

from __future__ import annotations

from ..models import EntryKindSpec
from .led_changes import async_remove_led_device
from .options_flow import LocalBoardOptionsFlow
from .setup import BOARD_PLATFORMS, async_forget_board, async_setup_local

BOARD_KIND = EntryKindSpec(
    platforms=BOARD_PLATFORMS,
    async_setup=async_setup_local,
    async_forget=async_forget_board,
    options_flow=LocalBoardOptionsFlow,
    # An LED is its own device; deleting it from its page takes it off the board.
    removable_device=async_remove_led_device,
)
