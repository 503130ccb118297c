"""The ids of a predictor's repair issues, for the predictor, its removal and Assist."""

from __future__ import annotations


def predictor_issue_ids(entry_id: str) -> tuple[str, str, str]:
    """A predictor's repairs: not enough history, no recent power, a net meter."""
    return (
        f"not_enough_history_{entry_id}",
        f"no_recent_power_{entry_id}",
        f"net_meter_{entry_id}",
    )
