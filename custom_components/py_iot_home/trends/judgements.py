"""What a trend had judged before a restart: whether it was shown, and its direction.

Both carry hysteresis: a trend once shown stays shown until its error passes twice the
limit, and a direction once taken is kept while the slope stays beyond the threshold. The
samples come back exactly after a restart, but without these a trend shown by its
hysteresis became unknown, and a "rising" kept by it became "steady", at every start. They
are saved with the samples (trends/persistence.py) and read back as untrusted data: a
damaged entry is dropped, the rest kept. With them, since when a shown trend has been shown:
its *ready* sensor's time, which a restart would otherwise move to the restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from ..analysis.trend import TrendDirection
from ..analysis.trend_direction import DirectionState
from ..protocol.fields import finite_number

_DIRECTIONS = ("rising", "falling", "steady")


@dataclass(frozen=True, slots=True)
class Judgement:
    """One source's publishing state and direction state, as the last analysis left them."""

    published: bool
    direction: DirectionState
    shown_since_s: float | None = None  # None when not shown, or stored before 2026-12-06


def judgements_to_json(
    published: Mapping[str, bool],
    directions: Mapping[str, DirectionState],
    shown_since: Mapping[str, float | None],
) -> dict[str, dict[str, Any]]:
    """The judgements of every analysed source, for the storage file."""
    return {
        key: {
            "published": published.get(key, False),
            "shown_since_s": shown_since.get(key),
            "direction": state.direction,
            "candidate": state.candidate,
            "since_s": state.since_s,
            "paused": state.paused,
        }
        for key, state in directions.items()
    }


def judgements_from_json(data: object) -> dict[str, Judgement]:
    """The stored judgements that are well formed; anything else is left out."""
    if not isinstance(data, dict):
        return {}
    judgements = {}
    for key, item in data.items():
        if isinstance(key, str) and (judgement := _judgement(item)) is not None:
            judgements[key] = judgement
    return judgements


def _judgement(item: object) -> Judgement | None:
    if not isinstance(item, dict) or not isinstance(published := item.get("published"), bool):
        return None
    stored_since = item.get("since_s")
    since_s = finite_number(stored_since)
    if stored_since is not None and since_s is None:
        return None
    fields = [item.get(name) for name in ("direction", "candidate", "paused")]
    if any(value is not None and value not in _DIRECTIONS for value in fields):
        return None
    direction, candidate, paused = (cast(TrendDirection | None, value) for value in fields)
    if (candidate is None) != (since_s is None):
        return None
    stored_shown = item.get("shown_since_s")
    shown_since_s = finite_number(stored_shown)
    if stored_shown is not None and (shown_since_s is None or not published):
        return None
    return Judgement(
        published=published,
        shown_since_s=shown_since_s,
        direction=DirectionState(
            direction=direction,
            candidate=candidate,
            since_s=since_s,
            paused=paused,
        ),
    )
