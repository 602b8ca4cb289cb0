#include "optimizer.h"

#include <cmath>

#include "parallel.h"

// No fused multiply-adds: each product is rounded as in JavaScript, so native and fallback updates agree bit for bit.
__attribute__((optimize("fp-contract=off"))) void adam_update(float* p, const float* g, float* m, float* v, int64_t size,
                                                               const AdamStep& a, int threads) {
  ParallelFor(size, threads, 1 << 16, [&](int, int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      double gi = g[i];
      if (a.decoupled) p[i] = (float)(p[i] * a.shrink);
      else gi += a.weight_decay * p[i];
      m[i] = (float)(a.beta1 * m[i] + (1 - a.beta1) * gi);
      v[i] = (float)(a.beta2 * v[i] + (1 - a.beta2) * gi * gi);
      p[i] = (float)(p[i] - (a.step_size * m[i]) / (std::sqrt(v[i] / a.bc2) + a.eps));
    }
  });
}
