"""Names shared by every hardware backend, the integration and the node agent."""

from __future__ import annotations

BACKEND_AUTO = "auto"
"""The Pi's own hardware through the first library that works."""
BACKEND_SIMULATED = "simulated"
"""Made-up readings and pins, for running off a Pi."""

MIN_GPIO_PIN = 2
MAX_GPIO_PIN = 27
GPIO_PINS = range(MIN_GPIO_PIN, MAX_GPIO_PIN + 1)
"""The BCM numbers of a Raspberry Pi's header GPIO pins (0 and 1 belong to the HAT EEPROM)."""
