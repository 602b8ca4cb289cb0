#pragma once
#include <cstdint>

// Fused NHWC layer kernels for facet's own training engine (src/engine). `rows` is n·h·w (every
// position of every image), `c` the channels, the innermost dimension. `threads` splits the rows.

// Per-channel batch mean and biased variance over all rows (double accumulators).
void channel_moments(const float* x, int64_t rows, int64_t c, float* mean, float* var, int threads);
// y = max(0, x·scale[ch] + shift[ch]): BatchNorm's normalise + affine folded into one scale/shift, fused with ReLU.
void scale_shift_relu(const float* x, int64_t rows, int64_t c, const float* scale, const float* shift, float* y, int threads);
// Backward of y = relu(gamma·(x − mean)·invstd + beta) with batch statistics: dx (overwritten), dgamma, dbeta.
void bn_relu_backward(const float* x, const float* y, const float* dy, int64_t rows, int64_t c, const float* mean,
                      const float* invstd, const float* gamma, float* dx, float* dgamma, float* dbeta, int threads);
// 2×2 stride-2 max-pool (floor: an odd last row / column is dropped); argmax holds the flat index into x of each max.
void max_pool2x2_forward(const float* x, int64_t n, int64_t h, int64_t w, int64_t c, float* y, int32_t* argmax, int threads);
// dx (overwritten, n·h·w·c) = dy scattered to the argmax positions.
void max_pool2x2_backward(const float* dy, const int32_t* argmax, int64_t n, int64_t h, int64_t w, int64_t c, float* dx,
                          int threads);
