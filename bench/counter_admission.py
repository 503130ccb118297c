"""What admitting a signed node's counters costs the event loop, honest and hostile.

Every signed state or replay entry passes ``MessageVerifier.admit``. A node whose counters
jump by just under the admission span (65,536) makes each admit raise the floor by nearly
the span: the bits of every counter passed must be cleared. Side by side, per admit: the
floor cleared byte-wise (ours), and the same clearing one counter at a time (the earlier
code, kept here as the reference), for consecutive counters and for steps of span - 1.

    script/run python bench/counter_admission.py [--admits 200]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from custom_components.py_iot_home.protocol import ADMIT_SPAN, MessageVerifier

# A replay batch holds at most 200 entries: one batch's worth of admits.
DEFAULT_ADMITS = 200
# Above this per admit, a 200-entry batch holds the loop over 20 ms.
TARGET_US = 100.0


class BitLoopVerifier(MessageVerifier):
    """The reference: the floor's passed counters cleared one at a time."""

    def _raise_floor(self, floor: int) -> None:
        if floor <= self.floor:
            return
        admitted = self._admitted
        if admitted is not None:
            if floor - self.floor >= ADMIT_SPAN:
                admitted[:] = bytes(len(admitted))
            else:
                for seq in range(self.floor + 1, floor + 1):
                    index = seq % ADMIT_SPAN
                    admitted[index >> 3] &= ~(1 << (index & 7)) & 0xFF
        self._floor = floor


def per_admit_us(verifier: MessageVerifier, step: int, admits: int) -> float:
    """Median-free mean: every admit of one batch counts, as on the loop."""
    seqs = [ADMIT_SPAN + 10 + i * step for i in range(admits)]
    start = time.perf_counter()
    for seq in seqs:
        if not verifier.admit(seq):
            raise AssertionError(f"counter {seq} refused as seen")
    return (time.perf_counter() - start) / admits * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admits", type=int, default=DEFAULT_ADMITS)
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    for label, step in (("consecutive", 1), (f"steps of {ADMIT_SPAN - 1}", ADMIT_SPAN - 1)):
        ours = per_admit_us(MessageVerifier("secret"), step, args.admits)
        loop = per_admit_us(BitLoopVerifier("secret"), step, args.admits)
        rows.append({"counters": label, "ours_us": ours, "bit_loop_us": loop})
    print(f"{args.admits} admits per variant, admission span {ADMIT_SPAN}\n")
    print("| counters | ours (µs per admit) | bit loop (µs per admit) | ratio |")
    print("|---|---:|---:|---:|")
    for row in rows:
        ratio = row["bit_loop_us"] / row["ours_us"]
        print(
            f"| {row['counters']} | {row['ours_us']:.2f} | {row['bit_loop_us']:.2f} "
            f"| {ratio:.0f}x |"
        )
    worst = max(row["ours_us"] for row in rows)
    print(
        f"\nworst case: {worst:.2f} µs per admit (target < {TARGET_US:.0f}); "
        f"a 200-entry batch: {worst * 200 / 1000:.2f} ms"
    )
    print(
        json.dumps(
            {
                "bench": "counter_admission",
                "admits": args.admits,
                "rows": rows,
                "worst_us": worst,
                "target_us": TARGET_US,
                "met": worst < TARGET_US,
            }
        )
    )


if __name__ == "__main__":
    main()
