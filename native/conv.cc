#include "conv.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "blas.h"

namespace {

// Images per im2col chunk: bounds the column buffer to about 64 MB.
int64_t ChunkImages(const ConvShape& s) {
  const int64_t perImage = s.oh * s.ow * s.fh * s.fw * s.c;
  return std::max<int64_t>(1, std::min<int64_t>(s.n, (16 << 20) / std::max<int64_t>(1, perImage)));
}

// cols[(img·oh + y)·ow + x, (ky·fw + kx)·c + ch] = x[img, y·sh + ky·dh − padTop, x·sw + kx·dw − padLeft, ch] (0 outside)
void Im2col(const ConvShape& s, const float* x, int64_t images, float* cols) {
  const int64_t K = s.fh * s.fw * s.c;
  for (int64_t img = 0; img < images; img++) {
    const float* xi = x + img * s.h * s.w * s.c;
    for (int64_t oy = 0; oy < s.oh; oy++) {
      for (int64_t ox = 0; ox < s.ow; ox++) {
        float* row = cols + ((img * s.oh + oy) * s.ow + ox) * K;
        for (int64_t ky = 0; ky < s.fh; ky++) {
          const int64_t iy = oy * s.sh + ky * s.dh - s.padTop;
          for (int64_t kx = 0; kx < s.fw; kx++) {
            const int64_t ix = ox * s.sw + kx * s.dw - s.padLeft;
            float* dst = row + (ky * s.fw + kx) * s.c;
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) std::memset(dst, 0, s.c * sizeof(float));
            else std::memcpy(dst, xi + (iy * s.w + ix) * s.c, s.c * sizeof(float));
          }
        }
      }
    }
  }
}

// The adjoint of Im2col: dx += scatter of the column gradients.
void Col2im(const ConvShape& s, const float* cols, int64_t images, float* dx) {
  const int64_t K = s.fh * s.fw * s.c;
  for (int64_t img = 0; img < images; img++) {
    float* di = dx + img * s.h * s.w * s.c;
    for (int64_t oy = 0; oy < s.oh; oy++) {
      for (int64_t ox = 0; ox < s.ow; ox++) {
        const float* row = cols + ((img * s.oh + oy) * s.ow + ox) * K;
        for (int64_t ky = 0; ky < s.fh; ky++) {
          const int64_t iy = oy * s.sh + ky * s.dh - s.padTop;
          if (iy < 0 || iy >= s.h) continue;
          for (int64_t kx = 0; kx < s.fw; kx++) {
            const int64_t ix = ox * s.sw + kx * s.dw - s.padLeft;
            if (ix < 0 || ix >= s.w) continue;
            const float* src = row + (ky * s.fw + kx) * s.c;
            float* dst = di + (iy * s.w + ix) * s.c;
            for (int64_t ch = 0; ch < s.c; ch++) dst[ch] += src[ch];
          }
        }
      }
    }
  }
}

// 1×1, stride 1, no padding: the input already is the column matrix.
bool IsPointwise(const ConvShape& s) {
  return s.fh == 1 && s.fw == 1 && s.sh == 1 && s.sw == 1 && s.padTop == 0 && s.padLeft == 0 && s.oh == s.h && s.ow == s.w;
}

}  // namespace

void conv2d_forward(const ConvShape& s, const float* x, const float* filter, float* y) {
  const int64_t K = s.fh * s.fw * s.c, P = s.oh * s.ow;
  if (IsPointwise(s)) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(s.n * P), (int)s.oc, (int)K, 1.f, x, (int)K, filter, (int)s.oc, 0.f, y, (int)s.oc);
    return;
  }
  const int64_t chunk = ChunkImages(s);
  std::vector<float> cols(chunk * P * K);
  for (int64_t i0 = 0; i0 < s.n; i0 += chunk) {
    const int64_t nb = std::min(chunk, s.n - i0);
    Im2col(s, x + i0 * s.h * s.w * s.c, nb, cols.data());
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(nb * P), (int)s.oc, (int)K, 1.f, cols.data(), (int)K, filter,
                (int)s.oc, 0.f, y + i0 * P * s.oc, (int)s.oc);
  }
}

void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* filter, float* dx) {
  const int64_t K = s.fh * s.fw * s.c, P = s.oh * s.ow;
  if (IsPointwise(s)) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(s.n * P), (int)K, (int)s.oc, 1.f, dy, (int)s.oc, filter, (int)s.oc, 0.f, dx, (int)K);
    return;
  }
  std::memset(dx, 0, s.n * s.h * s.w * s.c * sizeof(float));
  const int64_t chunk = ChunkImages(s);
  std::vector<float> cols(chunk * P * K);
  for (int64_t i0 = 0; i0 < s.n; i0 += chunk) {
    const int64_t nb = std::min(chunk, s.n - i0);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(nb * P), (int)K, (int)s.oc, 1.f, dy + i0 * P * s.oc, (int)s.oc, filter,
                (int)s.oc, 0.f, cols.data(), (int)K);
    Col2im(s, cols.data(), nb, dx + i0 * s.h * s.w * s.c);
  }
}

void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dfilter) {
  const int64_t K = s.fh * s.fw * s.c, P = s.oh * s.ow;
  if (IsPointwise(s)) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)s.oc, (int)(s.n * P), 1.f, x, (int)K, dy, (int)s.oc, 0.f, dfilter, (int)s.oc);
    return;
  }
  const int64_t chunk = ChunkImages(s);
  std::vector<float> cols(chunk * P * K);
  for (int64_t i0 = 0; i0 < s.n; i0 += chunk) {
    const int64_t nb = std::min(chunk, s.n - i0);
    Im2col(s, x + i0 * s.h * s.w * s.c, nb, cols.data());
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)s.oc, (int)(nb * P), 1.f, cols.data(), (int)K,
                dy + i0 * P * s.oc, (int)s.oc, i0 == 0 ? 0.f : 1.f, dfilter, (int)s.oc);
  }
}
