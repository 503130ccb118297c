"""Bring the development Home Assistant to the demo state; each step is skipped when done.

    python -m script.demo.bootstrap [--confirm-nodes NODE_ID ...]

Onboarding and a token, the HTTP settings confirmed, the MQTT entry, the "Climate sensor"
board, 60 days of demo statistics for the demo power meter, then the meter node confirmed, the
power predictor, its power sensors exposed to Assist, and a "Power forecast" dashboard with
the README's card; with --confirm-nodes also the discovered nodes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from .board_summary import board_lines
from .ha_client import HomeAssistantClient, HomeAssistantError, wait_until_up
from .meter import DEMO_QUANTITIES, NODE_ID
from .onboarding import DEMO_PASSWORD, DEMO_USERNAME, ensure_token
from .uci_replay import DemoSeries

_LOGGER = logging.getLogger("develop")
DOMAIN = "py_iot_home"
BROKER = {
    "broker": "127.0.0.1",
    "port": 1883,
    "other_settings": {"set_client_cert": False, "set_ca_cert": "off", "transport": "tcp"},
}
BOARD_NAME = "Climate sensor"
BOARD_AREA = "Living room"
# Simulated on purpose: a development machine has no sensor, and no repair should say so.
BOARD_HARDWARE = "simulated"
BOARD: dict[str, Any] = {
    "name": BOARD_NAME,
    "dht_pin": 4,
    "dht_model": "dht22",
    "backend": BOARD_HARDWARE,
}
LED_STEP = {
    "name": "Desk LED",
    "pin": 17,
    "active_high": True,
    "initial_on": False,
    "add_another": False,
}
PREDICTOR_TITLE = "Demo power forecast"
# The demo weather service's entity (script/demo/weather_feed.py, config/configuration.yaml).
DEMO_WEATHER = "weather.demo_weather"
# The dashboard a user makes from the README (docs/examples/power_forecast_card.yaml), made
# here so that the demo shows its forecast as a chart at once.
FORECAST_DASHBOARD = "power-forecast"
FORECAST_CARD = Path(__file__).resolve().parents[2] / "docs/examples/power_forecast_card.yaml"
SEED_DAYS = 60
# Renamed when the demo meter became a node, and when its sensors got names (mains,
# outdoor): older stacks seed its new entity ids once.
STATISTICS_STAMP = "meter-statistics-seeded-named"
# What the banner of script/develop says of the boards, as they are set up.
BOARDS_SUMMARY = "boards.txt"
# Boards made before the board form asked for the hardware get it set once.
BOARD_SIMULATED_STAMP = "board-simulated"
# Exposed to Assist once: what the user un-exposes afterwards stays un-exposed.
ASSIST_EXPOSED_STAMP = "assist-power-exposed"
ONLINE_EXTRAS = ("google_translate", "met", "radio_browser")
# Written by script/develop while Home Assistant has no stored HTTP settings.
STORED_HTTP = Path("config/.storage/http")
LOOPBACK_HTTP_PACKAGE = Path("config/packages/loopback_http.yaml")
# Home Assistant's warnings about the development stack itself, not about anything to fix.
DEVELOPMENT_ONLY_REPAIRS = {
    # Raised on the first start only: the block is removed once stored (ensure_http_confirmed).
    ("http", "deprecated_yaml"): "configuration.yaml binds to loopback from the first start",
    ("homeassistant", "deprecated_method"): "a development stack is a Core install by nature",
}


async def wait_for[T](what: str, probe: Callable[[], Awaitable[T | None]], timeout_s: float) -> T:
    """Poll `probe` until it returns something, or fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while (found := await probe()) is None:
        if time.monotonic() > deadline:
            raise HomeAssistantError(f"gave up waiting for {what} after {timeout_s:.0f} s")
        await asyncio.sleep(1)
    return found


async def entry_titles(client: HomeAssistantClient, domain: str) -> set[str]:
    """Titles of the domain's config entries."""
    entries = await client.rest("GET", f"/api/config/config_entries/entry?domain={domain}")
    return {entry["title"] for entry in entries}


