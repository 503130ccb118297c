"""Slopes with their uncertainty: a robust fit over samples, and a line over daily means.

The robust fit is meant for the first day, when there are no daily means yet. Indoor climate
follows a daily cycle (heating, sun, people), and a straight line over a few hours of it reads
that cycle as a trend of several degrees per day. So the fit is a line *plus* a 24-hour sine
and cosine, solved by Huber's M-estimator (iteratively reweighted least squares) over
15-minute bin means. The samples are binned so that a sensor read every 10 s and one read
every 10 min carry the same weight of evidence; Huber (not Theil-Sen) because it takes the
daily-cycle regressors, and its weights tame a bin spoilt by a glitch. While the samples span
only a few hours, a line and the daily cycle are nearly the same curve, and the slope's
standard error says so by being large; it shrinks once the span tells them apart. The error
is inflated for the autocorrelation of the residuals (weather, heating cycles), which a
white-noise formula would take as independent evidence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

DAY_S = 86400.0
BIN_S = 900.0  # every UTC offset in use is a whole number of quarter hours
HUBER_K = 1.345  # 95 % efficiency on normal residuals
MAX_AUTOCORRELATION = 0.95
MIN_DEGREES_OF_FREEDOM = 2  # residuals left to judge the coefficients by
_MAX_ITERATIONS = 12
_MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True, slots=True)
class SlopeFit:
    """A slope per day, the line's intercept, and the slope's standard error.

    ``slope_per_day`` and ``intercept`` are NaN when there is no fit; ``standard_error`` is
    infinite when there is no fit or the data cannot tell the slope apart, NaN when it
    cannot be estimated from the fit alone (a line through two daily means).
    """

    slope_per_day: float
    intercept: float
    standard_error: float
    # The error of one day's mean that the fit's residuals imply (their noise and its
    # autocorrelation, over a day of bins): what a line through daily means must allow for.
    # Infinite when unknown (not NaN: dataclasses compare fields with ==).
    day_mean_error: float = math.inf


NO_FIT = SlopeFit(math.nan, math.nan, math.inf)


def bin_means(
    times_s: NDArray[np.float64], values: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Mean time and mean value of each occupied ``BIN_S`` bin of sorted, finite samples."""
    if times_s.size == 0:
        return times_s, values
    ids = np.floor(times_s / BIN_S)
    starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
    counts = np.diff(np.append(starts, times_s.size))
    origin = float(times_s[0])
    mean_times = np.add.reduceat(times_s - origin, starts) / counts + origin
    mean_values = np.add.reduceat(values, starts) / counts
    return mean_times, mean_values


def robust_slope(
    times_s: NDArray[np.float64],
    values: NDArray[np.float64],
    *,
    t_ref_s: float,
    covered_s: float | None = None,
) -> SlopeFit:
    """Huber fit over the bin means of sorted, finite samples; ``intercept`` is at ``t_ref_s``.

    From one day of samples on, the fit is a line plus a daily cycle (24 h and 12 h
    harmonics). Before, the cycle cannot be told from a line, so the fit is a line and its
    standard error includes what an unseen daily cycle could add to it: half the range of
    the bin means times the steepest slope a cycle of that amplitude gives a line over
    that span (2 pi per day over a few hours, 6 / (pi * span) over longer ones).

    "One day" is of ``covered_s``, the time the samples cover without their silent gaps
    (default: their whole span). One old reading before two silent days does not show the
    daily cycle, and fitting one to it gave confident slopes that were wrong.
    """
    bin_times, bin_values = bin_means(times_s, values)
    if covered_s is None:
        covered_s = float(times_s[-1] - times_s[0]) if times_s.size else 0.0
    covered_days = covered_s / DAY_S
    n = bin_times.size
    x = (bin_times - t_ref_s) / DAY_S
    columns = [np.ones(n), x]
    if covered_days >= 1.0:
        phase = (2.0 * math.pi / DAY_S) * np.mod(bin_times, DAY_S)
        columns += [np.cos(phase), np.sin(phase), np.cos(2 * phase), np.sin(2 * phase)]
    if n < len(columns) + MIN_DEGREES_OF_FREEDOM:
        return NO_FIT
    # Quarter hours in a day of this source: fewer when it reports less often.
    bins_per_day = min(DAY_S / BIN_S, n / max(covered_days, 1.0))
    fit = _huber(np.column_stack(columns), bin_values, bins_per_day=bins_per_day)
    if covered_days >= 1.0 or not math.isfinite(fit.standard_error):
        return fit
    low, high = np.percentile(bin_values, [2.0, 98.0])
    steepest = min(2.0 * math.pi, 6.0 / (math.pi * max(covered_days, 1e-9)))
    unseen_cycle = 0.5 * float(high - low) * steepest
    return SlopeFit(
        fit.slope_per_day,
        fit.intercept,
        math.hypot(fit.standard_error, unseen_cycle),
        fit.day_mean_error,
    )


