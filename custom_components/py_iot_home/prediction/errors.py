"""Errors of the power model, importable without numpy, pandas or scikit-learn."""


class NotEnoughHistoryError(ValueError):
    """Raised when the history has too few observed hours to train on."""

    def __init__(self, observed_hours: int, needed_hours: int) -> None:
        self.observed_hours = observed_hours
        self.needed_hours = needed_hours
        self.hours_missing = needed_hours - observed_hours
        super().__init__(
            f"{self.hours_missing} more hours of power history needed "
            f"({observed_hours} of {needed_hours} observed)"
        )
