// One-pass window statistics and least-squares trend over (time, value) samples.
//
// Numerics: times are shifted to days since the first finite sample (t_ref) and values by the
// first finite value. Consecutive groups of PYIOT_BLOCK_SIZE finite samples are summed relative
// to the group's first sample, so cancellation costs at most log2(block) bits, and the groups
// are merged with Chan et al.'s pairwise update, which stays stable for any length.
// Blocks are summed on the assumption that all their samples are finite and summed again,
// skipping samples, only when that turns out wrong.
// custom_components/py_iot_home/analysis/window_stats.py holds the numpy twin of this math.

#include "pyiot_processor.h"

namespace {

constexpr double kDaysPerSecond = 1.0 / 86400.0;
constexpr size_t kBlock = PYIOT_BLOCK_SIZE;
constexpr size_t kLanes = 4;
static_assert(kBlock % kLanes == 0, "blocks split evenly into lanes");

// Running co-moments of x (days since t_ref) and y (value - first value).
struct Moments {
  double n = 0.0;
  double mean_x = 0.0;
  double mean_y = 0.0;
  double m_xx = 0.0;
  double m_xy = 0.0;
  double m_yy = 0.0;
};

// Sums of one block, taken relative to the block's first sample (x0, y0).
struct BlockSums {
  size_t size = 0;
  double x0 = 0.0;
  double y0 = 0.0;
  double sx = 0.0;
  double sy = 0.0;
  double sxx = 0.0;
  double sxy = 0.0;
  double syy = 0.0;
  double minimum = __builtin_inf();
  double maximum = -__builtin_inf();
};

struct Origin {
  double t_ref;
  double y_ref;
};

inline bool is_finite_sample(double t, float v) {
  return __builtin_isfinite(t) && __builtin_isfinite(v);
}

inline double non_negative(double v) { return v > 0.0 ? v : 0.0; }

// Fast path: kBlock samples assumed finite, summed in kLanes independent lanes so the
// additions do not wait on each other. A non-finite time or value makes sx or sy non-finite,
// which the caller checks before it trusts the block.
inline BlockSums sum_finite_block(const double* times, const float* values, Origin origin) {
  BlockSums b;
  b.size = kBlock;
  b.x0 = (times[0] - origin.t_ref) * kDaysPerSecond;
  b.y0 = static_cast<double>(values[0]) - origin.y_ref;
  double sx[kLanes] = {}, sy[kLanes] = {}, sxx[kLanes] = {}, sxy[kLanes] = {}, syy[kLanes] = {};
  double lo[kLanes], hi[kLanes];
  for (size_t l = 0; l < kLanes; ++l) {
    lo[l] = hi[l] = static_cast<double>(values[l]);
  }
  for (size_t j = 0; j < kBlock; j += kLanes) {
    for (size_t l = 0; l < kLanes; ++l) {
      const double value = static_cast<double>(values[j + l]);
      const double dx = (times[j + l] - origin.t_ref) * kDaysPerSecond - b.x0;
      const double dy = (value - origin.y_ref) - b.y0;
      sx[l] += dx;
      sy[l] += dy;
      sxx[l] += dx * dx;
      sxy[l] += dx * dy;
      syy[l] += dy * dy;
      lo[l] = value < lo[l] ? value : lo[l];
      hi[l] = value > hi[l] ? value : hi[l];
    }
  }
  for (size_t l = 0; l < kLanes; ++l) {
    b.sx += sx[l];
    b.sy += sy[l];
    b.sxx += sxx[l];
    b.sxy += sxy[l];
    b.syy += syy[l];
    b.minimum = lo[l] < b.minimum ? lo[l] : b.minimum;
    b.maximum = hi[l] > b.maximum ? hi[l] : b.maximum;
  }
  return b;
}

// Slow path: skip non-finite samples until kBlock finite ones are summed or the input ends.
inline BlockSums sum_mixed_block(const double* times, const float* values, size_t n, size_t& i,
                                 Origin origin) {
  BlockSums b;
  for (; i < n && b.size < kBlock; ++i) {
    if (!is_finite_sample(times[i], values[i])) {
      continue;
    }
    const double value = static_cast<double>(values[i]);
    const double x = (times[i] - origin.t_ref) * kDaysPerSecond;
    const double y = value - origin.y_ref;
    if (b.size == 0) {
      b.x0 = x;
      b.y0 = y;
    }
    const double dx = x - b.x0;
    const double dy = y - b.y0;
    b.sx += dx;
    b.sy += dy;
    b.sxx += dx * dx;
    b.sxy += dx * dy;
    b.syy += dy * dy;
    b.minimum = value < b.minimum ? value : b.minimum;
    b.maximum = value > b.maximum ? value : b.maximum;
    ++b.size;
  }
  return b;
}

// Chan, Golub & LeVeque: merge the co-moments of one block into the running total.
inline void merge_block(Moments& total, const BlockSums& b) {
  const double m = static_cast<double>(b.size);
  const double mean_x = b.x0 + b.sx / m;
  const double mean_y = b.y0 + b.sy / m;
  const double m_xx = non_negative(b.sxx - b.sx * b.sx / m);
  const double m_xy = b.sxy - b.sx * b.sy / m;
  const double m_yy = non_negative(b.syy - b.sy * b.sy / m);

  const double n = total.n + m;
  const double dx = mean_x - total.mean_x;
  const double dy = mean_y - total.mean_y;
  const double weight = total.n * m / n;
  total.mean_x += dx * (m / n);
  total.mean_y += dy * (m / n);
  total.m_xx += m_xx + dx * dx * weight;
  total.m_xy += m_xy + dx * dy * weight;
  total.m_yy += m_yy + dy * dy * weight;
  total.n = n;
}

}  // namespace

