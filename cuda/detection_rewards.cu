// Fused detection match and rewards: one thread per completion runs vrft_detection_one (greedy one-to-one
// matching in confidence order, upstream's float64 IoU > 0.5 decision, accuracy_iou and accuracy_confidence).
// Predictions arrive de-duplicated and in upstream's confidence order (the host parse does both).
#include "include/vrft_math.h"

extern "C" __global__ void vrft_detection_rewards_kernel(const float* __restrict__ pred, const double* __restrict__ conf,
                                                  const long long* __restrict__ pred_off,
                                                  const float* __restrict__ gt, const long long* __restrict__ gt_off,
                                                  int batch, unsigned char* __restrict__ used_scratch,
                                                  int* __restrict__ match_gt, double* __restrict__ iou_reward,
                                                  double* __restrict__ conf_reward) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < batch; i += gridDim.x * blockDim.x) {
        const long long p0 = pred_off[i], g0 = gt_off[i];
        vrft_detection_one((int)(pred_off[i + 1] - p0), (int)(gt_off[i + 1] - g0), pred + 4 * p0, conf + p0,
                           gt + 4 * g0, used_scratch + g0, match_gt + p0, iou_reward + i, conf_reward + i);
    }
}
