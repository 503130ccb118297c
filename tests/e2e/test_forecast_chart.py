"""The power forecast as a chart on a dashboard, with a built-in card, in Chromium.

Run through script/e2e (`-k forecast_chart`). The card is docs/examples/power_forecast_card.yaml,
the one the README shows: what is tested is what users copy.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.async_api import Locator, Page, expect

from script.demo.bootstrap import FORECAST_DASHBOARD
from script.demo.ha_client import HomeAssistantClient

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("PY_IOT_HOME_E2E") != "1",
        reason="needs script/develop's stack and Chromium: run script/e2e",
    ),
]

CARD = yaml.safe_load(Path("docs/examples/power_forecast_card.yaml").read_text())
EN_DASH = "\N{EN DASH}"
DASHBOARD = FORECAST_DASHBOARD
SCREENSHOT = Path("docs/screenshots/power-forecast-card.png")
PREDICTED = "sensor.demo_power_forecast_predicted_power"


def watts(value: float) -> int:
    """Whole watts as the card and the device page show them: half a watt goes up."""
    return math.floor(value + 0.5)


async def first_row_as_shown(row: Locator, api: HomeAssistantClient) -> list[str]:
    """The first row's cells, once they show the forecast's first point as the state has it.

    The forecast is made again a minute into every hour: a state read and the page's render
    may straddle that, so both are read again until they agree (a CI run read 881 W, then the
    page rendered the new forecast's 987 W). A card that never agrees fails after a minute.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while True:
        state = await api.rest("GET", f"/api/states/{PREDICTED}")
        point = state["attributes"]["forecast"][0]
        expected = [
            "now",
            f"{watts(point['power_w'])}",
            f"{watts(point['low_w'])}{EN_DASH}{watts(point['high_w'])}",
        ]
        cells = [cell.strip() for cell in await row.get_by_role("cell").all_inner_texts()]
        if len(cells) == 4 and [cells[0], cells[2], cells[3]] == expected:
            return cells
        if loop.time() > deadline:
            pytest.fail(f"the card's first row {cells} never showed the state's {expected}")
        await asyncio.sleep(1)


async def test_forecast_chart_on_a_dashboard(page: Page, api: HomeAssistantClient) -> None:
    """24 rows, each with a bar, the forecast and its band, in the home's time zone.

    script/develop made the dashboard, with the README's card, and put it in the sidebar.
    """
    state = await api.rest("GET", f"/api/states/{PREDICTED}")
    assert len(state["attributes"]["forecast"]) == 24
    dashboards: list[dict[str, Any]] = await api.ws("lovelace/dashboards/list")
    (made,) = [board for board in dashboards if board["url_path"] == DASHBOARD]
    assert made["show_in_sidebar"]
    assert (await api.ws("lovelace/config", url_path=DASHBOARD))["views"][0]["cards"] == [CARD]
    await page.goto(f"/{DASHBOARD}/forecast")
    table = page.locator("ha-markdown").get_by_role("table")
    # 24 hours and the header; in the minute after the hour, before the refresh, the hour that
    # ended is left out (23 rows): this waits for the refresh.
    await expect(table.get_by_role("row")).to_have_count(25)
    cells = await first_row_as_shown(table.get_by_role("row").nth(1), api)
    assert re.fullmatch(r"█+|▏", cells[1]), cells
    await expect(page.get_by_text(re.compile(r"better than the best rule"))).to_be_visible()
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=SCREENSHOT, full_page=True, animations="disabled")
