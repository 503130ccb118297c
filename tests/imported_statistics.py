"""Long-term statistics imported once, then copied with the database.

Home Assistant 2026.10 imports statistics a query per row (2026.11 a query per batch): 56
days of three sensors took it about 2 s of CPU, in each of some fifty tests. A test marked
`@imported(statistics)` gets its recorder on an SQLite file. The first such test imports the
rows through Home Assistant's `async_import_statistics`, and the file is then saved (sqlite3's
backup); a later test marked with the same rows starts from a copy of it, and its
`async_import_once` of those rows only waits for the recorder. The marker names the rows
themselves (their digest), so a copy is used only where the test imports exactly them; a
marked test that never imports its rows fails. The templates outlive the session, in a folder
per Home Assistant release, whose recorder wrote them (`templates_folder`); script/test keeps
them for fresh clones.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from homeassistant.components.recorder.models import StatisticData, StatisticMetaData
from homeassistant.components.recorder.statistics import async_import_statistics
from homeassistant.const import __version__ as HA_VERSION
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

type Statistics = Sequence[tuple[StatisticMetaData, Sequence[StatisticData]]]

MARKER = "imported_statistics"


def digest(statistics: Statistics) -> str:
    """What the rows and their metadata are, as a template's name."""
    return hashlib.sha256(repr(statistics).encode()).hexdigest()[:16]


def templates_folder(root: Path) -> Path:
    """The folder of this Home Assistant release's templates under `root`."""
    folder = root / HA_VERSION
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def imported[**P](
    statistics: Callable[P, Statistics], *args: P.args, **kwargs: P.kwargs
) -> pytest.MarkDecorator:
    """Mark a test whose first recorded step imports `statistics(*args, **kwargs)`.

    The test imports them with `async_import_once`. Called when the test is set up.
    """
    return pytest.mark.imported_statistics(partial(statistics, *args, **kwargs))


@dataclass
class _Database:
    name: str
    path: Path
    template: Path
    copied: bool
    imported: bool = False


_current: _Database | None = None


def database_url(
    request: pytest.FixtureRequest, harness_url: str, tmp_path: Path, templates: Path
) -> Iterator[str]:
    """The recorder's URL for this test: a copy of its template, if it is marked and has one.

    `templates`: the session's folder of them.
    """
    global _current  # noqa: PLW0603 (one test at a time in a session)
    marker = request.node.get_closest_marker(MARKER)
    if marker is None or harness_url != "sqlite://":  # PostgreSQL's tests import as they are
        yield harness_url
        return
    (statistics,) = marker.args
    name = digest(statistics())
    path = tmp_path / "recorder.db"
    template = templates / f"{name}.db"
    if copied := template.exists():
        shutil.copyfile(template, path)
    _current = database = _Database(name, path, template, copied)
    failed_before = request.session.testsfailed
    try:
        yield f"sqlite:///{path}"
    finally:
        _current = None
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    if not database.imported and request.session.testsfailed == failed_before:
        pytest.fail(f"marked as importing {statistics}, the test imported other rows")


async def async_import_once(hass: HomeAssistant, statistics: Statistics) -> None:
    """Import `statistics`, or find them already in a database copied for the test."""
    database = _current
    if database is None or database.imported or database.name != digest(statistics):
        for metadata, rows in statistics:
            async_import_statistics(hass, metadata, rows)
        await async_wait_recording_done(hass)
        return
    database.imported = True
    # What the template records besides the statistics reaches every copy of it.
    states = hass.states.async_all()
    assert not states, f"a marked test imports before it sets a state: {states[0].entity_id}"
    if database.copied:
        await async_wait_recording_done(hass)
        return
    for metadata, rows in statistics:
        async_import_statistics(hass, metadata, rows)
    await async_wait_recording_done(hass)
    await hass.async_add_executor_job(_save, database)


def _save(database: _Database) -> None:
    """Save the database as its template (sqlite3's backup: what is committed, consistent).

    Written under a name of its own, then renamed: another session may save the same one.
    """
    handle, partial = tempfile.mkstemp(dir=database.template.parent, prefix=".partial-")
    os.close(handle)
    with (
        closing(sqlite3.connect(database.path)) as source,
        closing(sqlite3.connect(partial)) as template,
    ):
        source.backup(template)
    Path(partial).replace(database.template)
