"""A new user's first visit, in Chromium, against script/develop's stack.

Run through script/e2e (it starts the stack without --confirm-nodes, then runs these
with PY_IOT_HOME_E2E=1). The tests run in file order, like the visit: the node confirmed
first, the history last, when the stack has run longest. Each one still arranges what it
needs, so `-k` can pick any of them.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from playwright.async_api import Locator, Page, expect

from custom_components.py_iot_home.analysis.trend_direction import DEFAULT_MIN_DURATION_S
from custom_components.py_iot_home.board.pin_validation import first_free_pin
from custom_components.py_iot_home.const import DOMAIN, TREND_REFRESH_INTERVAL
from script.demo.bootstrap import (
    BOARD,
    BOARD_AREA,
    BOARD_NAME,
    LED_STEP,
    PREDICTOR_TITLE,
    confirm_nodes,
    remove_subentry,
    subentry_ids,
)
from script.demo.ha_client import HomeAssistantClient, wait_until_up

from .conftest import API_URL, TOKEN_FILE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("PY_IOT_HOME_E2E") != "1",
        reason="needs script/develop's stack and Chromium: run script/e2e",
    ),
]

NODE_ID = "kitchen-pi"
NODE_NAME = "Kitchen Pi"
NODE_LED = "LED"
# Made before it is put in its area (as Home Assistant's dialog after the flow does): its
# entity ids are the board's name's.
LIVING_ROOM_TEMPERATURE = "sensor.climate_sensor_temperature"
LIVING_ROOM_TEMPERATURE_TREND = "sensor.climate_sensor_temperature_trend"
LIVING_ROOM_TEMPERATURE_RISING = "binary_sensor.climate_sensor_temperature_rising"
SCREENSHOTS = Path("docs/screenshots")
# A trend appears at the coordinator's first refresh with two samples: at worst one
# interval after the sensor's first reading.
TREND_TIMEOUT_MS = (TREND_REFRESH_INTERVAL + timedelta(minutes=2)).total_seconds() * 1000
# The frontend flips a toggle at once and flips it back after 2 s unless the state changed.
TOGGLE_SETTLE_S = 4
# Switch command → node → MQTT → state: a second when idle, bounded generously for CI.
NODE_REPLY_TIMEOUT_MS = 30_000
NUMBER = r"-?[\d,]+(?:\.\d+)?"
# A time of day as Assist says it in English: "6:27 AM".
CLOCK = r"(?:1[0-2]|[1-9]):\d\d [AP]M"
# The board form's default name, next to the demo's "Climate sensor".
ADDED_BOARD = f"{BOARD_NAME} 2"
# Home Assistant started again after a restart from the UI: bounded for two busy cores.
RESTART_TIMEOUT_MS = 300_000
# What an indoor room can do over days: a trend shown in the first minutes beyond this is
# the extrapolation of a few readings (the -864 degC/d once shown), not a trend.
BOARD_AREA_ID = BOARD_AREA.casefold().replace(" ", "_")  # the registry's id for it
PLAUSIBLE_PER_DAY = {"°C/d": 5.0, "%/d": 20.0, "W/d": 200.0}
VISIT_STARTED = datetime.now(UTC)
# How long a new direction must be seen before a rising sensor takes it.
DIRECTION_HELD = timedelta(seconds=DEFAULT_MIN_DURATION_S)
ON_OFF = {"on", "off"}


def entity_row(page: Page, name: str) -> Locator:
    """The row of the entity `name` on a device page; its own text is the value."""
    return page.locator("hui-generic-entity-row").filter(has=page.get_by_text(name, exact=True))


async def reading(page: Page, name: str, unit: str, timeout_ms: float = 60_000) -> float:
    """Wait until the row `name` shows a number in `unit`, and return the number."""
    row = entity_row(page, name)
    value = re.compile(rf"(?:^|\s)({NUMBER})\s?{re.escape(unit)}(?:\s|$)")
    await expect(row).to_have_text(value, timeout=timeout_ms)
    match = value.search(await row.text_content() or "")
    assert match is not None
    return float(match.group(1).replace(",", ""))


# What a trend's status row says while the trend is unknown (strings.json).
STATUS_TEXT = r"No readings yet|Collecting readings|Too uneven yet|No clear trend"


async def trend_or_unknown(page: Page, name: str, unit: str) -> float | None:
    """The row `name` as shown now: a number in `unit`, or None when it says Unknown."""
    row = entity_row(page, name)
    value = re.compile(rf"(?:^|\s)({NUMBER})\s?{re.escape(unit)}(?:\s|$)")
    await expect(row).to_have_text(re.compile(rf"{value.pattern}|Unknown"))
    match = value.search(await row.text_content() or "")
    return None if match is None else float(match.group(1).replace(",", ""))


async def assert_plausible_trends(page: Page) -> None:
    """Each trend row is unknown or a slope an indoor room can have; rising rows agree."""
    for quantity, unit in (("Temperature", "°C/d"), ("Humidity", "%/d")):
        trend = await trend_or_unknown(page, f"{quantity} trend", unit)
        assert trend is None or abs(trend) < PLAUSIBLE_PER_DAY[unit], (
            f"{quantity} trend {trend} {unit} in the first minutes"
        )
        # An unknown trend says why on the page itself (its status row, under Diagnostic);
        # a trend shown says "Shown".
        status = entity_row(page, f"{quantity} status")
        await expect(status).to_have_text(re.compile(rf"{STATUS_TEXT}|Shown"))
        shown = "Shown" in (await status.text_content() or "")
        if shown != (trend is not None):
            # Published between the two reads: the trend row shows a number by now.
            trend = await trend_or_unknown(page, f"{quantity} trend", unit)
            assert shown == (trend is not None), f"{quantity} trend {trend}, status shown={shown}"
        # The row's text is its state and then its name, "Not rising   Temperature rising".
        rising = entity_row(page, f"{quantity} rising")
        await expect(rising).to_have_text(re.compile(r"^\s*(Rising|Not rising|Unknown)\s"))
        if (await rising.text_content() or "").strip().startswith("Rising"):
            assert trend is not None, f"{quantity} rising without a trend"
            assert trend > 0, f"{quantity} rising with a trend of {trend}"


async def open_device(page: Page, name: str) -> None:
    """Settings → Devices & services → Devices → the device's row."""
    await page.get_by_role("link", name="Settings").click()
    await page.get_by_role("link", name=re.compile(r"^Devices & services")).click()
    # A tab up to 2026.10, a link from 2026.11.
    await (
        page.get_by_role("tab", name="Devices")
        .or_(page.get_by_role("link", name="Devices", exact=True))
        .click()
    )
    await page.get_by_role("rowheader", name=name, exact=True).click()
    # "Service info" on a device without hardware, like the predictor.
    await expect(
        page.get_by_role("heading", name=re.compile(r"^(Device|Service) info$"))
    ).to_be_visible()
    await expect(page.get_by_text(name, exact=True).first).to_be_visible()


