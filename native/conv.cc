#include "conv.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "blas.h"
#include "parallel.h"

namespace {

// Column floats per chunk: 4M floats (16 MB) keeps the sgemm's M in the thousands for any layer
// while the buffer stays reusable across calls.
constexpr int64_t kChunkFloats = 4 << 20;

int64_t ChunkImages(const ConvShape& s) {
  const int64_t perImage = s.oh * s.ow * s.fh * s.fw * s.c;
  return std::max<int64_t>(1, std::min<int64_t>(s.n, kChunkFloats / std::max<int64_t>(1, perImage)));
}

// A per-thread buffer that only grows: fresh multi-megabyte allocations cost page faults and the
// zeroing std::vector does on every call; every element of the buffer is written before it is read.
float* Scratch(int64_t n) {
  thread_local std::unique_ptr<float[]> buf;
  thread_local int64_t size = 0;
  if (size < n) {
    buf.reset(new float[n]);
    size = n;
  }
  return buf.get();
}

// cols[(img·oh + y)·ow + x, (ky·fw + kx)·c + ch] = x[img, y·sh + ky·dh − padTop, x·sw + kx·dw − padLeft, ch] (0 outside).
// Only the padding cells are zeroed; with dw = 1 the fw taps of one kernel row are one contiguous copy.
void Im2col(const ConvShape& s, const float* x, int64_t images, float* cols, int threads) {
  const int64_t K = s.fh * s.fw * s.c, C = s.c, rowFloats = s.ow * K;
  ParallelFor(images * s.oh, threads, RowGrain(rowFloats), [&](int, int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t img = r / s.oh, oy = r % s.oh;
      const float* xi = x + img * s.h * s.w * C;
      float* out = cols + r * rowFloats;
      for (int64_t ox = 0; ox < s.ow; ox++) {
        float* row = out + ox * K;
        const int64_t ix0 = ox * s.sw - s.padLeft;
        for (int64_t ky = 0; ky < s.fh; ky++) {
          const int64_t iy = oy * s.sh + ky * s.dh - s.padTop;
          float* dst = row + ky * s.fw * C;
          if (iy < 0 || iy >= s.h) {
            std::memset(dst, 0, s.fw * C * sizeof(float));
            continue;
          }
          const float* src = xi + iy * s.w * C;
          if (s.dw == 1) {
            const int64_t kx0 = std::min(s.fw, std::max<int64_t>(0, -ix0)), kx1 = std::max(kx0, std::min(s.fw, s.w - ix0));
            if (kx0 > 0) std::memset(dst, 0, kx0 * C * sizeof(float));
            if (kx1 > kx0) std::memcpy(dst + kx0 * C, src + (ix0 + kx0) * C, (kx1 - kx0) * C * sizeof(float));
            if (kx1 < s.fw) std::memset(dst + kx1 * C, 0, (s.fw - kx1) * C * sizeof(float));
            continue;
          }
          for (int64_t kx = 0; kx < s.fw; kx++) {
            const int64_t ix = ix0 + kx * s.dw;
            if (ix < 0 || ix >= s.w) std::memset(dst + kx * C, 0, C * sizeof(float));
            else std::memcpy(dst + kx * C, src + ix * C, C * sizeof(float));
          }
        }
      }
    }
  });
}

// The adjoint of Im2col as a gather: each dx row is written (zeroed, then the column entries that
// read it are added in (ky, kx) order), so dx needs no zeroing and threads own disjoint rows.
void Col2im(const ConvShape& s, const float* cols, int64_t images, float* dx, int threads) {
  const int64_t K = s.fh * s.fw * s.c, C = s.c, rowFloats = s.w * C;
  ParallelFor(images * s.h, threads, RowGrain(rowFloats * s.fh), [&](int, int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t img = r / s.h, iy = r % s.h;
      float* drow = dx + r * rowFloats;
      std::memset(drow, 0, rowFloats * sizeof(float));
      for (int64_t ky = 0; ky < s.fh; ky++) {
        const int64_t ty = iy + s.padTop - ky * s.dh;
        if (ty < 0 || ty % s.sh != 0 || ty / s.sh >= s.oh) continue;
        const float* crow = cols + (img * s.oh + ty / s.sh) * s.ow * K;
        for (int64_t kx = 0; kx < s.fw; kx++) {
          for (int64_t ix = 0; ix < s.w; ix++) {
            const int64_t tx = ix + s.padLeft - kx * s.dw;
            if (tx < 0 || tx % s.sw != 0 || tx / s.sw >= s.ow) continue;
            const float* __restrict src = crow + (tx / s.sw) * K + (ky * s.fw + kx) * C;
            float* __restrict dst = drow + ix * C;
            for (int64_t ch = 0; ch < C; ch++) dst[ch] += src[ch];
          }
        }
      }
    }
  });
}

