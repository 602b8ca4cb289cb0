#pragma once
#include <cstdint>

// Fused NHWC layer kernels for facet's own training engine (src/nn). `rows` is n·h·w (every
// position of every image), `c` the channels, the innermost dimension. `threads` splits the rows.

// Per-channel batch mean and biased variance over all rows (double accumulators).
void channel_moments(const float* x, int64_t rows, int64_t c, float* mean, float* var, int threads);
// y = x·scale[ch] + shift[ch] (then max(0, ·) when relu): BatchNorm's normalise + affine folded into one scale/shift.
void scale_shift(const float* x, int64_t rows, int64_t c, const float* scale, const float* shift, float* y, bool relu, int threads);
// Backward of y = gamma·(x − mean)·invstd + beta (through a ReLU on y when relu) with batch statistics: dx (overwritten),
// dgamma, dbeta. y is read only when relu.
void batch_norm_backward(const float* x, const float* y, const float* dy, int64_t rows, int64_t c, const float* mean,
                         const float* invstd, const float* gamma, float* dx, float* dgamma, float* dbeta, bool relu, int threads);
// size×size max-pool with stride and implicit padding (padding cells never win; the first maximum wins ties) of x [n, h, w, c]
// into y [n, oh, ow, c]; argmax holds the flat index into x of each maximum.
void max_pool_forward(const float* x, int64_t n, int64_t h, int64_t w, int64_t c, int64_t size, int64_t stride, int64_t pad,
                      int64_t oh, int64_t ow, float* y, int32_t* argmax, int threads);
// dx (overwritten, n·h·w·c) = dy summed into the argmax positions; argmax must point into each output's own image.
void max_pool_backward(const float* dy, const int32_t* argmax, int64_t n, int64_t h, int64_t w, int64_t c, int64_t oh, int64_t ow,
                       float* dx, int threads);
// Elementwise over `size` floats: y = max(0, a + b) (a residual block's join), y = max(0, x), dx = dy·[y > 0], y = a + b.
void add_relu(const float* a, const float* b, float* y, int64_t size, int threads);
void relu(const float* x, float* y, int64_t size, int threads);
void relu_backward(const float* y, const float* dy, float* dx, int64_t size, int threads);
void add(const float* a, const float* b, float* y, int64_t size, int threads);
