"""Made-up walk-forward scores for the tests of the published method's choice."""

from collections.abc import Mapping, Sequence

import numpy as np

from custom_components.py_iot_home.prediction.history import HOURS_PER_WEEK, MAX_HORIZON_HOURS
from custom_components.py_iot_home.prediction.rule_pair import RULE_PAIRS, pair_key
from custom_components.py_iot_home.prediction.rules import RULES
from custom_components.py_iot_home.prediction.walk_forward import BEYOND_RULES, WalkForward

# What every candidate, rule and pair of rules not given errs each week (W): far behind.
OTHERS_MAE = 20.0


def held_out_scores(
    weeks: Mapping[str, Sequence[float]], mix_weight: Mapping[str, float] | None = None
) -> WalkForward:
    """Scores where `weeks` gives some methods' MAE week by week, the same at every horizon.

    `mix_weight` gives a mix (`pair_key(candidate, rule)`) its candidate's weight.
    """
    count = len(next(iter(weeks.values())))
    names = (*BEYOND_RULES, *RULES, *(pair_key(*pair) for pair in RULE_PAIRS))
    week_mae = {name: np.full((count, MAX_HORIZON_HOURS), OTHERS_MAE) for name in names}
    for name, values in weeks.items():
        week_mae[name] = np.repeat(np.array(values, dtype=float)[:, None], MAX_HORIZON_HOURS, 1)
    return WalkForward(
        mae_w={name: w.mean(axis=0) for name, w in week_mae.items()},
        log_errors={},
        log_weeks=[],
        hours=count * HOURS_PER_WEEK,
        week_mae_w=week_mae,
        mix_weight={k: np.full(MAX_HORIZON_HOURS, w) for k, w in (mix_weight or {}).items()},
    )
