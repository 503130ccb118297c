"""Tests of the MQTT node agent."""