async def node_entry_ids(api: HomeAssistantClient, node_id: str) -> set[str]:
    """The config entries of the node's device (none while it waits for confirmation)."""
    devices: list[dict[str, Any]] = await api.ws("config/device_registry/list")
    return {
        entry_id
        for device in devices
        if [DOMAIN, f"node_{node_id}"] in device["identifiers"]
        for entry_id in device["config_entries"]
    }


async def node_flow_id(api: HomeAssistantClient, node_id: str) -> str | None:
    """The discovery flow waiting for the user to confirm the node, if any."""
    flows: list[dict[str, Any]] = await api.ws("config_entries/flow/progress")
    return next(
        (
            flow["flow_id"]
            for flow in flows
            if flow["handler"] == DOMAIN and flow["context"].get("unique_id") == node_id
        ),
        None,
    )


@pytest.fixture
async def node_awaiting_confirmation(api: HomeAssistantClient) -> None:
    """The node is discovered and not confirmed, as on a fresh stack.

    A previous run confirmed it: removing its entry makes Home Assistant's MQTT
    discovery offer it again (the node's announcement is retained).
    """
    for entry_id in await node_entry_ids(api, NODE_ID):
        await api.rest("DELETE", f"/api/config/config_entries/entry/{entry_id}")
    deadline = time.monotonic() + 120
    while await node_flow_id(api, NODE_ID) is None:
        assert time.monotonic() < deadline, (
            f"{NODE_ID} is not offered for confirmation: is script/develop running "
            "without --confirm-nodes?"
        )
        await asyncio.sleep(1)


@pytest.fixture
async def confirmed_node(api: HomeAssistantClient) -> None:
    """The node is confirmed: by the first test, or else here through the API."""
    await confirm_nodes(api, [NODE_ID])


