#include "topk.h"
#include "blas.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

namespace {

struct Cand {
  float score;
  int32_t idx;
};

// "a ranks after b": lower score, or equal score and higher index.
inline bool worse(const Cand& a, const Cand& b) {
  return a.score < b.score || (a.score == b.score && a.idx > b.idx);
}

// A bounded heap per query row whose top is the worst kept candidate.
struct RowHeap {
  Cand* h;
  int size;
  int k;
  void push(float s, int32_t j) {
    if (size < k) {
      int i = size++;
      h[i] = {s, j};
      while (i > 0) {
        int p = (i - 1) / 2;
        if (!worse(h[i], h[p])) break;
        std::swap(h[i], h[p]);
        i = p;
      }
      return;
    }
    // candidates arrive in increasing index order, so an equal score never displaces a kept one
    if (!(s > h[0].score)) return;
    h[0] = {s, j};
    int i = 0;
    for (;;) {
      int l = 2 * i + 1, r = l + 1, m = i;
      if (l < k && worse(h[l], h[m])) m = l;
      if (r < k && worse(h[r], h[m])) m = r;
      if (m == i) break;
      std::swap(h[i], h[m]);
      i = m;
    }
  }
};

}  // namespace

void topk_inner_product(const float* queries, int64_t nq, const float* base, int64_t nb, int dim, int k,
                        int64_t self_offset, int threads, int32_t* out_idx, float* out_score) {
  const int64_t qBlock = 1024;
  const int64_t bBlock = 8192;
  if (threads < 1) threads = 1;
  std::vector<float> tile(qBlock * bBlock);
  std::vector<Cand> heaps(qBlock * (int64_t)k);
  std::vector<int> sizes(qBlock);
  for (int64_t q0 = 0; q0 < nq; q0 += qBlock) {
    const int64_t qn = std::min(qBlock, nq - q0);
    std::fill(sizes.begin(), sizes.begin() + qn, 0);
    for (int64_t b0 = 0; b0 < nb; b0 += bBlock) {
      const int64_t bn = std::min(bBlock, nb - b0);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)qn, (int)bn, dim, 1.0f, queries + q0 * dim, dim,
                  base + b0 * dim, dim, 0.0f, tile.data(), (int)bn);
      auto scan = [&](int64_t r0, int64_t r1) {
        for (int64_t i = r0; i < r1; i++) {
          RowHeap heap{heaps.data() + i * k, sizes[i], k};
          const float* row = tile.data() + i * bn;
          const int64_t self = self_offset >= 0 ? self_offset + q0 + i : -1;
          for (int64_t j = 0; j < bn; j++) {
            if (b0 + j == self) continue;
            heap.push(row[j], (int32_t)(b0 + j));
          }
          sizes[i] = heap.size;
        }
      };
      if (threads == 1 || qn < 64) {
        scan(0, qn);
      } else {
        std::vector<std::thread> pool;
        const int64_t per = (qn + threads - 1) / threads;
        for (int t = 0; t < threads; t++) {
          const int64_t r0 = t * per, r1 = std::min(qn, r0 + per);
          if (r0 < r1) pool.emplace_back(scan, r0, r1);
        }
        for (auto& th : pool) th.join();
      }
    }
    for (int64_t i = 0; i < qn; i++) {
      Cand* h = heaps.data() + i * k;
      const int n = sizes[i];
      std::sort(h, h + n, [](const Cand& a, const Cand& b) { return worse(b, a); });
      for (int j = 0; j < k; j++) {
        out_idx[(q0 + i) * k + j] = j < n ? h[j].idx : -1;
        out_score[(q0 + i) * k + j] = j < n ? h[j].score : -INFINITY;
      }
    }
  }
}
