/*
 * vrft_math.h: the per-element math of every kernel, as __host__ __device__ functions.
 *
 * The same formulas compile into the CUDA kernels (the .cu files in cuda/) and into a host library
 * (native-build: libvrft_host.so), which the Java tests run against the golden files on machines
 * without a GPU. Each function mirrors its Java twin in io.github.vrft (named in its comment), so the
 * GPU, the host build and the CPU backend compute the same numbers: double arithmetic on float32
 * inputs, Python/PyTorch semantics for NaN, ties and clamps.
 */
#ifndef VRFT_MATH_H
#define VRFT_MATH_H

#include <math.h>
#include <stdint.h>

#include "vrft_abi.h"

#if defined(__CUDACC__)
#define VRFT_HD __host__ __device__ __forceinline__
#else
#define VRFT_HD static inline
#endif

/* ---- Python / PyTorch primitives ------------------------------------------------------------ */

/* Python max(a, b): a unless b > a (so max(nan, x) is nan, max(x, nan) is x). BoxIou.pyMax */
VRFT_HD double vrft_py_max(double a, double b) { return b > a ? b : a; }
/* Python min(a, b): a unless b < a. BoxIou.pyMin */
VRFT_HD double vrft_py_min(double a, double b) { return b < a ? b : a; }
/* torch.clamp / numpy.clip: NaN stays NaN (fmin/fmax would drop it). LossMath.clip */
VRFT_HD double vrft_clip(double v, double lo, double hi) {
    double m = (v != v) ? v : (v < lo ? lo : v);
    return (m != m) ? m : (m > hi ? hi : m);
}
/* torch.minimum/maximum with NaN propagation (Math.min/Math.max). */
VRFT_HD double vrft_tmin(double a, double b) { return (a != a || b != b) ? (a + b) : (a < b ? a : b); }
VRFT_HD double vrft_tmax(double a, double b) { return (a != a || b != b) ? (a + b) : (a > b ? a : b); }
/* Backward weights of torch.minimum(a, b) / torch.maximum(a, b): half each on a tie. LossMath */
VRFT_HD double vrft_min_wa(double a, double b) { return a > b ? 0.0 : (a == b ? 0.5 : 1.0); }
VRFT_HD double vrft_min_wb(double a, double b) { return a < b ? 0.0 : (a == b ? 0.5 : 1.0); }
VRFT_HD double vrft_max_wa(double a, double b) { return a < b ? 0.0 : (a == b ? 0.5 : 1.0); }
VRFT_HD double vrft_max_wb(double a, double b) { return a > b ? 0.0 : (a == b ? 0.5 : 1.0); }
/* clamp passes the gradient iff lo <= v <= hi (inclusive). LossMath.inRange */
VRFT_HD double vrft_in_range(double v, double lo, double hi) { return (v >= lo && v <= hi) ? 1.0 : 0.0; }
VRFT_HD double vrft_sigmoid(double z) {
    if (z >= 0) return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

/* ---- boxes --------------------------------------------------------------------------------- */

/* Visual-RFT calculate_iou (continuous, no +1; 0 for an empty intersection or a degenerate box); a is
 * the ground truth. BoxIou.visualRft */
VRFT_HD double vrft_iou_visual_rft(double ax1, double ay1, double ax2, double ay2,
                                   double bx1, double by1, double bx2, double by2) {
    double xi1 = vrft_py_max(ax1, bx1), yi1 = vrft_py_max(ay1, by1);
    double xi2 = vrft_py_min(ax2, bx2), yi2 = vrft_py_min(ay2, by2);
    if (xi2 <= xi1 || yi2 <= yi1) return 0.0;
    double inter = (xi2 - xi1) * (yi2 - yi1);
    double area1 = (ax2 - ax1) * (ay2 - ay1);
    double area2 = (bx2 - bx1) * (by2 - by1);
    double uni = area1 + area2 - inter;
    return inter / uni;
}

/* ---- group advantages (GroupAdvantages.compute) ------------------------------------------------ */


/* One advantage from the group's mean and (unbiased) std, per flavour; n valid members. */
VRFT_HD double vrft_advantage(int flavor, double r, double mean, double std, int n) {
    switch (flavor) {
    case VRFT_ADV_TRL_GROUP: {
        double a = (r - mean) / (std + 1e-4);
        return (a != a) ? 0.0 : a; /* nan_to_num(nan=0) */
    }
    case VRFT_ADV_TRL_NONE: {
        double a = r - mean;
        return (a != a) ? 0.0 : a;
    }
    case VRFT_ADV_VERL: return n > 1 ? (r - mean) / (std + 1e-6) : r / (1.0 + 1e-6);
    case VRFT_ADV_VERL_NO_STD: return n > 1 ? r - mean : r;
    case VRFT_ADV_OPENRLHF: return (r - mean) / (std + 1e-9);
    case VRFT_ADV_OPENRLHF_DR_GRPO: return r - mean;
    default: return NAN;
    }
}

/* ---- policy loss per token (TrlPolicyLoss.policy, VerlFamilyLoss) --------------------------------- */

/* TRL clipped family at ratio r, advantage a: returns the policy term p, writes dp/dlogw and c1 (for the
 * clip metrics). delta < 0 means no two-sided cap. */
VRFT_HD double vrft_trl_clipped(double r, double a, double eps_low, double eps_high, double delta,
                                double* dlogw, double* c1_out) {
    double c2 = vrft_clip(r, 1.0 - eps_low, 1.0 + eps_high);
    double c1 = delta < 0 ? r : vrft_tmin(r, delta);
    double ua = c1 * a, ub = c2 * a;
    double ind_a = delta < 0 ? 1.0 : (r <= delta ? 1.0 : 0.0);
    double ind_b = vrft_in_range(r, 1.0 - eps_low, 1.0 + eps_high);
    *dlogw = -a * r * (vrft_min_wa(ua, ub) * ind_a + vrft_min_wb(ua, ub) * ind_b);
    *c1_out = c1;
    return -vrft_tmin(ua, ub);
}

/* TRL/Liger k3 KL at logp x, reference ref: returns kl, writes d kl / d x. */
VRFT_HD double vrft_k3(double x, double ref, double* dkl) {
    double dref = ref - x;
    double e = exp(dref);
    *dkl = 1.0 - e;
    return e - dref - 1.0;
}

/* verl vanilla PPO with dual clip at log-ratio raw (x - old): returns the loss, writes dℓ/dx and the
 * metric flags (bit 0: pg2 > pg1, bit 1: dual-clip lower). clip_c <= 0 turns the dual clip off. */
VRFT_HD double vrft_verl_vanilla(double raw, double a, double lo, double hi, double clip_c, double* dell, int* flags) {
    double dc = vrft_clip(raw, -20.0, 20.0);
    double in20 = vrft_in_range(raw, -20.0, 20.0);
    double r = exp(dc);
    double pg1 = -a * r;
    double pg2 = -a * vrft_clip(r, 1.0 - lo, 1.0 + hi);
    double c1 = vrft_tmax(pg1, pg2);
    double dc1 = -a * r * (vrft_max_wa(pg1, pg2) + vrft_max_wb(pg1, pg2) * vrft_in_range(r, 1.0 - lo, 1.0 + hi)) * in20;
    int f = pg2 > pg1 ? 1 : 0;
    double ell;
    if (clip_c > 0 && a < 0) {
        double pg3 = -a * clip_c;
        ell = vrft_tmin(pg3, c1);
        *dell = vrft_min_wb(pg3, c1) * dc1;
        if (c1 > pg3) f |= 2;
    } else {
        ell = c1;
        *dell = dc1;
    }
    *flags = f;
    return ell;
}

/* The KL estimators by VRFT_KL_* code (vrft_abi.h): verl's k1, abs, mse, low_var_kl, each also in the
 * straight-through '+' form; OpenRLHF's k1, k2, k3 (clamped to [-10, 10]). Returns the value, writes d/dx. VerlFamilyLoss.kl */
VRFT_HD double vrft_kl(int type, double x, double ref, double* dv) {
    double d = x - ref;
    if (type >= VRFT_KL_OPENRLHF_K1) {
        double raw, draw;
        if (type == VRFT_KL_OPENRLHF_K1) { raw = d; draw = 1.0; }
        else if (type == VRFT_KL_OPENRLHF_K2) { raw = d * d / 2.0; draw = d; }
        else { raw = exp(-d) - 1.0 + d; draw = 1.0 - exp(-d); }
        *dv = draw * vrft_in_range(raw, -10.0, 10.0);
        return vrft_clip(raw, -10.0, 10.0);
    }
    int base = type & ~VRFT_KL_PLUS_FLAG;
    double val, g;
    if (base == VRFT_KL_K1) { val = d; g = 1.0; }
    else if (base == VRFT_KL_ABS) { val = fabs(d); g = (d > 0) ? 1.0 : ((d < 0) ? -1.0 : d); }
    else if (base == VRFT_KL_MSE) { val = 0.5 * d * d; g = d; }
    else {
        double kraw = ref - x;
        double kc = vrft_clip(kraw, -20.0, 20.0);
        double kld = exp(kc) - kc - 1.0;
        val = vrft_clip(kld, -10.0, 10.0);
        g = (1.0 - exp(kc)) * vrft_in_range(kraw, -20.0, 20.0) * vrft_in_range(kld, -10.0, 10.0);
    }
    if ((type & VRFT_KL_PLUS_FLAG) && base != VRFT_KL_MSE) {
        val = 0.5 * d * d - 0.5 * d * d + val;
        g = d;
    }
    *dv = g;
    return val;
}

/* ---- whole items: one completion, one group, one token (the kernels' per-thread work) --------------- */

/* One completion's detection rewards: P predictions (in confidence order) against G ground-truth boxes,
 * greedy one-to-one, first strict maximum of vrft_iou_visual_rft, matched when that float64 quotient is
 * > 0.5 (upstream's decision, the same IEEE division as the CPU). used[] is G bytes of scratch. match_gt[k]
 * gets the matched ground-truth index or -1. The Java twins: GreedyMatch.match and DetectionMatch.rewards. */
VRFT_HD void vrft_detection_one(int P, int G, const float* pred, const double* conf, const float* gt,
                                unsigned char* used, int* match_gt, double* iou_reward, double* conf_reward) {
    double s_iou = 0.0, s_conf = 0.0;
    for (int j = 0; j < G; j++) used[j] = 0;
    for (int k = 0; k < P; k++) {
        const float* b = pred + 4 * k;
        double best = 0.0;
        int best_j = -1;
        for (int j = 0; j < G; j++) {
            if (used[j]) continue;
            const float* a = gt + 4 * j;
            double iou = vrft_iou_visual_rft(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]);
            if (iou > best) { best = iou; best_j = j; }
        }
        double c = conf[k];
        if (best > 0.5) {
            used[best_j] = 1;
            match_gt[k] = best_j;
            s_iou += best;
            s_conf += c;
        } else {
            match_gt[k] = -1;
            s_conf += 1.0 - c;
        }
    }
    double r = P == 0 ? 0.0 : s_iou / (double)(G >= P ? G : P);
    double cr = P == 0 ? 0.0 : s_conf / (double)P;
    *iou_reward = r > 1 ? 1.0 : r;
    *conf_reward = cr > 1 ? 1.0 : (cr < 0 ? 0.0 : cr);
}

