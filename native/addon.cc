// facet's native kernels: OpenBLAS sgemm, conv2d (forward, both backward passes: oneDNN when built with it, else im2col), BatchNorm (optionally fused with ReLU), max-pool and the residual join (layers.cc),
// NAAN's graph attention (attention.cc), the margin heads' softmax rows (softmax.cc) and blocked top-k search, called on typed
// arrays without copies. Every function has a TypeScript fallback with the same results (src/compute).
#include <napi.h>

#include <string>
#include <thread>

#include "attention.h"
#include "blas.h"
#include "conv.h"
#ifdef FACET_DNNL
#include "conv-dnnl.h"
#endif
#include "layers.h"
#include "optimizer.h"
#include "softmax.h"
#include "topk.h"

namespace {

int g_threads = (int)std::thread::hardware_concurrency();

bool Fail(Napi::Env env, const char* msg) {
  Napi::TypeError::New(env, msg).ThrowAsJavaScriptException();
  return false;
}

bool CheckFloat32(Napi::Env env, const Napi::Value& v, size_t need, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    return Fail(env, (std::string(what) + " must be a Float32Array").c_str());
  }
  if (v.As<Napi::Float32Array>().ElementLength() < need) {
    return Fail(env, (std::string(what) + " is shorter than its stated shape").c_str());
  }
  return true;
}

// sgemm(transA, transB, m, n, k, alpha, A, B, beta, C): row-major C = alpha·op(A)·op(B) + beta·C
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 10) return Fail(env, "sgemm takes 10 arguments"), env.Undefined();
  const bool ta = info[0].ToBoolean(), tb = info[1].ToBoolean();
  const int64_t m = info[2].ToNumber().Int64Value(), n = info[3].ToNumber().Int64Value(), k = info[4].ToNumber().Int64Value();
  if (m < 0 || n < 0 || k < 0 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) return Fail(env, "sgemm: bad sizes"), env.Undefined();
  if (!CheckFloat32(env, info[6], m * k, "A") || !CheckFloat32(env, info[7], k * n, "B") || !CheckFloat32(env, info[9], m * n, "C")) {
    return env.Undefined();
  }
  if (m == 0 || n == 0) return env.Undefined();
  const float alpha = info[5].ToNumber().FloatValue(), beta = info[8].ToNumber().FloatValue();
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, alpha,
              info[6].As<Napi::Float32Array>().Data(), ta ? (int)m : (int)k, info[7].As<Napi::Float32Array>().Data(),
              tb ? (int)k : (int)n, beta, info[9].As<Napi::Float32Array>().Data(), (int)n);
  return env.Undefined();
}

// topkInnerProduct(Q, nq, B, nb, dim, k, selfOffset, outIdx: Int32Array, outScore: Float32Array)
Napi::Value TopK(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 9) return Fail(env, "topkInnerProduct takes 9 arguments"), env.Undefined();
  const int64_t nq = info[1].ToNumber().Int64Value(), nb = info[3].ToNumber().Int64Value();
  const int64_t dim = info[4].ToNumber().Int64Value(), k = info[5].ToNumber().Int64Value();
  const int64_t self = info[6].ToNumber().Int64Value();
  if (nq < 0 || nb < 0 || dim <= 0 || k <= 0 || dim > INT32_MAX || k > INT32_MAX) return Fail(env, "topk: bad sizes"), env.Undefined();
  if (!CheckFloat32(env, info[0], nq * dim, "queries") || !CheckFloat32(env, info[2], nb * dim, "base") ||
      !CheckFloat32(env, info[8], nq * k, "scores")) {
    return env.Undefined();
  }
  if (!info[7].IsTypedArray() || info[7].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      info[7].As<Napi::Int32Array>().ElementLength() < (size_t)(nq * k)) {
    return Fail(env, "indices must be an Int32Array of nq·k"), env.Undefined();
  }
  openblas_set_num_threads(g_threads);
  topk_inner_product(info[0].As<Napi::Float32Array>().Data(), nq, info[2].As<Napi::Float32Array>().Data(), nb, (int)dim,
                     (int)k, self, g_threads, info[7].As<Napi::Int32Array>().Data(), info[8].As<Napi::Float32Array>().Data());
  return env.Undefined();
}


