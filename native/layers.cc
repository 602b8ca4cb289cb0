#include "layers.h"

#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

#include "parallel.h"

namespace {

// Two per-channel sums over all rows: add_row(r, a, b) adds row r's terms into the float arrays a and b
// (c each). Float partials over 64-row blocks keep the inner loops vectorisable; the blocks and the
// threads' shares are folded in double. Returns [Σa (c values), Σb (c values)].
template <class AddRow>
std::vector<double> ChannelSums(int64_t rows, int64_t c, int threads, AddRow add_row) {
  const int64_t T = std::max(1, threads);
  std::vector<double> acc(T * 2 * c, 0.0);
  ParallelFor(rows, threads, RowGrain(c), [&](int t, int64_t b, int64_t e) {
    double* s = acc.data() + t * 2 * c;
    std::vector<float> buf(2 * c);
    for (int64_t r0 = b; r0 < e; r0 += 64) {
      std::fill(buf.begin(), buf.end(), 0.f);
      const int64_t r1 = std::min(e, r0 + 64);
      for (int64_t r = r0; r < r1; r++) add_row(r, buf.data(), buf.data() + c);
      for (int64_t i = 0; i < 2 * c; i++) s[i] += buf[i];
    }
  });
  std::vector<double> out(2 * c, 0.0);
  for (int64_t t = 0; t < T; t++)
    for (int64_t i = 0; i < 2 * c; i++) out[i] += acc[t * 2 * c + i];
  return out;
}

}  // namespace

// Two passes, as torch's BatchNorm: the mean, then the centred sums. One pass (E[x²] − E[x]²) cancels
// catastrophically where |mean| ≫ std, which deep ResNet layers reach at small batches.
void channel_moments(const float* x, int64_t rows, int64_t c, float* mean, float* var, int threads) {
  if (rows <= 0) {
    std::fill(mean, mean + c, 0.f);
    std::fill(var, var + c, 0.f);
    return;
  }
  const std::vector<double> sums = ChannelSums(rows, c, threads, [&](int64_t r, float* __restrict fs, float*) {
    const float* __restrict xr = x + r * c;
    for (int64_t ch = 0; ch < c; ch++) fs[ch] += xr[ch];
  });
  std::vector<float> m(c);
  for (int64_t ch = 0; ch < c; ch++) m[ch] = (float)(sums[ch] / rows);
  const float* __restrict mp = m.data();
  // Σ(x − m) is the rounding left in m; subtracting its square keeps the variance exact to float
  const std::vector<double> centred = ChannelSums(rows, c, threads, [&](int64_t r, float* __restrict fs, float* __restrict fq) {
    const float* __restrict xr = x + r * c;
    for (int64_t ch = 0; ch < c; ch++) {
      const float d = xr[ch] - mp[ch];
      fs[ch] += d;
      fq[ch] += d * d;
    }
  });
  for (int64_t ch = 0; ch < c; ch++) {
    const double e = centred[ch] / rows;
    mean[ch] = (float)(m[ch] + e);
    var[ch] = (float)std::max(0.0, centred[c + ch] / rows - e * e);
  }
}

namespace {

template <bool kRelu>
void ScaleShift(const float* x, int64_t rows, int64_t c, const float* scale, const float* shift, float* y, int threads) {
  ParallelFor(rows, threads, RowGrain(c), [&](int, int64_t b, int64_t e) {
    for (int64_t r = b; r < e; r++) {
      const float* __restrict xr = x + r * c;
      const float* __restrict a = scale;
      const float* __restrict b2 = shift;
      float* __restrict yr = y + r * c;
      for (int64_t ch = 0; ch < c; ch++) {
        const float z = xr[ch] * a[ch] + b2[ch];
        yr[ch] = kRelu ? std::max(0.f, z) : z;
      }
    }
  });
}

template <bool kRelu>
void BatchNormBackward(const float* x, const float* y, const float* dy, int64_t rows, int64_t c, const float* mean,
                       const float* invstd, const float* gamma, float* dx, float* dgamma, float* dbeta, int threads) {
  // dz = dy where the ReLU passed (branch-free, so it vectorises); dy itself without the ReLU
  auto dz = [](const float* yr, const float* dr, int64_t ch) { return kRelu ? (yr[ch] > 0.f) * dr[ch] : dr[ch]; };
  // pass 1: Σ dz and Σ dz·(x − mean) per channel
  const std::vector<double> sums = ChannelSums(rows, c, threads, [&](int64_t r, float* __restrict fb, float* __restrict fg) {
    const float* __restrict xr = x + r * c;
    const float* __restrict yr = kRelu ? y + r * c : nullptr;
    const float* __restrict dr = dy + r * c;
    const float* __restrict mu = mean;
    for (int64_t ch = 0; ch < c; ch++) {
      const float d = dz(yr, dr, ch);
      fb[ch] += d;
      fg[ch] += d * (xr[ch] - mu[ch]);
    }
  });
  std::vector<float> k1(c), k2(c), k3(c);
  const double inv = rows > 0 ? 1.0 / rows : 0;
  for (int64_t ch = 0; ch < c; ch++) {
    const double sb = sums[ch], sg = sums[c + ch], is = invstd[ch];
    dbeta[ch] = (float)sb;
    dgamma[ch] = (float)(sg * is);
    // dx = gamma·invstd·(dz − Σdz/M − xhat·Σ(dz·xhat)/M) = k1·dz + k2·(x − mean) + k3
    k1[ch] = (float)(gamma[ch] * is);
    k2[ch] = (float)(-gamma[ch] * is * is * is * sg * inv);
    k3[ch] = (float)(-gamma[ch] * is * sb * inv);
  }
  ParallelFor(rows, threads, RowGrain(c), [&](int, int64_t b, int64_t e) {
    for (int64_t r = b; r < e; r++) {
      const float* __restrict xr = x + r * c;
      const float* __restrict yr = kRelu ? y + r * c : nullptr;
      const float* __restrict dr = dy + r * c;
      const float* __restrict a = k1.data();
      const float* __restrict g = k2.data();
      const float* __restrict h = k3.data();
      const float* __restrict mu = mean;
      float* __restrict o = dx + r * c;
      for (int64_t ch = 0; ch < c; ch++) o[ch] = a[ch] * dz(yr, dr, ch) + g[ch] * (xr[ch] - mu[ch]) + h[ch];
    }
  });
}

// f(i) for every i in [0, size), split over threads in blocks of at least 64K.
template <class F>
void Elementwise(int64_t size, int threads, F f) {
  ParallelFor(size, threads, 65536, [&](int, int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) f(i);
  });
}

}  // namespace

