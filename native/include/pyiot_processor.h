/* C ABI of the py_iot_home window-statistics processor.
 *
 * The library exports only the functions below and needs nothing from libc or the C++
 * runtime, so one file per CPU architecture loads on glibc and musl alike.
 * Bump PYIOT_ABI_VERSION whenever a signature or struct PyiotWindowStats changes;
 * the Python loader refuses a library whose version differs from its own.
 */
#ifndef PYIOT_PROCESSOR_H
#define PYIOT_PROCESSOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PYIOT_EXPORT __attribute__((visibility("default")))
#else
#define PYIOT_EXPORT
#endif

#define PYIOT_ABI_VERSION 1

/* Finite samples are merged in blocks of this many; the numpy twin uses the same size. */
#define PYIOT_BLOCK_SIZE 128

enum PyiotStatus {
  PYIOT_OK = 0,
  PYIOT_ERR_NULL_POINTER = -1,
};

struct PyiotWindowStats {
  uint64_t count;       /* finite samples used (time and value both finite) */
  double minimum;       /* NaN when count == 0 */
  double maximum;
  double mean;
  double std;           /* population standard deviation (ddof = 0) */
  double slope_per_day; /* least-squares slope vs (time - t_ref) / 86400; NaN when undefined */
  double intercept;     /* fitted value at t_ref; NaN when the slope is NaN */
  double t_ref;         /* time of the first finite sample, in s */
};

PYIOT_EXPORT int pyiot_abi_version(void);
PYIOT_EXPORT size_t pyiot_window_stats_size(void);
PYIOT_EXPORT int pyiot_window_stats(const double* times, const float* values, size_t n,
                                    struct PyiotWindowStats* out);

#ifdef __cplusplus
}
#endif

#endif
