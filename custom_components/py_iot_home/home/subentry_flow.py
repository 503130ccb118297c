"""What the board and forecast subentry flows share: storing new settings, and who applies them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigSubentryFlow, SubentryFlowResult

from ..feature_entry import FeatureEntry
from .runtime import take_settings_live


class HomeSubentryFlow(ConfigSubentryFlow):
    """A subentry flow of the home entry."""

    @property
    def _reconfigured(self) -> FeatureEntry:
        """The board or forecast being reconfigured."""
        return FeatureEntry(self._get_entry(), self._get_reconfigure_subentry())

    def _async_store_settings(
        self, data: Mapping[str, Any], *, live: bool = False
    ) -> SubentryFlowResult:
        """Store a reconfigured subentry's data and end the flow.

        ``live``: the running feature has taken the settings, nothing reloads. Otherwise the
        watch in ``home/watch.py`` reloads the home entry.
        """
        entry = self._get_entry()
        subentry = self._get_reconfigure_subentry()
        if live:
            take_settings_live(FeatureEntry(entry, subentry), data)
        return self.async_update_and_abort(entry, subentry, data=data)
