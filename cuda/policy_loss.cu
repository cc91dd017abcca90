// The clipped-ratio policy loss, forward and backward fused, in three launches:
//   1. vrft_loss_rows:   one block per row: L_i, Σ m·Δ, Σ m·w_IS, Σ m·k3 (the row reductions);
//   2. vrft_loss_counts: one block: total tokens and non-empty rows;
//   3. vrft_loss_tokens: one thread per token: per-token loss, gradient and KL (exactly 0 at masked
//      positions, which are never read), and per-block partial sums of the loss and the metrics, which the
//      host adds in block order (deterministic).
#include "include/vrft_math.h"

#define VRFT_ROW_THREADS 256

__device__ __forceinline__ double vrft_block_sum(double v, double* smem) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    __syncthreads();
    if (lane == 0) smem[warp] = v;
    __syncthreads();
    double s = 0.0;
    if (threadIdx.x == 0) {
        for (int k = 0; k < (int)(blockDim.x >> 5); k++) s += smem[k]; // fixed order
    }
    return s;
}

extern "C" __global__ void vrft_loss_rows(vrft_loss_cfg c, const float* __restrict__ logp, const float* __restrict__ old,
                                          const float* __restrict__ ref, const float* __restrict__ is_w,
                                          const unsigned char* __restrict__ mask, int* __restrict__ row_len,
                                          double* __restrict__ row_sums /* 3 per row */) {
    __shared__ double smem[32];
    const int i = blockIdx.x;
    const long long base = (long long)i * c.cols;
    double len = 0, sd = 0, sw = 0, sk = 0;
    for (int t = threadIdx.x; t < c.cols; t += blockDim.x) {
        const long long k = base + t;
        if (!mask[k]) continue;
        const double x = logp[k];
        len += 1.0;
        sd += x - (old ? (double)old[k] : x);
        sw += is_w ? (double)is_w[k] : 1.0;
        if (c.beta != 0.0 && ref) {
            double dkl;
            sk += vrft_k3(x, ref[k], &dkl);
        }
    }
    len = vrft_block_sum(len, smem);
    sd = vrft_block_sum(sd, smem);
    sw = vrft_block_sum(sw, smem);
    sk = vrft_block_sum(sk, smem);
    if (threadIdx.x == 0) {
        row_len[i] = (int)len;
        row_sums[3 * i] = sd;
        row_sums[3 * i + 1] = sw;
        row_sums[3 * i + 2] = sk;
    }
}

extern "C" __global__ void vrft_loss_counts(const int* __restrict__ row_len, int rows, double* __restrict__ counts) {
    __shared__ double smem[32];
    double tok = 0, ne = 0;
    for (int i = threadIdx.x; i < rows; i += blockDim.x) {
        tok += row_len[i];
        ne += row_len[i] > 0 ? 1.0 : 0.0;
    }
    tok = vrft_block_sum(tok, smem);
    ne = vrft_block_sum(ne, smem);
    if (threadIdx.x == 0) {
        counts[0] = tok;
        counts[1] = ne;
    }
}

extern "C" __global__ void vrft_loss_tokens(vrft_loss_cfg c, const float* __restrict__ logp, const float* __restrict__ old,
                                            const float* __restrict__ ref, const float* __restrict__ is_w,
                                            const unsigned char* __restrict__ mask, const float* __restrict__ adv,
                                            const int* __restrict__ row_len, const double* __restrict__ row_sums,
                                            const double* __restrict__ counts, float* __restrict__ grad,
                                            float* __restrict__ per_token, float* __restrict__ per_kl,
                                            double* __restrict__ partials, int* __restrict__ row_low_high) {
    __shared__ double smem[32];
    const long long n = (long long)c.rows * c.cols;
    const long long k = blockIdx.x * (long long)blockDim.x + threadIdx.x;
    double acc[VRFT_SUMS] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    if (k < n) {
        if (mask[k]) {
            const int i = (int)(k / c.cols);
            const double x = logp[k];
            vrft_token_out o = vrft_loss_token(&c, x, old ? (double)old[k] : x, ref ? (double)ref[k] : 0.0,
                                               is_w ? (double)is_w[k] : 1.0, adv[i], row_len[i], counts[0], counts[1],
                                               row_sums[3 * i], row_sums[3 * i + 1], row_sums[3 * i + 2]);
            grad[k] = (float)o.grad;
            per_token[k] = (float)o.ptl;
            if (per_kl) per_kl[k] = (float)o.kl;
            vrft_add_partials(&o, acc);
            // per-row clip counts for TRL's low_min / high_max: integer adds, so the order does not matter
            if (o.low != 0.0) atomicAdd(row_low_high + 2 * i, 1);
            if (o.high != 0.0) atomicAdd(row_low_high + 2 * i + 1, 1);
        } else {
            grad[k] = 0.0f; // select: masked positions are exactly 0 whatever their inputs
            per_token[k] = 0.0f;
            if (per_kl) per_kl[k] = 0.0f;
        }
    }
    for (int j = 0; j < VRFT_SUMS; j++) {
        double s = vrft_block_sum(acc[j], smem);
        if (threadIdx.x == 0) partials[(long long)blockIdx.x * VRFT_SUMS + j] = s;
    }
}
