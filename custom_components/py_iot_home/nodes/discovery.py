"""Checks on an MQTT node announcement before a discovery flow goes to the user.

Home Assistant starts one config flow per announcement, so these checks run once per message
of a discovery burst: each is O(1) but the parse, and the cheapest come first.
"""

from __future__ import annotations

import asyncio
import hmac
from collections import Counter, deque
from collections.abc import Iterable

from homeassistant.components import mqtt
from homeassistant.config_entries import SOURCE_MQTT
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import discovery_flow
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
from homeassistant.util.hass_dict import HassKey

from ..const import (
    CONF_SECRET,
    DOMAIN,
    LOGGER,
    MAX_NODES,
    MAX_PENDING_DISCOVERIES,
)
from ..home.subentries import feature_titles
from ..markdown_text import markdown_literal
from ..name_check import name_taken
from ..protocol import (
    MessageVerifier,
    NodeAnnouncement,
    ProtocolError,
    TopicKind,
    is_signed,
    parse_announcement,
    parse_topic,
    secret_key,
)
from .entries import node_entries
from .identity_clash import other_nodes, unique_id_clashes
from .waiting_discoveries import WaitingDiscoveries

DISCOVERY_REJECTIONS: HassKey[Counter[str]] = HassKey(f"{DOMAIN}_discovery_rejections")
# Node id -> flow id of every discovery waiting for the user's confirmation.
PENDING_DISCOVERIES: HassKey[dict[str, str]] = HassKey(f"{DOMAIN}_pending_discoveries")
# Node id -> the signed announcements of a node whose discovery waits, its flow's own among
# them (the first may be a stranger's unsigned one): the node's secret confirms whichever of
# them it signed, also in a dialog that takes the waiting one over (by the node's id).
SIGNED_ANNOUNCEMENTS: HassKey[dict[str, deque[bytes | bytearray | str]]] = HassKey(
    f"{DOMAIN}_signed_announcements"
)
MAX_SIGNED_KEPT = 4
# The announcements refused while the pending discoveries were full: offered again as slots
# free up, since the broker does not send an unchanged retained one again. Strangers' made-up
# nodes may fill the slots (without the documented ACL); the real node's turn then comes as
# the user ignores them.
REFUSED_FOR_CAPACITY: HassKey[WaitingDiscoveries] = HassKey(f"{DOMAIN}_refused_for_capacity")
# How long confirming waits for the broker to send the retained announcement again.
RETAINED_WAIT_S = 3.0


class DiscoveryRejected(Exception):
    """An announcement that must not reach the user; `reason` is the flow's abort reason."""

    def __init__(self, reason: str) -> None:
        """Keep the abort reason."""
        super().__init__(reason)
        self.reason = reason


def announced_node_id(topic: str) -> str | None:
    """Return the node id of an announce topic, or None when it is not a valid one."""
    try:
        parsed = parse_topic(topic)
    except ProtocolError:
        return None
    return parsed.node_id if parsed.kind is TopicKind.ANNOUNCE else None


def parse_discovery(info: MqttServiceInfo) -> NodeAnnouncement:
    """Parse the announcement; refuse invalid ones."""
    if not info.payload:
        # The node's retained announcement was cleared: nothing to discover.
        raise DiscoveryRejected("node_removed")
    try:
        announcement = parse_announcement(info.topic, info.payload)
    except ProtocolError as err:
        # The topic is the wildcard's match: any length, so only an excerpt is logged.
        LOGGER.debug("Ignored an invalid node announcement on %.80r: %s", info.topic, err)
        raise DiscoveryRejected("invalid_discovery_info") from err
    return announcement


def node_title(hass: HomeAssistant, announcement: NodeAnnouncement) -> str:
    """The name a new node's entry and device take: the announced one, told apart if taken.

    Anyone on the broker may announce another node id under a configured node's name (and
    model, and sensors): the dialog and the device list could not tell the two apart.
    """
    if name_taken(announcement.name, feature_titles(hass)):
        return f"{announcement.name} ({announcement.node_id})"
    return announcement.name


def confirm_placeholders(announcement: NodeAnnouncement, title: str) -> dict[str, str]:
    """What the confirmation dialog says of a node, as plain text in its Markdown.

    The announcement may be anyone's on the broker: a name such as `![](https://…)` would
    otherwise load a stranger's image in the user's browser, or show a link or an alert.
    """
    return {
        "name": markdown_literal(title),
        "node_id": markdown_literal(announcement.node_id),
        "model": markdown_literal(announcement.model),
        "sensors": ", ".join(markdown_literal(s.name) for s in announcement.sensors) or "-",
        "switches": ", ".join(markdown_literal(s.name) for s in announcement.switches) or "-",
    }


def check_unique_ids(hass: HomeAssistant, announcement: NodeAnnouncement) -> None:
    """Refuse a node whose entities would take unique ids of a configured node's."""
    if unique_id_clashes(announcement, other_nodes(hass)):
        raise DiscoveryRejected("unique_id_clash")