extern "C" {

int pyiot_abi_version(void) { return PYIOT_ABI_VERSION; }

size_t pyiot_window_stats_size(void) { return sizeof(PyiotWindowStats); }

int pyiot_window_stats(const double* times, const float* values, size_t n,
                       PyiotWindowStats* out) {
  if (out == nullptr || (n > 0 && (times == nullptr || values == nullptr))) {
    return PYIOT_ERR_NULL_POINTER;
  }
  const double nan = __builtin_nan("");
  PyiotWindowStats result = {0, nan, nan, nan, nan, nan, nan, nan};

  size_t i = 0;
  while (i < n && !is_finite_sample(times[i], values[i])) {
    ++i;
  }
  if (i == n) {
    *out = result;
    return PYIOT_OK;
  }
  const Origin origin = {times[i], static_cast<double>(values[i])};

  Moments total;
  double minimum = __builtin_inf();
  double maximum = -__builtin_inf();
  while (i < n) {
    BlockSums block;
    bool done = false;
    if (n - i >= kBlock) {
      block = sum_finite_block(times + i, values + i, origin);
      done = __builtin_isfinite(block.sx) && __builtin_isfinite(block.sy);
      if (done) {
        i += kBlock;
      }
    }
    if (!done) {
      block = sum_mixed_block(times, values, n, i, origin);
    }
    if (block.size > 0) {
      merge_block(total, block);
      minimum = block.minimum < minimum ? block.minimum : minimum;
      maximum = block.maximum > maximum ? block.maximum : maximum;
    }
  }

  const uint64_t count = static_cast<uint64_t>(total.n);
  result.count = count;
  result.t_ref = origin.t_ref;
  result.minimum = minimum;
  result.maximum = maximum;
  result.mean = origin.y_ref + total.mean_y;
  result.std = __builtin_sqrt(total.m_yy / total.n);
  if (count >= 2 && total.m_xx > 0.0) {
    const double slope = total.m_xy / total.m_xx;
    result.slope_per_day = slope;
    result.intercept = origin.y_ref + (total.mean_y - slope * total.mean_x);
  }
  *out = result;
  return PYIOT_OK;
}

}  // extern "C"