// shape: [n, h, w, c, fh, fw, oc, sh, sw, dh, dw, padTop, padLeft, oh, ow] (see conv.h)
bool ReadConvShape(Napi::Env env, const Napi::Value& v, ConvShape* s) {
  if (!v.IsArray() || v.As<Napi::Array>().Length() != 15) return Fail(env, "conv2d shape must be an array of 15 numbers");
  Napi::Array a = v.As<Napi::Array>();
  int64_t* f[] = {&s->n, &s->h, &s->w, &s->c, &s->fh, &s->fw, &s->oc, &s->sh, &s->sw, &s->dh, &s->dw, &s->padTop, &s->padLeft, &s->oh, &s->ow};
  for (uint32_t i = 0; i < 15; i++) {
    *f[i] = a.Get(i).ToNumber().Int64Value();
    if (*f[i] < (i == 11 || i == 12 ? 0 : 1)) return Fail(env, "conv2d shape has a non-positive size");
  }
  return true;
}

enum class ConvPass { kForward, kBackpropInput, kBackpropFilter, kBackpropFilterColumns };

// conv2d<pass>(shape, in0, in1, out[, cols]): forward (x, filter, y[, cols]: also the batch's im2col), backpropInput (dy, filter, dx),
// backpropFilter (x, dy, dfilter), backpropFilterColumns (cols, dy, dfilter)
template <ConvPass pass>
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ConvShape s;
  const bool withCols = pass == ConvPass::kForward && info.Length() == 5 && !info[4].IsUndefined();
  if (info.Length() != 4 && !(pass == ConvPass::kForward && info.Length() == 5)) return Fail(env, "conv2d: wrong number of arguments"), env.Undefined();
  if (!ReadConvShape(env, info[0], &s)) return env.Undefined();
  const size_t xs = s.n * s.h * s.w * s.c, fs = s.fh * s.fw * s.c * s.oc, ys = s.n * s.oh * s.ow * s.oc, cs = conv2d_columns_size(s);
  const size_t in0 = pass == ConvPass::kBackpropInput ? ys : pass == ConvPass::kBackpropFilterColumns ? cs : xs;
  const size_t in1 = pass == ConvPass::kBackpropFilter || pass == ConvPass::kBackpropFilterColumns ? ys : fs;
  const size_t out = pass == ConvPass::kForward ? ys : pass == ConvPass::kBackpropInput ? xs : fs;
  if (!CheckFloat32(env, info[1], in0, "conv2d input") || !CheckFloat32(env, info[2], in1, "conv2d second input") ||
      !CheckFloat32(env, info[3], out, "conv2d output") || (withCols && !CheckFloat32(env, info[4], cs, "conv2d columns"))) {
    return env.Undefined();
  }
  const float* a = info[1].As<Napi::Float32Array>().Data();
  const float* b = info[2].As<Napi::Float32Array>().Data();
  float* o = info[3].As<Napi::Float32Array>().Data();
#ifdef FACET_DNNL
  // oneDNN when it takes the shape; columns are only written by the im2col path
  constexpr DnnlConvPass dnnlPass = pass == ConvPass::kBackpropInput ? DnnlConvPass::kBackpropInput
                                    : pass == ConvPass::kBackpropFilter ? DnnlConvPass::kBackpropFilter : DnnlConvPass::kForward;
  if (pass != ConvPass::kBackpropFilterColumns && !withCols && dnnl_conv2d(dnnlPass, s, a, b, o)) return env.Undefined();
