#pragma once
#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

// Runs f(t, begin, end) over [0, n) split into at most `threads` parts, each of at least `grain`
// items (small jobs stay on the calling thread: starting a thread costs tens of microseconds).
template <class F>
void ParallelFor(int64_t n, int threads, int64_t grain, F f) {
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(threads, n / std::max<int64_t>(1, grain)));
  if (parts == 1) {
    f(0, 0, n);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(parts - 1);
  const int64_t step = (n + parts - 1) / parts;
  for (int64_t t = 1; t < parts; t++) {
    const int64_t b = t * step, e = std::min(n, b + step);
    if (b < e) pool.emplace_back([=, &f] { f((int)t, b, e); });
  }
  f(0, 0, std::min(n, step));
  for (auto& th : pool) th.join();
}

// Rows per thread below which the work stays on one thread: about 64K floats for rows of rowFloats.
inline int64_t RowGrain(int64_t rowFloats) { return std::max<int64_t>(1, 65536 / std::max<int64_t>(1, rowFloats)); }
