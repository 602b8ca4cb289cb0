#pragma once
#include <cstdint>

// The margin softmax cross-entropy of `rows` rows of `classes` cosines z (row-major), as the TypeScript
// fallback (src/compute/softmax-fallback.ts): row i's target logit is scale·phi[i] (the margin's transform of
// its label's cosine, computed by the caller), every other logit scale·z; the softmax is taken in double.
// z is overwritten with dL/dz of the mean loss over `norm` rows: p_c·scale/norm off the label,
// (p_y − 1)·scale·dphi[i]/norm at it. Returns the rows' loss sum, log Σ exp − scale·phi per row, summed in
// row order whatever the threads. labels must lie in [0, classes) (the addon checks).
double margin_softmax_rows(float* z, int64_t rows, int64_t classes, const int32_t* labels, const double* phi, const double* dphi,
                           double scale, double norm, int threads);
