"""Trend analysis: sample storage, window statistics and daily trends."""
