"""Assist (voice): answers about temperature, humidity, their trends and the power forecast.

`setup.py` registers the intents (`homeassistant.helpers.intent`, usable by any agent) and
attaches `sentences.py` to the default agent; each intent has its module, and the words it
says are in the `*_answers.py` modules, which need no Home Assistant.
"""
