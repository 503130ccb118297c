"""The log callback our Assist sentence triggers give Home Assistant's trigger helper."""

from __future__ import annotations

import logging
from typing import Any

from ..const import LOGGER


def log_sentence_triggers(level: int, message: str, **kwargs: Any) -> None:
    """Log what the trigger helper says; its routine "Initialized trigger" only at debug.

    The device sentences are attached again at each registry change: at info level that one
    line made up nine in ten of the integration's log lines.
    """
    quiet = logging.DEBUG if level <= logging.INFO else level
    LOGGER.log(quiet, "Assist sentences: %s", message, **kwargs)
