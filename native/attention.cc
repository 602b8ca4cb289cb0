#include "attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "parallel.h"

namespace {

// Without -ffast-math the compiler keeps one float sum in order and will not vectorise it; eight
// independent partial sums let it.
inline float Dot(const float* __restrict x, const float* __restrict y, int64_t d) {
  float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= d; i += 8)
    for (int k = 0; k < 8; k++) lane[k] += x[i + k] * y[i + k];
  float s = 0;
  for (; i < d; i++) s += x[i] * y[i];
  for (int k = 0; k < 8; k++) s += lane[k];
  return s;
}

// Groups read table rows at random, so their loads miss the cache; asking for the rows of the
// group kAhead ahead while this one computes hides most of that latency.
constexpr int64_t kAhead = 2;

inline void PrefetchRows(const float* table, const int32_t* rows, int64_t n, int64_t d) {
  for (int64_t j = 0; j < n; j++) {
    const float* r = table + rows[j] * d;
    for (int64_t c = 0; c < d; c += 16) __builtin_prefetch(r + c);
    __builtin_prefetch(r + d - 1);
  }
}

// One entry's share of its row's gradient: dT_r += att·gr[group] (the weighted sum) + dpre·a_m (the
// member term) + query·a_q (the query term's gradient on a group's row 0, else 0).
struct RowTerm {
  int32_t group;
  float att, dpre, query;
};

// Splits rows [0, m) into `parts` ranges of about equal work, a row costing 1 plus its entries
// (start is the CSR offsets, m + 1 of them): bounds[p] is the first row of part p.
std::vector<int64_t> BalancedRows(const std::vector<int32_t>& start, int64_t m, int64_t parts) {
  std::vector<int64_t> bounds(parts + 1, m);
  const int64_t total = m + start[m];
  for (int64_t p = 0; p < parts; p++) {
    const int64_t want = total * p / parts;
    int64_t lo = 0, hi = m;  // first row r with r + start[r] >= want
    while (lo < hi) {
      const int64_t mid = (lo + hi) / 2;
      if (mid + start[mid] < want) lo = mid + 1;
      else hi = mid;
    }
    bounds[p] = lo;
  }
  return bounds;
}

}  // namespace

void group_attention_forward(const float* table, int64_t d, const float* a, float att_bias, const float* w_bias,
                             const float* out_bias, const int32_t* groups, int64_t g, int64_t n, float alpha, float* att,
                             float* pre, float* out, int threads) {
  const float* aq = a;
  const float* am = a + d;
  // a_qᵀ w_bias + att_bias and a_mᵀ w_bias: the constant parts of the query and member terms
  const float cq = att_bias + Dot(aq, w_bias, d), cm = Dot(am, w_bias, d);
  std::vector<float> bias(d);
  for (int64_t k = 0; k < d; k++) bias[k] = out_bias[k] + w_bias[k];
  // each group reads its n rows twice (the logits, then the weighted sum) while they are in cache
  ParallelFor(g, threads, RowGrain(n * d), [&](int, int64_t b, int64_t e) {
    for (int64_t gi = b; gi < e; gi++) {
      const int32_t* rows = groups + gi * n;
      if (gi + kAhead < e) PrefetchRows(table, rows + kAhead * n, n, d);
      float* pg = pre + gi * n;
      float* ag = att + gi * n;
      const float q = cq + Dot(aq, table + rows[0] * d, d);
      float mx = -INFINITY;
      for (int64_t j = 0; j < n; j++) {
        const float v = q + (cm + Dot(am, table + rows[j] * d, d));
        pg[j] = v;
        ag[j] = v > 0 ? v : alpha * v;
        mx = std::max(mx, ag[j]);
      }
      float sum = 0;
      for (int64_t j = 0; j < n; j++) sum += (ag[j] = std::exp(ag[j] - mx));
      float* __restrict o = out + gi * d;
      std::fill(o, o + d, 0.f);
      for (int64_t j = 0; j < n; j++) {
        const float w = (ag[j] /= sum);
        const float* __restrict t = table + rows[j] * d;
        for (int64_t k = 0; k < d; k++) o[k] += w * t[k];
      }
      const float* __restrict bs = bias.data();
      for (int64_t k = 0; k < d; k++) o[k] = std::max(0.f, o[k] + bs[k]);
    }
  });
}