/* One group's advantages: members idx[0..n) of rewards r, two-pass statistics in double, NaN-aware for
 * the TRL flavours. GroupAdvantages.compute */
VRFT_HD void vrft_group_one(int flavor, int n, const int* idx, const float* r, float* adv) {
    int trl = flavor == VRFT_ADV_TRL_GROUP || flavor == VRFT_ADV_TRL_NONE;
    int c = 0;
    double s = 0.0;
    for (int j = 0; j < n; j++) {
        double v = r[idx[j]];
        if (!trl || v == v) { c++; s += v; }
    }
    double mean = c > 0 ? s / c : NAN;
    double ss = 0.0;
    for (int j = 0; j < n; j++) {
        double v = r[idx[j]];
        if (!trl || v == v) ss += (v - mean) * (v - mean);
    }
    double std = NAN;
    if (c > 1) std = trl ? sqrt(ss / c * ((double)c / (c - 1))) : sqrt(ss / (c - 1));
    for (int j = 0; j < n; j++) adv[idx[j]] = (float)vrft_advantage(flavor, r[idx[j]], mean, std, n);
}


/* The aggregation weight W of a token in a row of length len (docs/grpo.md, "Aggregation"). */
VRFT_HD double vrft_loss_weight(const vrft_loss_cfg* c, int len, double tokens, double non_empty) {
    if (c->impl == VRFT_LOSS_TRL_CLIPPED) {
        double lc = len > 1 ? (double)len : 1.0;
        switch (c->loss_type) {
        case VRFT_TRL_GRPO: return 1.0 / (c->rows * lc * c->ga);
        case VRFT_TRL_BNPO: return 1.0 / ((tokens > 1 ? tokens : 1.0) * c->ga);
        case VRFT_TRL_DR_GRPO: return 1.0 / ((double)c->rows * c->max_completion_length * c->ga);
        default: {
            double n = c->num_items >= 0 ? c->num_items : tokens;
            return 1.0 / ((n > 1 ? n : 1.0) / c->num_processes);
        }
        }
    }
    double gbs = c->global_batch_size >= 0 ? c->global_batch_size : non_empty;
    switch (c->loss_type) {
    case VRFT_AGG_TOKEN_MEAN: return 1.0 / (c->batch_num_tokens >= 0 ? c->batch_num_tokens : tokens) * c->dp_size;
    case VRFT_AGG_SEQ_MEAN_TOKEN_SUM: return 1.0 / gbs * c->dp_size;
    case VRFT_AGG_SEQ_MEAN_TOKEN_MEAN: return 1.0 / (len + 1e-8) / gbs * c->dp_size;
    default: return 1.0 / (c->loss_scale_factor >= 0 ? c->loss_scale_factor : (double)c->cols);
    }
}

