"""docs/broker.md shows the very files tests/test_broker_acl.py runs Mosquitto with."""

from __future__ import annotations

from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize("name", ["py_iot_home.conf", "py_iot_home.acl"])
def test_broker_doc_shows_the_tested_file(name: str) -> None:
    lines = (DOCS / "examples" / "mosquitto" / name).read_text().splitlines()
    settings = "\n".join(line for line in lines if line.strip() and not line.startswith("#"))
    shown = "\n".join(line for line in (DOCS / "broker.md").read_text().splitlines() if line)
    assert settings in shown