#endif
  if (pass == ConvPass::kForward) conv2d_forward(s, a, b, o, withCols ? info[4].As<Napi::Float32Array>().Data() : nullptr, g_threads);
  else if (pass == ConvPass::kBackpropInput) conv2d_backprop_input(s, a, b, o, g_threads);
  else if (pass == ConvPass::kBackpropFilter) conv2d_backprop_filter(s, a, b, o, g_threads);
  else conv2d_backprop_filter_columns(s, a, b, o);
  return env.Undefined();
}

// Sizes as non-negative integers below 2^31 elements in all; false (with a JS error) otherwise.
bool ReadSizes(const Napi::CallbackInfo& info, size_t from, size_t count, int64_t* out, const char* what) {
  Napi::Env env = info.Env();
  int64_t total = 1;
  for (size_t i = 0; i < count; i++) {
    if (!info[from + i].IsNumber()) return Fail(env, (std::string(what) + ": sizes must be numbers").c_str());
    out[i] = info[from + i].ToNumber().Int64Value();
    if (out[i] < 0 || out[i] > INT32_MAX) return Fail(env, (std::string(what) + ": bad size").c_str());
    total *= out[i];
    if (total > INT32_MAX) return Fail(env, (std::string(what) + ": more than 2^31 elements").c_str());
  }
  return true;
}

float* F32(const Napi::Value& v) { return v.As<Napi::Float32Array>().Data(); }

// channelMoments(x, rows, c, mean, var)
Napi::Value ChannelMoments(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t s[2];
  if (info.Length() != 5) return Fail(env, "channelMoments(x, rows, c, mean, var)"), env.Undefined();
  if (!ReadSizes(info, 1, 2, s, "channelMoments")) return env.Undefined();
  if (!CheckFloat32(env, info[0], s[0] * s[1], "x") || !CheckFloat32(env, info[3], s[1], "mean") || !CheckFloat32(env, info[4], s[1], "var")) return env.Undefined();
  channel_moments(F32(info[0]), s[0], s[1], F32(info[3]), F32(info[4]), g_threads);
  return env.Undefined();
}

// scaleShift(x, rows, c, scale, shift, y, relu)
Napi::Value ScaleShift(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t s[2];
  if (info.Length() != 7) return Fail(env, "scaleShift(x, rows, c, scale, shift, y, relu)"), env.Undefined();
  if (!ReadSizes(info, 1, 2, s, "scaleShift")) return env.Undefined();
  if (!CheckFloat32(env, info[0], s[0] * s[1], "x") || !CheckFloat32(env, info[3], s[1], "scale") || !CheckFloat32(env, info[4], s[1], "shift") ||
      !CheckFloat32(env, info[5], s[0] * s[1], "y")) return env.Undefined();
  scale_shift(F32(info[0]), s[0], s[1], F32(info[3]), F32(info[4]), F32(info[5]), info[6].ToBoolean(), g_threads);
  return env.Undefined();
}

// batchNormBackward(x, y, dy, rows, c, mean, invstd, gamma, dx, dgamma, dbeta, relu): y is read only with relu
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t s[2];
  if (info.Length() != 12) return Fail(env, "batchNormBackward(x, y, dy, rows, c, mean, invstd, gamma, dx, dgamma, dbeta, relu)"), env.Undefined();
  if (!ReadSizes(info, 3, 2, s, "batchNormBackward")) return env.Undefined();
  const int64_t big = s[0] * s[1], c = s[1];
  const bool relu = info[11].ToBoolean();
  if (!CheckFloat32(env, info[0], big, "x") || !CheckFloat32(env, info[1], relu ? big : 0, "y") || !CheckFloat32(env, info[2], big, "dy") ||
      !CheckFloat32(env, info[5], c, "mean") || !CheckFloat32(env, info[6], c, "invstd") || !CheckFloat32(env, info[7], c, "gamma") ||
      !CheckFloat32(env, info[8], big, "dx") || !CheckFloat32(env, info[9], c, "dgamma") || !CheckFloat32(env, info[10], c, "dbeta")) return env.Undefined();
  batch_norm_backward(F32(info[0]), F32(info[1]), F32(info[2]), s[0], c, F32(info[5]), F32(info[6]), F32(info[7]), F32(info[8]), F32(info[9]),
                      F32(info[10]), relu, g_threads);
  return env.Undefined();
}

