/*
 * vrft_abi.h: every constant and struct that crosses the boundary between the Java backends and the
 * kernels, declared once. The Java side names the same values explicitly (AdvantageFlavor.deviceCode,
 * the loss options' enums, LossPartial, LossStruct.LAYOUT) and AbiConstantsTest reads this file to
 * check each of them, so a renumbering here or there fails a test instead of silently changing a kernel.
 * Plain C11 (and C++): included by vrft.h for C callers and by vrft_math.h for the kernels.
 */
#ifndef VRFT_ABI_H
#define VRFT_ABI_H

/* ---- group advantage flavours (vrft_group_advantages, vrft_reward_step) ----------------------- */
#define VRFT_ADV_TRL_GROUP 1
#define VRFT_ADV_TRL_NONE 3
#define VRFT_ADV_VERL 4
#define VRFT_ADV_VERL_NO_STD 5
#define VRFT_ADV_OPENRLHF 7
#define VRFT_ADV_OPENRLHF_DR_GRPO 8

/* ---- policy loss: vrft_loss_cfg.impl -------------------------------------------------------- */
#define VRFT_LOSS_TRL_CLIPPED 0
#define VRFT_LOSS_VERL_VANILLA 1

/* vrft_loss_cfg.loss_type with impl VRFT_LOSS_TRL_CLIPPED: TRL's loss_type */
#define VRFT_TRL_GRPO 0
#define VRFT_TRL_BNPO 1
#define VRFT_TRL_DR_GRPO 2
#define VRFT_TRL_DAPO 3

/* vrft_loss_cfg.loss_type with impl VRFT_LOSS_VERL_VANILLA: verl's loss_agg_mode */
#define VRFT_AGG_TOKEN_MEAN 0
#define VRFT_AGG_SEQ_MEAN_TOKEN_SUM 1
#define VRFT_AGG_SEQ_MEAN_TOKEN_MEAN 2
#define VRFT_AGG_SEQ_MEAN_TOKEN_SUM_NORM 3

/* vrft_loss_cfg.kl_type: verl's kl_loss_type (the '+' forms add VRFT_KL_PLUS_FLAG), OpenRLHF's
 * kl.estimator, or VRFT_KL_NONE */
#define VRFT_KL_NONE (-1)
#define VRFT_KL_K1 0
#define VRFT_KL_ABS 1
#define VRFT_KL_MSE 2
#define VRFT_KL_LOW_VAR_KL 3
#define VRFT_KL_PLUS_FLAG 4
#define VRFT_KL_K1_PLUS 4
#define VRFT_KL_ABS_PLUS 5
#define VRFT_KL_MSE_PLUS 6
#define VRFT_KL_LOW_VAR_KL_PLUS 7
#define VRFT_KL_OPENRLHF_K1 8
#define VRFT_KL_OPENRLHF_K2 9
#define VRFT_KL_OPENRLHF_K3 10

/* The partial sums of the loss (vrft_policy_loss's h_sums, the token kernel's per-block partials), by
 * index. The host assembles the loss and the trainers' metrics from them (DeviceLossConfig.result). */
#define VRFT_SUM_LOSS 0       /* Σ W·ℓ: the loss */
#define VRFT_SUM_ABS_LOSS 1   /* Σ |W·ℓ| */
#define VRFT_SUM_KL 2         /* Σ kl (TRL: the KL actually added, bias-corrected or not) */
#define VRFT_SUM_LOW 3        /* TRL: tokens whose clipped ratio is low with a negative advantage */
#define VRFT_SUM_HIGH 4       /* TRL: tokens whose clipped ratio is high with a positive advantage */
#define VRFT_SUM_CLIPFRAC 5   /* verl: tokens where the clipped branch is taken */
#define VRFT_SUM_PPO_KL 6     /* verl: Σ −(x − old), clamped to [-20, 20] */
#define VRFT_SUM_LOWER 7      /* verl: tokens on the dual-clip lower bound */
#define VRFT_SUM_WEIGHTED_KL 8 /* verl: Σ W·kl, the aggregated KL loss */
#define VRFT_SUMS 9

/* Loss configuration shared by the kernels, the host build and the Java struct writer (one struct, passed
 * by value; 7 ints, 4 bytes of padding, 13 doubles). */
typedef struct {
    int impl;          /* VRFT_LOSS_* */
    int loss_type;     /* VRFT_TRL_* or VRFT_AGG_* */
    int sequence;      /* TRL importance_sampling_level == sequence */
    int bias_kl;       /* TRL use_bias_correction_kl */
    int kl_type;       /* verl: VRFT_KL_*, or VRFT_KL_NONE for no KL */
    int rows, cols;
    double eps_low, eps_high, delta; /* delta < 0: none. verl: clip_ratio_low/high */
    double beta;       /* TRL beta, verl kl_loss_coef */
    double clip_c;     /* verl dual clip constant (> 1) */
    double ga, num_items, num_processes, max_completion_length; /* num_items < 0: local token count */
    double dp_size, batch_num_tokens, global_batch_size, loss_scale_factor; /* < 0: not given */
} vrft_loss_cfg;

#endif /* VRFT_ABI_H */
