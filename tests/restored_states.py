"""Home Assistant's restore state file, written as Home Assistant writes it, read at a start.

pytest-homeassistant-custom-component's `mock_restore_cache` fills the cache's `last_states`,
which Home Assistant 2026.11 no longer reads (it finds a stored state by the entity's registry
entry): there it restores nothing. Writing the file and loading it works on every release.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from homeassistant.core import HomeAssistant, State
from homeassistant.helpers.json import JSONEncoder
from homeassistant.helpers.restore_state import STORAGE_KEY
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    async_mock_load_restore_state_from_storage,
)


async def async_load_restored_states(
    hass: HomeAssistant, hass_storage: dict[str, Any], states: Sequence[State]
) -> None:
    """Stored `states` as a stop left them, read back as a start reads them.

    Each entity must be in the entity registry already, as after any earlier run.
    """
    now = dt_util.utcnow()
    stored = [{"state": state.as_dict(), "extra_data": None, "last_seen": now} for state in states]
    hass_storage[STORAGE_KEY] = {
        "version": 1,
        "key": STORAGE_KEY,
        "data": json.loads(json.dumps(stored, cls=JSONEncoder)),
    }
    await async_mock_load_restore_state_from_storage(hass)
