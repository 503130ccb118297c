/* Loads the library with musl's dynamic loader (built with musl-gcc) and calls it once:
 * proof that the glibc-built file also works on Alpine / Home Assistant OS. */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>

#include "pyiot_processor.h"

typedef int (*abi_fn)(void);
typedef int (*stats_fn)(const double*, const float*, size_t, struct PyiotWindowStats*);

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s LIBRARY\n", argv[0]);
    return 2;
  }
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "musl dlopen failed: %s\n", dlerror());
    return 1;
  }
  abi_fn abi = (abi_fn)dlsym(lib, "pyiot_abi_version");
  stats_fn stats = (stats_fn)dlsym(lib, "pyiot_window_stats");
  const double times[4] = {0.0, 86400.0, 172800.0, 259200.0};
  const float values[4] = {1.0F, 2.0F, NAN, 3.0F};
  struct PyiotWindowStats out;
  if (abi == NULL || stats == NULL || abi() != PYIOT_ABI_VERSION ||
      stats(times, values, 4, &out) != PYIOT_OK || out.count != 3 || out.mean != 2.0) {
    fprintf(stderr, "musl: unexpected result from %s\n", argv[1]);
    return 1;
  }
  printf("musl: %s loaded, abi %d, mean %.1f, slope %.3f/day\n", argv[1], abi(), out.mean,
         out.slope_per_day);
  return 0;
}
