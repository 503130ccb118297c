"""Assist (voice): answers about temperature, humidity and their trends."""
