"""The recorder's hourly long-term statistics of one sensor, as tests read them back."""

from __future__ import annotations

from datetime import datetime

from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance


async def hourly_statistics(
    hass: HomeAssistant, entity_id: str, start: datetime, end: datetime
) -> list[dict]:
    """The hours of `entity_id` from `start` to `end`, each with its mean, min and max."""
    rows = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        start,
        end,
        {entity_id},
        "hour",
        None,
        {"mean", "min", "max"},
    )
    return list(rows.get(entity_id, []))
