#include "softmax.h"

#include <cmath>
#include <cstring>
#include <vector>

#include "parallel.h"

namespace {

// gcc vector extensions of W lanes (no intrinsics, so any architecture builds it): W = 2 is SSE2's or NEON's
// width, W = 4 AVX2's, taken when the CPU has AVX2 and FMA (CPU dispatch below).
template <int W>
struct Lanes {
  typedef double D __attribute__((vector_size(8 * W)));
  typedef float F __attribute__((vector_size(4 * W)));
  typedef int64_t L __attribute__((vector_size(8 * W)));
};

#define FACET_INLINE __attribute__((always_inline)) inline

// exp of W doubles t ≤ 0: t = n·ln2 + r, |r| ≤ ln2/2 (Cody–Waite, ln2 split so n·kLn2Hi is exact), e^r by its
// degree-11 Taylor polynomial, 2^n put in the exponent bits. Within 9e-15 relative of std::exp on [−708, 0]
// (measured); below −708, where 2^n would leave the normal range and e^t is 0 in float and nothing beside a
// softmax sum ≥ 1, it gives 0. NaN stays NaN.
template <int W>
FACET_INLINE typename Lanes<W>::D Exp(typename Lanes<W>::D t) {
  typedef typename Lanes<W>::D D;
  typedef typename Lanes<W>::L L;
  const double kRound = 0x1.8p52, kLn2Hi = 0x1.62e42fee00000p-1, kLn2Lo = 0x1.a39ef35793c76p-33, kMin = -708.0;
  const D tc = t < kMin ? D{} + kMin : t;
  const D kn = tc * M_LOG2E + kRound;  // rounded to nearest: n sits in the low mantissa bits
  const D n = kn - kRound;
  const D r = (tc - n * kLn2Hi) - n * kLn2Lo;
  // Horner from 1/11! down to 1/0! (constants folded by the compiler)
  constexpr double kFact[] = {39916800, 3628800, 362880, 40320, 5040, 720, 120, 24, 6, 2, 1, 1};
  D p = r * (1.0 / kFact[0]) + 1.0 / kFact[1];
  for (int k = 2; k < 12; k++) p = p * r + 1.0 / kFact[k];
  const L bits = ((L)kn + 1023) << 52;  // 2^n: the low bits of kn are n (two's complement)
  const D e = p * (D)bits;
  return t < kMin ? D{} : e;
}

template <int W>
FACET_INLINE typename Lanes<W>::D Load(const float* z) {
  typename Lanes<W>::F f;
  std::memcpy(&f, z, sizeof f);
  return __builtin_convertvector(f, typename Lanes<W>::D);
}

template <int W>
FACET_INLINE void Store(float* z, typename Lanes<W>::D x, int64_t count = W) {
  const typename Lanes<W>::F f = __builtin_convertvector(x, typename Lanes<W>::F);
  std::memcpy(z, &f, count * sizeof(float));
}

// z[c] ← exp(scale·z[c] − max) (stored as float) for c in [b, e); returns their sum (double, per lane, then the lanes)
template <int W>
FACET_INLINE double ExpRange(float* z, int64_t b, int64_t e, double scale, double max) {
  typedef typename Lanes<W>::D D;
  D acc = {};
  int64_t c = b;
  for (; c + W <= e; c += W) {
    const D x = Exp<W>(Load<W>(z + c) * scale - max);
    acc += x;
    Store<W>(z + c, x);
  }
  if (c < e) {  // the tail, padded with −∞ (whose exp is 0)
    float pad[W];
    for (int j = 0; j < W; j++) pad[j] = c + j < e ? z[c + j] : -INFINITY;
    const D x = Exp<W>(Load<W>(pad) * scale - max);
    acc += x;
    Store<W>(z + c, x, e - c);
  }
  double sum = 0;
  for (int j = 0; j < W; j++) sum += acc[j];
  return sum;
}

// largest z[c] for c in [b, e), −∞ when empty
template <int W>
FACET_INLINE float MaxRange(const float* z, int64_t b, int64_t e) {
  typedef typename Lanes<W>::D D;
  D m = D{} - INFINITY;
  int64_t c = b;
  for (; c + W <= e; c += W) {
    const D x = Load<W>(z + c);
    m = x > m ? x : m;
  }
  double best = -INFINITY;
  for (int j = 0; j < W; j++) best = m[j] > best ? m[j] : best;
  for (; c < e; c++) best = z[c] > best ? z[c] : best;
  return (float)best;
}

// z[c] ← (float)(z[c]·g) for all c, rounded as the fallback: the product of the float and g, to float
template <int W>
FACET_INLINE void ScaleRow(float* z, int64_t n, double g) {
  int64_t c = 0;
  for (; c + W <= n; c += W) Store<W>(z + c, Load<W>(z + c) * g);
  for (; c < n; c++) z[c] = (float)(z[c] * g);
}

// One row, its label's logit `target` = scale·phi computed by the caller. The scalar arithmetic is the fallback's,
// in its order, and holds no product followed by an addition, so no fused multiply-add can change its rounding
// (g++ contracts in C++17 mode); with AVX2 + FMA only the vector exps and their sums are fused (within the
// stated error).
template <int W>
FACET_INLINE double RowOf(float* z, int64_t classes, int32_t y, double target, double dphi, double scale, double norm) {
  const float zmax = std::max(MaxRange<W>(z, 0, y), MaxRange<W>(z, y + 1, classes));
  // scale > 0, so scale·max z = max scale·z (rounding is monotone): the fallback's comparison
  const double max = (double)zmax * scale > target ? (double)zmax * scale : target;
  const double eTarget = std::exp(target - max);
  const double sum = eTarget + ExpRange<W>(z, 0, y, scale, max) + ExpRange<W>(z, y + 1, classes, scale, max);
  ScaleRow<W>(z, classes, scale / (sum * norm));
  z[y] = (float)(((eTarget / sum - 1) * scale * dphi) / norm);
  return std::log(sum) + max - target;
}

typedef double (*RowFn)(float*, int64_t, int32_t, double, double, double, double);

double Row2(float* z, int64_t classes, int32_t y, double target, double dphi, double scale, double norm) {
  return RowOf<2>(z, classes, y, target, dphi, scale, norm);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) double Row4(float* z, int64_t classes, int32_t y, double target, double dphi, double scale, double norm) {
  return RowOf<4>(z, classes, y, target, dphi, scale, norm);
}
#endif

RowFn ChooseRow() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Row4;
#endif
  return Row2;
}

}  // namespace

double margin_softmax_rows(float* z, int64_t rows, int64_t classes, const int32_t* labels, const double* phi, const double* dphi,
                           double scale, double norm, int threads) {
  static const RowFn row = ChooseRow();
  std::vector<double> loss(rows);
  ParallelFor(rows, threads, RowGrain(classes), [&](int, int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) loss[i] = row(z + i * classes, classes, labels[i], scale * phi[i], dphi[i], scale, norm);
  });
  double sum = 0;
  for (int64_t i = 0; i < rows; i++) sum += loss[i];
  return sum;
}
