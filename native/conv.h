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

// y[n, oh, ow, oc] = conv(x, filter), by im2col + sgemm over chunks of images.
void conv2d_forward(const ConvShape& s, const float* x, const float* filter, float* y);
// dx = conv2d_transpose(dy, filter): sgemm dy·filterᵀ then col2im (scatter-add).
void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* filter, float* dx);
// dfilter = Σ_images im2col(x)ᵀ·dy.
void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dfilter);