async def test_discovered_node_is_confirmed_in_its_dialog(
    page: Page, api: HomeAssistantClient, node_awaiting_confirmation: None
) -> None:
    """The overview says a device was discovered, and nothing to repair; the user adds it
    with no secret."""
    await expect(
        page.get_by_role("button", name=re.compile(r"^Devices discovered \d+ devices? to add"))
    ).to_be_visible()
    # A fresh stack had "Repairs: 1 issue" here (the demo weather's `mqtt:` YAML read before
    # the MQTT entry existed: "MQTT is not set up correctly") until a restart.
    issues = (await api.ws("repairs/list_issues"))["issues"]
    assert [f"{i['domain']}.{i['issue_id']}" for i in issues if not i["ignored"]] == []
    await expect(page.get_by_role("button", name=re.compile(r"^Repairs"))).to_have_count(0)
    await page.get_by_role("link", name="Settings").click()
    await page.get_by_role("link", name=re.compile(r"^Devices & services")).click()
    await expect(page.get_by_role("heading", name="Discovered")).to_be_visible()
    card = page.locator("ha-config-flow-card").filter(
        has=page.get_by_role("heading", name=NODE_NAME, exact=True)
    )
    await card.get_by_role("button", name="Add").click()

    # A password field now, empty: this node does not sign.
    secret = page.get_by_role("textbox", name="Shared secret", exact=True)
    await expect(secret).to_have_value("")
    await expect(page.get_by_text("Remote node discovered")).to_be_visible()
    await expect(
        page.get_by_text(f"Add the node {NODE_NAME} (Simulated Raspberry Pi, node id {NODE_ID})?")
    ).to_be_visible()
    await expect(page.get_by_text("Sensors: Climate")).to_be_visible()
    await page.screenshot(path=SCREENSHOTS / "discovery-flow.png", animations="disabled")
    await page.get_by_role("button", name="Submit").click()

    # Home Assistant then offers to name the new device and put it in an area.
    await expect(page.get_by_role("textbox", name="Device name")).to_have_value(NODE_NAME)
    await page.get_by_role("button", name=re.compile("finish", re.IGNORECASE)).click()
    await expect(card).to_have_count(0)
    assert await node_entry_ids(api, NODE_ID), "no config entry for the confirmed node"
    assert await node_flow_id(api, NODE_ID) is None


async def test_node_device_page_shows_readings_and_switches_its_led(
    page: Page, confirmed_node: None
) -> None:
    """Temperature, humidity and trend rows; the LED follows the switch once the node confirms."""
    await open_device(page, NODE_NAME)
    assert 0 < await reading(page, "Temperature", "°C") < 40
    assert 0 < await reading(page, "Humidity", "%") <= 100
    for name in ("Temperature trend", "Humidity trend", "Temperature rising", "Humidity rising"):
        await expect(entity_row(page, name)).to_be_visible()
    await expect(entity_row(page, "Connectivity")).to_have_text(re.compile("Connected"))

    await switch_node_led_both_ways(page)


async def switch_node_led_both_ways(page: Page) -> None:
    """Flip the node's LED on its device page and back; each state must come from the node."""
    switch = entity_row(page, NODE_LED).get_by_role("switch")
    was_on = await switch.is_checked()
    for on in (not was_on, was_on):
        # The thumb covers the hidden checkbox; a person clicks the thumb.
        await switch.click(force=True)
        await expect(switch).to_be_checked(checked=on)
        # After the frontend's 2 s grace the toggle shows the state; it is `on` only once
        # the node reported it (on a busy machine that can take longer than the grace).
        await asyncio.sleep(TOGGLE_SETTLE_S)
        await expect(switch).to_be_checked(checked=on, timeout=NODE_REPLY_TIMEOUT_MS)
        await expect(
            page.get_by_role(
                "button", name=re.compile(rf"^{NODE_LED} {'On' if on else 'Off'} ")
            ).first
        ).to_be_visible()


async def test_living_room_board_shows_its_trends(page: Page) -> None:
    """The local board, simulated and saying so: readings, trends (°C/d, %/d), rising flags."""
    await open_device(page, BOARD_NAME)
    await expect(page.get_by_text(f"In {BOARD_AREA}", exact=False).first).to_be_visible()
    await expect(page.get_by_text("Simulated DHT22").first).to_be_visible()
    assert 0 < await reading(page, "Temperature", "°C") < 40
    assert 0 < await reading(page, "Humidity", "%") <= 100
    await assert_plausible_trends(page)


async def test_power_forecast_device_shows_predicted_power(page: Page) -> None:
    """The predictor learned the demo meter (a home's appliances: tens to ~1000 W)."""
    await open_device(page, PREDICTOR_TITLE)
    assert 0 <= await reading(page, "Predicted power", "W") < 5_000


async def trend_entity_ids(api: HomeAssistantClient, prefix: str) -> list[str]:
    """Our trend sensors whose entity ids start with `prefix` (a device's)."""
    return [
        entity["entity_id"]
        for entity in await api.ws("config/entity_registry/list")
        if entity["platform"] == DOMAIN
        and entity["entity_id"].startswith(prefix)
        and entity["entity_id"].endswith("_trend")
    ]


