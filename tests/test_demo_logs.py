"""What a new user of the development stack finds under Settings → System → Logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from .demo_configuration import demo_configuration

# Logged at every start of the stack by libraries that Home Assistant loads itself.
STACK_WARNINGS = {
    "haffmpeg.tools": "Error starting FFmpeg.",
    "aiohttp_fast_zlib": (
        "zlib_ng and isal are not available, falling back to zlib, performance will be degraded."
    ),
}
OURS = "custom_components.py_iot_home"
SLOW_STEP_LOGGED_S = 60.0


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """The logger integration sets levels, filters and the logger class for the process."""
    names = ["", *STACK_WARNINGS, *demo_configuration()["logger"]["logs"]]
    levels = {name: logging.getLogger(name).level for name in names}
    filters = {name: list(logging.getLogger(name).filters) for name in names}
    logger_class = logging.getLoggerClass()
    yield
    logging.setLoggerClass(logger_class)
    for name in names:
        logger = logging.getLogger(name)
        logger.setLevel(levels[name])
        logger.filters[:] = filters[name]


@pytest.mark.usefixtures("restored_logging")
async def test_the_stacks_own_start_leaves_no_warning_under_logs(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    """ "Error starting FFmpeg." and the zlib one were the two entries a new user found there,
    at every start: neither is about anything they set up. A warning of ours still shows."""
    # The harness runs the loop in asyncio's debug mode, which logs a step slower than 0.1 s
    # as a warning that system_log keeps: a loaded machine's, not the stack's (one of 0.103 s
    # failed this test in script/test at a load of 16).
    hass.loop.slow_callback_duration = SLOW_STEP_LOGGED_S
    assert await async_setup_component(hass, "system_log", {})
    assert await async_setup_component(hass, "logger", {"logger": demo_configuration()["logger"]})
    for name, message in STACK_WARNINGS.items():
        logging.getLogger(name).warning(message)
    logging.getLogger(OURS).warning("Node kitchen-pi sent a bad message")
    await hass.async_block_till_done()

    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "system_log/list"})
    entries: list[dict[str, Any]] = (await client.receive_json())["result"]
    assert [(entry["name"], entry["message"]) for entry in entries] == [
        (OURS, ["Node kitchen-pi sent a bad message"])
    ]
