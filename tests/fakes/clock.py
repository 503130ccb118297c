"""A clock whose sleep returns at once and moves time forward."""

from __future__ import annotations


class FakeClock:
    """Monotonic seconds that only move on ``sleep`` or ``advance``."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds
