// Batched, ragged all-pairs IoU: sample i pairs its n_i boxes of `a` with its m_i boxes of `b`; the n_i x m_i
// results are packed row-major at out_off[i]. One thread per output element (grid-stride), 64-bit indices,
// 16-byte box loads, consecutive threads write consecutive outputs.
#include "include/vrft_math.h"

extern "C" __global__ void vrft_pairwise_iou_kernel(const float4* __restrict__ a, const long long* __restrict__ a_off,
                                             const float4* __restrict__ b, const long long* __restrict__ b_off,
                                             const long long* __restrict__ out_off, int batch,
                                             float* __restrict__ out) {
    const long long total = out_off[batch];
    for (long long p = blockIdx.x * (long long)blockDim.x + threadIdx.x; p < total;
         p += (long long)gridDim.x * blockDim.x) {
        int lo = 0, hi = batch; // the sample s with out_off[s] <= p < out_off[s + 1]
        while (hi - lo > 1) {
            int mid = (lo + hi) >> 1;
            if (out_off[mid] <= p) lo = mid; else hi = mid;
        }
        const long long local = p - out_off[lo];
        const long long m = b_off[lo + 1] - b_off[lo];
        const float4 u = a[a_off[lo] + local / m];
        const float4 v = b[b_off[lo] + local % m];
        out[p] = (float)vrft_iou_visual_rft(u.x, u.y, u.z, u.w, v.x, v.y, v.z, v.w);
    }
}
