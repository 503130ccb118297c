"""Loaded first (pyproject's addopts `-p tests.ha_compat`), before the test plugin.

The pinned test plugin serves the minimum Home Assistant release; on the newest release it runs
installed without its dependencies (README, "Home Assistant versions"). Two of its imports need
help there; on the release it pins, both steps change nothing.
"""

from __future__ import annotations

# From 2026.11 Home Assistant aliases httpx to httpx2 when it is imported, and refuses to once
# httpx is loaded; the plugin imports httpx (through respx) before Home Assistant.
import homeassistant  # noqa: F401
from homeassistant.components import logger

if not hasattr(logger, "_clear_logger_overwrites"):
    # The plugin imports this test hook from the package; 2026.11 keeps it in logger.helpers.
    from homeassistant.components.logger import helpers

    logger._clear_logger_overwrites = helpers._clear_logger_overwrites  # type: ignore[attr-defined]
