"""An hourly job's failures in a row, logged once as they start and once as they end."""

from __future__ import annotations

from dataclasses import dataclass

from ..const import LOGGER


@dataclass(slots=True, kw_only=True)
class FailureStreak:
    """A warning at the first failure, a debug line at each hourly retry, info at recovery.

    The same warning every hour filled the log for as long as the cause lasted (a day of a
    Pi short of memory: 24). Each message takes the forecast's title first; `first` then
    the error and any details, `again` the count and the error, `recovered` the count.
    """

    first: str
    again: str
    recovered: str
    count: int = 0

    def failed(self, title: str, err: object, *details: object) -> None:
        """One more failure: warned if it is the first of a streak."""
        self.count += 1
        if self.count == 1:
            LOGGER.warning(self.first, title, err, *details)
        else:
            LOGGER.debug(self.again, title, self.count, err)

    def succeeded(self, title: str) -> None:
        """The job worked: say so if it had been failing, and start counting afresh."""
        if self.count:
            LOGGER.info(self.recovered, title, self.count)
            self.count = 0
