"""How much time a source's samples cover, and how long a gap means it fell silent.

A window's span runs from its oldest to its newest sample, but a source that sent one
reading, went quiet for two days and came back has covered a few hours, not two days. The
fit and the publishing gate judge the covered time: the sum of the gaps between neighbouring
samples that are no longer than the silence gap, the same rule that calls a source silent.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

# Silent for longer than this many of its usual gaps, and at least the floor, a source has
# stopped: three gaps let two readings in a row go missing (a DHT botches a few percent,
# a node's message may be lost), and two hours let a 10 s board skip a bad hour of reads
# and the recorder's hourly means (3 h then) or a node sending every 30 min (2 h) wait for
# their next reading without blinking to unknown in between.
SILENT_GAPS = 3.0
SILENT_FLOOR_S = 2 * 3600.0


def silent_gap_s(spacing_s: float) -> float:
    """The longest gap that is still the source's rhythm, from its usual spacing."""
    return max(SILENT_FLOOR_S, SILENT_GAPS * spacing_s) if spacing_s > 0 else SILENT_FLOOR_S


def covered_s(times_s: NDArray[np.float64], spacing_s: float) -> float:
    """Time covered by sorted sample times: their gaps, leaving out the silent ones."""
    if times_s.size < 2:
        return 0.0
    gaps = np.diff(times_s)
    return float(gaps[gaps <= silent_gap_s(spacing_s)].sum())
