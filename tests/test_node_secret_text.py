"""Shared secrets as people type them: any text the node agent accepts confirms its node."""

from __future__ import annotations

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import CONF_SECRET
from custom_components.py_iot_home.protocol import MessageSigner

from .node_messages import announcement, discover_and_confirm

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]


@pytest.mark.parametrize(
    ("first_secret", "second_secret"),
    [
        ("Schlüssel für den Dachboden", "the kitchen node's own secret"),
        ("the attic node's own secret", "Schlüssel für die Küche"),
        ("屋根裏のノードの秘密の鍵です", "台所のノードの秘密の鍵です"),
        ("", "Schlüssel für die Küche"),
    ],
)
async def test_a_secret_beyond_ascii_confirms_a_node_beside_others(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, first_secret: str, second_secret: str
) -> None:
    """The node agent signs with any text of 16+ characters, in UTF-8: "für", "Küche".

    Checking that no other node used the secret compared the two as `str`, which
    `hmac.compare_digest` refuses beyond ASCII (TypeError): once any node was configured,
    confirming one with such a secret, or any node after one with such a secret, failed
    with "Unknown error".
    """
    attic = announcement("attic")
    await discover_and_confirm(
        hass, attic, MessageSigner(first_secret) if first_secret else None, first_secret
    )
    kitchen = await discover_and_confirm(
        hass, announcement(), MessageSigner(second_secret), second_secret
    )
    assert kitchen.config_entry.data[CONF_SECRET] == second_secret
