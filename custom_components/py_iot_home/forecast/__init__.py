"""The power forecast: recorder history, training, forecasts and their entities."""
