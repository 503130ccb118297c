"""tests/conftest.py starts Home Assistant only for the tests that use it."""

import os

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration

from custom_components.py_iot_home.const import DOMAIN


def test_a_test_without_hass_starts_no_home_assistant(request: pytest.FixtureRequest) -> None:
    assert "hass" not in request.fixturenames
    assert "enable_custom_integrations" not in request.fixturenames


async def test_a_test_with_hass_finds_the_integration(hass: HomeAssistant) -> None:
    integration = await async_get_integration(hass, DOMAIN)
    assert not integration.is_built_in


async def test_the_loop_runs_in_debug_mode_unless_the_run_turned_it_off(
    hass: HomeAssistant,
) -> None:
    # script/test's suites set PY_IOT_HOME_ASYNCIO_DEBUG=0; its broker tests and a run by hand
    # keep the harness's debug mode.
    assert hass.loop.get_debug() is (os.environ.get("PY_IOT_HOME_ASYNCIO_DEBUG", "1") != "0")
