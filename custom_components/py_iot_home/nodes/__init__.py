"""Remote Raspberry Pi nodes reached over MQTT: discovery, connection, entities."""
