"""The power forecast as a chart on a dashboard, with a built-in card, in Chromium.

Run through script/e2e (`-k forecast_chart`). The card is docs/examples/power_forecast_card.yaml,
the one the README shows: what is tested is what users copy.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.async_api import Page, expect

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


async def test_forecast_chart_on_a_dashboard(page: Page, api: HomeAssistantClient) -> None:
    """24 rows, each with a bar, the forecast and its band, in the home's time zone.

    script/develop made the dashboard, with the README's card, and put it in the sidebar.
    """
    state = await api.rest("GET", f"/api/states/{PREDICTED}")
    points = state["attributes"]["forecast"]
    assert len(points) == 24
    dashboards: list[dict[str, Any]] = await api.ws("lovelace/dashboards/list")
    (made,) = [board for board in dashboards if board["url_path"] == DASHBOARD]
    assert made["show_in_sidebar"]
    assert (await api.ws("lovelace/config", url_path=DASHBOARD))["views"][0]["cards"] == [CARD]
    await page.goto(f"/{DASHBOARD}/forecast")
    table = page.locator("ha-markdown").get_by_role("table")
    await expect(table.get_by_role("row")).to_have_count(25)
    first = table.get_by_role("row").nth(1)
    await expect(first).to_contain_text(re.compile(r"█"))
    await expect(first).to_contain_text(f"{watts(points[0]['power_w'])}")
    band = f"{watts(points[0]['low_w'])}{EN_DASH}{watts(points[0]['high_w'])}"
    await expect(first).to_contain_text(band)
    await expect(page.get_by_text(re.compile(r"better than the best rule"))).to_be_visible()
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=SCREENSHOT, full_page=True, animations="disabled")
