"""A paho client whose network is itself, for running the whole node loop in a test."""

from __future__ import annotations

from typing import Any, cast

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from paho.mqtt.subscribeoptions import SubscribeOptions


class LoopbackClient(paho.Client):
    """A paho Client whose network is this object: connects at once, acknowledges every publish."""

    def __init__(self) -> None:
        super().__init__(CallbackAPIVersion.VERSION2, client_id="loopback")
        self.published: list[tuple[str, bytes, bool]] = []
        self.calls: list[str] = []
        self._next_mid = 0

    def connect_async(
        self,
        host: str,
        port: int = 1883,
        keepalive: int = 60,
        bind_address: str = "",
        bind_port: int = 0,
        clean_start: paho.CleanStartOption = paho.MQTT_CLEAN_START_FIRST_ONLY,
        properties: Properties | None = None,
    ) -> None:
        self.calls.append(f"connect_async {host}:{port}")

    def loop_start(self) -> MQTTErrorCode:
        self.calls.append("loop_start")
        on_connect = cast(paho.CallbackOnConnect_v2, self.on_connect)
        on_connect(self, None, paho.ConnectFlags(False), ReasonCode(PacketTypes.CONNACK), None)
        return MQTTErrorCode.MQTT_ERR_SUCCESS

    def publish(
        self,
        topic: str,
        payload: paho.PayloadType = None,
        qos: int = 0,
        retain: bool = False,
        properties: Properties | None = None,
    ) -> paho.MQTTMessageInfo:
        self._next_mid += 1
        assert isinstance(payload, bytes)
        self.published.append((topic, payload, retain))
        info = paho.MQTTMessageInfo(self._next_mid)
        info._set_as_published()
        on_publish = cast(paho.CallbackOnPublish_v2, self.on_publish)
        on_publish(self, None, self._next_mid, ReasonCode(PacketTypes.PUBACK), None)  # type: ignore[arg-type]
        return info

    def subscribe(
        self,
        topic: str | tuple[str, int] | list[tuple[str, int]] | Any,
        qos: int = 0,
        options: SubscribeOptions | None = None,
        properties: Properties | None = None,
    ) -> tuple[MQTTErrorCode, int | None]:
        self.calls.append(f"subscribe {topic}")
        return MQTTErrorCode.MQTT_ERR_SUCCESS, 1

    def disconnect(
        self, reasoncode: ReasonCode | None = None, properties: Properties | None = None
    ) -> MQTTErrorCode:
        self.calls.append("disconnect")
        return MQTTErrorCode.MQTT_ERR_SUCCESS

    def loop_stop(self) -> MQTTErrorCode:
        self.calls.append("loop_stop")
        return MQTTErrorCode.MQTT_ERR_SUCCESS
