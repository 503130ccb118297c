"""script/develop's first start: onboarding's core-config step is done before Home Assistant
starts, so it never starts the flows of integrations the offline stack cannot import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from script.demo.onboarding_seed import seed_onboarding


async def test_home_assistant_reads_the_seeded_store_and_still_asks_for_the_user(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    hass_client_no_auth: ClientSessionGenerator,
    tmp_path: Path,
) -> None:
    """Posting core config started Met.no, Radio Browser and Google Translate flows: on a
    fresh stack each logged an error (no module named 'metno', 'radios', ...) in Settings →
    System → Logs. Seeded, the step is done and the demo user is still onboarding's to make."""
    storage = tmp_path / ".storage"
    assert seed_onboarding(storage)
    hass_storage["onboarding"] = json.loads((storage / "onboarding").read_text())
    assert await async_setup_component(hass, "onboarding", {})
    client = await hass_client_no_auth()
    response = await client.get("/api/onboarding")
    steps = {step["step"]: step["done"] for step in await response.json()}
    assert steps == {"user": False, "core_config": True, "analytics": False, "integration": False}
    assert hass.config_entries.flow.async_progress() == []


def test_an_instance_that_started_once_is_left_alone(tmp_path: Path) -> None:
    """Only before the very first start: a store or a user already there is Home Assistant's."""
    storage = tmp_path / ".storage"
    storage.mkdir()
    (storage / "auth").write_text("{}")
    assert not seed_onboarding(storage)
    assert not (storage / "onboarding").exists()
    (storage / "auth").unlink()
    assert seed_onboarding(storage)
    assert not seed_onboarding(storage)
