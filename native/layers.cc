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

void channel_moments(const float* x, int64_t rows, int64_t c, float* mean, float* var, int threads) {
  const std::vector<double> sums = ChannelSums(rows, c, threads, [&](int64_t r, float* __restrict fs, float* __restrict fq) {
    const float* __restrict xr = x + r * c;
    for (int64_t ch = 0; ch < c; ch++) {
      fs[ch] += xr[ch];
      fq[ch] += xr[ch] * xr[ch];
    }
  });
  for (int64_t ch = 0; ch < c; ch++) {
    const double m = rows > 0 ? sums[ch] / rows : 0;
    mean[ch] = (float)m;
    var[ch] = (float)std::max(0.0, rows > 0 ? sums[c + ch] / rows - m * m : 0);
  }
}

void scale_shift_relu(const float* x, int64_t rows, int64_t c, const float* scale, const float* shift, float* y, int threads) {
  ParallelFor(rows, threads, RowGrain(c), [&](int, int64_t b, int64_t e) {
    for (int64_t r = b; r < e; r++) {
      const float* __restrict xr = x + r * c;
      const float* __restrict a = scale;
      const float* __restrict b2 = shift;
      float* __restrict yr = y + r * c;
      for (int64_t ch = 0; ch < c; ch++) yr[ch] = std::max(0.f, xr[ch] * a[ch] + b2[ch]);
    }
  });
}

void bn_relu_backward(const float* x, const float* y, const float* dy, int64_t rows, int64_t c, const float* mean,
                      const float* invstd, const float* gamma, float* dx, float* dgamma, float* dbeta, int threads) {
  // pass 1: Σ dz and Σ dz·(x − mean) per channel, dz = dy where the ReLU passed
  const std::vector<double> sums = ChannelSums(rows, c, threads, [&](int64_t r, float* __restrict fb, float* __restrict fg) {
    const float* __restrict xr = x + r * c;
    const float* __restrict yr = y + r * c;
    const float* __restrict dr = dy + r * c;
    const float* __restrict mu = mean;
    for (int64_t ch = 0; ch < c; ch++) {
      const float dz = (yr[ch] > 0.f) * dr[ch];  // branch-free, so it vectorises
      fb[ch] += dz;
      fg[ch] += dz * (xr[ch] - mu[ch]);
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
      const float* __restrict yr = y + r * c;
      const float* __restrict dr = dy + r * c;
      const float* __restrict a = k1.data();
      const float* __restrict g = k2.data();
      const float* __restrict h = k3.data();
      const float* __restrict mu = mean;
      float* __restrict o = dx + r * c;
      for (int64_t ch = 0; ch < c; ch++) {
        const float dz = (yr[ch] > 0.f) * dr[ch];  // branch-free, so it vectorises
        o[ch] = a[ch] * dz + g[ch] * (xr[ch] - mu[ch]) + h[ch];
      }
    }
  });
}

void max_pool2x2_forward(const float* x, int64_t n, int64_t h, int64_t w, int64_t c, float* y, int32_t* argmax, int threads) {
  const int64_t oh = h / 2, ow = w / 2;
  // one item = one output row of one image
  ParallelFor(n * oh, threads, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, ow * c)), [&](int, int64_t b, int64_t e) {
    for (int64_t it = b; it < e; it++) {
      const int64_t img = it / oh, oy = it % oh;
      for (int64_t ox = 0; ox < ow; ox++) {
        const int64_t i00 = ((img * h + 2 * oy) * w + 2 * ox) * c;
        const int64_t offs[4] = {0, c, w * c, w * c + c};
        float* yr = y + (it * ow + ox) * c;
        int32_t* ar = argmax + (it * ow + ox) * c;
        for (int64_t ch = 0; ch < c; ch++) {
          int64_t best = i00 + ch;
          float bv = x[best];
          for (int k = 1; k < 4; k++) {
            const int64_t j = i00 + offs[k] + ch;
            if (x[j] > bv) bv = x[j], best = j;
          }
          yr[ch] = bv;
          ar[ch] = (int32_t)best;
        }
      }
    }
  });
}

void max_pool2x2_backward(const float* dy, const int32_t* argmax, int64_t n, int64_t h, int64_t w, int64_t c, float* dx,
                          int threads) {
  const int64_t oh = h / 2, ow = w / 2, per = h * w * c, operOut = oh * ow * c;
  // windows never overlap, so images are independent
  ParallelFor(n, threads, std::max<int64_t>(1, 65536 / std::max<int64_t>(1, per)), [&](int, int64_t b, int64_t e) {
    std::memset(dx + b * per, 0, (e - b) * per * sizeof(float));
    for (int64_t i = b * operOut; i < e * operOut; i++) dx[argmax[i]] = dy[i];
  });
}
