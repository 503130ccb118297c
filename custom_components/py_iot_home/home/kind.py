"""The home entry kind: one entry whose subentries are the boards and the power forecasts."""

from __future__ import annotations

from ..models import EntryKindSpec
from .setup import (
    HOME_PLATFORMS,
    async_forget_home,
    async_removable_home_device,
    async_setup_home,
)
from .subentry_kinds import SUBENTRY_KINDS

HOME_KIND = EntryKindSpec(
    platforms=HOME_PLATFORMS,
    async_setup=async_setup_home,
    async_forget=async_forget_home,
    subentry_flows={key: kind.flow for key, kind in SUBENTRY_KINDS.items()},
    removable_device=async_removable_home_device,
)
