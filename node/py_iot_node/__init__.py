"""py-iot-node: a Raspberry Pi that reports DHT sensors and drives GPIO outputs over MQTT."""

__version__ = "0.1.0"