async def run_flow(
    client: HomeAssistantClient,
    handler: str,
    answers: list[dict[str, Any]],
    menu_choice: str | None = None,
) -> dict[str, Any] | None:
    """Start a config flow, pick `menu_choice` on a menu and answer its forms in order.

    Returns the final result, or None when the menu does not offer `menu_choice`.
    """
    result: dict[str, Any] = await client.rest(
        "POST", "/api/config/config_entries/flow", {"handler": handler}
    )
    pending = list(answers)
    while result["type"] in ("form", "menu"):
        path = f"/api/config/config_entries/flow/{result['flow_id']}"
        if result["type"] == "menu":
            if menu_choice not in result["menu_options"]:
                await client.rest("DELETE", path)
                return None
            answer: dict[str, Any] = {"next_step_id": menu_choice}
        elif result.get("errors") or not pending:
            await client.rest("DELETE", path)
            raise HomeAssistantError(f"{handler} flow stopped at {result['step_id']}: {result}")
        else:
            answer = pending.pop(0)
        result = await client.rest("POST", path, answer)
    return result


async def home_entry_id(client: HomeAssistantClient) -> str | None:
    """The integration's home entry (boards and forecasts are its subentries), if made yet."""
    entries = await client.rest("GET", f"/api/config/config_entries/entry?domain={DOMAIN}")
    # The only entry that takes subentries (a user may rename it).
    home = next((entry for entry in entries if entry.get("supported_subentry_types")), None)
    return str(home["entry_id"]) if home else None


async def subentry_ids(client: HomeAssistantClient, subentry_type: str) -> dict[str, str]:
    """The home entry's subentries of one type: title -> subentry id."""
    if (entry_id := await home_entry_id(client)) is None:
        return {}
    subentries = await client.ws("config_entries/subentries/list", entry_id=entry_id)
    return {
        item["title"]: item["subentry_id"]
        for item in subentries
        if item["subentry_type"] == subentry_type
    }


async def run_subentry_flow(
    client: HomeAssistantClient,
    handler: list[str],
    answers: list[dict[str, Any]],
    subentry_id: str | None = None,
) -> dict[str, Any]:
    """Answer a subentry flow's steps in order (a menu's answer is its `next_step_id`).

    `handler` is [entry_id, subentry_type]; with `subentry_id` it reconfigures that subentry.
    """
    path = "/api/config/config_entries/subentries/flow"
    start: dict[str, Any] = {"handler": handler}
    if subentry_id is not None:
        start["subentry_id"] = subentry_id
    result: dict[str, Any] = await client.rest("POST", path, start)
    pending = list(answers)
    while result["type"] in ("form", "menu"):
        if result.get("errors") or not pending:
            await client.rest("DELETE", f"{path}/{result['flow_id']}")
            raise HomeAssistantError(f"{handler} flow stopped at {result['step_id']}: {result}")
        result = await client.rest("POST", f"{path}/{result['flow_id']}", pending.pop(0))
    return result


