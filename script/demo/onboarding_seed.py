"""Mark onboarding's core-config step done before a fresh Home Assistant first starts.

Finishing that step through the API (as the bootstrap finishes the others) starts the flows
of what Home Assistant offers a new home: Met.no, Radio Browser, Google Translate and the
shopping list. Here (--skip-pip, offline) the first three cannot even be imported, and each
fresh stack opened Settings → System → Logs on four red errors. The step sets nothing else
that the demo needs: its location, units and zone go through the API (bootstrap.ensure_home).

    python -m script.demo.onboarding_seed config/.storage
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# Home Assistant's onboarding store (homeassistant/components/onboarding): an older version
# is migrated by marking later steps done, never by dropping one.
STORE_KEY = "onboarding"
STORE_VERSION = 4
SEEDED_STEPS = ("core_config",)


def seed_onboarding(storage: Path) -> bool:
    """Write the onboarding store with core config done, unless Home Assistant has one.

    Returns whether it was written: only before the very first start (no store, no users).
    """
    store = storage / STORE_KEY
    if store.exists() or (storage / "auth").exists():
        return False
    storage.mkdir(parents=True, exist_ok=True)
    content = {
        "version": STORE_VERSION,
        "minor_version": 1,
        "key": STORE_KEY,
        "data": {"done": list(SEEDED_STEPS)},
    }
    store.touch(mode=0o600)
    store.write_text(json.dumps(content, indent=4))
    return True


if __name__ == "__main__":
    seed_onboarding(Path(sys.argv[1]))
