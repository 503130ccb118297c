"""A bounded number field of a flow's form."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import probatio
from homeassistant.helpers import selector

_LARGEST = sys.float_info.max


def number_field(unit: str | None = None) -> probatio.All[float]:
    """A whole-number box in `unit`, whose bounds the step checks with `bounded_errors`.

    With bounds in the selector, a number out of them was refused as Home Assistant's
    "Value 14.0 is too small" above the form, not in words by its field. The selector takes
    text ("nan"): stored, a NaN broke the entry's set-up, so only a finite number passes
    (a range the frontend can be sent; NaN and infinity fall outside it).
    """
    config = selector.NumberSelectorConfig(step=1, mode=selector.NumberSelectorMode.BOX)
    if unit is not None:
        config["unit_of_measurement"] = unit
    return probatio.All(
        selector.NumberSelector(config), probatio.Range(min=-_LARGEST, max=_LARGEST)
    )


def bounded_errors(
    user_input: Mapping[str, Any], bounds: Mapping[str, tuple[int, int, str]]
) -> dict[str, str]:
    """Each field's error: `not_whole_number` for a fraction, else its own out of (low, high).

    The box's step of 1 is no check, and the schema cannot hold one (the frontend could not
    be sent the form): 2.5 failed reads were stored and read back as 2, a retrain every
    2.5 hours ran every 2, without a word.
    """
    errors: dict[str, str] = {}
    for field, (low, high, error) in bounds.items():
        if field not in user_input:
            continue
        value = float(user_input[field])
        if not value.is_integer():
            errors[field] = "not_whole_number"
        elif not low <= value <= high:
            errors[field] = error
    return errors
