// The chosen tokens' log-probabilities from logits, and the gradient back to the logits (LogitsLogProbs), one
// block per row (a row is one position's vocabulary):
//   vrft_logits_forward_kernel:  each thread folds its strided share of the row into an online log-sum-exp state
//                         (float4 loads where the row is 16-byte aligned), the block merges the states in a fixed
//                         order; logp = z[token] - lse, with z = (logit + bias) / tau in double;
//   vrft_logits_backward_kernel: one pass that writes (onehot - softmax) * dL/dlogp / tau from the kept lse. The gradient
//                         may be written over the logits (the fused linear path does), so the two pointers are
//                         not __restrict__.
// Masked rows are not read (their token may be padding): logp, lse and the gradient are exactly 0 there. The bias
// (the lm_head's, or NULL) is added in float32, as a GEMM epilogue adds it.
#include "include/vrft_math.h"

#define VRFT_LOGITS_THREADS 256

__device__ __forceinline__ double vrft_logit(const float* row, const float* bias, long long v, double inv_t) {
    return (double)(bias ? row[v] + bias[v] : row[v]) * inv_t;
}

// Merges the block's online states into thread 0's (m, s): warp shuffles, then the warps' states in warp order.
__device__ __forceinline__ void vrft_block_lse(double* m, double* s, double* smem /* 64 */) {
    for (int o = 16; o > 0; o >>= 1) {
        const double m2 = __shfl_down_sync(0xffffffffu, *m, o);
        const double s2 = __shfl_down_sync(0xffffffffu, *s, o);
        vrft_lse_merge(m2, s2, m, s);
    }
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    __syncthreads();
    if (lane == 0) {
        smem[2 * warp] = *m;
        smem[2 * warp + 1] = *s;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        *m = -INFINITY;
        *s = 0.0;
        for (int k = 0; k < (int)(blockDim.x >> 5); k++) vrft_lse_merge(smem[2 * k], smem[2 * k + 1], m, s);
    }
}

extern "C" __global__ void vrft_logits_forward_kernel(const float* __restrict__ logits, const float* __restrict__ bias,
                                               const int* __restrict__ tokens, const unsigned char* __restrict__ mask,
                                               int vocab, double inv_t, float* __restrict__ logp,
                                               double* __restrict__ lse) {
    __shared__ double smem[64];
    const int r = blockIdx.x;
    if (mask && !mask[r]) { // the whole block leaves together: no barrier is split
        if (threadIdx.x == 0) {
            logp[r] = 0.0f;
            lse[r] = 0.0;
        }
        return;
    }
    const float* row = logits + (long long)r * vocab;
    double m = -INFINITY, s = 0.0;
    if (!bias && (vocab & 3) == 0 && ((uintptr_t)row & 15) == 0) {
        const float4* row4 = (const float4*)row;
        for (int k = threadIdx.x; k < (vocab >> 2); k += blockDim.x) {
            const float4 q = row4[k];
            vrft_lse_push(q.x * inv_t, &m, &s);
            vrft_lse_push(q.y * inv_t, &m, &s);
            vrft_lse_push(q.z * inv_t, &m, &s);
            vrft_lse_push(q.w * inv_t, &m, &s);
        }
    } else {
        for (int v = threadIdx.x; v < vocab; v += blockDim.x) vrft_lse_push(vrft_logit(row, bias, v, inv_t), &m, &s);
    }
    vrft_block_lse(&m, &s, smem);
    if (threadIdx.x == 0) {
        const double l = vrft_lse_value(m, s);
        lse[r] = l;
        logp[r] = (float)(vrft_logit(row, bias, tokens[r], inv_t) - l);
    }
}

extern "C" __global__ void vrft_logits_backward_kernel(const float* logits, const float* __restrict__ bias,
                                                const int* __restrict__ tokens, const unsigned char* __restrict__ mask,
                                                int vocab, double inv_t, const double* __restrict__ lse,
                                                const float* __restrict__ grad_logp, float* grad) {
    const int r = blockIdx.x;
    const float* row = logits + (long long)r * vocab;
    float* out = grad + (long long)r * vocab;
    if (mask && !mask[r]) {
        for (int v = threadIdx.x; v < vocab; v += blockDim.x) out[v] = 0.0f;
        return;
    }
    const double g = grad_logp[r] * inv_t;
    const double l = lse[r];
    const int t = tokens[r];
    if (!bias && (vocab & 3) == 0 && ((uintptr_t)row & 15) == 0 && ((uintptr_t)out & 15) == 0) {
        const float4* row4 = (const float4*)row;
        float4* out4 = (float4*)out;
        for (int k = threadIdx.x; k < (vocab >> 2); k += blockDim.x) {
            const float4 q = row4[k];
            const int v = k << 2;
            float4 o;
            o.x = vrft_logits_grad(q.x * inv_t, l, g, v == t);
            o.y = vrft_logits_grad(q.y * inv_t, l, g, v + 1 == t);
            o.z = vrft_logits_grad(q.z * inv_t, l, g, v + 2 == t);
            o.w = vrft_logits_grad(q.w * inv_t, l, g, v + 3 == t);
            out4[k] = o;
        }
    } else {
        for (int v = threadIdx.x; v < vocab; v += blockDim.x) {
            out[v] = vrft_logits_grad(vrft_logit(row, bias, v, inv_t), l, g, v == t);
        }
    }
}
