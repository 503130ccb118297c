"""Fail any test in which Home Assistant reports a deprecated use by py_iot_home.

Home Assistant announces a coming break by logging "Detected that custom integration
'py_iot_home' ..." (helpers.frame.report_usage) or "... deprecated ... 'py_iot_home' custom
integration" (helpers.deprecation) releases before it breaks; 2026.11 announced two 2026.12
breaks this way and nothing noticed. Both test runs (the minimum and the newest release) apply it.
"""

from __future__ import annotations

import logging

DOMAIN = "py_iot_home"


def is_deprecation_report(record: logging.LogRecord) -> bool:
    """Whether a log record is Home Assistant reporting a deprecated use by this integration."""
    # Home Assistant's own loggers only: our log lines may quote what a node sent.
    if record.levelno < logging.WARNING or not record.name.startswith("homeassistant."):
        return False
    message = record.getMessage()
    if f"'{DOMAIN}'" not in message:
        return False
    return "Detected that" in message or "deprecated" in message.lower()


class DeprecationReports(logging.Handler):
    """Collects Home Assistant's deprecation reports about this integration."""

    def __init__(self) -> None:
        """Collect from WARNING up."""
        super().__init__(logging.WARNING)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record's message if it reports a deprecated use by us."""
        if is_deprecation_report(record):
            self.reports.append(record.getMessage())
