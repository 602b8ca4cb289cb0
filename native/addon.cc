// facet's native kernels: OpenBLAS sgemm and blocked top-k inner-product search, called on typed
// arrays without copies. Every function has a TypeScript fallback with the same results (src/compute).
#include <napi.h>

#include <string>
#include <thread>

#include "blas.h"
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

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  const int n = info[0].ToNumber().Int32Value();
  if (n < 1) return Fail(info.Env(), "threads must be ≥ 1"), info.Env().Undefined();
  g_threads = n;
  openblas_set_num_threads(n);
  return info.Env().Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), g_threads); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  if (g_threads < 1) g_threads = 1;
  openblas_set_num_threads(g_threads);
  exports.Set("sgemm", Napi::Function::New(env, Sgemm));
  exports.Set("topkInnerProduct", Napi::Function::New(env, TopK));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads));
  return exports;
}

}  // namespace

NODE_API_MODULE(facet_native, Init)
