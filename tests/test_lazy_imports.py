"""Loading the integration imports nothing heavy: pandas waits for a predictor's executor jobs."""

import json
import subprocess
import sys
from pathlib import Path

import custom_components.py_iot_home as integration

HEAVY = ("pandas", "sklearn", "scipy")
PLATFORMS = ("binary_sensor", "sensor", "switch", "config_flow", "diagnostics", "system_health")

# Run in a fresh interpreter: whatever the rest of the suite imported does not count.
IMPORT_EVERYTHING = """
import importlib, json, pkgutil, sys
import custom_components.py_iot_home as integration
names = [module.name for module in pkgutil.iter_modules(integration.__path__) if not module.ispkg]
for name in names:
    importlib.import_module(f"custom_components.py_iot_home.{name}")
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[1:]))
print(json.dumps({"imported": names, "heavy": heavy}))
"""


def test_loading_the_integration_imports_no_pandas_or_sklearn() -> None:
    repo = Path(integration.__file__).parents[2]
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING, *HEAVY],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(result.stdout.splitlines()[-1])
    assert set(PLATFORMS) <= set(report["imported"])
    assert report["heavy"] == []
