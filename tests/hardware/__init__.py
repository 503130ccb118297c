"""Tests of the pure hardware layer, run against fake hardware libraries."""
