// Group advantages, segmented by group: one thread per group (members member[start[g] .. start[g+1])),
// two-pass statistics in double, every flavour of vrft_advantage.
#include "include/vrft_math.h"

extern "C" __global__ void vrft_group_advantages_kernel(const float* __restrict__ rewards, const int* __restrict__ start,
                                                 const int* __restrict__ member, int groups, int flavor,
                                                 float* __restrict__ adv) {
    for (int g = blockIdx.x * blockDim.x + threadIdx.x; g < groups; g += gridDim.x * blockDim.x) {
        vrft_group_one(flavor, start[g + 1] - start[g], member + start[g], rewards, adv);
    }
}
