"""Stored trend judgements: written as the analysis left them, read back as untrusted data."""

from __future__ import annotations

import json
import math

from hypothesis import given
from hypothesis import strategies as st

from custom_components.py_iot_home.analysis.trend_direction import DirectionState
from custom_components.py_iot_home.trends.judgements import (
    Judgement,
    judgements_from_json,
    judgements_to_json,
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def test_judgements_come_back_as_they_were_written() -> None:
    states = {
        "temperature": DirectionState("rising", "steady", 1_790_000_000.5, None),
        "humidity": DirectionState(None, None, None, "falling"),
    }
    shown_since = {"temperature": 1_789_990_000.0, "humidity": None}
    stored = json.loads(json.dumps(judgements_to_json({"temperature": True}, states, shown_since)))
    assert judgements_from_json(stored) == {
        "temperature": Judgement(True, states["temperature"], 1_789_990_000.0),
        "humidity": Judgement(False, states["humidity"]),
    }


def test_damaged_judgements_are_left_out_one_by_one() -> None:
    good = {"published": True, "direction": "rising", "candidate": None, "since_s": None}
    stored = {
        "ok": good,
        "unknown_direction": {**good, "direction": "up"},
        "not_a_flag": {**good, "published": 1},
        "infinite_time": {**good, "candidate": "steady", "since_s": math.inf},
        "time_beyond_floats": {**good, "candidate": "steady", "since_s": 10**400},
        "candidate_without_time": {**good, "candidate": "steady"},
        "shown_since_not_a_time": {**good, "shown_since_s": "yesterday"},
        "shown_since_infinite": {**good, "shown_since_s": math.inf},
        "shown_since_not_shown": {**good, "published": False, "shown_since_s": 1.0},
        "not_a_mapping": ["rising"],
    }
    assert set(judgements_from_json(stored)) == {"ok"}
    # Stored before the time was: kept, without it.
    assert judgements_from_json({"ok": good})["ok"].shown_since_s is None
    assert judgements_from_json(["ok"]) == {}


@given(JSON)
def test_any_json_is_read_without_error(data: object) -> None:
    for judgement in judgements_from_json(data).values():
        assert isinstance(judgement.published, bool)
