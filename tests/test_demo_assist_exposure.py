"""The demo stack's bootstrap exposes its power sensors to Assist, once, as the Expose page does.

Assist answers only from exposed entities, and Home Assistant exposes no power sensor or
weather entity by default: the demo's "what is the power forecast" said "... is not exposed
to Assist". The forecast's sensors come with its first training, after the flow: the step
waits for them (it ran before them and exposed nothing).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.loader import async_get_integration
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.py_iot_home.const import CONF_POWER_ENTITY, DOMAIN
from script.demo.bootstrap import (
    DEMO_WEATHER,
    PREDICTOR_TITLE,
    ensure_assist_exposure,
)
from script.demo.ha_client import HomeAssistantClient
from script.demo.meter import DEMO_QUANTITIES

from .assist_sentences import expose
from .home_entry import FORECAST_SUBENTRY_ID, forecast_subentry, home_entry

METER_POWER = DEMO_QUANTITIES[0].entity_id


def _exposed(hass: HomeAssistant, entity_id: str) -> bool:
    return async_should_expose(hass, conversation.DOMAIN, entity_id)


async def test_the_bootstrap_exposes_the_demo_forecast_to_assist_once(
    hass: HomeAssistant,
    hass_access_token: str,
    hass_client_no_auth: ClientSessionGenerator,
    tmp_path: Path,
    enable_custom_integrations: None,
    socket_enabled: None,
) -> None:
    for component in ("http", "api", "homeassistant", "config", "websocket_api"):
        assert await async_setup_component(hass, component, {})
    # Its flow handler tells the home entry's subentry types, as once the integration loaded.
    await (await async_get_integration(hass, DOMAIN)).async_get_platform("config_flow")
    # Home Assistant's HTTP app served on a free loopback port, as the harness serves it.
    server = await hass_client_no_auth()
    base_url = str(server.make_url("")).rstrip("/")
    home_entry(
        forecast_subentry({CONF_POWER_ENTITY: METER_POWER}, title=PREDICTOR_TITLE)
    ).add_to_hass(hass)
    hass.states.async_set(METER_POWER, "420", {"device_class": "power", "unit_of_measurement": "W"})
    hass.states.async_set(DEMO_WEATHER, "cloudy", {"temperature": 4.5})
    assert not _exposed(hass, METER_POWER)
    assert not _exposed(hass, DEMO_WEATHER)

    async with HomeAssistantClient(hass_access_token, base_url) as client:
        step = asyncio.ensure_future(ensure_assist_exposure(client, tmp_path, timeout_s=30))
        await asyncio.sleep(1.5)  # the forecast still training: no sensor yet
        assert not step.done()
        entry = next(iter(hass.config_entries.async_entries(DOMAIN)))
        predicted = (
            er.async_get(hass)
            .async_get_or_create(
                "sensor",
                DOMAIN,
                "demo_forecast_predicted_power",
                config_entry=entry,
                config_subentry_id=FORECAST_SUBENTRY_ID,
                original_device_class="power",
                translation_key="predicted_power",
                suggested_object_id="demo_power_forecast_predicted_power",
            )
            .entity_id
        )
        await asyncio.wait_for(step, 10)
        assert _exposed(hass, predicted)
        assert _exposed(hass, METER_POWER)
        assert _exposed(hass, DEMO_WEATHER)

        # Once: what the user un-exposes afterwards stays so.
        expose(hass, predicted, False)
        await ensure_assist_exposure(client, tmp_path, timeout_s=30)
        assert not _exposed(hass, predicted)
