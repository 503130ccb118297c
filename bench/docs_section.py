"""Generated sections of the docs: figures a benchmark wrote, between two marker comments.

    <!-- generated: NAME by `script/bench-docs NAME`; do not edit -->
    ...
    <!-- /generated: NAME -->

A document holds a section by carrying its two markers; `write_section` replaces what is
between them and refuses a document that lacks them (a figure never silently goes nowhere).
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def begin_marker(name: str) -> str:
    """The comment that opens section NAME."""
    return f"<!-- generated: {name} by `script/bench-docs {name}`; do not edit -->"


def end_marker(name: str) -> str:
    """The comment that closes section NAME."""
    return f"<!-- /generated: {name} -->"


def write_section(name: str, body: str, documents: Sequence[Path]) -> None:
    """Put `body` between section NAME's markers in each document; KeyError if one lacks them."""
    begin, end = begin_marker(name), end_marker(name)
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    block = f"{begin}\n{body.strip()}\n{end}"
    for path in documents:
        text = path.read_text()
        if not pattern.search(text):
            raise KeyError(f"{path.relative_to(REPO)} has no generated section {name!r}")
        path.write_text(pattern.sub(lambda _: block, text))
        print(f"rewrote the {name} figures in {path.relative_to(REPO)}")


def machine_line() -> str:
    """Where and when: the figures' date, CPU count, Python, Home Assistant, load average."""
    try:
        ha_version = importlib.metadata.version("homeassistant")
    except importlib.metadata.PackageNotFoundError:  # a bench run without Home Assistant's venv
        ha_version = "-"
    load = os.getloadavg()[0]
    return (
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, Home Assistant "
        f"{ha_version}; load average {load:.1f} when written"
    )
