"""Tests of the pure analysis modules."""
