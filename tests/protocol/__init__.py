"""Tests of the MQTT protocol module."""
