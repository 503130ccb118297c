"""A DHT sensor board and its LEDs on the Home Assistant host."""
