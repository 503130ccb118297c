"""A CSV handed over compressed, as data sets ship them (`.csv.gz`, a zip of one file)."""

from __future__ import annotations

import bz2
import gzip
import lzma
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from bench.prediction_csv_options import CsvError

MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ\x00": "xz", b"PK\x03\x04": "zip"}
OPENERS: dict[str, Callable[..., IO[Any]]] = {"gzip": gzip.open, "bzip2": bz2.open, "xz": lzma.open}


@contextmanager
def uncompressed(path: Path, notes: Callable[[str], None]) -> Iterator[Path]:
    """The file itself, or the one file it packs, unpacked into a temporary folder.

    EIA-930's rows come as `.csv.gz` (gridshedwatch's snapshot): read as text, the header
    was gzip's bytes and the error named no column, not the packing.
    """
    try:
        with open(path, "rb") as file:
            start = file.read(6)
    except FileNotFoundError as error:
        raise CsvError(f"no such file: {path}") from error
    kind = next((name for magic, name in MAGIC.items() if start.startswith(magic)), None)
    if kind is None:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="bench-csv-") as folder:
        target = unpack(path, kind, Path(folder))
        notes(f"{path.name} is {kind}-compressed: read its {target.name}")
        yield target


def unpack(path: Path, kind: str, folder: Path) -> Path:
    """The packed file written into `folder`, or one `CsvError` saying why it cannot be."""
    try:
        if kind != "zip":
            target = folder / (path.name.rsplit(".", 1)[0] if "." in path.name else path.name)
            with OPENERS[kind](path, "rb") as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
            return target
        with zipfile.ZipFile(path) as archive:
            members = [name for name in archive.namelist() if not name.endswith("/")]
            if any(name.startswith("xl/") for name in members):
                raise CsvError(f"{path} is an Excel workbook: save its sheet as CSV")
            if len(members) != 1:
                listed = ", ".join(members[:5]) + (", ..." if len(members) > 5 else "")
                raise CsvError(f"{path} is a zip of {len(members)} files ({listed}): unzip one")
            target = folder / Path(members[0]).name
            with archive.open(members[0]) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
            return target
    except (OSError, EOFError, lzma.LZMAError, zipfile.BadZipFile) as error:
        raise CsvError(f"{path}: {kind}-compressed but does not unpack ({error})") from error
