"""Tests for py_iot_home."""