def secret_in_use(hass: HomeAssistant, secret: str) -> bool:
    """Whether a configured node already signs with `secret`."""
    # As the key it signs with: compare_digest refuses `str` beyond ASCII ("für").
    wanted = secret_key(secret)
    for entry in node_entries(hass):
        stored = entry.data.get(CONF_SECRET)
        # One that is no text (a hand edit) signs nothing: its node cannot set up.
        if isinstance(stored, str) and hmac.compare_digest(secret_key(stored), wanted):
            return True
    return False


def pending_discoveries(hass: HomeAssistant) -> dict[str, str]:
    """Return the discoveries waiting for confirmation, node id -> flow id (the flows keep it)."""
    return hass.data.setdefault(PENDING_DISCOVERIES, {})


def release_pending_discovery(hass: HomeAssistant, node_id: str, flow_id: str) -> None:
    """Forget a discovery flow that ended (confirmed, ignored or aborted).

    Its slot goes to an announcement refused while the slots were full (WaitingDiscoveries).
    """
    pending = pending_discoveries(hass)
    if pending.get(node_id) == flow_id:
        del pending[node_id]
        hass.data.get(SIGNED_ANNOUNCEMENTS, {}).pop(node_id, None)
        if (refused := hass.data.get(REFUSED_FOR_CAPACITY)) and (info := refused.take_next()):
            discovery_flow.async_create_flow(hass, DOMAIN, {"source": SOURCE_MQTT}, info)


def remember_refused_for_capacity(hass: HomeAssistant, node_id: str, info: MqttServiceInfo) -> None:
    """Keep the latest announcement of a node refused because the slots were full."""
    refused = hass.data.setdefault(
        REFUSED_FOR_CAPACITY, WaitingDiscoveries(MAX_PENDING_DISCOVERIES)
    )
    if not refused.add(node_id, info):
        # Node ids are at most 32 characters of [a-z0-9_-]: one short line per message.
        LOGGER.debug(
            "Dropped node %s's announcement: %d others wait for a slot", node_id, len(refused)
        )


def remember_signed(hass: HomeAssistant, node_id: str, payload: bytes | bytearray | str) -> None:
    """Keep a signed announcement of a node whose discovery waits for confirmation.

    Only signed ones are kept, so unsigned ones cannot push the node's own out: a stranger
    announcing first must not make the user confirm a signing node without its secret.
    """
    if node_id not in pending_discoveries(hass) or not is_signed(payload):
        return
    kept = hass.data.setdefault(SIGNED_ANNOUNCEMENTS, {}).setdefault(
        node_id, deque(maxlen=MAX_SIGNED_KEPT)
    )
    if payload not in kept:
        kept.append(payload)


def signed_announcements(hass: HomeAssistant, node_id: str) -> list[bytes | bytearray | str]:
    """The signed announcements kept for a waiting discovery, oldest first."""
    return list(hass.data.get(SIGNED_ANNOUNCEMENTS, {}).get(node_id, ()))


async def async_retained_announcement(hass: HomeAssistant, topic: str) -> bytes | None:
    """The announcement the broker keeps on `topic`, sent again on a new subscription.

    Only the node may write its announce topic (docs/broker.md), so the retained one is
    its own, whatever strangers publish there: fake-signed announcements can push the
    node's out of those kept, not off the broker. None if none comes within
    RETAINED_WAIT_S.
    """
    received: asyncio.Future[bytes] = hass.loop.create_future()

    @callback
    def _message(message: mqtt.ReceiveMessage) -> None:
        if message.retain and isinstance(message.payload, bytes) and not received.done():
            received.set_result(message.payload)

    unsubscribe = await mqtt.async_subscribe(hass, topic, _message, qos=1, encoding=None)
    try:
        async with asyncio.timeout(RETAINED_WAIT_S):
            return await received
    except TimeoutError:
        return None
    finally:
        unsubscribe()


def verified_announcement(
    topic: str, payloads: Iterable[bytes | bytearray | str], secret: str
) -> NodeAnnouncement | None:
    """The newest of `payloads` signed with `secret`, parsed; None when none is.

    Newest by counter: it becomes the new node's floor, and an older one (replayed by
    anyone) would let what the node signed in between be replayed once.
    """
    verified: list[NodeAnnouncement] = []
    for payload in payloads:
        try:
            verified.append(parse_announcement(topic, payload, verifier=MessageVerifier(secret)))
        except ProtocolError:
            continue
    return max(verified, key=lambda announcement: announcement.seq or 0, default=None)


def check_capacity(hass: HomeAssistant) -> None:
    """Refuse a new node when too many wait for confirmation or are configured."""
    if len(pending_discoveries(hass)) >= MAX_PENDING_DISCOVERIES:
        raise DiscoveryRejected("too_many_pending")
    if len(node_entries(hass)) >= MAX_NODES:
        raise DiscoveryRejected("too_many_nodes")


def record_discovery_rejection(hass: HomeAssistant, reason: str) -> None:
    """Count a refused discovery, for diagnostics; log the first of each reason."""
    counts = hass.data.setdefault(DISCOVERY_REJECTIONS, Counter())
    if not counts[reason] and reason != "node_removed":
        LOGGER.warning("Refused a node discovery (%s); further ones are only counted", reason)
    counts[reason] += 1
