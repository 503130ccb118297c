"""Ridge models fitted on the rows before each held-out week of the walk-forward.

The rows are split in blocks by their target hour (block 0: before the first held-out
week; block k: in the k-th), summed once per block (`linear.ridge_sums`), and every fold's
model is a few small solves over the sums of the blocks before it. For an absolute-error
fit the sums are redone once with each row weighted by its out-of-sample error.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from .features import power_scale
from .linear import (
    BASE_COLUMN,
    LinearModel,
    absolute_error_weights,
    median_recentred,
    ridge_sums,
    solve_ridge,
    standardise,
)

if TYPE_CHECKING:
    from .history import FloatArray
    from .walk_forward import TrainingRows


class FoldModels:
    """Ridge models fitted on the rows before a held-out week, or on all of them."""

    def __init__(self, data: TrainingRows, starts: list[int]) -> None:
        known = ~np.isnan(data.target_w)
        # Block 0: before the first held-out week; block k: targets in the k-th held-out week.
        self.blocks = np.searchsorted(np.array(starts), data.targets[known], side="right")
        rows = data.rows[known]
        target = power_scale(data.target_w[known])
        self.horizons = data.horizons[known]
        self.sums = ridge_sums(
            rows,
            target,
            self.horizons,
            blocks=self.blocks.astype(np.int64),
            block_count=len(starts) + 1,
            standardiser_rows=rows[self.blocks == 0],
        )
        self.standard = standardise(rows, self.sums.mean, self.sums.scale)
        self.residual = target - rows[:, BASE_COLUMN]
        self._rows, self._target, self._block_count = rows, target, len(starts) + 1
        self._fitted: dict[tuple[int | None, float], LinearModel] = {}

    def out_of_sample_errors(self, ridge: float | FloatArray) -> FloatArray:
        """Each row's error (log scale) under the model fitted on the blocks before its own.

        Rows of the first block, before every held-out week, take the first fold's
        (in-sample) errors. Weights from these never let a fold see its own week.
        """
        error = np.zeros(len(self.residual))
        for fold in range(1, self._block_count):
            at = self.blocks <= fold if fold == 1 else self.blocks == fold
            model = self.fitted(fold, ridge)
            horizons = self.horizons[at]
            fitted = np.einsum("ij,ij->i", self.standard[at], model.coef[horizons - 1])
            error[at] = self.residual[at] - fitted - model.intercept[horizons - 1]
        return error

    def reweight(self, error: FloatArray) -> None:
        """Refit the sums with rows weighted towards an absolute-error fit (one IRLS step)."""
        self._fitted.clear()
        self.sums = ridge_sums(
            self._rows,
            self._target,
            self.horizons,
            blocks=self.blocks.astype(np.int64),
            block_count=self._block_count,
            standardiser_rows=self._rows[self.blocks == 0],
            weight=absolute_error_weights(error, self.horizons * self._block_count + self.blocks),
        )

    def has_training_rows(self, fold: int) -> bool:
        """Whether any row lies before the `fold`-th held-out week."""
        return bool(self.sums.count[:, :fold].sum() > 0)

    def fitted(self, fold: int | None, ridge: float | FloatArray) -> LinearModel:
        """The model on the blocks before `fold` (None: all), recentred on those rows.

        `ridge` is one strength or one per horizon; the models of single strengths are
        kept until the sums change, and a model of one strength per horizon is put
        together from them where it can be.
        """
        if isinstance(ridge, float):
            key = (fold, ridge)
            if key not in self._fitted:
                self._fitted[key] = self._solve(fold, ridge)
            return self._fitted[key]
        parts = [self._fitted.get((fold, float(r))) for r in ridge]
        if any(part is None for part in parts):
            return self._solve(fold, ridge)
        known = [part for part in parts if part is not None]
        return replace(
            known[0],
            coef=np.array([part.coef[h] for h, part in enumerate(known)]),
            intercept=np.array([part.intercept[h] for h, part in enumerate(known)]),
        )

    def _solve(self, fold: int | None, ridge: float | FloatArray) -> LinearModel:
        if fold is None:
            model = solve_ridge(self.sums, slice(None), ridge)
            return median_recentred(model, self.standard, self.residual, self.horizons)
        at = self.blocks < fold
        model = solve_ridge(self.sums, slice(0, fold), ridge)
        return median_recentred(model, self.standard[at], self.residual[at], self.horizons[at])
