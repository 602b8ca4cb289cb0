#pragma once
#include <cstdint>

// For each of nq query rows, the k base rows of largest inner product, best first; ties go to the
// lower base index. Blocked: memory is one query-block × base-block tile, never nq × nb.
// self_offset >= 0 skips base row self_offset + i for query i. Rows with fewer than k candidates
// are padded with index -1 and score -inf.
void topk_inner_product(const float* queries, int64_t nq, const float* base, int64_t nb, int dim, int k,
                        int64_t self_offset, int threads, int32_t* out_idx, float* out_score);