def _huber(
    design: NDArray[np.float64], values: NDArray[np.float64], *, bins_per_day: float
) -> SlopeFit:
    """Huber M-estimate of ``values ~ design``; column 1 is the slope, column 0 the intercept.

    The scale (MAD of the least-squares residuals) is held fixed while the weights iterate,
    as in Huber's proposal with a preliminary scale; the error uses the final residuals'.
    """
    n, parameters = design.shape
    offset = float(np.median(values))
    y = values - offset
    weights = np.ones(n)
    coef, residuals = _weighted_fit(design, y, weights)
    scale = _mad(residuals)
    for _ in range(_MAX_ITERATIONS):
        if scale <= 0.0:
            break
        new_weights = np.minimum(1.0, HUBER_K * scale / np.maximum(np.abs(residuals), 1e-300))
        converged = bool(np.max(np.abs(new_weights - weights)) < 1e-3)
        weights = new_weights
        coef, residuals = _weighted_fit(design, y, weights)
        if converged:
            break
    information = (design * weights[:, None]).T @ design
    if not np.all(np.isfinite(information)) or np.linalg.cond(information) > 1e14:
        return SlopeFit(float(coef[1]), float(coef[0]) + offset, math.inf)
    covariance = np.linalg.inv(information)
    scale = _mad(residuals)
    sigma = scale if scale > 0.0 else _rms(residuals, n - parameters)
    inflation = _autocorrelation_inflation(residuals)
    # Few effectively independent bins: widen to Student's t, as a 95 % interval should be.
    widen = t_over_normal(n / inflation - parameters)
    variance = sigma * sigma * float(covariance[1, 1]) * inflation
    return SlopeFit(
        float(coef[1]),
        float(coef[0]) + offset,
        widen * math.sqrt(max(variance, 0.0)),
        widen * sigma * math.sqrt(inflation / bins_per_day),
    )


def line_over_days(
    ordinals: Sequence[int],
    means: Sequence[float],
    *,
    day_mean_error: float = math.inf,
    widen: bool = False,
) -> SlopeFit:
    """Least squares through daily means at their day numbers; intercept on the first day.

    The standard error comes from the line's own residuals from three days on (one degree
    of freedom). Through two days it is what ``day_mean_error`` (one day's mean's error,
    judged from the samples) gives the line, or NaN without one. Not the larger of both
    from three days on: the samples' residuals also hold whatever their own model misses
    (a trend that turned within the window), which daily means do not.

    With ``widen`` (the published line), an error from the line's own residuals is widened
    by Student's t over the normal quantile for its degrees of freedom: three to six days'
    residuals give an error as often far too small as right, and two of them are read as
    the 95 % band (flat rooms: 19.5 % of slopes beyond two errors at 4.5 days, 4 % now).
    """
    if len(ordinals) < 2:
        return NO_FIT
    x = np.asarray(ordinals, dtype=np.float64) - float(ordinals[0])
    y = np.asarray(means, dtype=np.float64)
    x_mean = float(x.mean())
    y_mean = float(y.mean())
    dx = x - x_mean
    sxx = float(dx @ dx)
    if sxx <= 0.0:
        return NO_FIT
    slope = float(dx @ (y - y_mean)) / sxx
    intercept = y_mean - slope * x_mean
    if x.size >= 3:
        residuals = y - (intercept + slope * x)
        error = math.sqrt(float(residuals @ residuals) / (x.size - 2) / sxx)
        if widen:
            error *= t_over_normal(x.size - 2)
    else:
        error = day_mean_error / math.sqrt(sxx) if math.isfinite(day_mean_error) else math.nan
    return SlopeFit(slope, intercept, error)


def _weighted_fit(
    design: NDArray[np.float64], y: NDArray[np.float64], weights: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    # Normal equations of six columns: a 6x6 solve, ~20x cheaper than an SVD of the bins.
    weighted = design * weights[:, None]
    try:
        solution = np.linalg.solve(weighted.T @ design, weighted.T @ y)
    except np.linalg.LinAlgError:
        root = np.sqrt(weights)
        solution = np.linalg.lstsq(design * root[:, None], y * root, rcond=None)[0]
    coef = np.asarray(solution, dtype=np.float64)
    residuals: NDArray[np.float64] = y - design @ coef
    return coef, residuals


def _mad(residuals: NDArray[np.float64]) -> float:
    """Median absolute residual, scaled to a normal standard deviation."""
    return _MAD_TO_SIGMA * float(np.median(np.abs(residuals)))


def _rms(residuals: NDArray[np.float64], dof: int) -> float:
    return math.sqrt(float(residuals @ residuals) / max(dof, 1))


def _autocorrelation_inflation(residuals: NDArray[np.float64]) -> float:
    """Variance factor ``(1 + rho) / (1 - rho)`` of AR(1) residuals with lag-one ``rho``.

    ``rho`` from fitted residuals runs low; Kendall's ``(1 + 3 rho) / n`` corrects most of it.
    """
    energy = float(residuals @ residuals)
    if energy <= 0.0:
        return 1.0
    rho = float(residuals[1:] @ residuals[:-1]) / energy
    rho += (1.0 + 3.0 * rho) / residuals.size
    rho = min(max(rho, 0.0), MAX_AUTOCORRELATION)
    return (1.0 + rho) / (1.0 - rho)


def t_over_normal(dof: float) -> float:
    """Student's t 97.5 % quantile over the normal one (Cornish-Fisher, two terms)."""
    z = 1.959964
    dof = max(dof, 1.0)
    t = z + (z**3 + z) / (4.0 * dof) + (5.0 * z**5 + 16.0 * z**3 + 3.0 * z) / (96.0 * dof**2)
    return t / z