bool CheckInt32(Napi::Env env, const Napi::Value& v, size_t need, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) return Fail(env, (std::string(what) + " must be an Int32Array").c_str());
  if (v.As<Napi::Int32Array>().ElementLength() < need) return Fail(env, (std::string(what) + " is shorter than its stated shape").c_str());
  return true;
}

// maxPoolForward(x, n, h, w, c, size, stride, pad, y, argmax)
Napi::Value MaxPoolForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t s[7];
  if (info.Length() != 10) return Fail(env, "maxPoolForward(x, n, h, w, c, size, stride, pad, y, argmax)"), env.Undefined();
  if (!ReadSizes(info, 1, 4, s, "maxPoolForward") || !ReadSizes(info, 5, 3, s + 4, "maxPoolForward")) return env.Undefined();
  const int64_t n = s[0], h = s[1], w = s[2], c = s[3], size = s[4], stride = s[5], pad = s[6];
  if (size < 1 || stride < 1 || pad > size / 2 || h + 2 * pad < size || w + 2 * pad < size) {
    return Fail(env, "maxPoolForward: needs size, stride ≥ 1, pad ≤ size/2 and the padded input at least size"), env.Undefined();
  }
  const int64_t oh = (h + 2 * pad - size) / stride + 1, ow = (w + 2 * pad - size) / stride + 1, out = n * oh * ow * c;
  if (!CheckFloat32(env, info[0], n * h * w * c, "x") || !CheckFloat32(env, info[8], out, "y") || !CheckInt32(env, info[9], out, "argmax")) return env.Undefined();
  max_pool_forward(F32(info[0]), n, h, w, c, size, stride, pad, oh, ow, F32(info[8]), info[9].As<Napi::Int32Array>().Data(), g_threads);
  return env.Undefined();
}

// maxPoolBackward(dy, argmax, n, h, w, c, oh, ow, dx)
Napi::Value MaxPoolBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t s[6];
  if (info.Length() != 9) return Fail(env, "maxPoolBackward(dy, argmax, n, h, w, c, oh, ow, dx)"), env.Undefined();
  if (!ReadSizes(info, 2, 4, s, "maxPoolBackward") || !ReadSizes(info, 6, 2, s + 4, "maxPoolBackward")) return env.Undefined();
  const int64_t per = s[1] * s[2] * s[3], perOut = s[4] * s[5] * s[3], out = s[0] * perOut;
  if (!CheckFloat32(env, info[0], out, "dy") || !CheckInt32(env, info[1], out, "argmax") || !CheckFloat32(env, info[8], s[0] * per, "dx")) return env.Undefined();
  const int32_t* arg = info[1].As<Napi::Int32Array>().Data();
  for (int64_t i = 0; i < out; i++) {
    if (arg[i] < 0 || arg[i] / per != i / perOut) return Fail(env, "maxPoolBackward: argmax index out of range"), env.Undefined();
  }
  max_pool_backward(F32(info[0]), arg, s[0], s[1], s[2], s[3], s[4], s[5], F32(info[8]), g_threads);
  return env.Undefined();
}

constexpr char kAddRelu[] = "addRelu", kAdd[] = "add", kReluBackward[] = "reluBackward";

// addRelu(a, b, y, size), add(a, b, y, size), reluBackward(y, dy, dx, size): three Float32Arrays of `size` values
template <void (*kFn)(const float*, const float*, float*, int64_t, int), const char* kName>
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t size;
  if (info.Length() != 4) return Fail(env, (std::string(kName) + " takes 3 arrays and a size").c_str()), env.Undefined();
  if (!ReadSizes(info, 3, 1, &size, kName)) return env.Undefined();
  if (!CheckFloat32(env, info[0], size, "first input") || !CheckFloat32(env, info[1], size, "second input") || !CheckFloat32(env, info[2], size, "output")) {
    return env.Undefined();
  }
  kFn(F32(info[0]), F32(info[1]), F32(info[2]), size, g_threads);
  return env.Undefined();
}

