#pragma once
#include <cstdint>

// NAAN's single-query graph attention over g groups of n rows of a table [m, d] (group k = rows
// groups[k·n … k·n+n−1], row 0 the query; every index in [0, m), checked by the caller):
//   pre_j = a_qᵀ(T₀ + w_bias) + a_mᵀ(T_j + w_bias) + att_bias,  att = softmax_j(LeakyReLU_alpha(pre)),
//   out = ReLU(Σ_j att_j T_j + w_bias + out_bias)  → [g, d].
// a is [a_q; a_m] (2d). `threads` splits the groups (and, in the backward, the table's rows).

// Writes att and pre (g·n each) and out (g·d).
void group_attention_forward(const float* table, int64_t d, const float* a, float att_bias, const float* w_bias,
                             const float* out_bias, const int32_t* groups, int64_t g, int64_t n, float alpha, float* att,
                             float* pre, float* out, int threads);
// Backward given the forward's att, pre and out and dout: dtable (m·d), da (2d), datt_bias (1), dw_bias (d) and
// dout_bias (d), all overwritten. Deterministic: each dtable row sums its terms in group order whatever `threads` is.
void group_attention_backward(const float* table, int64_t m, int64_t d, const float* a, const float* w_bias,
                              const int32_t* groups, int64_t g, int64_t n, float alpha, const float* att, const float* pre,
                              const float* out, const float* dout, float* dtable, float* da, float* datt_bias, float* dw_bias,
                              float* dout_bias, int threads);
