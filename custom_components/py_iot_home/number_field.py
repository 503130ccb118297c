"""A bounded number field of a flow's form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import probatio
from homeassistant.helpers import selector


def number_field(minimum: int, maximum: int, unit: str | None = None) -> probatio.All[float]:
    """A whole-number box from `minimum` to `maximum`, in `unit`.

    The selector takes text ("nan") and its bounds let NaN through: stored, a NaN broke the
    entry's set-up, so the range is checked once more.
    """
    config = selector.NumberSelectorConfig(
        min=minimum, max=maximum, step=1, mode=selector.NumberSelectorMode.BOX
    )
    if unit is not None:
        config["unit_of_measurement"] = unit
    return probatio.All(selector.NumberSelector(config), probatio.Range(min=minimum, max=maximum))


def fraction_errors(user_input: Mapping[str, Any], fields: Iterable[str]) -> dict[str, str]:
    """`not_whole_number` for each of `fields` given with a fraction.

    The box's step of 1 is no check, and the schema cannot hold one (the frontend could not
    be sent the form): 2.5 failed reads were stored and read back as 2, a retrain every
    2.5 hours ran every 2, without a word.
    """
    return {
        field: "not_whole_number"
        for field in fields
        if field in user_input and not float(user_input[field]).is_integer()
    }
