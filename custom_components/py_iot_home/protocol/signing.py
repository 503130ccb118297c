"""HMAC-SHA256 signatures and counters: signing on one side, verifying on the other."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Final

from .model import (
    ADMIT_SPAN,
    MAX_COMMAND_AGE_S,
    ProtocolError,
    RejectionKind,
)

_SIG_RE: Final = re.compile(r"[0-9a-f]{64}")
# Runs of admitted counters kept across a restart: a node skips counters once per restart.
MAX_ADMITTED_RUNS: Final = 64


def canonical_json(message: Mapping[str, object]) -> bytes:
    """Serialise a JSON object the one way signatures are computed over."""
    return json.dumps(
        message, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def signing_input(topic: str, message: Mapping[str, object]) -> bytes:
    """Return the bytes a `sig` covers: topic, newline, canonical JSON without `sig`."""
    unsigned = {name: value for name, value in message.items() if name != "sig"}
    return topic.encode() + b"\n" + canonical_json(unsigned)


def compute_signature(secret: bytes, topic: str, message: Mapping[str, object]) -> str:
    """HMAC-SHA256 of `signing_input`, as 64 lowercase hex digits."""
    return hmac.new(secret, signing_input(topic, message), hashlib.sha256).hexdigest()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a shared secret: its UTF-8 bytes, once put in one Unicode form (NFC).

    One secret however it was typed: "ü" is one code point from a browser's form and often
    two (u and a combining diaeresis) from an editor, and the node's signatures were refused
    as `bad_signature` for a secret that read the same on both sides.
    """
    return unicodedata.normalize("NFC", secret).encode()


def _secret_bytes(secret: str | bytes) -> bytes:
    key = secret_key(secret) if isinstance(secret, str) else secret
    if not key:
        raise ValueError("the shared secret must not be empty")
    return key


def _set_bits(bits: bytearray, low: int, high: int) -> None:
    """Set bits low..high-1, bit i being ``bits[i >> 3] & 1 << (i & 7)``."""
    while low < high and low & 7:
        bits[low >> 3] |= 1 << (low & 7)
        low += 1
    while low < high and high & 7:
        high -= 1
        bits[high >> 3] |= 1 << (high & 7)
    if low < high:
        bits[low >> 3 : high >> 3] = b"\xff" * ((high - low) >> 3)


def _clear_bits(bits: bytearray, low: int, high: int) -> None:
    """Clear bits low..high-1, bit i being ``bits[i >> 3] & 1 << (i & 7)``."""
    while low < high and low & 7:
        bits[low >> 3] &= ~(1 << (low & 7)) & 0xFF
        low += 1
    while low < high and high & 7:
        high -= 1
        bits[high >> 3] &= ~(1 << (high & 7)) & 0xFF
    if low < high:
        bits[low >> 3 : high >> 3] = bytes((high - low) >> 3)


class MessageSigner:
    """Adds `seq`-carrying messages their `sig` (node side, and Home Assistant for commands)."""

    def __init__(self, secret: str | bytes) -> None:
        self._secret = _secret_bytes(secret)

    def sign(self, topic: str, message: dict[str, object]) -> dict[str, object]:
        """Return `message` with `sig` set for `topic`."""
        signed = {name: value for name, value in message.items() if name != "sig"}
        signed["sig"] = compute_signature(self._secret, topic, signed)
        return signed


