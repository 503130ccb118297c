"""The subentry kinds in one table: each kind's folder describes how its subentries live."""

from __future__ import annotations

from collections.abc import Mapping

from ..board.kind import BOARD_KIND
from ..const import SubentryKind
from ..forecast.kind import FORECAST_KIND
from ..models import SubentryKindSpec

SUBENTRY_KINDS: Mapping[str, SubentryKindSpec] = {
    SubentryKind.BOARD: BOARD_KIND,
    SubentryKind.FORECAST: FORECAST_KIND,
}