void group_attention_backward(const float* table, int64_t m, int64_t d, const float* a, const float* w_bias,
                              const int32_t* groups, int64_t g, int64_t n, float alpha, const float* att, const float* pre,
                              const float* out, const float* dout, float* dtable, float* da, float* datt_bias, float* dw_bias,
                              float* dout_bias, int threads) {
  const float* aq = a;
  const float* am = a + d;
  const int64_t entries = g * n;
  // Rows are shared by groups, so rather than scatter-adding into dtable (a race across threads),
  // each row gathers its own terms: a CSR index of the entries by row (start), and slot[i], where
  // entry i's term goes in that order.
  std::vector<int32_t> start(m + 1, 0), slot(entries);
  for (int64_t i = 0; i < entries; i++) start[groups[i] + 1]++;
  for (int64_t r = 0; r < m; r++) start[r + 1] += start[r];
  {
    std::vector<int32_t> next(start.begin(), start.end() - 1);
    for (int64_t i = 0; i < entries; i++) slot[i] = next[groups[i]]++;
  }

  // Pass 1, over groups: the gradient gr (g·d) through the output ReLU and each entry's term for
  // pass 2, with per-thread sums of da's two halves, dout_bias and Σ dpre (width values): float
  // partials over blocks of 64 groups keep the inner loops vectorisable, and are folded in double.
  std::vector<float> grad(g * d);
  std::vector<RowTerm> terms(entries);
  const int64_t slots = std::max(1, threads), width = 3 * d + 1;
  std::vector<double> acc(slots * width, 0.0);
  ParallelFor(g, threads, RowGrain(n * d), [&](int t, int64_t b, int64_t e) {
    std::vector<float> part(width), s(n);
    float* __restrict daq = part.data();
    float* __restrict dam = daq + d;
    float* __restrict dbo = dam + d;
    for (int64_t gi = b; gi < e; gi++) {
      const int32_t* rows = groups + gi * n;
      if (gi + kAhead < e) PrefetchRows(table, rows + kAhead * n, n, d);
      const float* ag = att + gi * n;
      const float* __restrict y = out + gi * d;
      const float* __restrict dy = dout + gi * d;
      float* __restrict gr = grad.data() + gi * d;
      for (int64_t k = 0; k < d; k++) {
        const float v = dy[k];  // read unconditionally, so the select vectorises
        gr[k] = y[k] > 0 ? v : 0.f;
        dbo[k] += gr[k];
      }
      float dot = 0;
      for (int64_t j = 0; j < n; j++) dot += ag[j] * (s[j] = Dot(gr, table + rows[j] * d, d));
      // s becomes dpre, the logits' gradients; their sum is the query term's gradient
      float sum = 0;
      for (int64_t j = 0; j < n; j++) {
        const float p = s[j] = ag[j] * (s[j] - dot) * (pre[gi * n + j] > 0 ? 1.f : alpha);
        sum += p;
        const float* __restrict tr = table + rows[j] * d;
        for (int64_t k = 0; k < d; k++) dam[k] += p * tr[k];
      }
      for (int64_t j = 0; j < n; j++) terms[slot[gi * n + j]] = {(int32_t)gi, ag[j], s[j], j == 0 ? sum : 0.f};
      const float* __restrict t0 = table + rows[0] * d;
      for (int64_t k = 0; k < d; k++) daq[k] += sum * t0[k];
      dbo[d] += sum;
      if ((gi - b) % 64 == 63 || gi + 1 == e) {
        double* out_acc = acc.data() + t * width;
        for (int64_t k = 0; k < width; k++) out_acc[k] += part[k];
        std::fill(part.begin(), part.end(), 0.f);
      }
    }
  });

  // Pass 2, over table rows, split by rows and entries alike; each row sums its terms in group order.
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(threads, (m + entries) / RowGrain(d)));
  const std::vector<int64_t> bounds = BalancedRows(start, m, parts);
  ParallelFor(parts, (int)parts, 1, [&](int, int64_t pb, int64_t pe) {
    for (int64_t r = bounds[pb]; r < bounds[pe]; r++) {
      float* __restrict dr = dtable + r * d;
      std::fill(dr, dr + d, 0.f);
      for (int32_t k = start[r]; k < start[r + 1]; k++) {
        // the terms are read in order but their groups' gr rows at random
        if (k + 8 < entries) __builtin_prefetch(grad.data() + terms[k + 8].group * d);
        const RowTerm& e = terms[k];
        const float* __restrict gr = grad.data() + e.group * d;
        const float* __restrict aqr = aq;
        const float* __restrict amr = am;
        for (int64_t c = 0; c < d; c++) dr[c] += e.att * gr[c] + e.dpre * amr[c] + e.query * aqr[c];
      }
    }
  });

  std::vector<double> sums(width, 0.0);
  for (int64_t t = 0; t < slots; t++)
    for (int64_t k = 0; k < width; k++) sums[k] += acc[t * width + k];
  const double s = sums[3 * d];
  // w_bias sits in every query and member term, att_bias in every logit once
  for (int64_t k = 0; k < d; k++) {
    da[k] = (float)(sums[k] + s * w_bias[k]);
    da[d + k] = (float)(sums[d + k] + s * w_bias[k]);
    dout_bias[k] = (float)sums[2 * d + k];
    dw_bias[k] = (float)(sums[2 * d + k] + s * (aq[k] + am[k]));
  }
  datt_bias[0] = (float)s;
}
