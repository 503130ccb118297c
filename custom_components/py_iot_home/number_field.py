"""A bounded number field of a flow's form."""

from __future__ import annotations

import probatio
from homeassistant.helpers import selector


def whole_number(value: float) -> float:
    """`value` if it has no fraction.

    The box's step of 1 is no check: 2.5 failed reads were stored and read back as 2, a
    retrain every 2.5 hours ran every 2, without a word.
    """
    if not float(value).is_integer():
        raise probatio.Invalid(f"Use a whole number, not {value}")
    return value


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
    return probatio.All(
        selector.NumberSelector(config), probatio.Range(min=minimum, max=maximum), whole_number
    )
