"""A predictor's runtime data: its training and forecasting coordinator."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.util import dt as dt_util

from ..models import AddEntities, EntryHealth
from .coordinator import PredictorCoordinator
from .entities import predictor_sensors
from .snapshot import choices_at, percent_tenth, rounded_tenth

if TYPE_CHECKING:
    from ..trends.coordinator import TrendCoordinator


@dataclass(kw_only=True)
class PredictorRuntimeData:
    """A power predictor trained on recorder history."""

    predictor: PredictorCoordinator
    trend: TrendCoordinator | None = None

    def entities(self, platform: Platform) -> list[Entity]:
        """The forecast, its skill, error and method: sensors only."""
        return list(predictor_sensors(self.predictor)) if platform is Platform.SENSOR else []

    def platform_ready(self, platform: Platform, add_entities: AddEntities) -> None:
        """A predictor's sensors are fixed."""

    async def async_release(self, hass: HomeAssistant) -> None:
        """Nothing to give back: subscriptions and timers end with the entry's unload."""

    def diagnostics(self) -> dict[str, Any]:
        """The sources, the methods' scores and what training saw."""
        snapshot = self.predictor.data
        return {
            "sources": asdict(self.predictor.sources),
            "model": {
                # As the entities and the actions give them: the walk saw 254.17971617898448.
                "mae_w": rounded_tenth(snapshot.mae_w),
                "skill_percent": percent_tenth(snapshot.skill),
                "methods": {
                    name: c.as_dict() for name, c in choices_at(snapshot, dt_util.utcnow()).items()
                },
                "training_rows": snapshot.training_rows,
                "excluded_days": snapshot.excluded_days,
                "trained_at": snapshot.trained_at,
                "hours_needed": snapshot.hours_needed,
                "export_percent": snapshot.export_percent,
            },
            "missing_power_hours": snapshot.missing_power_hours,
            "converted_series": snapshot.converted_series,
            "forecast_hours": len(snapshot.forecast),
        }

    def health(self) -> EntryHealth:
        """Counted among the predictors, fine once trained."""
        return EntryHealth("predictors_trained", self.predictor.model is not None)
