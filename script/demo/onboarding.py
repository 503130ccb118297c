"""Onboard a fresh Home Assistant with the demo user and keep a long-lived token for it.

FOR LOCAL DEVELOPMENT ONLY: the demo user's password is public (docs/develop.md), and
Home Assistant is bound to loopback by config/configuration.yaml.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

from .ha_client import BASE_URL, HomeAssistantClient, HomeAssistantError

_LOGGER = logging.getLogger(__name__)
DEMO_NAME = "Demo"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-password"  # noqa: S105  (documented, local development only)
CLIENT_ID = f"{BASE_URL}/"
REDIRECT_URI = f"{BASE_URL}/?auth_callback=1"


async def _post(session: aiohttp.ClientSession, path: str, **kwargs: Any) -> Any:
    async with session.post(BASE_URL + path, **kwargs) as response:
        body = await response.json(content_type=None)
        if response.status >= 400:
            raise HomeAssistantError(f"POST {path}: HTTP {response.status}: {body}")
        return body


async def _access_token(session: aiohttp.ClientSession, auth_code: str) -> str:
    tokens = await _post(
        session,
        "/auth/token",
        data={"grant_type": "authorization_code", "code": auth_code, "client_id": CLIENT_ID},
    )
    return str(tokens["access_token"])


async def _create_demo_user(session: aiohttp.ClientSession) -> str:
    answer = await _post(
        session,
        "/api/onboarding/users",
        json={
            "name": DEMO_NAME,
            "username": DEMO_USERNAME,
            "password": DEMO_PASSWORD,
            "client_id": CLIENT_ID,
            "language": "en",
        },
    )
    return await _access_token(session, answer["auth_code"])


async def _log_in(session: aiohttp.ClientSession) -> str:
    flow = await _post(
        session,
        "/auth/login_flow",
        json={
            "client_id": CLIENT_ID,
            "handler": ["homeassistant", None],
            "redirect_uri": REDIRECT_URI,
        },
    )
    result = await _post(
        session,
        f"/auth/login_flow/{flow['flow_id']}",
        json={"username": DEMO_USERNAME, "password": DEMO_PASSWORD, "client_id": CLIENT_ID},
    )
    if result.get("type") != "create_entry":
        raise HomeAssistantError(
            f"cannot log in as {DEMO_USERNAME!r} ({result.get('errors')}); "
            "reset the development instance (docs/develop.md)"
        )
    return await _access_token(session, result["result"])


async def _finish_onboarding(session: aiohttp.ClientSession, token: str, done: set[str]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    # A fresh stack has core config done already (onboarding_seed.py); location and units
    # go through the API (bootstrap.ensure_home). Analytics stay off.
    for step, payload in (
        ("core_config", None),
        ("analytics", None),
        ("integration", {"client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI}),
    ):
        if step not in done:
            await _post(session, f"/api/onboarding/{step}", json=payload, headers=headers)
            _LOGGER.info("onboarding step %s done", step)


async def ensure_token(state_dir: Path) -> tuple[str, bool]:
    """A long-lived token for the demo user, onboarding first when needed.

    Returns the token and whether the instance was onboarded just now (a fresh instance:
    anything remembered in `state_dir` about the previous one is stale).
    """
    token_file = state_dir / "token"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        async with session.get(BASE_URL + "/api/onboarding") as response:
            # Once onboarding is over, Home Assistant stops serving its status.
            steps = await response.json() if response.status == 200 else None
        all_steps = {"user", "core_config", "analytics", "integration"}
        done = all_steps if steps is None else {step["step"] for step in steps if step["done"]}
        fresh = "user" not in done
        if fresh:
            access = await _create_demo_user(session)
            _LOGGER.info("created the demo user %r", DEMO_USERNAME)
        elif token_file.exists():
            token = token_file.read_text().strip()
            async with HomeAssistantClient(token) as client:
                if await client.token_is_valid():
                    return token, False
            access = await _log_in(session)
        else:
            access = await _log_in(session)
        await _finish_onboarding(session, access, done)
    async with HomeAssistantClient(access) as client:
        token = await client.ws(
            "auth/long_lived_access_token",
            client_name=f"script/develop {datetime.now().isoformat(timespec='seconds')}",
            lifespan=3650,
        )
    await asyncio.to_thread(_save_token, token_file, str(token))
    return str(token), fresh


def _save_token(token_file: Path, token: str) -> None:
    token_file.parent.mkdir(parents=True, exist_ok=True)
    token_file.touch(mode=0o600)
    token_file.write_text(token)
