"""How many samples a ring buffer holds, from what it shows publicly.

The integration never asks (diagnostics report the memory held), so the tests and benches
that do compute it here rather than the shipped package carrying a property for them.
"""

from __future__ import annotations

from custom_components.py_iot_home.analysis.ring_buffer import BYTES_PER_SAMPLE, RingBuffer


def ring_capacity(ring: RingBuffer) -> int:
    """Slots of the ring: its arrays are allocated once, ``BYTES_PER_SAMPLE`` per slot."""
    return ring.nbytes // BYTES_PER_SAMPLE
