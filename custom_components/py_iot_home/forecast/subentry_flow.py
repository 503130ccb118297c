"""A power forecast, a subentry of the home entry: added, then its sources changed."""

from __future__ import annotations

from typing import Any

import probatio
from homeassistant.config_entries import (
    SubentryFlowContext,
    SubentryFlowResult,
)
from homeassistant.const import CONF_NAME
from homeassistant.data_entry_flow import FlowContext, FlowHandler, FlowResult

from ..const import CONF_POWER_ENTITY, SubentryKind
from ..home.subentries import feature_titles, home_subentries
from ..home.subentry_flow import HomeSubentryFlow
from ..loaded import loaded_feature
from ..name_check import invalid_name, name_taken, unused_name
from .config_flow import async_predictor_source_errors, predictor_schema
from .outdoor_temperature import weather_mirrored

DEFAULT_FORECAST_NAME = "Power forecast"


def forecast_unique_id(power_entity: str) -> str:
    """One forecast per power sensor."""
    return f"predictor_{power_entity}"


class ForecastSteps[ContextT: FlowContext, ResultT: FlowResult[Any, Any], HandlerT](
    FlowHandler[ContextT, ResultT, HandlerT]
):
    """Ask for a new forecast's sources; the flow says where the forecast goes."""

    async def _async_forecast_configured(
        self, title: str, unique_id: str, data: dict[str, Any]
    ) -> ResultT:
        """Add the forecast (a subentry of the home entry) and end the flow."""
        raise NotImplementedError

    async def async_step_predictor(self, user_input: dict[str, Any] | None = None) -> ResultT:
        """Pick the power sensor to learn and the climate sensors that explain it."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            unique_id = forecast_unique_id(user_input[CONF_POWER_ENTITY])
            errors, placeholders = await async_predictor_source_errors(self.hass, user_input)
            # On the sensor's field, so the rest of the form is kept for another sensor; an
            # abort said "Device is already configured" and lost everything typed.
            if same := next(
                (
                    forecast.title
                    for forecast in home_subentries(self.hass, SubentryKind.FORECAST)
                    if forecast.unique_id == unique_id
                ),
                None,
            ):
                errors[CONF_POWER_ENTITY] = "already_forecast"
                placeholders["forecast"] = same
            if invalid_name(user_input[CONF_NAME]):
                errors[CONF_NAME] = "invalid_name"
            elif name_taken(user_input[CONF_NAME], feature_titles(self.hass)):
                errors[CONF_NAME] = "name_in_use"
            if not errors:
                return await self._async_forecast_configured(
                    user_input[CONF_NAME],
                    unique_id,
                    {k: v for k, v in user_input.items() if k != CONF_NAME},
                )
        name = unused_name(DEFAULT_FORECAST_NAME, feature_titles(self.hass))
        schema = probatio.Schema({probatio.Required(CONF_NAME, default=name): str}).extend(
            predictor_schema().schema
        )
        return self.async_show_form(
            step_id="predictor",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
            description_placeholders=placeholders,
        )


class ForecastSubentryFlow(
    ForecastSteps[SubentryFlowContext, SubentryFlowResult, tuple[str, str]], HomeSubentryFlow
):
    """Add a forecast; then change its sources, training window and retrain interval."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """One form: the name and the sources."""
        return await self.async_step_predictor(user_input)

    async def _async_forecast_configured(
        self, title: str, unique_id: str, data: dict[str, Any]
    ) -> SubentryFlowResult:
        return self.async_create_entry(title=title, data=data, unique_id=unique_id)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """One form, prefilled with the current sources; a forecast not running starts again."""
        subentry = self._get_reconfigure_subentry()
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            # The sensor in use was checked when chosen; should it export since, its
            # repair at training says so.
            changed = user_input[CONF_POWER_ENTITY] != subentry.data.get(CONF_POWER_ENTITY)
            errors, placeholders = await async_predictor_source_errors(
                self.hass, user_input, check_export=changed
            )
            if not errors:
                # A running forecast retrains for them and shows its last one meanwhile.
                runtime = loaded_feature(self._get_entry(), subentry.subentry_id)
                # A weather entity's mirror sensor that comes or goes takes a reload.
                same_sensors = weather_mirrored(user_input) == weather_mirrored(subentry.data)
                if runtime is not None and runtime.predictor is not None and same_sensors:
                    runtime.predictor.async_take_settings(user_input)
                    return self._async_store_settings(user_input, live=True)
                return self._async_store_settings(user_input)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                predictor_schema(), user_input or subentry.data
            ),
            errors=errors,
            description_placeholders={"name": subentry.title, **placeholders},
        )
