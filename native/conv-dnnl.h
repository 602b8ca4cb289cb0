#pragma once
// conv2d on oneDNN's convolution primitives (built with FACET_DNNL, i.e. when libdnnl-dev is installed).
#include "conv.h"

enum class DnnlConvPass { kForward, kBackpropInput, kBackpropFilter };

// Runs one pass with oneDNN on facet's layouts (x/y/dx/dy NHWC, filter HWIO) and returns true, or returns
// false without touching the output when oneDNN cannot take the shape or is slower there (the caller then runs im2col):
// in0, in1 and out are as in conv.h (forward x, filter → y; input dy, filter → dx; filter x, dy → dfilter).
bool dnnl_conv2d(DnnlConvPass pass, const ConvShape& s, const float* in0, const float* in1, float* out);
// The OpenMP threads oneDNN's primitives use.
void dnnl_set_threads(int threads);
// "major.minor.patch" of the loaded libdnnl.
const char* dnnl_version_string();