// relu(x, y, size)
Napi::Value Relu(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t size;
  if (info.Length() != 3) return Fail(env, "relu(x, y, size)"), env.Undefined();
  if (!ReadSizes(info, 2, 1, &size, "relu")) return env.Undefined();
  if (!CheckFloat32(env, info[0], size, "x") || !CheckFloat32(env, info[1], size, "y")) return env.Undefined();
  relu(F32(info[0]), F32(info[1]), size, g_threads);
  return env.Undefined();
}

// Sizes m, d at info[1..2] and g, n at info[gn..gn+1] (groups just before them, alpha just after), n ≥ 1, and every group
// row in [0, m): the kernels index the table unchecked.
bool ReadAttentionShape(const Napi::CallbackInfo& info, size_t gn, int64_t* s, const char* what) {
  Napi::Env env = info.Env();
  if (!ReadSizes(info, 1, 2, s, what) || !ReadSizes(info, gn, 2, s + 2, what)) return false;
  if (s[3] < 1) return Fail(env, (std::string(what) + ": n must be at least 1").c_str());
  if (!CheckInt32(env, info[gn - 1], s[2] * s[3], "groups")) return false;
  if (!info[gn + 2].IsNumber()) return Fail(env, (std::string(what) + ": alpha must be a number").c_str());
  const int32_t* groups = info[gn - 1].As<Napi::Int32Array>().Data();
  for (int64_t i = 0; i < s[2] * s[3]; i++) {
    if (groups[i] < 0 || groups[i] >= s[0]) {
      return Fail(env, (std::string(what) + ": groups[" + std::to_string(i) + "] = " + std::to_string(groups[i]) +
                        " is not a row of the table (M = " + std::to_string(s[0]) + ")").c_str());
    }
  }
  return true;
}

// groupAttentionForward(table, m, d, a, attBias, wBias, outBias, groups, g, n, alpha, att, pre, out)
Napi::Value GroupAttentionForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* what = "groupAttentionForward";
  int64_t s[4];
  if (info.Length() != 14) return Fail(env, "groupAttentionForward(table, m, d, a, attBias, wBias, outBias, groups, g, n, alpha, att, pre, out)"), env.Undefined();
  if (!ReadAttentionShape(info, 8, s, what)) return env.Undefined();
  const int64_t m = s[0], d = s[1], gn = s[2] * s[3];
  if (!CheckFloat32(env, info[0], m * d, "table") || !CheckFloat32(env, info[3], 2 * d, "a") || !CheckFloat32(env, info[4], 1, "attBias") ||
      !CheckFloat32(env, info[5], d, "wBias") || !CheckFloat32(env, info[6], d, "outBias") || !CheckFloat32(env, info[11], gn, "att") ||
      !CheckFloat32(env, info[12], gn, "pre") || !CheckFloat32(env, info[13], s[2] * d, "out")) return env.Undefined();
  group_attention_forward(F32(info[0]), d, F32(info[3]), F32(info[4])[0], F32(info[5]), F32(info[6]), info[7].As<Napi::Int32Array>().Data(), s[2],
                          s[3], info[10].ToNumber().FloatValue(), F32(info[11]), F32(info[12]), F32(info[13]), g_threads);
  return env.Undefined();
}

