"""Where the imported statistics' databases are kept (tests/imported_statistics.py)."""

import sqlite3
from contextlib import closing
from pathlib import Path

from homeassistant.const import __version__ as HA_VERSION

from .imported_statistics import _Database, _save, templates_folder


def test_the_templates_outlive_the_session_one_folder_per_release(
    statistics_templates: Path,
) -> None:
    repository = Path(__file__).parents[1]
    assert statistics_templates == repository / ".cache" / "statistics-templates" / HA_VERSION
    assert statistics_templates.is_dir()


def test_a_template_saved_again_replaces_the_first_whole(tmp_path: Path) -> None:
    folder = templates_folder(tmp_path)
    database = tmp_path / "recorder.db"
    for rows in (1, 2):
        with closing(sqlite3.connect(database)) as connection:
            connection.execute("CREATE TABLE IF NOT EXISTS hours (power REAL)")
            connection.execute("INSERT INTO hours VALUES (1.5)")
            connection.commit()
        _save(_Database("rows", database, folder / "rows.db", copied=False))
        with closing(sqlite3.connect(folder / "rows.db")) as template:
            assert template.execute("SELECT count(*) FROM hours").fetchone() == (rows,)
    assert [path.name for path in folder.iterdir()] == ["rows.db"]