/* Per-token results (what the token kernel writes or adds to its block's partial sums). */
typedef struct {
    double ptl, grad, kl, contrib, low, high, clipfrac, ppo_kl, lower, wkl;
} vrft_token_out;

/* Adds one token's terms to the VRFT_SUMS partial sums (the kernel per block, the host build per batch). */
VRFT_HD void vrft_add_partials(const vrft_token_out* o, double* sums) {
    sums[VRFT_SUM_LOSS] += o->contrib;
    sums[VRFT_SUM_ABS_LOSS] += fabs(o->contrib);
    sums[VRFT_SUM_KL] += o->kl;
    sums[VRFT_SUM_LOW] += o->low;
    sums[VRFT_SUM_HIGH] += o->high;
    sums[VRFT_SUM_CLIPFRAC] += o->clipfrac;
    sums[VRFT_SUM_PPO_KL] += o->ppo_kl;
    sums[VRFT_SUM_LOWER] += o->lower;
    sums[VRFT_SUM_WEIGHTED_KL] += o->wkl;
}

/* One masked-in token. row_sum_delta = Σ m·(x − old) of the row (sequence level), row_sum_w_is = Σ m·w_IS,
 * row_sum_kl = Σ m·k3 (sequence level, bias-corrected KL). TrlPolicyLoss / VerlFamilyLoss */
