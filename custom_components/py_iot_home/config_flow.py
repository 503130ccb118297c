"""Config flow: a discovered node, or the home entry with its first board or forecast."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import probatio
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowContext,
    ConfigFlowResult,
    ConfigSubentry,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.core import callback
from homeassistant.helpers import selector
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo

from .board.config_steps import BoardSteps
from .const import (
    CONF_ANNOUNCEMENT,
    CONF_KIND,
    CONF_NODE_ID,
    CONF_PREFIX,
    CONF_SECRET,
    DOMAIN,
    ENTRY_VERSION,
    HOME_TITLE,
    HOME_UNIQUE_ID,
    MAX_NODES,
    EntryKind,
    SubentryKind,
)
from .forecast.subentry_flow import ForecastSteps
from .home.subentries import home_entry
from .kinds import entry_kind, listed_entry_kind
from .nodes.discovery import (
    DiscoveryRejected,
    announced_node_id,
    async_retained_announcement,
    check_capacity,
    check_unique_ids,
    confirm_placeholders,
    node_title,
    parse_discovery,
    pending_discoveries,
    record_discovery_rejection,
    release_pending_discovery,
    remember_refused_for_capacity,
    remember_signed,
    secret_in_use,
    signed_announcements,
    verified_announcement,
)
from .nodes.entries import node_entries
from .nodes.node_by_id import NodeNotFound, async_announcement_of
from .protocol import (
    DEFAULT_PREFIX,
    NodeAnnouncement,
    build_announcement,
    is_signed,
)

SECRET_SELECTOR = selector.TextSelector(
    selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
)


class PyIotHomeConfigFlow(
    BoardSteps[ConfigFlowContext, ConfigFlowResult, str],
    ForecastSteps[ConfigFlowContext, ConfigFlowResult, str],
    ConfigFlow,
    domain=DOMAIN,
):
    """Confirm a discovered node; add a board or a forecast to the home entry.

    The integration page adds boards and forecasts with its own buttons (subentry flows);
    this flow's menu stays for the first one, which creates the home entry, and for the
    "Add integration" button, which adds to the home entry once it exists.
    """

    VERSION = ENTRY_VERSION

    def __init__(self) -> None:
        """Start with no board, no LEDs and no discovered node."""
        super().__init__()
        self._discovery: tuple[MqttServiceInfo, NodeAnnouncement] | None = None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """A node's trend settings (boards and forecasts change in their subentry flows)."""
        options_flow = entry_kind(config_entry).options_flow
        assert options_flow is not None
        return options_flow()

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Only a node has options (a board's and a forecast's are in their Reconfigure)."""
        kind = listed_entry_kind(config_entry)
        return kind is not None and kind.options_flow is not None

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """The home entry adds boards and forecasts; a node has no subentries."""
        kind = listed_entry_kind(config_entry)
        return dict(kind.subentry_flows or {}) if kind is not None else {}

    async def async_step_mqtt(self, discovery_info: MqttServiceInfo) -> ConfigFlowResult:
        """A node announced itself: check it, then ask the user to confirm.

        Home Assistant starts a flow per announcement, so in a burst this runs per message:
        known node (from the topic), parse, waiting node, then the limits, cheap but the parse.
        An invalid announcement is reported as such even when the limits are reached.
        """
        node_id = announced_node_id(discovery_info.topic)
        # A known (or ignored) node is settled from its topic, never counted or limited.
        if node_id and self.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, node_id):
            await self.async_set_unique_id(node_id, raise_on_progress=False)
            self._abort_if_unique_id_configured()
        try:
            announcement = parse_discovery(discovery_info)
            # A node already waiting is not refused by the limits: it aborts just below.
            if announcement.node_id not in pending_discoveries(self.hass):
                check_capacity(self.hass)
        except DiscoveryRejected as err:
            record_discovery_rejection(self.hass, err.reason)
            if err.reason == "too_many_pending" and node_id:
                remember_refused_for_capacity(self.hass, node_id, discovery_info)
            return self.async_abort(reason=err.reason)
        # A signed one is kept with the node's waiting discovery: another flow's (this one
        # then aborts just below), or this one's, once it waits.
        remember_signed(self.hass, announcement.node_id, discovery_info.payload)
        await self.async_set_unique_id(announcement.node_id)
        pending_discoveries(self.hass)[announcement.node_id] = self.flow_id
        remember_signed(self.hass, announcement.node_id, discovery_info.payload)
        self._discovery = (discovery_info, announcement)
        self.context["title_placeholders"] = {"name": node_title(self.hass, announcement)}
        return await self.async_step_mqtt_confirm()

    @callback
    def async_remove(self) -> None:
        """Free this flow's pending-discovery slot, however it ended."""
        if self._discovery is not None:
            release_pending_discovery(self.hass, self._discovery[1].node_id, self.flow_id)

    async def async_step_mqtt_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show what the node has; optionally take its shared secret."""
        assert self._discovery is not None
        discovery_info, announcement = self._discovery
        errors: dict[str, str] = {}
        if user_input is not None:
            secret = user_input.get(CONF_SECRET, "").strip()
            # The first announcement may be a stranger's; the node's own may have come later.
            payloads = [
                discovery_info.payload,
                *signed_announcements(self.hass, announcement.node_id),
            ]
            if secret:
                verified = verified_announcement(discovery_info.topic, payloads, secret)
                if verified is None and (
                    retained := await async_retained_announcement(self.hass, discovery_info.topic)
                ):
                    # Fake-signed announcements may have pushed the node's own out of
                    # those kept; the broker still keeps its latest.
                    verified = verified_announcement(discovery_info.topic, [retained], secret)
                if verified is None:
                    errors[CONF_SECRET] = "bad_secret"
                else:
                    announcement = verified
            elif any(is_signed(payload) for payload in payloads):
                # Confirmed unsigned, anyone on the broker could speak for a signing node.
                errors[CONF_SECRET] = "secret_required"
            if secret and secret_in_use(self.hass, secret):
                # With another node's secret, either node could sign for the other.
                errors[CONF_SECRET] = "secret_reused"
            if not errors:
                try:
                    # Checked on confirming only: a discovery burst must stay cheap.
                    check_unique_ids(self.hass, announcement)
                except DiscoveryRejected as err:
                    return self.async_abort(reason=err.reason)
                return self.async_create_entry(
                    title=node_title(self.hass, announcement),
                    data={
                        CONF_KIND: EntryKind.NODE,
                        CONF_NODE_ID: announcement.node_id,
                        CONF_PREFIX: DEFAULT_PREFIX,
                        # Rebuilt from what was validated: no unknown members, no `sig`.
                        CONF_ANNOUNCEMENT: build_announcement(announcement).payload.decode(),
                        CONF_SECRET: secret,
                    },
                )
        return self.async_show_form(
            step_id="mqtt_confirm",
            data_schema=probatio.Schema(
                {probatio.Optional(CONF_SECRET, default=""): SECRET_SELECTOR}
            ),
            description_placeholders=confirm_placeholders(
                announcement, node_title(self.hass, announcement)
            ),
            errors=errors,
        )

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose what to add: a sensor board on this host, a power forecast or a node by id."""
        return self.async_show_menu(step_id="user", menu_options=["board", "predictor", "node"])

    async def async_step_node(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """A remote node by its id, for one whose discovery was lost (nodes/node_by_id.py).

        Asked by the user, so not limited by the discoveries' slots; then confirmed as one.
        """
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                info = await async_announcement_of(self.hass, user_input[CONF_NODE_ID])
            except NodeNotFound as err:
                errors[CONF_NODE_ID if err.error != "no_mqtt" else "base"] = err.error
            else:
                return await self._async_node_announced(info)
        return self.async_show_form(
            step_id="node",
            # What was typed stays in the field beside its error, to be put right, not retyped.
            data_schema=self.add_suggested_values_to_schema(
                probatio.Schema({probatio.Required(CONF_NODE_ID): str}), user_input
            ),
            errors=errors,
        )

    async def _async_node_announced(self, info: MqttServiceInfo) -> ConfigFlowResult:
        """Confirm the node the user asked for, as a discovered one (taking a waiting one over)."""
        try:
            announcement = parse_discovery(info)
        except DiscoveryRejected as err:
            return self.async_abort(reason=err.reason)
        # Its discovery may be waiting (perhaps among a flood's): this dialog takes it over,
        # where Home Assistant said only "already being configured", and not where; with
        # the signed announcements it kept: the broker's may now be a stranger's, unsigned.
        signed = signed_announcements(self.hass, announcement.node_id)
        for waiting in self.hass.config_entries.flow.async_progress_by_handler(
            DOMAIN, match_context={"unique_id": announcement.node_id}
        ):
            if waiting["flow_id"] != self.flow_id:
                self.hass.config_entries.flow.async_abort(waiting["flow_id"])
        await self.async_set_unique_id(announcement.node_id)
        self._abort_if_unique_id_configured()
        if len(node_entries(self.hass)) >= MAX_NODES:
            return self.async_abort(reason="too_many_nodes")
        pending_discoveries(self.hass)[announcement.node_id] = self.flow_id
        for payload in signed:
            remember_signed(self.hass, announcement.node_id, payload)
        self._discovery = (info, announcement)
        self.context["title_placeholders"] = {"name": node_title(self.hass, announcement)}
        return await self.async_step_mqtt_confirm()

    async def _async_board_configured(
        self, title: str, unique_id: str, data: dict[str, Any]
    ) -> ConfigFlowResult:
        return await self._async_add_to_home(SubentryKind.BOARD, title, unique_id, data)

    def _asks_area(self) -> bool:
        # The first board comes with the home entry: Home Assistant's dialog places it.
        return home_entry(self.hass) is not None

    async def _async_forecast_configured(
        self, title: str, unique_id: str, data: dict[str, Any]
    ) -> ConfigFlowResult:
        return await self._async_add_to_home(SubentryKind.FORECAST, title, unique_id, data)

    async def _async_add_to_home(
        self, kind: SubentryKind, title: str, unique_id: str, data: dict[str, Any]
    ) -> ConfigFlowResult:
        """The home entry with this first subentry; once it exists, the subentry added to it."""
        if (home := home_entry(self.hass)) is not None:
            self.hass.config_entries.async_add_subentry(
                home,
                ConfigSubentry(
                    data=MappingProxyType(data),
                    subentry_type=kind,
                    title=title,
                    unique_id=unique_id,
                ),
            )
            return self.async_abort(
                reason=f"{kind}_added", description_placeholders={"name": title}
            )
        await self.async_set_unique_id(HOME_UNIQUE_ID)
        self._abort_if_unique_id_configured()
        return self.async_create_entry(
            title=HOME_TITLE,
            data={CONF_KIND: EntryKind.HOME},
            subentries=[
                {"subentry_type": kind, "title": title, "unique_id": unique_id, "data": data}
            ],
        )