async def test_meter_trends_start_from_its_history(api: HomeAssistantClient) -> None:
    """The demo meter's 60 days of statistics were there before it: its trends are too.

    A new user's first look must not be "unknown" for lack of data on a sensor with visible
    history: each trend has a week of daily means at once, and the recorder's hourly means
    make full days, so the slope is the daily means' line. It may still be unknown when the
    week swings too much to tell (the replayed outdoor week may swing by 6 °C): then it says
    there is no clear trend, with no time to wait for (a full window does not get surer).
    A number must be plausible (the replayed house: tens to ~1000 W, outdoors).
    """
    trend_ids = await trend_entity_ids(api, "sensor.demo_power_meter_")
    assert "sensor.demo_power_meter_outdoor_temperature_trend" in trend_ids, trend_ids
    for entity_id in trend_ids:
        state = await api.rest("GET", f"/api/states/{entity_id}")
        assert len(state["attributes"]["daily_means"]) >= 6, state
        assert state["attributes"]["method"] == "daily_means", state
        if state["state"] == "unknown":
            assert state["attributes"]["unknown_reason"] == "no_clear_trend", state
            assert "ready_at" not in state["attributes"], state
        else:
            limit = PLAUSIBLE_PER_DAY[state["attributes"]["unit_of_measurement"]]
            assert abs(float(state["state"])) < limit, state


async def test_node_trends_are_plausible_and_say_why_not_yet(
    page: Page, api: HomeAssistantClient, confirmed_node: None
) -> None:
    """Minutes after confirming, the node's trends are unknown (or plausible), saying why.

    This waits for the first trend analysis (at most one refresh after the node's first
    reading); the device page then goes into the docs.
    """
    await open_device(page, NODE_NAME)
    # Its model and maker, "simulated" once (it read "Simulated Raspberry Pi by Simulated").
    await expect(page.get_by_text("Simulated Raspberry Pi").first).to_be_visible()
    await expect(page.get_by_text("by Py IoT Home").first).to_be_visible()
    trend_ids = await trend_entity_ids(api, "sensor.kitchen_pi_")
    assert len(trend_ids) == 2, trend_ids
    deadline = time.monotonic() + TREND_TIMEOUT_MS / 1000
    states: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        states = [await api.rest("GET", f"/api/states/{entity_id}") for entity_id in trend_ids]
        if all(state["state"] != "unavailable" for state in states):
            break
        await asyncio.sleep(5)
    for state in states:
        if state["state"] == "unknown":
            reason = state["attributes"]["unknown_reason"]
            assert reason in {"span_too_short", "uncertain", "no_samples"}, state
            assert reason == "no_samples" or state["attributes"].get("ready_at"), state
        else:
            limit = PLAUSIBLE_PER_DAY[state["attributes"]["unit_of_measurement"]]
            assert abs(float(state["state"])) < limit, state
    await assert_plausible_trends(page)
    await page.screenshot(
        path=SCREENSHOTS / "node-device-page.png", full_page=True, animations="disabled"
    )


async def test_history_of_living_room_temperature_and_trend(page: Page) -> None:
    """The history panel, opened on both entities for the last 20 minutes.

    Both get a chart with its legend; the trend's chart has a line only once a trend is
    shown (on a fresh stack it stays unknown for about a day), and while it is empty the
    frontend does not give it the "Chart" role (seen in a run), so only the temperature's
    chart is required to have it.
    """
    now = datetime.now().astimezone()
    query = urlencode(
        {
            "entity_id": f"{LIVING_ROOM_TEMPERATURE},{LIVING_ROOM_TEMPERATURE_TREND}",
            "start_date": (now - timedelta(minutes=20)).isoformat(),
            "end_date": (now + timedelta(minutes=1)).isoformat(),
        }
    )
    await page.goto(f"/history?{query}")
    await expect(page.get_by_role("application", name="Chart").first).to_be_visible()
    for legend in ("Temperature", "Temperature trend"):
        await expect(
            page.get_by_role("button", name=f"{BOARD_NAME} ▸ {legend}", exact=True)
        ).to_be_visible()
    await page.wait_for_load_state("networkidle")
    await page.screenshot(
        path=SCREENSHOTS / "living-room-temperature-history.png", animations="disabled"
    )


async def ask_assist(page: Page, question: str, answer: re.Pattern[str]) -> str:
    """Type a question into the open Assist dialog, wait for the answer and return it."""
    request = page.get_by_role("textbox", name="Enter a request")
    await request.fill(question)
    await request.press("Enter")
    await expect(page.get_by_text(question, exact=True).last).to_be_visible()
    said = page.get_by_text(answer).last
    await expect(said).to_be_visible()
    return (await said.text_content() or "").strip()


