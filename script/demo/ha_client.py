"""A small Home Assistant client for script/develop: REST calls and websocket commands."""

from __future__ import annotations

import asyncio
import itertools
import time
from types import TracebackType
from typing import Any, Self

import aiohttp

BASE_URL = "http://localhost:8123"


class HomeAssistantError(RuntimeError):
    """Home Assistant answered with an error."""


class HomeAssistantClient:
    """REST and websocket access with one access token; use as an async context manager."""

    def __init__(self, token: str, base_url: str = BASE_URL) -> None:
        """Prepare a client; nothing connects before `async with`."""
        self._token = token
        self._base_url = base_url
        self._session: aiohttp.ClientSession | None = None
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)

    async def __aenter__(self) -> Self:
        """Open the HTTP session."""
        self._session = aiohttp.ClientSession(
            headers={"Authorization": f"Bearer {self._token}"},
            timeout=aiohttp.ClientTimeout(total=120),
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the websocket and the session."""
        if self._socket is not None:
            await self._socket.close()
        if self._session is not None:
            await self._session.close()

    @property
    def session(self) -> aiohttp.ClientSession:
        """The open HTTP session."""
        assert self._session is not None, "use the client in `async with`"
        return self._session

    async def rest(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        """Call the REST API and return the decoded JSON answer."""
        async with self.session.request(method, self._base_url + path, json=payload) as response:
            body = await response.json(content_type=None)
            if response.status >= 400:
                raise HomeAssistantError(f"{method} {path}: HTTP {response.status}: {body}")
            return body

    async def ws(self, command: str, **fields: Any) -> Any:
        """Send one websocket command and return its result."""
        socket = await self._websocket()
        message_id = next(self._ids)
        await socket.send_json({"id": message_id, "type": command, **fields})
        while True:
            answer = await socket.receive_json()
            if answer.get("id") != message_id or answer.get("type") != "result":
                continue
            if not answer["success"]:
                raise HomeAssistantError(f"{command}: {answer['error']}")
            return answer["result"]

    async def _websocket(self) -> aiohttp.ClientWebSocketResponse:
        if self._socket is None:
            socket = await self.session.ws_connect(
                self._base_url + "/api/websocket", max_msg_size=0
            )
            await socket.receive_json()  # auth_required
            await socket.send_json({"type": "auth", "access_token": self._token})
            answer = await socket.receive_json()
            if answer["type"] != "auth_ok":
                raise HomeAssistantError(f"websocket authentication failed: {answer}")
            self._socket = socket
        return self._socket

    async def wait_until_running(self, timeout_s: float = 300) -> None:
        """Wait until Home Assistant has set up everything (its core state is RUNNING)."""
        deadline = time.monotonic() + timeout_s
        while (await self.rest("GET", "/api/config"))["state"] != "RUNNING":
            if time.monotonic() > deadline:
                raise HomeAssistantError(f"Home Assistant did not start within {timeout_s:.0f} s")
            await asyncio.sleep(0.5)

    async def token_is_valid(self) -> bool:
        """Whether Home Assistant accepts the token."""
        async with self.session.get(self._base_url + "/api/") as response:
            return response.status == 200


async def wait_until_up(base_url: str = BASE_URL, timeout_s: float = 300) -> None:
    """Wait until the frontend answers (manifest.json), i.e. HTTP is up and serving."""
    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        while True:
            try:
                async with session.get(base_url + "/manifest.json") as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise HomeAssistantError(f"Home Assistant did not answer within {timeout_s:.0f} s")
            await asyncio.sleep(0.5)