VRFT_HD vrft_token_out vrft_loss_token(const vrft_loss_cfg* c, double x, double old, double ref, double wis, double a,
                                       int len, double tokens, double non_empty,
                                       double row_sum_delta, double row_sum_w_is, double row_sum_kl) {
    vrft_token_out o = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    double w = vrft_loss_weight(c, len, tokens, non_empty);
    if (c->impl == VRFT_LOSS_VERL_VANILLA) {
        double dell;
        int flags;
        double ell = vrft_verl_vanilla(x - old, a, c->eps_low, c->eps_high, c->clip_c, &dell, &flags) * wis;
        o.ptl = ell;
        o.grad = w * dell * wis;
        o.contrib = w * ell;
        o.clipfrac = flags & 1;
        o.lower = (flags >> 1) & 1;
        o.ppo_kl = -vrft_clip(x - old, -20.0, 20.0);
        if (c->kl_type >= 0) {
            double dv;
            double kv = vrft_kl(c->kl_type, x, ref, &dv);
            o.kl = kv;
            o.wkl = w * kv;
            o.contrib += c->beta * (w * kv); /* verl: KL aggregated with the same token weight */
            o.grad += c->beta * w * dv;
        }
        return o;
    }
    double lc = len > 1 ? (double)len : 1.0;
    double r, d, c1;
    double p;
    if (c->sequence) {
        r = exp(row_sum_delta / lc);
        p = vrft_trl_clipped(r, a, c->eps_low, c->eps_high, c->delta, &d, &c1);
        o.grad = w * row_sum_w_is * d / lc; /* row-coupled: W·Σw_IS·dp/dlogw·m/L̂ */
    } else {
        r = exp(x - old);
        p = vrft_trl_clipped(r, a, c->eps_low, c->eps_high, c->delta, &d, &c1);
        o.grad = w * (d * wis);
    }
    double ptl = p * wis;
    if (c->beta != 0.0) {
        double dkl;
        double kl = vrft_k3(x, ref, &dkl);
        double kl_used = c->bias_kl ? kl * r : kl;
        ptl = ptl + c->beta * kl_used;
        o.kl = kl_used;
        if (!c->bias_kl) o.grad += c->beta * w * dkl;
        else if (!c->sequence) o.grad += c->beta * w * r * (x - ref);
        else o.grad += c->beta * w * r * dkl + c->beta * w * row_sum_kl * r / lc;
    }
    o.ptl = ptl;
    o.contrib = w * ptl;
    o.low = (c1 < 1.0 - c->eps_low && a < 0) ? 1.0 : 0.0;
    o.high = (c1 > 1.0 + c->eps_high && a > 0) ? 1.0 : 0.0;
    return o;
}