async def test_assist_answers_a_trend_and_the_humidity(
    page: Page, api: HomeAssistantClient
) -> None:
    """The default agent answers from the living room's trend and humidity sensors, and
    from the demo's power forecast; its "warmer" agrees with the rising sensor beside it."""
    await page.goto("/home")
    await page.get_by_role("button", name=re.compile(r"^Assist")).click()
    area = re.escape(BOARD_AREA.title())  # the area as the registry spells it
    # The trend is analysed every 5 minutes, perhaps while the question is answered: the
    # answer agrees with the rising sensor as it was before it or after.
    rising = {(await api.rest("GET", f"/api/states/{LIVING_ROOM_TEMPERATURE_RISING}"))["state"]}
    said = await ask_assist(
        page,
        "is the living room getting warmer",
        re.compile(
            rf"^((Yes|No), the {area} is (getting warmer|getting colder|holding steady): "
            rf"[+-]{NUMBER}\s°C a day over the last (hour|\d+ hours|\d+ days)\."
            rf"|Not enough data yet to tell whether the {area} is getting warmer or colder"
            rf"(; ask again after {CLOCK} (today|tomorrow|on [A-Z][a-z]+day|on \d+ [A-Z][a-z]+))?"
            r"\.)$"
        ),
    )
    rising.add((await api.rest("GET", f"/api/states/{LIVING_ROOM_TEMPERATURE_RISING}"))["state"])
    if said.startswith("Not enough data yet"):
        assert "unknown" in rising, (said, rising)
    elif "is getting warmer:" in said:
        assert "on" in rising, (said, rising)
    else:  # "holding steady:" or "getting colder:"
        assert "off" in rising, (said, rising)
    await ask_assist(
        page,
        "what is the humidity in the living room",
        re.compile(rf"^The humidity in the {area} is {NUMBER}\spercent\.$"),
    )
    watts = r"[\d,]+(?:\.\d)?\sk?W"  # a no-break space before the unit
    await ask_assist(
        page,
        "what is the power forecast",
        re.compile(
            rf"^Demo power forecast (expects about {watts} this hour \(likely {watts} to {watts}\)"
            rf"(; the highest hour ahead is {CLOCK} (today|tomorrow), about {watts})?"
            rf"; about [\d,]+\.\d\skWh from now to {CLOCK} (today|tomorrow)|has no forecast yet)\.$"
        ),
    )
    await page.screenshot(path=SCREENSHOTS / "assist-trend.png", animations="disabled")


@pytest.fixture
async def no_added_board(api: HomeAssistantClient) -> AsyncIterator[None]:
    """No board from an earlier run; the one this test adds is removed afterwards."""
    await remove_subentry(api, "board", ADDED_BOARD)
    yield
    await remove_subentry(api, "board", ADDED_BOARD)


async def entry_devices(api: HomeAssistantClient, title: str) -> list[dict[str, Any]]:
    """The devices of this integration's board titled `title` (a subentry of its home entry)."""
    board = (await subentry_ids(api, "board")).get(title)
    devices: list[dict[str, Any]] = await api.ws("config/device_registry/list")
    return [device for device in devices if board and device.get("config_subentry_id") == board]


async def _choose_area(page: Page, area: str) -> None:
    """Choose `area` in the form's area picker, and see it chosen, as a person does.

    A click on an option while the list still opens may fall beside it and leave the field
    empty (session 38's CI screenshot): a person sees that and chooses again.
    """
    picker = page.locator("ha-area-picker").first
    for _ in range(3):
        await picker.click()
        await page.get_by_role("option", name=re.compile(area, re.IGNORECASE)).first.click()
        # The registry's name may be capitalised otherwise ("Living Room").
        chosen = picker.get_by_text(re.compile(f"^{re.escape(area)}$", re.IGNORECASE))
        try:
            await expect(chosen).to_be_visible(timeout=5_000)
        except AssertionError:
            continue
        return
    raise AssertionError(f"the area picker never showed {area}")


