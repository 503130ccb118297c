"""Constants for the py_iot_home integration."""

from __future__ import annotations

import logging
from datetime import timedelta
from enum import StrEnum
from typing import Final

DOMAIN: Final = "py_iot_home"
LOGGER = logging.getLogger(__package__)


class EntryKind(StrEnum):
    """What a config entry stands for."""

    HOME = "home"
    NODE = "node"
    # Before subentries, each board and forecast was an entry of its own (version 1).
    LOCAL = "local"
    PREDICTOR = "predictor"


class SubentryKind(StrEnum):
    """What a subentry of the home entry stands for."""

    BOARD = "board"
    FORECAST = "forecast"


# The one entry that holds the boards and forecasts; a node's id cannot contain a colon.
HOME_UNIQUE_ID: Final = "py_iot_home:home"
HOME_TITLE: Final = "Py IoT Home"
ENTRY_VERSION: Final = 2


CONF_KIND: Final = "kind"
CONF_BOARD_ID: Final = "board_id"
CONF_DHT_PIN: Final = "dht_pin"
CONF_DHT_MODEL: Final = "dht_model"
CONF_AREA: Final = "area"
CONF_BACKEND: Final = "backend"
CONF_LEDS: Final = "leds"
CONF_LED_ID: Final = "led_id"
CONF_PIN: Final = "pin"
CONF_ACTIVE_HIGH: Final = "active_high"
CONF_INITIAL_ON: Final = "initial_on"
CONF_ADD_LED: Final = "add_led"
CONF_ADD_ANOTHER: Final = "add_another"
CONF_POLL_INTERVAL: Final = "poll_interval"
CONF_FAILURE_THRESHOLD: Final = "failure_threshold"
CONF_TREND_THRESHOLD: Final = "trend_threshold"  # temperature's (the first, kept as it was)
CONF_HUMIDITY_TREND_THRESHOLD: Final = "humidity_trend_threshold"
CONF_POWER_TREND_THRESHOLD: Final = "power_trend_threshold"
CONF_WINDOW_DAYS: Final = "window_days"
CONF_TREND_MIN_SPAN_HOURS: Final = "trend_min_span_hours"

DEFAULT_POLL_INTERVAL: Final = 60
MIN_POLL_INTERVAL: Final = 5
DEFAULT_FAILURE_THRESHOLD: Final = 5
# Each quantity's rising/falling threshold, in its own unit per day: its option and default.
# A week at the default adds up to what a person notices: 1.4 degC, 7 % humidity, 140 W.
TREND_THRESHOLD_OPTIONS: Final = {
    "temperature": CONF_TREND_THRESHOLD,
    "humidity": CONF_HUMIDITY_TREND_THRESHOLD,
    "power": CONF_POWER_TREND_THRESHOLD,
}
DEFAULT_TREND_THRESHOLDS: Final = {"temperature": 0.2, "humidity": 1.0, "power": 20.0}
DEFAULT_WINDOW_DAYS: Final = 7
# A trend is shown once its samples span this long (and its standard error is small enough).
DEFAULT_TREND_MIN_SPAN_HOURS: Final = 4
# The standard error (units per day) up to which a slope is shown: a tenth of a typical
# indoor daily swing (about 5 degC, 20 % humidity), and for a meter a few W per day.
TREND_MAX_STANDARD_ERROR: Final = {"temperature": 0.5, "humidity": 2.0, "power": 50.0}
# Decimals a slope is shown with: a tenth of its threshold or finer (0.01 °C/d, 0.1 %/d, 1 W/d).
TREND_SLOPE_DIGITS: Final = {"temperature": 2, "humidity": 1, "power": 0}

# BCM numbers of the GPIO lines on the 40-pin header of every Pi since the B+.

# State attribute naming the hardware behind a board's entity ("simulated" off a Pi).
ATTR_HARDWARE: Final = "hardware"

TREND_REFRESH_INTERVAL: Final = timedelta(minutes=5)

CONF_NODE_ID: Final = "node_id"
CONF_PREFIX: Final = "prefix"
CONF_SECRET: Final = "secret"  # noqa: S105 - the option's name, not a secret
CONF_ANNOUNCEMENT: Final = "announcement"

MAX_PENDING_DISCOVERIES: Final = 20
MAX_NODES: Final = 200

CONF_POWER_ENTITY: Final = "power_entity"
CONF_TEMPERATURE_ENTITY: Final = "temperature_entity"
CONF_HUMIDITY_ENTITY: Final = "humidity_entity"
CONF_WEATHER_ENTITY: Final = "weather_entity"
CONF_TRAINING_DAYS: Final = "training_days"
CONF_RETRAIN_HOURS: Final = "retrain_hours"
DEFAULT_TRAINING_DAYS: Final = 60
MIN_TRAINING_DAYS: Final = 15
DEFAULT_RETRAIN_HOURS: Final = 24
CONF_EXCLUDED_DAYS: Final = "excluded_days"
CONF_EXCLUDE_OUTLIERS: Final = "exclude_outliers"
# The rules reach back 28 days (median by hour); a day more covers the rolling means.
PREDICTION_CONTEXT_HOURS: Final = 30 * 24
