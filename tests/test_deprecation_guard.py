"""The guard fails a test on Home Assistant's deprecation reports about this integration."""

from __future__ import annotations

import logging

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers.frame import report_usage
from homeassistant.loader import async_get_integration

from .deprecation_guard import DeprecationReports, is_deprecation_report

FRAME = "homeassistant.helpers.frame"


@pytest.mark.reports_deprecated_use
async def test_a_report_by_home_assistant_is_caught(
    hass: HomeAssistant, fail_on_deprecated_use: DeprecationReports
) -> None:
    await async_get_integration(hass, "py_iot_home")
    report_usage(
        "does something deprecated in a test",
        breaks_in_ha_version="2099.1.0",
        integration_domain="py_iot_home",
    )
    assert len(fail_on_deprecated_use.reports) == 1
    assert "custom integration 'py_iot_home'" in fail_on_deprecated_use.reports[0]


@pytest.mark.parametrize(
    ("message", "level", "expected", "logger"),
    [
        ("Detected that custom integration 'py_iot_home' calls x", logging.WARNING, True, FRAME),
        (
            "FOO was used from py_iot_home, this is a deprecated constant; please report "
            "it to the author of the 'py_iot_home' custom integration",
            logging.WARNING,
            True,
            "homeassistant.helpers.deprecation",
        ),
        ("Detected that custom integration 'other' calls x", logging.WARNING, False, FRAME),
        (
            "We found a custom integration py_iot_home which has not been tested",
            logging.WARNING,
            False,
            "homeassistant.loader",
        ),
        ("Detected that custom integration 'py_iot_home' calls x", logging.DEBUG, False, FRAME),
        # Our own log line quoting a node id a stranger chose.
        (
            "Node 'deprecated_yaml' of 'py_iot_home' refused",
            logging.WARNING,
            False,
            "custom_components.py_iot_home",
        ),
    ],
)
def test_which_records_are_reports(message: str, level: int, expected: bool, logger: str) -> None:
    record = logging.LogRecord(logger, level, "", 0, message, None, None)
    assert is_deprecation_report(record) is expected