async def test_board_added_with_the_defaults_then_its_led_removed(
    page: Page, api: HomeAssistantClient, no_added_board: None
) -> None:
    """The add-board form starts valid and simulated; removing its LED removes its device."""
    dht_pin = first_free_pin({BOARD["dht_pin"], LED_STEP["pin"]})
    assert dht_pin is not None
    led_pin = first_free_pin({BOARD["dht_pin"], LED_STEP["pin"], dht_pin})
    led = f"{ADDED_BOARD} LED (GPIO{led_pin})"
    await page.goto(f"/config/integrations/integration/{DOMAIN}")
    # The home entry's own button opens the board's form at once, even while nodes wait
    # under Discovered (the integration's button would list those first).
    await page.get_by_role("button", name="Add board").click()

    await expect(page.get_by_role("textbox", name="Name*")).to_have_value(ADDED_BOARD)
    await expect(page.get_by_role("spinbutton", name=re.compile("^DHT data pin"))).to_have_value(
        str(dht_pin)
    )
    await expect(page.get_by_role("radio", name="Simulated sensor (no hardware)")).to_be_checked()
    # The area is asked here, with Home Assistant's own picker, and nowhere after.
    await _choose_area(page, BOARD_AREA)
    await page.screenshot(path=SCREENSHOTS / "add-board-defaults.png", animations="disabled")
    # The checkbox's own control is drawn over it: a click there is the person's click.
    await page.get_by_role("checkbox", name="Add an LED next").check(force=True)
    await page.get_by_role("button", name="Submit").click()
    await expect(page.get_by_role("spinbutton", name=re.compile("^GPIO pin"))).to_have_value(
        str(led_pin)
    )
    await expect(page.get_by_role("textbox", name="Name*")).to_have_value(f"{ADDED_BOARD} LED")
    await page.get_by_role("button", name="Submit").click()

    # A subentry's devices get no naming dialog: the area came from the form.
    await expect(page.get_by_text(f"Created configuration for {ADDED_BOARD}.")).to_be_visible()
    await expect(page.get_by_text("Name and assign")).to_have_count(0)
    await page.get_by_role("button", name=re.compile("finish", re.IGNORECASE)).click()
    # The board's device says it is simulated, under the board on the integration's page.
    row = page.locator("ha-config-sub-entry-row", has=page.get_by_text(ADDED_BOARD, exact=True))
    await expect(row.get_by_text("Simulated DHT22").first).to_be_visible()
    await row.scroll_into_view_if_needed()
    await page.screenshot(path=SCREENSHOTS / "add-board-created.png", animations="disabled")
    deadline = time.monotonic() + 30
    while {device["area_id"] for device in await entry_devices(api, ADDED_BOARD)} != {
        BOARD_AREA_ID
    }:
        assert time.monotonic() < deadline, await entry_devices(api, ADDED_BOARD)
        await asyncio.sleep(1)
    assert len(await entry_devices(api, ADDED_BOARD)) == 2
    issues = (await api.ws("repairs/list_issues"))["issues"]
    assert [i["issue_id"] for i in issues if i["domain"] == DOMAIN] == [], "a simulated board"

    await row.get_by_role("button", name="Change board").first.click()
    # The menu names the board; its title is plain text (a placeholder there is not filled).
    await expect(page.get_by_text(f"What to change on {ADDED_BOARD}?")).to_be_visible()
    await expect(page.get_by_text("MISSING_VALUE")).to_have_count(0)
    await page.get_by_text("Remove LEDs").click()
    await expect(page.get_by_role("checkbox", name=led)).not_to_be_checked()
    await page.get_by_text(led, exact=True).click()
    await page.get_by_role("button", name="Submit").click()
    await expect(page.get_by_text("These LEDs will be removed")).to_be_visible()
    await expect(page.get_by_role("listitem").filter(has_text=led)).to_be_visible()
    await page.screenshot(path=SCREENSHOTS / "remove-led-confirm.png", animations="disabled")
    # The confirmation's button says what it does.
    await expect(page.get_by_role("button", name="Submit")).to_have_count(0)
    await page.get_by_role("button", name="Remove", exact=True).click()
    await expect(page.get_by_text(re.compile("configuration was successful", re.I))).to_be_visible()
    await page.get_by_role("button", name=re.compile("close|finish", re.I)).first.click()
    deadline = time.monotonic() + 60
    while len(devices := await entry_devices(api, ADDED_BOARD)) != 1:
        assert time.monotonic() < deadline, f"the LED's device is still there: {devices}"
        await asyncio.sleep(1)
    entities: list[dict[str, Any]] = await api.ws("config/entity_registry/list")
    assert "switch.led" not in {entity["entity_id"] for entity in entities}


async def wait_until_down(timeout_s: float) -> None:
    """Wait until Home Assistant's HTTP port is closed (a refused or dropped connection).

    A slow answer is no proof: a stopping instance on a busy machine may take seconds, and
    taken for down, the old instance then passed for the new one.
    """
    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(API_URL + "/manifest.json"):
                    pass
            except TimeoutError:  # aiohttp's timeouts are client errors too
                continue
            except aiohttp.ClientError:
                return
            await asyncio.sleep(0.2)
    pytest.fail(f"Home Assistant did not stop within {timeout_s:.0f} s of the restart")


