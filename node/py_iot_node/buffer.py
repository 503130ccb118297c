"""The node's on-disk store: unsent samples (bounded), the message counter, switch states."""

from __future__ import annotations

import functools
import logging
import os
import secrets
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from .protocol import MAX_SEQ, MAX_STORED_SEQ

_LOGGER = logging.getLogger(__name__)
# The counter is written once per block, not per message, to spare the SD card.
SEQ_BLOCK = 1000
MAX_CEILING = MAX_STORED_SEQ
BOOT_ID_PATH = Path("/proc/sys/kernel/random/boot_id")
# Meta rows named so hold a switch's last state (1 on, 0 off) by its key.
_SWITCH = "switch:"

# `mono` (added later; NULL in older files) is the monotonic clock when the sample was taken.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS samples (seq INTEGER PRIMARY KEY, payload BLOB NOT NULL, mono REAL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


@functools.cache
def current_boot() -> int:
    """Return this boot's id in 63 bits: the kernel's boot_id, or random per process without it."""
    try:
        return uuid.UUID(BOOT_ID_PATH.read_text().strip()).int >> 65
    except (OSError, ValueError):
        return secrets.randbits(63)


class BufferedSample(NamedTuple):
    """One buffered sample; `mono` is None once its time may no longer be corrected."""

    seq: int
    payload: bytes
    mono: float | None


