// One translation unit, so that one fatbin (one CUmodule) holds every kernel.
#include "pairwise_iou.cu"
#include "detection_rewards.cu"
#include "group_advantages.cu"
#include "policy_loss.cu"
#include "logits_logprobs.cu"
