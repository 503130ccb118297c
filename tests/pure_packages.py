"""pytest plugin: import the pure packages without the Home Assistant glue above them.

For the parity run on an emulated aarch64 Python (Debian's numpy, pytest and hypothesis, no
Home Assistant): `custom_components.py_iot_home` becomes a bare package whose `__init__` is
not run, so `custom_components.py_iot_home.analysis` imports as it does in Home Assistant.
The pure packages never import `homeassistant`; this run fails if one starts to.
"""

import sys
import types
from pathlib import Path

INTEGRATION = Path(__file__).parents[1] / "custom_components" / "py_iot_home"

for name, path in (
    ("custom_components", INTEGRATION.parent),
    ("custom_components.py_iot_home", INTEGRATION),
):
    package = types.ModuleType(name)
    package.__path__ = [str(path)]
    sys.modules[name] = package