/* ---- log-softmax from logits (LogitsLogProbs) ---------------------------------------------------- */

/* One step of the online log-sum-exp: the state (*m, *s) means sum exp(z_k - *m) over the values pushed so far
 * (m = -inf, s = 0 when empty). A new maximum rescales the sum; -inf contributes exactly 0 (vocabulary padding is
 * often -inf); NaN reaches the sum, so a NaN logit gives a NaN row as torch's log_softmax does.
 * LogitsLogProbs.push */
VRFT_HD void vrft_lse_push(double z, double* m, double* s) {
    if (z > *m) {
        *s = *s * exp(*m - z) + 1.0;
        *m = z;
    } else if (!(z == -INFINITY)) {
        *s += exp(z - *m);
    }
}
/* Merges another state (m2, s2) into (*m, *s): the block reduction of the kernels. LogitsLogProbs.merge */
VRFT_HD void vrft_lse_merge(double m2, double s2, double* m, double* s) {
    if (m2 > *m) {
        *s = *s * exp(*m - m2) + s2;
        *m = m2;
    } else if (!(m2 == -INFINITY)) {
        *s += s2 * exp(m2 - *m);
    } else if (s2 != s2) {
        *s = s2; /* a state that saw only NaN and -inf: its NaN must still reach the row */
    }
}
/* The log-sum-exp of a state. LogitsLogProbs.lse */
VRFT_HD double vrft_lse_value(double m, double s) { return m + log(s); }
/* d logp / d logits at one vocabulary entry, times g = dL/dlogp / tau: (onehot - softmax) * g, with z = logit / tau.
 * LogitsLogProbs.grad */
VRFT_HD float vrft_logits_grad(double z, double lse, double g, int is_token) {
    double p = exp(z - lse);
    return (float)(is_token ? (1.0 - p) * g : -p * g);
}

#endif /* VRFT_MATH_H */
