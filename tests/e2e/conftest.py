"""Chromium, a logged-in page and an API client for script/develop's Home Assistant.

Nothing here starts Home Assistant: script/e2e runs script/develop first. There is no
`hass` fixture either; the browser talks to the real instance on 127.0.0.1:8123.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import AsyncIterator, Generator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from script.demo.ha_client import HomeAssistantClient
from script.demo.onboarding import DEMO_PASSWORD, DEMO_USERNAME

BASE_URL = "http://localhost:8123"
API_URL = "http://127.0.0.1:8123"  # the socket guard allows this host only
TOKEN_FILE = Path(".cache/develop/token")
FAILURES = Path(".cache/e2e")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
# Two shared cores: the frontend takes seconds to render a panel.
TIMEOUT_MS = 60_000
CALL_REPORT = pytest.StashKey[pytest.TestReport]()

expect.set_options(timeout=TIMEOUT_MS)


def chromium_path() -> str:
    """Debian's Chromium (PY_IOT_HOME_CHROMIUM overrides); never a downloaded browser."""
    found = os.environ.get("PY_IOT_HOME_CHROMIUM") or shutil.which("chromium")
    if found is None:
        pytest.fail("no Chromium on PATH: script/e2e installs Debian's chromium package")
    return found


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Replace the suite's autouse fixture, which would start a test Home Assistant."""


@pytest.fixture(autouse=True)
def quiet_asyncio() -> Generator[None]:
    """The suite runs the loop in debug mode, which logs every pipe read of the driver."""
    logger = logging.getLogger("asyncio")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep the outcome of the test body, for the screenshot taken on failure."""
    report = yield
    if report.when == "call":
        item.stash[CALL_REPORT] = report
    return report


@pytest.fixture
async def browser(socket_enabled: None) -> AsyncIterator[Browser]:
    """Headless Chromium, closed after the test."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser: Browser, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    """A page logged in as the demo user, looking at the overview.

    Service workers are blocked: the frontend reloads itself when its worker takes over,
    which would swallow a click made in the meantime.
    """
    context = await browser.new_context(
        base_url=BASE_URL,
        viewport={"width": 1280, "height": 900},
        timezone_id="Europe/Brussels",  # the instance's zone, as its user would see it
        service_workers="block",
    )
    context.set_default_timeout(TIMEOUT_MS)
    new_page = await context.new_page()
    await log_in(new_page)
    yield new_page
    report = request.node.stash.get(CALL_REPORT, None)
    if report is not None and report.failed:
        await new_page.screenshot(path=FAILURES / f"{request.node.name}.png", full_page=True)
    await context.close()


async def log_in(page: Page) -> None:
    """Fill in the login form like a person and wait for the sidebar."""
    await page.goto("/")
    await page.get_by_role("textbox", name="Username").fill(DEMO_USERNAME)
    await page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("link", name="Settings")).to_be_visible()


@pytest.fixture
def develop_token() -> str:
    """The demo user's long-lived token that script/develop keeps."""
    if not TOKEN_FILE.exists():
        pytest.fail(f"{TOKEN_FILE} is missing: start script/develop first (script/e2e does)")
    return TOKEN_FILE.read_text().strip()


@pytest.fixture
async def api(develop_token: str, socket_enabled: None) -> AsyncIterator[HomeAssistantClient]:
    """REST and websocket access as the demo user, to arrange and to check."""
    async with HomeAssistantClient(develop_token, API_URL) as client:
        yield client