// 1×1, stride 1, no padding: the input already is the column matrix.
bool IsPointwise(const ConvShape& s) {
  return s.fh == 1 && s.fw == 1 && s.sh == 1 && s.sw == 1 && s.padTop == 0 && s.padLeft == 0 && s.oh == s.h && s.ow == s.w;
}

void Gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a, const float* b, float beta, float* c) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, 1.f, a,
              ta ? (int)m : (int)k, b, tb ? (int)k : (int)n, beta, c, (int)n);
}

// Calls body(i0, nb, buf) for the batch in chunks of images whose columns fit the scratch buffer.
template <class Body>
void ForChunks(const ConvShape& s, Body body) {
  const int64_t chunk = ChunkImages(s);
  float* buf = Scratch(chunk * s.oh * s.ow * s.fh * s.fw * s.c);
  for (int64_t i0 = 0; i0 < s.n; i0 += chunk) body(i0, std::min(chunk, s.n - i0), buf);
}

}  // namespace

void conv2d_forward(const ConvShape& s, const float* x, const float* filter, float* y, float* cols, int threads) {
  const int64_t K = s.fh * s.fw * s.c, P = s.oh * s.ow;
  if (IsPointwise(s)) {
    if (cols) std::memcpy(cols, x, s.n * P * K * sizeof(float));
    Gemm(false, false, s.n * P, s.oc, K, x, filter, 0.f, y);
    return;
  }
  if (cols) {
    Im2col(s, x, s.n, cols, threads);
    Gemm(false, false, s.n * P, s.oc, K, cols, filter, 0.f, y);
    return;
  }
  ForChunks(s, [&](int64_t i0, int64_t nb, float* buf) {
    Im2col(s, x + i0 * s.h * s.w * s.c, nb, buf, threads);
    Gemm(false, false, nb * P, s.oc, K, buf, filter, 0.f, y + i0 * P * s.oc);
  });
}

void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* filter, float* dx, int threads) {
  const int64_t K = s.fh * s.fw * s.c, P = s.oh * s.ow;
  if (IsPointwise(s)) {
    Gemm(false, true, s.n * P, K, s.oc, dy, filter, 0.f, dx);
    return;
  }
  ForChunks(s, [&](int64_t i0, int64_t nb, float* buf) {
    Gemm(false, true, nb * P, K, s.oc, dy + i0 * P * s.oc, filter, 0.f, buf);
    Col2im(s, buf, nb, dx + i0 * s.h * s.w * s.c, threads);
  });
}

void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dfilter, int threads) {
  const int64_t K = s.fh * s.fw * s.c, P = s.oh * s.ow;
  if (IsPointwise(s)) {
    Gemm(true, false, K, s.oc, s.n * P, x, dy, 0.f, dfilter);
    return;
  }
  ForChunks(s, [&](int64_t i0, int64_t nb, float* buf) {
    Im2col(s, x + i0 * s.h * s.w * s.c, nb, buf, threads);
    Gemm(true, false, K, s.oc, nb * P, buf, dy + i0 * P * s.oc, i0 == 0 ? 0.f : 1.f, dfilter);
  });
}

void conv2d_backprop_filter_columns(const ConvShape& s, const float* cols, const float* dy, float* dfilter) {
  Gemm(true, false, s.fh * s.fw * s.c, s.oc, s.n * s.oh * s.ow, cols, dy, 0.f, dfilter);
}
