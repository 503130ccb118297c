"""Trend analysis of a board's or node's sensors: coordinator, entities, options."""