# The demo forecast's sensors: what a restart must give back as it was (no retraining).
FORECAST_SENSORS = tuple(
    f"sensor.demo_power_forecast_{key}"
    for key in (
        "predicted_power",
        "forecast_method",
        "skill_over_the_best_rule",
        "day_ahead_forecast_error",
        "last_trained",
    )
)


async def forecast_seen(client: HomeAssistantClient) -> dict[str, tuple[str, str | None]]:
    """Each forecast sensor's state, with the forecast's last hour (the predicted power's).

    The last, 23 hours after the one it was made in, tells which forecast it is: from the
    hour to its remake a minute later the first is already the new hour's.
    """
    seen: dict[str, tuple[str, str | None]] = {}
    for entity_id in FORECAST_SENSORS:
        state = await client.rest("GET", f"/api/states/{entity_id}")
        last = (state["attributes"].get("forecast") or [{}])[-1].get("datetime")
        seen[entity_id] = (state["state"], last)
    return seen


async def forecast_back(client: HomeAssistantClient, timeout_s: float) -> None:
    """Until every forecast sensor has a state again after a start (its first forecast)."""
    deadline = time.monotonic() + timeout_s
    while True:
        states = [state for state, _ in (await forecast_seen(client)).values()]
        if "unavailable" not in states and "unknown" not in states:
            return
        assert time.monotonic() < deadline, f"the forecast did not come back: {states}"
        await asyncio.sleep(1)


async def temperature_ahead(client: HomeAssistantClient) -> object:
    """Where the forecast's hours ahead took their temperature (the weather, or yesterday)."""
    state = await client.rest("GET", f"/api/states/{FORECAST_SENSORS[0]}")
    return state["attributes"].get("temperature_ahead")


async def weather_back(client: HomeAssistantClient, expected: object, timeout_s: float) -> None:
    """Until the forecast takes its temperature from where it did before the restart.

    The weather's integration may load after ours: the first forecast then takes yesterday's
    temperature, and the forecast is made again once the weather is up.
    """
    deadline = time.monotonic() + timeout_s
    while (seen := await temperature_ahead(client)) != expected:
        assert time.monotonic() < deadline, f"the forecast's temperature is from {seen}"
        await asyncio.sleep(1)


async def states_since(
    client: HomeAssistantClient, entity_id: str, since: datetime, timeout_s: float = 30
) -> list[str]:
    """The entity's states in its history since then, unavailable and unknown included, once
    the recorder has written its current one (it commits every second or so)."""
    deadline = time.monotonic() + timeout_s
    now = (await client.rest("GET", f"/api/states/{entity_id}"))["state"]
    while True:
        (history,) = await client.rest(
            "GET",
            f"/api/history/period/{since.isoformat()}?"
            + urlencode({"filter_entity_id": entity_id, "minimal_response": ""}),
        )
        if history[-1]["state"] == now:
            return [row["state"] for row in history]
        assert time.monotonic() < deadline, f"{entity_id}'s history ends {history[-1]}, not {now}"
        await asyncio.sleep(1)


