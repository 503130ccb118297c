// Checks pyiot_window_stats against a two-pass long double reference.
// Built and run by `make -C native test` (against the shared library) and
// `make -C native sanitize` (source compiled in, under ASan + UBSan).

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "pyiot_processor.h"

namespace {

int failures = 0;

void check(bool ok, const char* what, int line) {
  if (!ok) {
    std::fprintf(stderr, "FAIL line %d: %s\n", line, what);
    ++failures;
  }
}
#define CHECK(cond) check((cond), #cond, __LINE__)

bool close(double a, double b, double rel) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= rel * std::fmax(std::fabs(a), std::fabs(b)) + 1e-300;
}

PyiotWindowStats run(const std::vector<double>& t, const std::vector<float>& v) {
  PyiotWindowStats out{};
  const int status = pyiot_window_stats(t.data(), v.data(), t.size(), &out);
  check(status == PYIOT_OK, "status == PYIOT_OK", __LINE__);
  return out;
}

PyiotWindowStats reference(const std::vector<double>& t, const std::vector<float>& v) {
  std::vector<long double> xs, ys;
  double t_ref = std::numeric_limits<double>::quiet_NaN();
  for (size_t i = 0; i < t.size(); ++i) {
    if (!std::isfinite(t[i]) || !std::isfinite(v[i])) continue;
    if (xs.empty()) t_ref = t[i];
    xs.push_back((static_cast<long double>(t[i]) - t_ref) / 86400.0L);
    ys.push_back(v[i]);
  }
  const long double n = static_cast<long double>(xs.size());
  long double mx = 0, my = 0, lo = ys[0], hi = ys[0];
  for (size_t i = 0; i < xs.size(); ++i) {
    mx += xs[i];
    my += ys[i];
    lo = std::fmin(lo, ys[i]);
    hi = std::fmax(hi, ys[i]);
  }
  mx /= n;
  my /= n;
  long double sxx = 0, sxy = 0, syy = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    sxx += (xs[i] - mx) * (xs[i] - mx);
    sxy += (xs[i] - mx) * (ys[i] - my);
    syy += (ys[i] - my) * (ys[i] - my);
  }
  PyiotWindowStats r{};
  r.count = xs.size();
  r.minimum = static_cast<double>(lo);
  r.maximum = static_cast<double>(hi);
  r.mean = static_cast<double>(my);
  r.std = static_cast<double>(std::sqrt(syy / n));
  r.slope_per_day = static_cast<double>(sxy / sxx);
  r.intercept = static_cast<double>(my - sxy / sxx * mx);
  r.t_ref = t_ref;
  return r;
}

void test_abi() {
  CHECK(pyiot_abi_version() == PYIOT_ABI_VERSION);
  CHECK(pyiot_window_stats_size() == sizeof(PyiotWindowStats));
  CHECK(sizeof(PyiotWindowStats) == 64);
}

void test_null_pointers() {
  PyiotWindowStats out{};
  const double t[1] = {0.0};
  const float v[1] = {1.0F};
  CHECK(pyiot_window_stats(t, v, 1, nullptr) == PYIOT_ERR_NULL_POINTER);
  CHECK(pyiot_window_stats(nullptr, v, 1, &out) == PYIOT_ERR_NULL_POINTER);
  CHECK(pyiot_window_stats(t, nullptr, 1, &out) == PYIOT_ERR_NULL_POINTER);
  CHECK(pyiot_window_stats(nullptr, nullptr, 0, &out) == PYIOT_OK);
  CHECK(out.count == 0 && std::isnan(out.mean) && std::isnan(out.t_ref));
}

void test_single_and_non_finite() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const auto out = run({nan, 5.0, 100.0, inf}, {1.0F, std::numeric_limits<float>::infinity(),
                                                  21.5F, 3.0F});
  CHECK(out.count == 1);
  CHECK(out.t_ref == 100.0);
  CHECK(out.minimum == 21.5 && out.maximum == 21.5 && out.mean == 21.5 && out.std == 0.0);
  CHECK(std::isnan(out.slope_per_day) && std::isnan(out.intercept));
}

void test_exact_line() {
  std::vector<double> t;
  std::vector<float> v;
  for (int i = 0; i < 1000; ++i) {
    t.push_back(1.7e9 + 3600.0 * i);
    v.push_back(static_cast<float>(2.0 + 0.5 * (3600.0 * i / 86400.0)));
  }
  const auto out = run(t, v);
  const auto ref = reference(t, v);
  CHECK(out.count == 1000);
  CHECK(close(out.slope_per_day, ref.slope_per_day, 1e-12));
  CHECK(close(out.slope_per_day, 0.5, 1e-6));
  CHECK(close(out.intercept, 2.0, 1e-6));
  CHECK(out.t_ref == 1.7e9);
}

void test_constant_and_equal_times() {
  const auto constant = run(std::vector<double>{0.0, 60.0, 120.0, 180.0},
                            std::vector<float>(4, 19.25F));
  CHECK(constant.std == 0.0 && constant.mean == 19.25 && constant.slope_per_day == 0.0);
  const auto same_time = run(std::vector<double>(300, 42.0), std::vector<float>(300, 1.0F));
  CHECK(same_time.count == 300 && std::isnan(same_time.slope_per_day));
  CHECK(std::isnan(same_time.intercept));
}

void test_random_against_reference() {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0.0, 0.3);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const double inf = std::numeric_limits<double>::infinity();
  for (const double bad_rate : {0.0, 0.002, 0.05}) {
    for (const size_t n : {2UL, 127UL, 128UL, 129UL, 1000UL, 200003UL}) {
      std::vector<double> t(n);
      std::vector<float> v(n);
      for (size_t i = 0; i < n; ++i) {
        t[i] = 1.7e9 + 60.0 * static_cast<double>(i) + uniform(rng);
        v[i] = static_cast<float>(21.0 - 0.01 * static_cast<double>(i) / 1440.0 + noise(rng));
        const double r = uniform(rng);
        if (r < bad_rate / 4) v[i] = std::numeric_limits<float>::quiet_NaN();
        else if (r < bad_rate / 2) v[i] = -std::numeric_limits<float>::infinity();
        else if (r < 3 * bad_rate / 4) t[i] = inf;
        else if (r < bad_rate) t[i] = std::numeric_limits<double>::quiet_NaN();
      }
      const auto out = run(t, v);
      const auto ref = reference(t, v);
      CHECK(out.count == ref.count);
      CHECK(out.minimum == ref.minimum && out.maximum == ref.maximum);
      CHECK(close(out.mean, ref.mean, 1e-12));
      CHECK(close(out.std, ref.std, 1e-10));
      CHECK(close(out.slope_per_day, ref.slope_per_day, 1e-9));
      CHECK(close(out.intercept, ref.intercept, 1e-10));
    }
  }
}

}  // namespace

int main() {
  test_abi();
  test_null_pointers();
  test_single_and_non_finite();
  test_exact_line();
  test_constant_and_equal_times();
  test_random_against_reference();
  if (failures != 0) {
    std::fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  std::puts("native window stats: all checks passed");
  return 0;
}