async def add_to_home(
    client: HomeAssistantClient, subentry_type: str, menu_choice: str, answers: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """Add a board or forecast, as a user does.

    The page's Add button once the home entry exists, else the integration's own flow
    (which makes the home entry with it).
    """
    if (entry_id := await home_entry_id(client)) is None:
        return await run_flow(client, DOMAIN, answers, menu_choice)
    return await run_subentry_flow(client, [entry_id, subentry_type], answers)


async def stored_http_settings() -> Path | None:
    """Home Assistant's file of HTTP settings, once written."""
    return STORED_HTTP if await asyncio.to_thread(STORED_HTTP.exists) else None


async def ensure_http_confirmed(client: HomeAssistantClient) -> None:
    """Confirm the loopback-only `http:` of configuration.yaml.

    Home Assistant moves it into its storage as a trial on the first start and, unless
    someone confirms it within 5 minutes, restarts itself to go back to its default (every
    interface); script/develop would start it again, listening on every interface.
    """
    config = await client.ws("http/config")
    pending = config["pending"]
    if pending is not None and pending["error"] is None:
        await client.ws("http/config/promote")
        _LOGGER.info("confirmed the HTTP settings of configuration.yaml (loopback only)")
    if pending is None or pending["error"] is None:
        # Stored once Home Assistant has written its file: from then on the YAML would only
        # raise `yaml_still_present_after_migration` at the next start (from the UI too).
        await wait_for("the stored HTTP settings", stored_http_settings, timeout_s=30)
        await asyncio.to_thread(LOOPBACK_HTTP_PACKAGE.unlink, missing_ok=True)
    if pending is not None and pending["error"] is not None:
        _LOGGER.warning(
            "Home Assistant dropped the HTTP settings of configuration.yaml (%s) and listens "
            "on every interface; reset the instance (docs/develop.md) to get them back",
            pending["error"],
        )


# Where and how the demo home lives (Mons, Belgium: where the demo meter's data, UCI
# appliances energy, was recorded). Set once through the API, as onboarding does: in
# configuration.yaml these keys lock Settings → System → General (unit system, time zone).
HOME = {
    "location_name": "py_iot_home (development)",
    "latitude": 50.454,
    "longitude": 3.952,
    "elevation": 60,
    "unit_system": "metric",
    "time_zone": "Europe/Brussels",
    "currency": "EUR",
    "country": "BE",
    "language": "en",
}


async def ensure_home(client: HomeAssistantClient) -> None:
    """Give a new instance the demo home's place, zone and units; later, leave them be.

    Home Assistant's defaults (a "Home" in UTC) mean nobody set them yet; anything else was
    set here before, or by the user since (switched to °F, say), and is kept.
    """
    config = await client.rest("GET", "/api/config")
    if config.get("location_name") != "Home" or config.get("time_zone") != "UTC":
        return
    await client.ws("config/core/update", **HOME)
    _LOGGER.info("set the demo home: %s, %s", HOME["time_zone"], HOME["unit_system"])


async def ensure_mqtt(client: HomeAssistantClient) -> None:
    """The MQTT integration, pointing at the local broker."""
    if await entry_titles(client, "mqtt"):
        return
    await run_flow(client, "mqtt", [BROKER])
    _LOGGER.info("added the MQTT integration (%s:%s)", BROKER["broker"], BROKER["port"])


async def ensure_board(client: HomeAssistantClient, state_dir: Path) -> None:
    """The simulated local board "Climate sensor" with its LED, in the area "Living room".

    The area is set afterwards, as Home Assistant's dialog after the flow does.
    """
    board = (await subentry_ids(client, "board")).get(BOARD_NAME)
    if board is None:
        (state_dir / BOARD_SIMULATED_STAMP).write_text(f"{BOARD_NAME} made simulated\n")
        answer = {**BOARD, "add_led": True}
        await add_to_home(client, "board", "board", [answer, LED_STEP])
        _LOGGER.info("added the local board %r", BOARD_NAME)
    elif not (stamp := state_dir / BOARD_SIMULATED_STAMP).exists():
        await ensure_board_simulated(client, board)
        stamp.write_text(f"{BOARD_NAME} reconfigured as simulated\n")
        _LOGGER.info("reconfigured %r as simulated", BOARD_NAME)
    await assign_area(client, BOARD_NAME, BOARD_AREA)


async def ensure_board_simulated(client: HomeAssistantClient, subentry_id: str) -> None:
    """A board made before the form asked for the hardware: reconfigure it as simulated."""
    entry_id = await home_entry_id(client)
    answer = {"dht_pin": BOARD["dht_pin"], "dht_model": BOARD["dht_model"]}
    result = await run_subentry_flow(
        client,
        [str(entry_id), "board"],
        [{"next_step_id": "wiring"}, {**answer, "backend": BOARD_HARDWARE}],
        subentry_id,
    )
    if result.get("reason") != "reconfigure_successful":
        raise HomeAssistantError(f"reconfiguring {BOARD_NAME} as simulated failed: {result}")


async def ensure_area(client: HomeAssistantClient, area_name: str) -> str:
    """The id of the area named `area_name`, made when missing."""
    areas = await client.ws("config/area_registry/list")
    area = next((a for a in areas if a["name"].casefold() == area_name.casefold()), None)
    if area is None:
        area = await client.ws("config/area_registry/create", name=area_name)
    area_id: str = area["area_id"]
    return area_id


async def assign_area(client: HomeAssistantClient, board_title: str, area_name: str) -> None:
    """Put the devices of the board titled `board_title` into the area `area_name`."""
    area_id = await ensure_area(client, area_name)
    board = (await subentry_ids(client, "board")).get(board_title)
    for device in await client.ws("config/device_registry/list"):
        if board and device.get("config_subentry_id") == board and device["area_id"] != area_id:
            await client.ws(
                "config/device_registry/update", device_id=device["id"], area_id=area_id
            )


def hourly_statistics(series: DemoSeries, end: datetime) -> dict[str, list[dict[str, Any]]]:
    """Hourly statistics per demo column for the SEED_DAYS before `end` (an hour start)."""
    rows: dict[str, list[dict[str, Any]]] = {item.column: [] for item in DEMO_QUANTITIES}
    start = end - timedelta(days=SEED_DAYS)
    for hour in range(SEED_DAYS * 24):
        moment = start + timedelta(hours=hour)
        data_hour = series.hour_statistics(moment)
        for column, stats in rows.items():
            stats.append(
                {
                    "start": moment.isoformat(),
                    "mean": round(data_hour[column].mean, 3),
                    "min": round(data_hour[column].minimum, 3),
                    "max": round(data_hour[column].maximum, 3),
                }
            )
    return rows


async def ensure_statistics(client: HomeAssistantClient, state_dir: Path, data: Path) -> None:
    """Seed the demo meter's long-term statistics with SEED_DAYS of replayed data, once.

    A predictor made before (on other sensors, or before the seeding) is removed, so the one
    made next trains on these statistics.
    """
    stamp = state_dir / STATISTICS_STAMP
    if stamp.exists():
        return
    # Imported before the meter node is confirmed, under the entity ids its sensors will get
    # (named after the device): its trends then start from this history, not from nothing.
    await remove_subentry(client, "forecast", PREDICTOR_TITLE)
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    series = await asyncio.to_thread(DemoSeries.load, data)
    statistics = hourly_statistics(series, end)
    for item in DEMO_QUANTITIES:
        await client.ws(
            "recorder/import_statistics",
            metadata={
                "has_sum": False,
                "mean_type": 1,  # arithmetic
                "name": None,
                "source": "recorder",
                "statistic_id": item.entity_id,
                "unit_class": item.unit_class,
                "unit_of_measurement": item.unit,
            },
            stats=statistics[item.column],
        )
    # The recorder imports in the background; the predictor trains once, at its creation.
    await wait_for(
        "the recorder to store the imported statistics",
        partial(_imported_or_none, client, end - timedelta(days=SEED_DAYS), end),
        timeout_s=120,
    )
    stamp.write_text(f"{SEED_DAYS} days of hourly statistics up to {end.isoformat()}\n")
    _LOGGER.info("seeded %s days of statistics for the demo power meter", SEED_DAYS)


async def _imported_or_none(
    client: HomeAssistantClient, start: datetime, end: datetime
) -> bool | None:
    ids = [item.entity_id for item in DEMO_QUANTITIES]
    stored = await client.ws(
        "recorder/statistics_during_period",
        start_time=start.isoformat(),
        end_time=end.isoformat(),
        statistic_ids=ids,
        period="hour",
        types=["mean"],
    )
    return True if all(len(stored.get(i, [])) == SEED_DAYS * 24 for i in ids) else None


async def _demo_weather_up(client: HomeAssistantClient) -> bool | None:
    """Whether `weather.demo_weather` is there with a state (its feed has spoken)."""
    try:
        state = await client.rest("GET", f"/api/states/{DEMO_WEATHER}")
    except HomeAssistantError:
        return None
    return True if state["state"] not in ("unavailable", "unknown") else None


async def ensure_predictor(client: HomeAssistantClient) -> None:
    """A power predictor learning the demo meter, when the integration offers predictors.

    With `weather.demo_weather` for the coming hours (the data's own, a perfect forecast)
    beside the meter's outdoor sensor for training, as a home online would have it; without
    it if the weather does not come up (the forecast then takes yesterday's temperature).
    """
    if PREDICTOR_TITLE in await subentry_ids(client, "forecast"):
        return
    power, temperature, humidity = (item.entity_id for item in DEMO_QUANTITIES)
    answer = {
        "name": PREDICTOR_TITLE,
        "power_entity": power,
        "temperature_entity": temperature,
        "humidity_entity": humidity,
    }
    try:
        await wait_for(DEMO_WEATHER, partial(_demo_weather_up, client), timeout_s=60)
        result = await add_to_home(
            client, "forecast", "predictor", [{**answer, "weather_entity": DEMO_WEATHER}]
        )
    except HomeAssistantError as err:
        _LOGGER.warning("the demo forecast goes without %s: %s", DEMO_WEATHER, err)
        result = await add_to_home(client, "forecast", "predictor", [answer])
    if result is None:
        _LOGGER.warning("this version of the integration has no predictor; skipped")
    elif result["type"] == "create_entry" or result.get("reason") == "forecast_added":
        _LOGGER.info("added the predictor %r", PREDICTOR_TITLE)


async def _predicted_power(client: HomeAssistantClient) -> list[str] | None:
    """The demo forecast's Predicted power sensor, once registered (after its first training)."""
    forecast = (await subentry_ids(client, "forecast")).get(PREDICTOR_TITLE)
    if forecast is None:
        return None
    registry: list[dict[str, Any]] = await client.ws("config/entity_registry/list")
    predicted = [
        entity["entity_id"]
        for entity in registry
        if entity.get("platform") == DOMAIN
        and entity.get("config_subentry_id") == forecast
        and entity.get("translation_key") == "predicted_power"
    ]
    return predicted or None


async def ensure_assist_exposure(
    client: HomeAssistantClient, state_dir: Path, timeout_s: float = 180
) -> None:
    """Expose the forecast's Predicted power, the meter's power and the weather to Assist, once.

    Home Assistant exposes temperature and humidity sensors by default, not power sensors nor
    weather entities, and Assist answers only from exposed ones: a user asking about power
    switches them on under Settings > Voice assistants > Expose, which sends this command.
    """
    stamp = state_dir / ASSIST_EXPOSED_STAMP
    if stamp.exists() or PREDICTOR_TITLE not in await subentry_ids(client, "forecast"):
        return
    try:
        # A new forecast's sensors come with its first training, a few seconds after the flow.
        predicted = await wait_for(
            f"{PREDICTOR_TITLE}'s Predicted power", partial(_predicted_power, client), timeout_s
        )
    except HomeAssistantError as err:
        _LOGGER.warning("nothing exposed to Assist: %s", err)
        return
    entity_ids = [*predicted, DEMO_QUANTITIES[0].entity_id]
    if await _demo_weather_up(client):
        entity_ids.append(DEMO_WEATHER)
    await client.ws(
        "homeassistant/expose_entity",
        assistants=["conversation"],
        entity_ids=entity_ids,
        should_expose=True,
    )
    stamp.write_text(f"exposed to Assist: {', '.join(entity_ids)}\n")
    _LOGGER.info("exposed to Assist: %s", ", ".join(entity_ids))


async def ensure_forecast_dashboard(client: HomeAssistantClient) -> None:
    """A "Power forecast" dashboard in the sidebar with the card, unless there is one."""
    dashboards: list[dict[str, Any]] = await client.ws("lovelace/dashboards/list")
    if any(board["url_path"] == FORECAST_DASHBOARD for board in dashboards):
        return  # the user's own, perhaps edited: left as it is
    await client.ws(
        "lovelace/dashboards/create",
        url_path=FORECAST_DASHBOARD,
        title="Power forecast",
        icon="mdi:chart-timeline-variant-shimmer",
        mode="storage",
        show_in_sidebar=True,
        require_admin=False,
    )
    card = yaml.safe_load(FORECAST_CARD.read_text())
    config = {"views": [{"title": "Power forecast", "path": "forecast", "cards": [card]}]}
    await client.ws("lovelace/config/save", url_path=FORECAST_DASHBOARD, config=config)
    _LOGGER.info("added the dashboard %r", "Power forecast")


async def confirm_nodes(client: HomeAssistantClient, node_ids: list[str]) -> None:
    """Confirm the discovery flows of the given nodes (what a user does in the UI)."""
    for node_id in node_ids:
        flow = await wait_for(
            f"the discovery of {node_id}",
            partial(_node_flow_or_done, client, node_id),
            timeout_s=60,
        )
        if flow.get("flow_id"):
            await client.rest("POST", f"/api/config/config_entries/flow/{flow['flow_id']}", {})
            _LOGGER.info("confirmed node %s", node_id)


async def _node_flow_or_done(client: HomeAssistantClient, node_id: str) -> dict[str, Any] | None:
    devices = await client.ws("config/device_registry/list")
    if any([DOMAIN, f"node_{node_id}"] in device["identifiers"] for device in devices):
        return {}
    flows = await client.ws("config_entries/flow/progress")
    return next(
        (
            flow
            for flow in flows
            if flow["handler"] == DOMAIN and flow["context"].get("unique_id") == node_id
        ),
        None,
    )


async def remove_subentry(client: HomeAssistantClient, subentry_type: str, title: str) -> None:
    """Remove the home entry's subentry of that type and title, if there is one."""
    if (subentry_id := (await subentry_ids(client, subentry_type)).get(title)) is not None:
        await client.ws(
            "config_entries/subentries/delete",
            entry_id=await home_entry_id(client),
            subentry_id=subentry_id,
        )
        _LOGGER.info("removed %r, to be made again", title)


async def remove_online_extras(client: HomeAssistantClient) -> None:
    """Remove what onboarding adds that needs the internet (text-to-speech, weather, radio)."""
    await asyncio.sleep(2)  # onboarding starts these flows in the background
    for domain in ONLINE_EXTRAS:
        entries = await client.rest("GET", f"/api/config/config_entries/entry?domain={domain}")
        for entry in entries:
            await client.rest("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")
            _LOGGER.info("removed %r (needs the internet)", entry["title"])


async def ignore_development_repairs(client: HomeAssistantClient) -> None:
    """Ignore Home Assistant's warnings about running as a development stack, as a user would.

    What is left under Repairs is then a real problem, of the integration or of the stack.
    """
    listed = await client.ws("repairs/list_issues")
    for issue in listed["issues"]:
        reason = DEVELOPMENT_ONLY_REPAIRS.get((issue["domain"], issue["issue_id"]))
        if reason is not None and not issue["ignored"]:
            await client.ws(
                "repairs/ignore_issue",
                domain=issue["domain"],
                issue_id=issue["issue_id"],
                ignore=True,
            )
            _LOGGER.info("ignored the repair %s.%s: %s", issue["domain"], issue["issue_id"], reason)


async def bootstrap(state_dir: Path, data: Path, node_ids: list[str]) -> None:
    """Run every step in order."""
    await wait_until_up()
    token, fresh = await ensure_token(state_dir)
    if fresh:
        (state_dir / STATISTICS_STAMP).unlink(missing_ok=True)
        (state_dir / ASSIST_EXPOSED_STAMP).unlink(missing_ok=True)
        _LOGGER.info("demo user: %s / %s (local development only)", DEMO_USERNAME, DEMO_PASSWORD)
    async with HomeAssistantClient(token) as client:
        await client.wait_until_running()
        await ensure_home(client)
        await ensure_http_confirmed(client)
        await ensure_mqtt(client)
        await ensure_board(client, state_dir)
        # Its history first: the meter's trends seed from it when the node is confirmed.
        await ensure_statistics(client, state_dir, data)
        # The demo meter is part of the stack: confirmed here, as a user would.
        await confirm_nodes(client, [NODE_ID])
        await ensure_predictor(client)
        await ensure_assist_exposure(client, state_dir)
        await ensure_forecast_dashboard(client)
        if node_ids:
            await confirm_nodes(client, node_ids)
        if fresh:
            await remove_online_extras(client)
        await ignore_development_repairs(client)
        lines = await board_lines(client, await subentry_ids(client, "board"))
        (state_dir / BOARDS_SUMMARY).write_text("".join(f"{line}\n" for line in lines))


def main() -> None:
    """Command line entry."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--state-dir", type=Path, default=Path(".cache/develop"))
    parser.add_argument("--data", type=Path, default=Path(".cache/data"))
    parser.add_argument("--confirm-nodes", nargs="*", default=[], metavar="NODE_ID")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="    %(message)s")
    asyncio.run(bootstrap(args.state_dir, args.data, args.confirm_nodes))


if __name__ == "__main__":
    main()
