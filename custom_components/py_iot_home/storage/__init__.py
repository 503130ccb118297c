"""Helpers for Home Assistant's storage."""