class SampleBuffer:
    """Samples waiting for the broker's acknowledgement, oldest dropped (and counted) when full.

    Used from one thread only: the agent's event loop. A file that is not a readable buffer
    is renamed aside and a new one started; when the file can no longer be written (a full
    SD card), the buffer carries on in memory until the node restarts.

    Each sample keeps the monotonic time it was taken at while its `ts` can still be
    corrected (see retiming.py): only within the boot that took it (the monotonic clock
    starts again at each boot), and only until it was offered to the broker (a copy with
    another `ts` could then reach Home Assistant twice).
    """

    def __init__(self, path: Path | str, max_samples: int, *, boot: int | None = None) -> None:
        if max_samples < 1:
            raise ValueError("max_samples must be at least 1")
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        self.max_samples = max_samples
        self.in_memory = False
        try:
            self._db = _open(path)
        except sqlite3.DatabaseError as err:
            aside = Path(f"{path}.corrupt-{int(time.time())}")
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(f"{path}{suffix}"):
                    os.replace(f"{path}{suffix}", f"{aside}{suffix}")
            _LOGGER.error(  # noqa: TRY400 - one line; the error says it all
                "buffer %s is unreadable (%s): moved to %s, starting empty", path, err, aside
            )
            self._db = _open(path)
        (self._count,) = self._db.execute("SELECT count(*) FROM samples").fetchone()
        self._write(self._adopt_boot, current_boot() if boot is None else boot)

    def _adopt_boot(self, boot: int) -> None:
        """Forget the monotonic times of another boot's samples: they mean nothing in this one."""
        if not _has_mono(self._db):
            self._db.execute("ALTER TABLE samples ADD COLUMN mono REAL")
        if self._meta("boot", -1) == boot:
            return
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("UPDATE samples SET mono = NULL")
            self._set_meta("boot", boot)

    def _fall_back_to_memory(self, err: sqlite3.Error) -> None:
        """Keep what can still be read, in memory; say so once."""
        _LOGGER.error("cannot write the sample buffer (%s): keeping samples in memory", err)
        memory = _open(":memory:")
        try:
            # A file too full to add the column keeps its samples, without monotonic times.
            rows = self._db.execute(
                "SELECT seq, payload, mono FROM samples"
                if _has_mono(self._db)
                else "SELECT seq, payload, NULL FROM samples"
            ).fetchall()
            meta = self._db.execute("SELECT name, value FROM meta").fetchall()
        except sqlite3.Error:
            rows, meta = [], []
        memory.executemany("INSERT INTO samples (seq, payload, mono) VALUES (?, ?, ?)", rows)
        memory.executemany("INSERT INTO meta (name, value) VALUES (?, ?)", meta)
        self._db.close()
        self._db = memory
        self.in_memory = True
        (self._count,) = self._db.execute("SELECT count(*) FROM samples").fetchone()

    def _write[**P](self, change: Callable[P, None], *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            change(*args, **kwargs)
        except sqlite3.OperationalError as err:
            if self.in_memory:
                raise
            self._fall_back_to_memory(err)
            change(*args, **kwargs)

    @property
    def command_seq(self) -> int:
        """The last accepted signed command's `seq` (-1 before any)."""
        return self._meta("command_seq", -1)

    @command_seq.setter
    def command_seq(self, seq: int) -> None:
        self._write(self._set_meta, "command_seq", seq)

    def _meta(self, name: str, default: int = 0) -> int:
        """A stored counter; `default` when there is none, or none that is a counter.

        SQLite keeps no checksums and lets any column hold text or a REAL: a flipped bit or a
        hand edit stopped the agent at every start, or numbered messages past 2**63-1.
        """
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        value = row[0] if row else None
        return value if type(value) is int and 0 <= value <= MAX_SEQ else default

    def _set_meta(self, name: str, value: int) -> None:
        self._db.execute(
            "INSERT INTO meta (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    def switch_states(self) -> dict[str, bool]:
        """Each switch's last state, as `save_switch_state` left it (none before any command)."""
        rows = self._db.execute(
            "SELECT name, value FROM meta WHERE name LIKE ?", (f"{_SWITCH}%",)
        ).fetchall()
        # Anything but 0 or 1 (a flipped bit, a hand edit) is no state: the switch's initial one.
        return {name.removeprefix(_SWITCH): value == 1 for name, value in rows if value in (0, 1)}

    def save_switch_state(self, key: str, on: bool) -> None:
        """Keep `key`'s state for the next start (one row per switch, written on each change)."""
        self._write(self._set_meta, f"{_SWITCH}{key}", int(on))

    @property
    def dropped(self) -> int:
        """Samples discarded because the buffer was full, over the file's lifetime."""
        return self._meta("dropped")

    def __len__(self) -> int:
        """Return the number of samples waiting."""
        return int(self._count)

    def append(self, seq: int, payload: bytes, mono: float | None = None) -> None:
        """Store one sample taken at monotonic `mono`; when full, drop the oldest and count them."""
        self._write(self._append, seq, payload, mono)

    def _append(self, seq: int, payload: bytes, mono: float | None) -> None:
        with self._db:
            self._db.execute("BEGIN")
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO samples (seq, payload, mono) VALUES (?, ?, ?)",
                (seq, payload, mono),
            )
            self._count += cursor.rowcount
            excess = self._count - self.max_samples
            if excess > 0:
                self._db.execute(
                    "DELETE FROM samples WHERE seq IN "
                    "(SELECT seq FROM samples ORDER BY seq LIMIT ?)",
                    (excess,),
                )
                self._count -= excess
                self._set_meta("dropped", self._meta("dropped") + excess)

    def oldest(self, limit: int) -> list[tuple[int, bytes]]:
        """Return the `limit` oldest samples as (seq, payload), oldest first."""
        rows = self._db.execute(
            "SELECT seq, payload FROM samples ORDER BY seq LIMIT ?", (limit,)
        ).fetchall()
        return [(int(seq), bytes(payload)) for seq, payload in rows]

    def samples(self) -> Iterator[BufferedSample]:
        """Yield every sample with its monotonic time, oldest first (change none meanwhile)."""
        for seq, payload, mono in self._db.execute(
            "SELECT seq, payload, mono FROM samples ORDER BY seq"
        ):
            yield BufferedSample(int(seq), bytes(payload), mono)

    def replace(self, rows: Iterable[tuple[int, bytes]]) -> None:
        """Store new payloads (retimed) for samples by seq."""
        self._write(self._replace, list(rows))

    def _replace(self, rows: list[tuple[int, bytes]]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "UPDATE samples SET payload = ? WHERE seq = ?",
                [(payload, seq) for seq, payload in rows],
            )

    def seal(self, seqs: Iterable[int]) -> None:
        """Keep these samples' time as it is: they were offered to the broker."""
        self._write(self._seal, list(seqs))

    def _seal(self, seqs: list[int]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "UPDATE samples SET mono = NULL WHERE seq = ?", [(seq,) for seq in seqs]
            )

    def remove(self, seqs: Iterable[int]) -> None:
        """Forget samples the broker acknowledged."""
        self._write(self._remove, list(seqs))

    def _remove(self, seqs: list[int]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            for seq in seqs:
                self._count -= self._db.execute(
                    "DELETE FROM samples WHERE seq = ?", (seq,)
                ).rowcount

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def sequence(self, clock: Callable[[], float] = time.time) -> SequenceCounter:
        """Return a message counter that never repeats a value across restarts."""
        return SequenceCounter(self, clock)


class SequenceCounter:
    """Monotonic `seq` source: resumes above a persisted ceiling and above the start time in ms.

    The time floor keeps counters rising when the state file is lost; the ceiling keeps them
    rising when the clock is wrong (a Pi without RTC before NTP).
    """

    def __init__(self, buffer: SampleBuffer, clock: Callable[[], float]) -> None:
        self._buffer = buffer
        ceiling = buffer._meta("seq_ceiling")
        if ceiling > MAX_CEILING:
            # Not written by a counter that starts at the time in milliseconds (a hand edit):
            # its next values would pass 2**63-1, which Home Assistant and SQLite refuse.
            _LOGGER.warning("the stored message counter %d is impossible; ignored", ceiling)
            ceiling = 0
        self._next = max(ceiling, int(clock() * 1000))
        self._ceiling = self._next

    def __call__(self) -> int:
        """Return the next counter value."""
        if self._next >= self._ceiling:
            self._ceiling = self._next + SEQ_BLOCK
            self._buffer._write(self._buffer._set_meta, "seq_ceiling", self._ceiling)
        value = self._next
        self._next += 1
        return value


def _has_mono(db: sqlite3.Connection) -> bool:
    return any(column[1] == "mono" for column in db.execute("PRAGMA table_info(samples)"))


def _open(path: Path | str) -> sqlite3.Connection:
    """Open (creating it readable by its owner only) and check a buffer file."""
    if str(path) != ":memory:" and not os.path.exists(path):
        # The samples and counters are nobody else's business; sqlite's -wal and -shm
        # files take the database file's mode.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        db.executescript(_SCHEMA)
        db.execute("PRAGMA journal_mode=WAL")
        # A power cut may lose the last transaction, never corrupt the file.
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("SELECT count(*) FROM samples").fetchone()
    except sqlite3.Error:
        db.close()
        raise
    return db