async def test_restart_from_the_ui_keeps_the_node_and_its_led(
    page: Page, confirmed_node: None, api: HomeAssistantClient
) -> None:
    """Settings → Restart: script/develop starts Home Assistant again; the node is back,
    and the power forecast with the same model (no retraining) and the same figures."""
    forecast_before = await forecast_seen(api)
    # The demo forecast's hours ahead take weather.demo_weather's forecast.
    source_before = await temperature_ahead(api)
    assert source_before == "weather.demo_weather"
    restarted_at = datetime.now(UTC)
    await page.get_by_role("link", name=re.compile("Settings")).click()
    await page.get_by_role("button", name="Menu").click()
    await page.get_by_role("menuitem", name="Restart Home Assistant").click()
    await page.get_by_role("button", name=re.compile("^Restart Home Assistant")).click()
    await page.get_by_role("button", name="Restart", exact=True).click()
    # Home Assistant goes away (its port closes) and script/develop starts it again.
    await wait_until_down(RESTART_TIMEOUT_MS / 1000)
    await wait_until_up(API_URL, RESTART_TIMEOUT_MS / 1000)
    async with HomeAssistantClient(TOKEN_FILE.read_text().strip(), API_URL) as restarted:
        await restarted.wait_until_running(timeout_s=RESTART_TIMEOUT_MS / 1000)
        # Nothing new under Settings → Repairs (2026.11 warned about the development
        # stack's `http:` YAML at every restart).
        issues = (await restarted.ws("repairs/list_issues"))["issues"]
        shown = [f"{i['domain']}.{i['issue_id']}" for i in issues if not i["ignored"]]
        assert shown == [], f"repairs after the restart: {shown}"
        await forecast_back(restarted, RESTART_TIMEOUT_MS / 1000)
        await weather_back(restarted, source_before, RESTART_TIMEOUT_MS / 1000)
        forecast_after = await forecast_seen(restarted)
        # The predicted power's history holds one figure through the restart: not its first
        # forecast's, which took yesterday's temperature a second before the weather was up,
        # nor unavailable while it waited for the weather (seconds at every start, until
        # 2026-12-06: it now shows the forecast from before the restart meanwhile). (An hour
        # that began in between is forecast twice, at :00 and again at :01.)
        predicted_before, predicted_after = (
            seen[FORECAST_SENSORS[0]] for seen in (forecast_before, forecast_after)
        )
        if predicted_before[1] == predicted_after[1]:
            states = await states_since(restarted, FORECAST_SENSORS[0], restarted_at)
            assert states == [predicted_after[0]], f"the predicted power showed {states}"
        # The node was online throughout: its LED came back as it is, never "Unknown".
        (led,) = [
            entity["entity_id"]
            for entity in await restarted.ws("config/entity_registry/list")
            if entity["platform"] == DOMAIN and entity["entity_id"].startswith("switch.kitchen_pi_")
        ]
        rows = await restarted.rest(
            "GET", f"/api/logbook/{restarted_at.isoformat()}?{urlencode({'entity': led})}"
        )
        assert "unknown" not in [row.get("state") for row in rows], rows
    # The same model gives the same forecast for the same hour; one that began in between
    # (a restart across a minute past the hour) moves the forecast on, not the model.
    if forecast_after[FORECAST_SENSORS[0]][1] != forecast_before[FORECAST_SENSORS[0]][1]:
        del forecast_before[FORECAST_SENSORS[0]], forecast_after[FORECAST_SENSORS[0]]
    assert forecast_after == forecast_before
    await page.reload()
    await open_device(page, NODE_NAME)
    await expect(entity_row(page, "Connectivity")).to_have_text(re.compile("Connected"))
    await switch_node_led_both_ways(page)
    await page.screenshot(
        path=SCREENSHOTS / "node-after-restart.png", full_page=True, animations="disabled"
    )


async def test_the_homes_units_and_zone_can_be_changed_in_settings(
    api: HomeAssistantClient,
) -> None:
    """The demo home's place, zone and units live in Home Assistant's storage, not in
    configuration.yaml, which would lock Settings → System → General (°F, another zone)."""
    config = await api.rest("GET", "/api/config")
    assert config["config_source"] == "storage"
    assert (config["time_zone"], config["unit_system"]["temperature"]) == (
        "Europe/Brussels",
        "°C",
    )


async def test_rising_sensors_did_not_flip_during_the_visit(api: HomeAssistantClient) -> None:
    """No "rising" sensor turned on and off (or off and on) while the visit lasted.

    A rising sensor takes a new direction only once an hour of analyses agreed on it: on a
    stack left running for hours, one taken during the visit an hour or more after the
    last (straight from it, not through unknown) is that, not a flip.
    """
    rising_ids = [
        entity["entity_id"]
        for entity in await api.ws("config/entity_registry/list")
        if entity["platform"] == DOMAIN and entity["entity_id"].endswith("_rising")
    ]
    assert rising_ids
    history: list[list[dict[str, Any]]] = await api.rest(
        "GET",
        f"/api/history/period/{(VISIT_STARTED - DIRECTION_HELD).isoformat()}?"
        + urlencode({"filter_entity_id": ",".join(rising_ids), "minimal_response": ""}),
    )
    for states in history:
        flipped = flips_during_the_visit(states)
        assert flipped == [], f"{states[0].get('entity_id')} flipped: {flipped}"


def flips_during_the_visit(states: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Each turn of a rising sensor's history since the visit began that was no direction
    held for an hour: on then off (or off then on) sooner, or through unknown."""
    changes = [(state["state"], datetime.fromisoformat(state["last_changed"])) for state in states]
    known = [(index, state, at) for index, (state, at) in enumerate(changes) if state in ON_OFF]
    return [
        (was, now, f"{at:%H:%M:%S}")
        for (before, was, since), (index, now, at) in itertools.pairwise(known)
        if now != was
        and at > VISIT_STARTED
        and not (index == before + 1 and at - since >= DIRECTION_HELD)
    ]