// groupAttentionBackward(table, m, d, a, wBias, groups, g, n, alpha, att, pre, out, dOut, dTable, dA, dAttBias, dWBias, dOutBias)
Napi::Value GroupAttentionBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* what = "groupAttentionBackward";
  int64_t s[4];
  if (info.Length() != 18) {
    return Fail(env, "groupAttentionBackward(table, m, d, a, wBias, groups, g, n, alpha, att, pre, out, dOut, dTable, dA, dAttBias, dWBias, dOutBias)"),
           env.Undefined();
  }
  if (!ReadAttentionShape(info, 6, s, what)) return env.Undefined();
  const int64_t m = s[0], d = s[1], gn = s[2] * s[3], gd = s[2] * d;
  if (!CheckFloat32(env, info[0], m * d, "table") || !CheckFloat32(env, info[3], 2 * d, "a") || !CheckFloat32(env, info[4], d, "wBias") ||
      !CheckFloat32(env, info[9], gn, "att") || !CheckFloat32(env, info[10], gn, "pre") || !CheckFloat32(env, info[11], gd, "out") ||
      !CheckFloat32(env, info[12], gd, "dOut") || !CheckFloat32(env, info[13], m * d, "dTable") || !CheckFloat32(env, info[14], 2 * d, "dA") ||
      !CheckFloat32(env, info[15], 1, "dAttBias") || !CheckFloat32(env, info[16], d, "dWBias") || !CheckFloat32(env, info[17], d, "dOutBias")) {
    return env.Undefined();
  }
  group_attention_backward(F32(info[0]), m, d, F32(info[3]), F32(info[4]), info[5].As<Napi::Int32Array>().Data(), s[2], s[3],
                           info[8].ToNumber().FloatValue(), F32(info[9]), F32(info[10]), F32(info[11]), F32(info[12]), F32(info[13]),
                           F32(info[14]), F32(info[15]), F32(info[16]), F32(info[17]), g_threads);
  return env.Undefined();
}

// adamUpdate(p, g, m, v, size, stepSize, beta1, beta2, eps, bc2, weightDecay, shrink, decoupled): p, m and v updated in place
Napi::Value AdamUpdate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t size;
  if (info.Length() != 13) return Fail(env, "adamUpdate(p, g, m, v, size, stepSize, beta1, beta2, eps, bc2, weightDecay, shrink, decoupled)"), env.Undefined();
  if (!ReadSizes(info, 4, 1, &size, "adamUpdate")) return env.Undefined();
  if (!CheckFloat32(env, info[0], size, "p") || !CheckFloat32(env, info[1], size, "g") || !CheckFloat32(env, info[2], size, "m") ||
      !CheckFloat32(env, info[3], size, "v")) {
    return env.Undefined();
  }
  const auto d = [&](int i) { return info[i].ToNumber().DoubleValue(); };
  const AdamStep a{d(5), d(6), d(7), d(8), d(9), d(10), d(11), info[12].ToBoolean()};
  adam_update(F32(info[0]), F32(info[1]), F32(info[2]), F32(info[3]), size, a, g_threads);
  return env.Undefined();
}

bool CheckFloat64(Napi::Env env, const Napi::Value& v, size_t need, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) return Fail(env, (std::string(what) + " must be a Float64Array").c_str());
  if (v.As<Napi::Float64Array>().ElementLength() < need) return Fail(env, (std::string(what) + " is shorter than its stated shape").c_str());
  return true;
}