void scale_shift(const float* x, int64_t rows, int64_t c, const float* scale, const float* shift, float* y, bool relu, int threads) {
  if (relu) ScaleShift<true>(x, rows, c, scale, shift, y, threads);
  else ScaleShift<false>(x, rows, c, scale, shift, y, threads);
}

void batch_norm_backward(const float* x, const float* y, const float* dy, int64_t rows, int64_t c, const float* mean,
                         const float* invstd, const float* gamma, float* dx, float* dgamma, float* dbeta, bool relu, int threads) {
  if (relu) BatchNormBackward<true>(x, y, dy, rows, c, mean, invstd, gamma, dx, dgamma, dbeta, threads);
  else BatchNormBackward<false>(x, y, dy, rows, c, mean, invstd, gamma, dx, dgamma, dbeta, threads);
}

void max_pool_forward(const float* x, int64_t n, int64_t h, int64_t w, int64_t c, int64_t size, int64_t stride, int64_t pad,
                      int64_t oh, int64_t ow, float* y, int32_t* argmax, int threads) {
  // one item = one output row of one image
  ParallelFor(n * oh, threads, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, ow * c * size)), [&](int, int64_t b, int64_t e) {
    for (int64_t it = b; it < e; it++) {
      const int64_t img = it / oh, oy = it % oh;
      const int64_t y0 = std::max<int64_t>(0, oy * stride - pad), y1 = std::min(h, oy * stride - pad + size);
      for (int64_t ox = 0; ox < ow; ox++) {
        const int64_t x0 = std::max<int64_t>(0, ox * stride - pad), x1 = std::min(w, ox * stride - pad + size);
        float* __restrict yr = y + (it * ow + ox) * c;
        int32_t* __restrict ar = argmax + (it * ow + ox) * c;
        const int64_t first = ((img * h + y0) * w + x0) * c;
        for (int64_t ch = 0; ch < c; ch++) yr[ch] = x[first + ch], ar[ch] = (int32_t)(first + ch);
        // window cells in row-major order, channels innermost; only a strictly larger value replaces
        for (int64_t iy = y0; iy < y1; iy++)
          for (int64_t ix = x0; ix < x1; ix++) {
            const int32_t o = (int32_t)(((img * h + iy) * w + ix) * c);
            const float* __restrict xr = x + o;
            for (int32_t ch = 0; ch < (int32_t)c; ch++) {
              const int32_t m = -(int32_t)(xr[ch] > yr[ch]);  // all ones where x wins: a mask GCC vectorises
              yr[ch] = xr[ch] > yr[ch] ? xr[ch] : yr[ch];
              ar[ch] = ((o + ch) & m) | (ar[ch] & ~m);
            }
          }
      }
    }
  });
}

void max_pool_backward(const float* dy, const int32_t* argmax, int64_t n, int64_t h, int64_t w, int64_t c, int64_t oh, int64_t ow,
                       float* dx, int threads) {
  const int64_t per = h * w * c, perOut = oh * ow * c;
  // each image's outputs point into that image only, so images are independent
  ParallelFor(n, threads, std::max<int64_t>(1, 65536 / std::max<int64_t>(1, per)), [&](int, int64_t b, int64_t e) {
    std::memset(dx + b * per, 0, (e - b) * per * sizeof(float));
    for (int64_t i = b * perOut; i < e * perOut; i++) dx[argmax[i]] += dy[i];
  });
}

void add_relu(const float* a, const float* b, float* y, int64_t size, int threads) {
  Elementwise(size, threads, [=](int64_t i) { y[i] = std::max(0.f, a[i] + b[i]); });
}

void relu(const float* x, float* y, int64_t size, int threads) {
  Elementwise(size, threads, [=](int64_t i) { y[i] = std::max(0.f, x[i]); });
}

void relu_backward(const float* y, const float* dy, float* dx, int64_t size, int threads) {
  Elementwise(size, threads, [=](int64_t i) { dx[i] = y[i] > 0.f ? dy[i] : 0.f; });
}

void add(const float* a, const float* b, float* y, int64_t size, int threads) {
  Elementwise(size, threads, [=](int64_t i) { y[i] = a[i] + b[i]; });
}
