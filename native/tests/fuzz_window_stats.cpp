// libFuzzer target: any bytes become a window of (time, value) samples; the kernel must not
// crash, read out of bounds or overflow (AddressSanitizer, UBSan), and its result must hold
// together: count within n, min <= mean <= max, std >= 0 whenever there are samples.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "pyiot_processor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const size_t n = size / (sizeof(double) + sizeof(float));
  // At least one element, so an empty window still passes real (non-null) pointers.
  std::vector<double> times(n + 1);
  std::vector<float> values(n + 1);
  if (n > 0) {
    std::memcpy(times.data(), data, n * sizeof(double));
    std::memcpy(values.data(), data + n * sizeof(double), n * sizeof(float));
  }

  PyiotWindowStats stats{};
  if (pyiot_window_stats(times.data(), values.data(), n, &stats) != PYIOT_OK) std::abort();
  if (stats.count > n) std::abort();
  if (stats.count > 0) {
    // Sums of huge finite values may overflow to inf; only then may the checks be NaN.
    const bool finite = std::isfinite(stats.mean) && std::isfinite(stats.std);
    if (finite && !(stats.minimum <= stats.mean + std::fabs(stats.mean) * 1e-12 &&
                    stats.mean <= stats.maximum + std::fabs(stats.mean) * 1e-12)) {
      std::abort();
    }
    if (finite && stats.std < 0) std::abort();
  } else if (!std::isnan(stats.mean)) {
    std::abort();
  }
  if (n > 0 && pyiot_window_stats(nullptr, values.data(), n, &stats) != PYIOT_ERR_NULL_POINTER) {
    std::abort();
  }
  return 0;
}