// marginSoftmaxRows(z, rows, classes, labels, phi, dphi, scale, norm): z overwritten with dL/dz, returns the rows' loss sum
Napi::Value MarginSoftmaxRows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t s[2];
  if (info.Length() != 8) return Fail(env, "marginSoftmaxRows(z, rows, classes, labels, phi, dphi, scale, norm)"), env.Undefined();
  if (!ReadSizes(info, 1, 2, s, "marginSoftmaxRows")) return env.Undefined();
  const int64_t rows = s[0], classes = s[1];
  if (!CheckFloat32(env, info[0], rows * classes, "z") || !CheckInt32(env, info[3], rows, "labels") || !CheckFloat64(env, info[4], rows, "phi") ||
      !CheckFloat64(env, info[5], rows, "dphi")) {
    return env.Undefined();
  }
  const double scale = info[6].ToNumber().DoubleValue(), norm = info[7].ToNumber().DoubleValue();
  if (!(scale > 0)) return Fail(env, "marginSoftmaxRows: scale must be positive"), env.Undefined();
  const int32_t* labels = info[3].As<Napi::Int32Array>().Data();
  for (int64_t i = 0; i < rows; i++) {
    if (labels[i] < 0 || labels[i] >= classes) return Fail(env, "marginSoftmaxRows: a label is outside the classes"), env.Undefined();
  }
  return Napi::Number::New(env, margin_softmax_rows(F32(info[0]), rows, classes, labels, info[4].As<Napi::Float64Array>().Data(),
                                                    info[5].As<Napi::Float64Array>().Data(), scale, norm, g_threads));
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  const int n = info[0].ToNumber().Int32Value();
  if (n < 1) return Fail(info.Env(), "threads must be ≥ 1"), info.Env().Undefined();
  g_threads = n;
  openblas_set_num_threads(n);
#ifdef FACET_DNNL
  dnnl_set_threads(n);
#endif
  return info.Env().Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), g_threads); }

// the kernel set OpenBLAS chose for this CPU (or was told by OPENBLAS_CORETYPE), for `facet info`
Napi::Value BlasCore(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), openblas_get_corename()); }

// the convolution engine this addon was built with: {name: 'onednn', version} or {name: 'im2col'}, for `facet info`
Napi::Value ConvEngine(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
#ifdef FACET_DNNL
  o.Set("name", "onednn");
  o.Set("version", dnnl_version_string());
#else
  o.Set("name", "im2col");
#endif
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  if (g_threads < 1) g_threads = 1;
  openblas_set_num_threads(g_threads);
#ifdef FACET_DNNL
  dnnl_set_threads(g_threads);
#endif
  exports.Set("sgemm", Napi::Function::New(env, Sgemm));
  exports.Set("topkInnerProduct", Napi::Function::New(env, TopK));
  exports.Set("conv2dForward", Napi::Function::New(env, Conv2d<ConvPass::kForward>));
  exports.Set("conv2dBackpropInput", Napi::Function::New(env, Conv2d<ConvPass::kBackpropInput>));
  exports.Set("conv2dBackpropFilter", Napi::Function::New(env, Conv2d<ConvPass::kBackpropFilter>));
  exports.Set("conv2dBackpropFilterColumns", Napi::Function::New(env, Conv2d<ConvPass::kBackpropFilterColumns>));
  exports.Set("channelMoments", Napi::Function::New(env, ChannelMoments));
  exports.Set("scaleShift", Napi::Function::New(env, ScaleShift));
  exports.Set("batchNormBackward", Napi::Function::New(env, BatchNormBackward));
  exports.Set("maxPoolForward", Napi::Function::New(env, MaxPoolForward));
  exports.Set("maxPoolBackward", Napi::Function::New(env, MaxPoolBackward));
  exports.Set("addRelu", Napi::Function::New(env, Binary<add_relu, kAddRelu>));
  exports.Set("add", Napi::Function::New(env, Binary<add, kAdd>));
  exports.Set("reluBackward", Napi::Function::New(env, Binary<relu_backward, kReluBackward>));
  exports.Set("relu", Napi::Function::New(env, Relu));
  exports.Set("groupAttentionForward", Napi::Function::New(env, GroupAttentionForward));
  exports.Set("groupAttentionBackward", Napi::Function::New(env, GroupAttentionBackward));
  exports.Set("adamUpdate", Napi::Function::New(env, AdamUpdate));
  exports.Set("marginSoftmaxRows", Napi::Function::New(env, MarginSoftmaxRows));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads));
  exports.Set("blasCore", Napi::Function::New(env, BlasCore));
  exports.Set("convEngine", Napi::Function::New(env, ConvEngine));
  return exports;
}

}  // namespace

NODE_API_MODULE(facet_native, Init)
