#pragma once
#include <cstdint>

// NHWC conv2d geometry; the filter is [fh, fw, inC, outC] (TensorFlow's layout).
struct ConvShape {
  int64_t n, h, w, c;       // input
  int64_t fh, fw, oc;       // filter
  int64_t sh, sw, dh, dw;   // strides, dilations
  int64_t padTop, padLeft;  // zero padding before the first row / column
  int64_t oh, ow;           // output
};

// Floats in the im2col matrix of the whole batch: [n·oh·ow, fh·fw·c].
inline int64_t conv2d_columns_size(const ConvShape& s) { return s.n * s.oh * s.ow * s.fh * s.fw * s.c; }

// y[n, oh, ow, oc] = conv(x, filter), by im2col + sgemm over chunks of images. With cols (of
// conv2d_columns_size floats) the whole batch's im2col is written there and used by one sgemm,
// so that conv2d_backprop_filter_columns can reuse it; with cols null a reused scratch buffer is used.
void conv2d_forward(const ConvShape& s, const float* x, const float* filter, float* y, float* cols, int threads);
// dx = conv2d_transpose(dy, filter): sgemm dy·filterᵀ then col2im (a gather: dx is overwritten, not zeroed first).
void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* filter, float* dx, int threads);
// dfilter = Σ_images im2col(x)ᵀ·dy.
void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dfilter, int threads);
// dfilter = colsᵀ·dy, cols being the batch's im2col that conv2d_forward wrote.
void conv2d_backprop_filter_columns(const ConvShape& s, const float* cols, const float* dy, float* dfilter);
