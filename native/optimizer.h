#pragma once
#include <cstdint>

// One Adam (decoupled = false: weight_decay·p added to the gradient, torch.optim.Adam) or AdamW
// (decoupled = true: p scaled by `shrink` = 1 − lr·weight_decay first) step on `size` values in place, in
// double arithmetic rounded to float at each stored value, exactly as the TypeScript fallback
// (src/compute/optimizer-fallback.ts). The caller computes step_size = lr / (1 − β₁ᵗ) and bc2 = 1 − β₂ᵗ,
// so both implementations use the same powers.
struct AdamStep {
  double step_size, beta1, beta2, eps, bc2, weight_decay, shrink;
  bool decoupled;
};
void adam_update(float* p, const float* g, float* m, float* v, int64_t size, const AdamStep& a, int threads);