class MessageVerifier:
    """Checks signatures and rejects counters already seen, for one peer.

    Commands need a `seq` above the last accepted one. A node's state and replay entries may
    arrive out of order (a resend fills a gap after newer samples arrived), so those are
    admitted once each: above a floor, and not among the counters admitted since, kept as
    one bit each for the `admit_span` counters above the floor. The floor rises only when a
    counter lies beyond that span, never because of the order counters came in: whoever
    captured a node's messages cannot make it forget a gap by sending them scattered.
    The retained announcement may repeat its own `seq` (redelivered on every subscribe).
    """

    def __init__(
        self,
        secret: str | bytes,
        *,
        last_seq: int = -1,
        last_announce_seq: int = -1,
        clock: Callable[[], float] = time.time,
        max_command_age_s: float = MAX_COMMAND_AGE_S,
        admit_span: int = ADMIT_SPAN,
    ) -> None:
        if admit_span < 8 or admit_span % 8:
            raise ValueError(f"admit_span must be a positive multiple of 8, got {admit_span}")
        self._secret = _secret_bytes(secret)
        self.last_seq = last_seq
        self.last_announce_seq = last_announce_seq
        self._clock = clock
        self._max_command_age_s = max_command_age_s
        self._floor = last_seq
        self._span = admit_span
        # Bit `seq % span` is set for each counter admitted in (floor, floor + span]; made at
        # the first admit, so a verifier that only checks commands costs nothing.
        self._admitted: bytearray | None = None

    def restore(
        self,
        last_seq: int,
        last_announce_seq: int = -1,
        *,
        admitted: tuple[int, Sequence[tuple[int, int]]] | None = None,
    ) -> None:
        """Start from persisted counters: nothing admitted before is admitted again.

        Without `admitted`, nothing at or below `last_seq` is. `last_announce_seq` may repeat
        (the retained announcement), never go back. With `admitted` (what `admitted_runs`
        returned before the restart), the counters never admitted below `last_seq` stay
        admissible: a node's backlog, overtaken by its live switch states, is still on its
        way. Runs that do not fit are ignored (a hand edit).
        """
        self.last_announce_seq = max(self.last_announce_seq, last_announce_seq)
        self.last_seq = max(self.last_seq, last_seq)
        if admitted is None or not self._fits(*admitted, last_seq):
            self._raise_floor(last_seq)
            return
        floor, runs = admitted
        self._raise_floor(floor)
        if self._admitted is None:
            self._admitted = bytearray(self._span // 8)
        for first, last in runs:
            low, high = first % self._span, last % self._span + 1
            if low < high:
                _set_bits(self._admitted, low, high)
            else:
                _set_bits(self._admitted, low, self._span)
                _set_bits(self._admitted, 0, high)

    def _fits(self, floor: int, runs: Sequence[tuple[int, int]], last_seq: int) -> bool:
        """Whether `runs` are ordered, disjoint, above `floor` and within a span of it."""
        if not self._floor <= floor <= last_seq:
            return False
        top = floor
        for first, last in runs:
            if not top < first <= last <= min(last_seq, floor + self._span):
                return False
            top = last
        return True

    def admitted_runs(self, limit: int = MAX_ADMITTED_RUNS) -> tuple[int, list[tuple[int, int]]]:
        """The floor and the runs (first, last) of admitted counters above it, oldest first.

        For `restore` after a restart. At most the `limit` newest runs: below them the floor
        rises (a node whose counters skipped that often within the span).
        """
        if self._admitted is None:
            return self._floor, []
        bits = int.from_bytes(self._admitted, "little")
        start = (self._floor + 1) % self._span
        # Bit i of `window` stands for counter floor + 1 + i.
        window = ((bits >> start) | (bits << (self._span - start))) & ((1 << self._span) - 1)
        runs: list[tuple[int, int]] = []
        while window and len(runs) < limit:
            last = window.bit_length() - 1
            first = (~window & ((1 << last) - 1)).bit_length()
            runs.append((self._floor + 1 + first, self._floor + 1 + last))
            window &= (1 << first) - 1
        runs.reverse()
        floor = runs[0][0] - 1 if window else self._floor
        return floor, runs

    @property
    def floor(self) -> int:
        """Counters at or below it are refused: the restored one, or one a span below the top."""
        return self._floor

    def admit(self, seq: int) -> bool:
        """Admit a node counter once: False if it was admitted before.

        Raises ProtocolError at or below the floor, which rises only to stay within
        `admit_span` of the newest counter (memory stays bounded at span / 8 bytes).
        """
        if seq <= self._floor:
            raise ProtocolError(
                RejectionKind.REPLAYED_COUNTER, f"seq {seq} not above {self._floor}"
            )
        if seq - self._floor > self._span:
            self._raise_floor(seq - self._span)
        if self._admitted is None:
            self._admitted = bytearray(self._span // 8)
        index = seq % self._span
        byte, bit = index >> 3, 1 << (index & 7)
        if self._admitted[byte] & bit:
            return False
        self._admitted[byte] |= bit
        self.last_seq = max(self.last_seq, seq)
        return True

    def _raise_floor(self, floor: int) -> None:
        """Refuse everything at or below `floor`; the bits of counters it passes are cleared."""
        if floor <= self._floor:
            return
        admitted = self._admitted
        if admitted is not None:
            passed = floor - self._floor
            if passed >= self._span:
                admitted[:] = bytes(len(admitted))
            else:
                # Whole bytes at once: a counter per step would cost a node that jumps its
                # counter by just under the span ~65k steps per message, on the event loop.
                start = (self._floor + 1) % self._span
                end = start + passed
                _clear_bits(admitted, start, min(end, self._span))
                _clear_bits(admitted, 0, end - self._span)
        self._floor = floor

    def check_signature(self, topic: str, message: Mapping[str, object]) -> None:
        """Raise ProtocolError unless `sig` is the right HMAC for `topic` and `message`."""
        sig = message.get("sig")
        if sig is None:
            raise ProtocolError(RejectionKind.MISSING_SIGNATURE, "message is not signed")
        if not isinstance(sig, str) or not _SIG_RE.fullmatch(sig):
            raise ProtocolError(RejectionKind.BAD_SIGNATURE, "sig is not 64 hex digits")
        try:
            expected = compute_signature(self._secret, topic, message)
        except (ValueError, TypeError) as err:
            # Not canonical JSON (a non-finite number, an integer too long to print):
            # nothing genuine is signed that way.
            raise ProtocolError(RejectionKind.MALFORMED_JSON, "not canonical JSON") from err
        if not hmac.compare_digest(sig, expected):
            raise ProtocolError(RejectionKind.BAD_SIGNATURE, "signature does not match")

    def check_fresh(self, seq: int) -> None:
        """Raise ProtocolError unless `seq` is above the last accepted one."""
        if seq <= self.last_seq:
            raise ProtocolError(
                RejectionKind.REPLAYED_COUNTER, f"seq {seq} not above {self.last_seq}"
            )

    def admit_or_skip(self, seq: int) -> bool:
        """Like `admit`, but False (instead of a rejection) at or below the floor."""
        try:
            return self.admit(seq)
        except ProtocolError:
            return False

    def check_command_time(self, ts: float) -> None:
        """Raise ProtocolError if a command's `ts` is too far from this clock."""
        if abs(self._clock() - ts) > self._max_command_age_s:
            raise ProtocolError(RejectionKind.STALE, "command timestamp outside the window")
