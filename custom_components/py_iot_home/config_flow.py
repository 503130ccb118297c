"""Config flow: a sensor board on this host, a discovered node, or a power predictor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import uuid4

import probatio
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import selector
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo

from .board.form import (
    HARDWARE_SELECTOR,
    MODEL_SELECTOR,
    PIN_SELECTOR,
    async_default_hardware,
    board_schema,
    led_schema,
    new_led,
)
from .board.pin_validation import (
    PinProblem,
    first_free_pin,
    led_pins,
    pin_in_use_placeholders,
    pins_in_use,
    probe_dht,
    validate_pin,
)
from .const import (
    CONF_ADD_ANOTHER,
    CONF_ADD_LED,
    CONF_ANNOUNCEMENT,
    CONF_BACKEND,
    CONF_BOARD_ID,
    CONF_DHT_MODEL,
    CONF_DHT_PIN,
    CONF_FAILURE_THRESHOLD,
    CONF_KIND,
    CONF_LEDS,
    CONF_NODE_ID,
    CONF_PIN,
    CONF_POLL_INTERVAL,
    CONF_POWER_ENTITY,
    CONF_PREFIX,
    CONF_SECRET,
    DEFAULT_FAILURE_THRESHOLD,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
    LOGGER,
    EntryKind,
)
from .forecast.config_flow import async_predictor_source_errors, predictor_schema
from .hardware.dht import DhtModel
from .hardware.errors import HardwareUnavailableError
from .hardware.names import BACKEND_AUTO, BACKEND_SIMULATED, MIN_GPIO_PIN
from .kinds import entry_kind
from .markdown_text import markdown_literal
from .nodes.discovery import (
    DiscoveryRejected,
    announced_node_id,
    async_retained_announcement,
    check_capacity,
    check_unique_ids,
    confirm_placeholders,
    later_signed,
    parse_discovery,
    pending_discoveries,
    record_discovery_rejection,
    release_pending_discovery,
    remember_later_signed,
    remember_refused_for_capacity,
    secret_in_use,
    verified_announcement,
)
from .protocol import (
    DEFAULT_PREFIX,
    NodeAnnouncement,
    build_announcement,
    is_signed,
)

SECRET_SELECTOR = selector.TextSelector(
    selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
)


async def _async_check_board_pin(
    hass: HomeAssistant, model: str, pin: int, taken: Mapping[int, str], *, simulated: bool = False
) -> dict[str, str]:
    """Errors for the DHT pin field, including a test read of real hardware."""
    if problem := validate_pin(pin, taken):
        return {CONF_DHT_PIN: problem.value}
    if simulated:
        return {}
    try:
        readable = await hass.async_add_executor_job(probe_dht, DhtModel(model), pin)
    except HardwareUnavailableError:
        # The user chose a wired sensor; a simulation in its place would only show in a repair.
        return {CONF_BACKEND: "no_dht_library"}
    except Exception:
        LOGGER.exception("Unexpected error probing the DHT sensor on GPIO%s", pin)
        return {"base": "unknown"}
    return {} if readable else {CONF_DHT_PIN: PinProblem.UNREADABLE.value}


class PyIotHomeConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a sensor board wired to this host."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with no board, no LEDs and no discovered node."""
        self._board: dict[str, Any] = {}
        self._leds: list[dict[str, Any]] = []
        self._discovery: tuple[MqttServiceInfo, NodeAnnouncement] | None = None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """Options of a board (polling, LEDs), a node (trends) or a predictor (sources)."""
        return entry_kind(config_entry).options_flow()

    async def async_step_predictor(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the power sensor to learn and the climate sensors that explain it."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            errors, placeholders = await async_predictor_source_errors(self.hass, user_input)
            if not errors:
                await self.async_set_unique_id(f"predictor_{user_input[CONF_POWER_ENTITY]}")
                self._abort_if_unique_id_configured()
                return self.async_create_entry(
                    title=user_input[CONF_NAME],
                    data={CONF_KIND: EntryKind.PREDICTOR},
                    options={k: v for k, v in user_input.items() if k != CONF_NAME},
                )
        schema = probatio.Schema(
            {probatio.Required(CONF_NAME, default="Power forecast"): str}
        ).extend(predictor_schema().schema)
        return self.async_show_form(
            step_id="predictor",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
            description_placeholders=placeholders,
        )

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
        remember_later_signed(self.hass, announcement.node_id, discovery_info.payload)
        await self.async_set_unique_id(announcement.node_id)
        pending_discoveries(self.hass)[announcement.node_id] = self.flow_id
        self._discovery = (discovery_info, announcement)
        self.context["title_placeholders"] = {"name": announcement.name}
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
            payloads = [discovery_info.payload, *later_signed(self.hass, announcement.node_id)]
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
                    title=announcement.name,
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
            description_placeholders=confirm_placeholders(announcement),
            errors=errors,
        )

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose what to add: a sensor board on this host or a power predictor."""
        return self.async_show_menu(step_id="user", menu_options=["board", "predictor"])

    async def async_step_board(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the DHT sensor of the new board, real or simulated."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            pin = int(user_input[CONF_DHT_PIN])
            taken = pins_in_use(self.hass)
            errors = await _async_check_board_pin(
                self.hass,
                user_input[CONF_DHT_MODEL],
                pin,
                taken,
                simulated=user_input[CONF_BACKEND] == BACKEND_SIMULATED,
            )
            placeholders = pin_in_use_placeholders(pin, taken)
            if not errors:
                self._board = {
                    CONF_NAME: user_input[CONF_NAME],
                    CONF_DHT_PIN: pin,
                    CONF_DHT_MODEL: user_input[CONF_DHT_MODEL],
                    CONF_BACKEND: user_input[CONF_BACKEND],
                }
                if user_input[CONF_ADD_LED]:
                    return await self.async_step_led()
                return await self._async_create_board()
        free_pin = first_free_pin(pins_in_use(self.hass))
        hardware = await async_default_hardware(self.hass, free_pin or MIN_GPIO_PIN)
        return self.async_show_form(
            step_id="board",
            data_schema=self.add_suggested_values_to_schema(
                board_schema(
                    dht_pin=free_pin,
                    hardware=hardware,
                    existing_names=[
                        entry.title for entry in self.hass.config_entries.async_entries(DOMAIN)
                    ],
                ),
                user_input,
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_led(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Add an LED to the new board; repeat while the user asks for another."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        taken = pins_in_use(self.hass) | {self._board[CONF_DHT_PIN]: "this board's sensor"}
        taken |= led_pins(self._leds, board="this board")
        if user_input is not None:
            pin = int(user_input[CONF_PIN])
            if problem := validate_pin(pin, taken):
                errors[CONF_PIN] = problem.value
                placeholders = pin_in_use_placeholders(pin, taken)
            else:
                self._leds.append(new_led(user_input))
                if not user_input[CONF_ADD_ANOTHER]:
                    return await self._async_create_board()
                taken |= led_pins(self._leds[-1:], board="this board")
                user_input = None
        schema = led_schema(
            board=self._board[CONF_NAME],
            taken=taken,
            existing_names=[led[CONF_NAME] for led in self._leds],
            with_add_another=True,
        )
        return self.async_show_form(
            step_id="led",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_create_board(self) -> ConfigFlowResult:
        board_id = uuid4().hex
        await self.async_set_unique_id(board_id)
        return self.async_create_entry(
            title=self._board[CONF_NAME],
            data={
                CONF_KIND: EntryKind.LOCAL,
                CONF_BOARD_ID: board_id,
                CONF_DHT_PIN: self._board[CONF_DHT_PIN],
                CONF_DHT_MODEL: self._board[CONF_DHT_MODEL],
                CONF_BACKEND: self._board[CONF_BACKEND],
            },
            options={
                CONF_POLL_INTERVAL: DEFAULT_POLL_INTERVAL,
                CONF_FAILURE_THRESHOLD: DEFAULT_FAILURE_THRESHOLD,
                CONF_LEDS: self._leds,
            },
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Move the DHT sensor to another pin, or change its model."""
        entry = self._get_reconfigure_entry()
        # Home Assistant offers Reconfigure on every entry of a domain; only a board has
        # wiring to change (a node's is set on the node, a forecast's in its options).
        if (kind := entry.data.get(CONF_KIND)) != EntryKind.LOCAL:
            return self.async_abort(
                reason="node_not_reconfigurable"
                if kind == EntryKind.NODE
                else "forecast_not_reconfigurable",
                # Markdown: a node's title is the name it announced.
                description_placeholders={"name": markdown_literal(entry.title)},
            )
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            pin = int(user_input[CONF_DHT_PIN])
            taken = pins_in_use(self.hass, exclude_entry_id=entry.entry_id)
            taken |= led_pins(entry.options.get(CONF_LEDS, []), board="this board")
            hardware = user_input.get(CONF_BACKEND, BACKEND_AUTO)
            errors = await _async_check_board_pin(
                self.hass,
                user_input[CONF_DHT_MODEL],
                pin,
                taken,
                simulated=hardware == BACKEND_SIMULATED,
            )
            placeholders = pin_in_use_placeholders(pin, taken)
            if not errors:
                return self.async_update_reload_and_abort(
                    entry,
                    data_updates={
                        CONF_DHT_PIN: pin,
                        CONF_DHT_MODEL: user_input[CONF_DHT_MODEL],
                        CONF_BACKEND: hardware,
                    },
                )
        schema = probatio.Schema(
            {
                probatio.Required(CONF_DHT_PIN): PIN_SELECTOR,
                probatio.Required(CONF_DHT_MODEL): MODEL_SELECTOR,
                probatio.Required(CONF_BACKEND, default=BACKEND_AUTO): HARDWARE_SELECTOR,
            }
        )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or entry.data),
            errors=errors,
            description_placeholders=placeholders,
        )
