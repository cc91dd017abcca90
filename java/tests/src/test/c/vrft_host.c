/*
 * vrft_host.c: the kernels' per-item device math (cuda/include/vrft_math.h) built for the host, with the
 * kernels' loops run sequentially. Java tests call it through FFM to check the device math against the
 * golden files on machines without a GPU. Not a backend: nothing in the library calls it.
 */
#include "vrft_math.h"
#include <stdlib.h>

double vrft_host_iou(const float* a, const float* b) {
    return vrft_iou_visual_rft(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]);
}

/* out[0] = accuracy_iou, out[1] = accuracy_confidence. Returns 0, or -1 when scratch cannot be allocated. */
int vrft_host_detection(int P, int G, const float* pred, const double* conf, const float* gt, int* match_gt,
                        double* out) {
    unsigned char* used = (unsigned char*)malloc(G > 0 ? (size_t)G : 1);
    if (!used) return -1;
    vrft_detection_one(P, G, pred, conf, gt, used, match_gt, out, out + 1);
    free(used);
    return 0;
}

void vrft_host_group(int flavor, int n, const int* idx, const float* r, float* adv) {
    vrft_group_one(flavor, n, idx, r, adv);
}

/* The three loss launches in order: rows, counts, tokens. sums[VRFT_SUMS] as the kernel's partials
 * summed (VRFT_SUM_* of vrft_abi.h); row_low_high[2*rows] the per-row clip
 * counts. Returns 0, or -1 when scratch cannot be allocated. */
int vrft_host_loss(const vrft_loss_cfg* c, const float* logp, const float* old, const float* ref, const float* is_w,
                   const unsigned char* mask, const float* adv, float* grad, float* per_token, float* per_kl,
                   double* sums, int* row_low_high) {
    int* len = (int*)calloc(c->rows > 0 ? (size_t)c->rows : 1, sizeof(int));
    double* rs = (double*)calloc(c->rows > 0 ? 3 * (size_t)c->rows : 1, sizeof(double));
    if (!len || !rs) {
        free(len);
        free(rs);
        return -1;
    }
    double tokens = 0, non_empty = 0;
    for (int i = 0; i < c->rows; i++) {
        for (int t = 0; t < c->cols; t++) {
            long long k = (long long)i * c->cols + t;
            if (!mask[k]) continue;
            double x = logp[k];
            len[i]++;
            rs[3 * i] += x - (old ? (double)old[k] : x);
            rs[3 * i + 1] += is_w ? (double)is_w[k] : 1.0;
            if (c->beta != 0.0 && ref) {
                double dkl;
                rs[3 * i + 2] += vrft_k3(x, ref[k], &dkl);
            }
        }
        tokens += len[i];
        non_empty += len[i] > 0;
    }
    for (int j = 0; j < VRFT_SUMS; j++) sums[j] = 0;
    for (int j = 0; j < 2 * c->rows; j++) row_low_high[j] = 0;
    for (int i = 0; i < c->rows; i++) {
        for (int t = 0; t < c->cols; t++) {
            long long k = (long long)i * c->cols + t;
            if (!mask[k]) {
                grad[k] = 0.0f;
                per_token[k] = 0.0f;
                if (per_kl) per_kl[k] = 0.0f;
                continue;
            }
            double x = logp[k];
            vrft_token_out o = vrft_loss_token(c, x, old ? (double)old[k] : x, ref ? (double)ref[k] : 0.0,
                                               is_w ? (double)is_w[k] : 1.0, adv[i], len[i], tokens, non_empty,
                                               rs[3 * i], rs[3 * i + 1], rs[3 * i + 2]);
            grad[k] = (float)o.grad;
            per_token[k] = (float)o.ptl;
            if (per_kl) per_kl[k] = (float)o.kl;
            vrft_add_partials(&o, sums);
            row_low_high[2 * i] += o.low != 0.0;
            row_low_high[2 * i + 1] += o.high != 0.0;
        }
    }
    free(len);
    free(rs);
    return 0;
}

/* The log-softmax steps: ms = {m, s}, as LogitsLogProbs.push/merge take them. */
void vrft_host_lse_push(double z, double* ms) { vrft_lse_push(z, &ms[0], &ms[1]); }
void vrft_host_lse_merge(double m2, double s2, double* ms) { vrft_lse_merge(m2, s2, &ms[0], &ms[1]); }
double vrft_host_lse_value(double m, double s) { return vrft_lse_value(m, s); }
float vrft_host_logits_grad(double z, double lse, double g, int is_token) {
    return vrft_logits_grad(z, lse, g, is_token);
}
