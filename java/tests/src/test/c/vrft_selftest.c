/*
 * vrft_selftest.c: calls every function of cuda/include/vrft.h on a device (or on the CUDA host emulation's
 * libvrft.so) with small and awkward shapes, and checks each result against the kernels' own per-item math built
 * for the host (vrft_host.c over cuda/include/vrft_math.h, which the Java tests tie to the Java oracle). It is what
 * gpu/validate runs under compute-sanitizer (memcheck, racecheck, synccheck), so it keeps every launch small.
 *
 * Shapes: empty samples and batches, one box, sizes that are not multiples of a block (257, 1027), masked
 * positions salted with NaN (which must not reach any output), -inf vocabulary padding, a NaN logit row, in-place
 * device gradients, every advantage flavour with a kernel. Tolerances: one float32 ulp where both sides compute in
 * double and round once (docs/grpo.md §13); sums in another order to 1e-12 of their scale.
 *
 * Prints "ok NAME" or "FAIL NAME: ..." per check, then a summary line; exits 0 when every check holds, 1 when one
 * fails, 2 when there is no device.
 */
#include "vrft.h"
#include "vrft_math.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* vrft_host.c, linked in: the kernels' per-item loops run sequentially on the host. */
double vrft_host_iou(const float* a, const float* b);
int vrft_host_detection(int P, int G, const float* pred, const double* conf, const float* gt, int* match_gt,
                        double* out);
void vrft_host_group(int flavor, int n, const int* idx, const float* r, float* adv);
int vrft_host_loss(const vrft_loss_cfg* c, const float* logp, const float* old, const float* ref, const float* is_w,
                   const unsigned char* mask, const float* adv, float* grad, float* per_token, float* per_kl,
                   double* sums, int* row_low_high);

static int checks = 0, failures = 0;
static int quiet = 0; /* repeated calls print only their failures */
static char detail[256];

static void report(const char* name, int ok) {
    checks++;
    if (ok) {
        if (!quiet) printf("ok %s\n", name);
    } else {
        failures++;
        printf("FAIL %s: %s\n", name, detail);
    }
    detail[0] = 0;
    fflush(stdout);
}

/* A vrft call that must succeed; on failure the detail names it and the message. */
static int call(int status, const char* what) {
    if (status != VRFT_OK && detail[0] == 0) {
        snprintf(detail, sizeof detail, "%s: %s (%s)", what, vrft_error_string(status), vrft_last_error());
    }
    return status == VRFT_OK;
}
#define CALL(x) call((x), #x)

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next_u32(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}
static double uniform(void) { return next_u32() / 4294967296.0; }
static int below(int n) { return (int)(next_u32() % (uint32_t)n); }
static double gaussian(void) {
    double u = uniform() + 1e-12, v = uniform();
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* Within one float ulp (NaN equals NaN, infinities equal themselves). */
static int ulp_close(float want, float got) {
    if (isnan(want) || isnan(got)) return isnan(want) && isnan(got);
    if (isinf(want) || isinf(got)) return want == got;
    return fabsf(want - got) <= nextafterf(fabsf(want), INFINITY) - fabsf(want);
}

static int floats_close(const char* what, const float* want, const float* got, long long n) {
    for (long long k = 0; k < n; k++) {
        if (!ulp_close(want[k], got[k])) {
            snprintf(detail, sizeof detail, "%s[%lld]: want %.9g, got %.9g", what, k, want[k], got[k]);
            return 0;
        }
    }
    return 1;
}

static int double_close(const char* what, double want, double got, double scale) {
    if (isnan(want) || isnan(got)) {
        if (isnan(want) && isnan(got)) return 1;
    } else if (fabs(want - got) <= 1e-12 * (scale > 1 ? scale : 1) + 1e-300) {
        return 1;
    }
    snprintf(detail, sizeof detail, "%s: want %.17g, got %.17g", what, want, got);
    return 0;
}

static void random_box(float* b) {
    if (below(10) == 0) { /* a degenerate or inverted box */
        b[0] = b[2] = (float)(uniform() * 100);
        b[1] = (float)(uniform() * 100);
        b[3] = b[1] - (float)(uniform() * 5);
        return;
    }
    float x = (float)(uniform() * 100), y = (float)(uniform() * 100);
    b[0] = x;
    b[1] = y;
    b[2] = x + (float)(1 + uniform() * 40);
    b[3] = y + (float)(1 + uniform() * 40);
}

static void* xmalloc(size_t n) {
    void* p = calloc(n ? n : 1, 1);
    if (!p) {
        fprintf(stderr, "vrft_selftest: out of host memory\n");
        exit(3);
    }
    return p;
}

/* ---- basics and argument checks -------------------------------------------------------------------------- */

static void test_basics(vrft_context* ctx) {
    int n = -1;
    long long f = 0, t = 0;
    report("version is 0.3.0", vrft_version() == 300);
    report("error strings", strcmp(vrft_error_string(VRFT_ERR_CUDA), "VRFT_ERR_CUDA") == 0 &&
                                strcmp(vrft_error_string(99), "VRFT_ERR_UNKNOWN") == 0);
    report("device count", CALL(vrft_device_count(&n)) && n >= 1);
    report("memory info", CALL(vrft_memory_info(ctx, &f, &t)) && f > 0 && t >= f);
    float box[4] = {0, 0, 1, 1}, out[1];
    long long bad[2] = {1, 1}, off[2] = {0, 1};
    int s = vrft_pairwise_iou(ctx, 1, box, bad, box, off, out);
    report("bad offsets are an argument error naming them",
           s == VRFT_ERR_INVALID_ARGUMENT && strstr(vrft_last_error(), "h_a_off") != NULL);
    s = vrft_logits_forward(ctx, 1, 3, 0.0, box, (int[]){0}, NULL, out, (double[]){0});
    report("a zero temperature is an argument error",
           s == VRFT_ERR_INVALID_ARGUMENT && strstr(vrft_last_error(), "temperature") != NULL);
    s = vrft_logits_forward(ctx, 1, 3, 1.0, box, (int[]){3}, NULL, out, (double[]){0});
    report("a token outside the vocabulary is an argument error",
           s == VRFT_ERR_INVALID_ARGUMENT && strstr(vrft_last_error(), "h_tokens[0]") != NULL);
    float ms = 0;
    s = vrft_last_kernel_ms(ctx, &ms);
    report("no kernel time before timing is on", s == VRFT_ERR_INVALID_ARGUMENT);
}

/* ---- pairwise IoU ---------------------------------------------------------------------------------------- */

static void test_iou(vrft_context* ctx, int batch, const int* fixed_n, const int* fixed_m, const char* name) {
    long long* aoff = xmalloc(sizeof(long long) * (batch + 1));
    long long* boff = xmalloc(sizeof(long long) * (batch + 1));
    for (int i = 0; i < batch; i++) {
        int n = fixed_n ? fixed_n[i] : below(13), m = fixed_m ? fixed_m[i] : below(13);
        aoff[i + 1] = aoff[i] + n;
        boff[i + 1] = boff[i] + m;
    }
    float* a = xmalloc(sizeof(float) * 4 * aoff[batch]);
    float* b = xmalloc(sizeof(float) * 4 * boff[batch]);
    for (long long k = 0; k < aoff[batch]; k++) random_box(a + 4 * k);
    for (long long k = 0; k < boff[batch]; k++) random_box(b + 4 * k);
    long long total = 0;
    for (int i = 0; i < batch; i++) total += (aoff[i + 1] - aoff[i]) * (boff[i + 1] - boff[i]);
    float* want = xmalloc(sizeof(float) * total);
    float* got = xmalloc(sizeof(float) * total);
    long long p = 0;
    for (int i = 0; i < batch; i++) {
        for (long long r = aoff[i]; r < aoff[i + 1]; r++) {
            for (long long c = boff[i]; c < boff[i + 1]; c++) want[p++] = (float)vrft_host_iou(a + 4 * r, b + 4 * c);
        }
    }
    int ok = CALL(vrft_pairwise_iou(ctx, batch, a, aoff, b, boff, got)) && floats_close("iou", want, got, total);
    report(name, ok);
    free(aoff); free(boff); free(a); free(b); free(want); free(got);
}

/* ---- detection rewards and the reward step --------------------------------------------------------------- */

typedef struct {
    int batch;
    long long *poff, *goff;
    float *pred, *gt, *format;
    double* conf;
} detection_batch;

static detection_batch make_detection(int batch) {
    detection_batch d;
    d.batch = batch;
    d.poff = xmalloc(sizeof(long long) * (batch + 1));
    d.goff = xmalloc(sizeof(long long) * (batch + 1));
    for (int i = 0; i < batch; i++) {
        d.poff[i + 1] = d.poff[i] + (i % 11 == 3 ? 0 : below(9)); /* some completions predict nothing */
        d.goff[i + 1] = d.goff[i] + (i % 13 == 5 ? 0 : 1 + below(6));
    }
    d.pred = xmalloc(sizeof(float) * 4 * d.poff[batch]);
    d.conf = xmalloc(sizeof(double) * d.poff[batch]);
    d.gt = xmalloc(sizeof(float) * 4 * d.goff[batch]);
    d.format = xmalloc(sizeof(float) * batch);
    for (long long k = 0; k < d.goff[batch]; k++) random_box(d.gt + 4 * k);
    for (int i = 0; i < batch; i++) {
        for (long long k = d.poff[i]; k < d.poff[i + 1]; k++) {
            long long ng = d.goff[i + 1] - d.goff[i];
            if (ng > 0 && below(3) != 0) { /* near a ground-truth box, so that matches happen */
                const float* g = d.gt + 4 * (d.goff[i] + below((int)ng));
                for (int c = 0; c < 4; c++) d.pred[4 * k + c] = g[c] + (float)(gaussian() * 2);
            } else {
                random_box(d.pred + 4 * k);
            }
            d.conf[k] = uniform();
        }
        d.format[i] = below(2) ? 1.0f : 0.0f;
    }
    return d;
}

static void free_detection(detection_batch* d) {
    free(d->poff); free(d->goff); free(d->pred); free(d->gt); free(d->format); free(d->conf);
}

static void detection_reference(const detection_batch* d, int* match, double* iou, double* cr) {
    for (int i = 0; i < d->batch; i++) {
        double out[2];
        int P = (int)(d->poff[i + 1] - d->poff[i]), G = (int)(d->goff[i + 1] - d->goff[i]);
        vrft_host_detection(P, G, d->pred + 4 * d->poff[i], d->conf + d->poff[i], d->gt + 4 * d->goff[i],
                            match + d->poff[i], out);
        iou[i] = out[0];
        cr[i] = out[1];
    }
}

static void test_detection(vrft_context* ctx, int batch, const char* name) {
    detection_batch d = make_detection(batch);
    long long np = d.poff[batch];
    int *mw = xmalloc(sizeof(int) * np), *mg = xmalloc(sizeof(int) * np);
    double *iw = xmalloc(sizeof(double) * batch), *ig = xmalloc(sizeof(double) * batch);
    double *cw = xmalloc(sizeof(double) * batch), *cg = xmalloc(sizeof(double) * batch);
    detection_reference(&d, mw, iw, cw);
    int ok = CALL(vrft_detection_rewards(ctx, batch, d.pred, d.conf, d.poff, d.gt, d.goff, mg, ig, cg));
    for (long long k = 0; ok && k < np; k++) {
        if (mw[k] != mg[k]) {
            snprintf(detail, sizeof detail, "match_gt[%lld]: want %d, got %d", k, mw[k], mg[k]);
            ok = 0;
        }
    }
    for (int i = 0; ok && i < batch; i++) {
        ok = double_close("iou_reward", iw[i], ig[i], 1) && double_close("conf_reward", cw[i], cg[i], 1);
    }
    report(name, ok);
    free(mw); free(mg); free(iw); free(ig); free(cw); free(cg);
    free_detection(&d);
}

/* Groups of the given sizes over n = sum(sizes) members, members interleaved (not contiguous). */
static void make_groups(int groups, const int* sizes, int* start, int* member) {
    start[0] = 0;
    for (int g = 0; g < groups; g++) start[g + 1] = start[g] + sizes[g];
    int n = start[groups];
    for (int k = 0; k < n; k++) member[k] = k;
    for (int k = n - 1; k > 0; k--) { /* a shuffle: group members are scattered over the batch */
        int j = below(k + 1), t = member[k];
        member[k] = member[j];
        member[j] = t;
    }
}

static void groups_reference(int flavor, int groups, const int* start, const int* member, const float* r, float* adv) {
    for (int g = 0; g < groups; g++) vrft_host_group(flavor, start[g + 1] - start[g], member + start[g], r, adv);
}

static void test_reward_step(vrft_context* ctx, int batch, int flavor) {
    detection_batch d = make_detection(batch);
    int groups = batch / 8;
    int* sizes = xmalloc(sizeof(int) * groups);
    for (int g = 0; g < groups; g++) sizes[g] = 8;
    int *start = xmalloc(sizeof(int) * (groups + 1)), *member = xmalloc(sizeof(int) * batch);
    make_groups(groups, sizes, start, member);
    long long np = d.poff[batch];
    int* match = xmalloc(sizeof(int) * np);
    double *iw = xmalloc(sizeof(double) * batch), *ig = xmalloc(sizeof(double) * batch);
    double *cw = xmalloc(sizeof(double) * batch), *cg = xmalloc(sizeof(double) * batch);
    float *tw = xmalloc(sizeof(float) * batch), *tg = xmalloc(sizeof(float) * batch);
    float *aw = xmalloc(sizeof(float) * batch), *ag = xmalloc(sizeof(float) * batch);
    detection_reference(&d, match, iw, cw);
    for (int i = 0; i < batch; i++) tw[i] = ((float)iw[i] + (float)cw[i]) + d.format[i];
    groups_reference(flavor, groups, start, member, tw, aw);
    int ok = CALL(vrft_reward_step(ctx, batch, d.pred, d.conf, d.poff, d.gt, d.goff, d.format, groups, start, member,
                                   flavor, ig, cg, tg, ag));
    ok = ok && floats_close("total", tw, tg, batch) && floats_close("advantage", aw, ag, batch);
    char name[64];
    snprintf(name, sizeof name, "reward step, %d completions, flavour %d", batch, flavor);
    report(name, ok);
    free(sizes); free(start); free(member); free(match); free(iw); free(ig); free(cw); free(cg);
    free(tw); free(tg); free(aw); free(ag);
    free_detection(&d);
}

/* ---- group advantages ------------------------------------------------------------------------------------ */

static void test_advantages(vrft_context* ctx, int flavor) {
    int sizes[] = {1, 2, 7, 8, 257, 3, 8, 0};
    int groups = (int)(sizeof sizes / sizeof sizes[0]);
    int n = 0;
    for (int g = 0; g < groups; g++) n += sizes[g];
    int *start = xmalloc(sizeof(int) * (groups + 1)), *member = xmalloc(sizeof(int) * (n ? n : 1));
    make_groups(groups, sizes, start, member);
    float *r = xmalloc(sizeof(float) * n), *want = xmalloc(sizeof(float) * n), *got = xmalloc(sizeof(float) * n);
    for (int k = 0; k < n; k++) r[k] = (float)(below(4) == 0 ? 1.0 : gaussian());
    r[member[start[2]]] = NAN; /* TRL flavours skip it in the statistics; the others propagate it */
    for (int k = start[5]; k < start[6]; k++) r[member[k]] = 0.5f; /* a group with zero spread */
    groups_reference(flavor, groups, start, member, r, want);
    int ok = CALL(vrft_group_advantages(ctx, n, groups, r, start, member, flavor, got)) &&
             floats_close("advantage", want, got, n);
    char name[64];
    snprintf(name, sizeof name, "group advantages, flavour %d, groups of 0 to 257", flavor);
    report(name, ok);
    free(start); free(member); free(r); free(want); free(got);
}

/* ---- the policy loss ------------------------------------------------------------------------------------- */

static vrft_loss_cfg trl_dapo(int rows, int cols) {
    vrft_loss_cfg c;
    memset(&c, 0, sizeof c);
    c.impl = VRFT_LOSS_TRL_CLIPPED;
    c.loss_type = VRFT_TRL_DAPO;
    c.kl_type = VRFT_KL_NONE;
    c.rows = rows;
    c.cols = cols;
    c.eps_low = 0.2;
    c.eps_high = 0.28;
    c.delta = -1;
    c.beta = 0.04;
    c.clip_c = 3;
    c.ga = 1;
    c.num_items = -1;
    c.num_processes = 1;
    c.max_completion_length = cols;
    c.dp_size = c.batch_num_tokens = c.global_batch_size = c.loss_scale_factor = -1;
    return c;
}

static vrft_loss_cfg verl_vanilla(int rows, int cols) {
    vrft_loss_cfg c = trl_dapo(rows, cols);
    c.impl = VRFT_LOSS_VERL_VANILLA;
    c.loss_type = VRFT_AGG_SEQ_MEAN_TOKEN_MEAN;
    c.kl_type = VRFT_KL_LOW_VAR_KL;
    c.eps_high = 0.2;
    c.beta = 0.001;
    return c;
}

static void test_loss(vrft_context* ctx, vrft_loss_cfg c, const char* name) {
    long long n = (long long)c.rows * c.cols;
    float *logp = xmalloc(sizeof(float) * n), *old = xmalloc(sizeof(float) * n), *ref = xmalloc(sizeof(float) * n);
    unsigned char* mask = xmalloc(n);
    float* adv = xmalloc(sizeof(float) * c.rows);
    for (int i = 0; i < c.rows; i++) {
        int len = i == 1 ? 0 : 1 + below(c.cols); /* row 1 is empty */
        adv[i] = (float)gaussian();
        for (int t = 0; t < c.cols; t++) {
            long long k = (long long)i * c.cols + t;
            mask[k] = t < len;
            float x = (float)(-uniform() * 3);
            logp[k] = mask[k] ? x : NAN; /* masked positions are salted: NaN must not reach an output */
            old[k] = mask[k] ? x + (float)(gaussian() * 0.3) : NAN;
            ref[k] = mask[k] ? x + (float)(gaussian() * 0.3) : NAN;
        }
    }
    float *gw = xmalloc(sizeof(float) * n), *gg = xmalloc(sizeof(float) * n);
    float *pw = xmalloc(sizeof(float) * n), *pg = xmalloc(sizeof(float) * n);
    float *kw = xmalloc(sizeof(float) * n), *kg = xmalloc(sizeof(float) * n);
    double sw[VRFT_SUMS], sg[VRFT_SUMS];
    int *lw = xmalloc(sizeof(int) * 2 * c.rows), *lg = xmalloc(sizeof(int) * 2 * c.rows);
    vrft_host_loss(&c, logp, old, ref, NULL, mask, adv, gw, pw, kw, sw, lw);
    int ok = CALL(vrft_policy_loss(ctx, &c, logp, old, ref, NULL, mask, adv, gg, pg, kg, sg, lg));
    ok = ok && floats_close("grad_logp", gw, gg, n) && floats_close("per_token_loss", pw, pg, n) &&
         floats_close("per_token_kl", kw, kg, n);
    for (int j = 0; ok && j < VRFT_SUMS; j++) ok = double_close("a partial sum", sw[j], sg[j], fabs(sw[VRFT_SUM_ABS_LOSS]) + fabs(sw[j]));
    for (int j = 0; ok && j < 2 * c.rows; j++) {
        if (lw[j] != lg[j]) {
            snprintf(detail, sizeof detail, "row_low_high[%d]: want %d, got %d", j, lw[j], lg[j]);
            ok = 0;
        }
    }
    for (long long k = 0; ok && k < n; k++) {
        if (!mask[k] && (gg[k] != 0 || pg[k] != 0 || kg[k] != 0)) {
            snprintf(detail, sizeof detail, "masked position %lld is not exactly 0", k);
            ok = 0;
        }
    }
    report(name, ok);
    free(logp); free(old); free(ref); free(mask); free(adv); free(gw); free(gg); free(pw); free(pg); free(kw); free(kg);
    free(lw); free(lg);
}

/* ---- log-softmax from logits ----------------------------------------------------------------------------- */

/* The reference: one sequential online state per row (the kernels merge per-thread states: same value to 1e-12). */
static void logits_reference(long long rows, int vocab, double tau, const float* x, const float* bias,
                             const int* tokens, const unsigned char* mask, const float* glogp, float* logp,
                             double* lse, float* grad) {
    double inv = 1.0 / tau;
    for (long long r = 0; r < rows; r++) {
        const float* row = x + r * vocab;
        float* out = grad + r * vocab;
        if (mask && !mask[r]) {
            logp[r] = 0;
            lse[r] = 0;
            for (int v = 0; v < vocab; v++) out[v] = 0;
            continue;
        }
        double m = -INFINITY, s = 0;
        for (int v = 0; v < vocab; v++) vrft_lse_push((double)(bias ? row[v] + bias[v] : row[v]) * inv, &m, &s);
        double l = vrft_lse_value(m, s);
        lse[r] = l;
        int t = tokens[r];
        logp[r] = (float)((double)(bias ? row[t] + bias[t] : row[t]) * inv - l);
        double g = glogp[r] * inv;
        for (int v = 0; v < vocab; v++) {
            out[v] = vrft_logits_grad((double)(bias ? row[v] + bias[v] : row[v]) * inv, l, g, v == t);
        }
    }
}

static void make_logits(long long rows, int vocab, float* x, int* tokens, unsigned char* mask, float* glogp) {
    for (long long r = 0; r < rows; r++) {
        mask[r] = r % 5 != 2;
        tokens[r] = mask[r] ? below(vocab) : -100; /* a padding id where masked: not read */
        glogp[r] = (float)gaussian();
        for (int v = 0; v < vocab; v++) {
            x[r * vocab + v] = (float)(gaussian() * 4);
            if (r % 7 == 3 && v % 3 == 1 && v != tokens[r]) x[r * vocab + v] = -INFINITY; /* vocabulary padding */
        }
    }
    if (rows > 4) x[4 * vocab] = NAN; /* an unmasked NaN row: its logp and gradient are NaN */
}

static int logits_compare(long long rows, int vocab, const float* lw, const float* lg, const double* sw,
                          const double* sg, const float* gw, const float* gg) {
    if (!floats_close("logp", lw, lg, rows)) return 0;
    for (long long r = 0; r < rows; r++) {
        if (!double_close("lse", sw[r], sg[r], fabs(sw[r]))) return 0;
    }
    return floats_close("grad_logits", gw, gg, rows * vocab);
}

static void test_logits_host(vrft_context* ctx, long long rows, int vocab) {
    long long n = rows * vocab;
    float *x = xmalloc(sizeof(float) * n), *glogp = xmalloc(sizeof(float) * rows);
    int* tokens = xmalloc(sizeof(int) * rows);
    unsigned char* mask = xmalloc(rows);
    make_logits(rows, vocab, x, tokens, mask, glogp);
    float *lw = xmalloc(sizeof(float) * rows), *lg = xmalloc(sizeof(float) * rows);
    double *sw = xmalloc(sizeof(double) * rows), *sg = xmalloc(sizeof(double) * rows);
    float *gw = xmalloc(sizeof(float) * n), *gg = xmalloc(sizeof(float) * n);
    logits_reference(rows, vocab, 0.7, x, NULL, tokens, mask, glogp, lw, sw, gw);
    int ok = CALL(vrft_logits_forward(ctx, rows, vocab, 0.7, x, tokens, mask, lg, sg)) &&
             CALL(vrft_logits_backward(ctx, rows, vocab, 0.7, x, tokens, mask, sg, glogp, gg)) &&
             logits_compare(rows, vocab, lw, lg, sw, sg, gw, gg);
    char name[80];
    snprintf(name, sizeof name, "logits forward and backward (host buffers), %lld x %d", rows, vocab);
    report(name, ok);
    free(x); free(glogp); free(tokens); free(mask); free(lw); free(lg); free(sw); free(sg); free(gw); free(gg);
}

/* The device variants as the fused linear path uses them: a bias, the gradient written over the logits. */
static void test_logits_device(vrft_context* ctx, long long rows, int vocab, int with_bias) {
    long long n = rows * vocab;
    float *x = xmalloc(sizeof(float) * n), *glogp = xmalloc(sizeof(float) * rows), *bias = NULL;
    int* tokens = xmalloc(sizeof(int) * rows);
    unsigned char* mask = xmalloc(rows);
    make_logits(rows, vocab, x, tokens, mask, glogp);
    if (with_bias) {
        bias = xmalloc(sizeof(float) * vocab);
        for (int v = 0; v < vocab; v++) bias[v] = (float)gaussian();
    }
    float *lw = xmalloc(sizeof(float) * rows), *lg = xmalloc(sizeof(float) * rows);
    double *sw = xmalloc(sizeof(double) * rows), *sg = xmalloc(sizeof(double) * rows);
    float *gw = xmalloc(sizeof(float) * n), *gg = xmalloc(sizeof(float) * n);
    logits_reference(rows, vocab, 1.3, x, bias, tokens, mask, glogp, lw, sw, gw);
    void *dx = NULL, *db = NULL, *dt = NULL, *dm = NULL, *dg = NULL, *dl = NULL, *ds = NULL, *stream = NULL;
    int ok = CALL(vrft_device_alloc(ctx, (long long)sizeof(float) * n, &dx)) &&
             CALL(vrft_device_alloc(ctx, with_bias ? (long long)sizeof(float) * vocab : 0, &db)) &&
             CALL(vrft_device_alloc(ctx, (long long)sizeof(int) * rows, &dt)) &&
             CALL(vrft_device_alloc(ctx, rows, &dm)) &&
             CALL(vrft_device_alloc(ctx, (long long)sizeof(float) * rows, &dg)) &&
             CALL(vrft_device_alloc(ctx, (long long)sizeof(float) * rows, &dl)) &&
             CALL(vrft_device_alloc(ctx, (long long)sizeof(double) * rows, &ds)) &&
             CALL(vrft_copy_to_device(ctx, dx, x, (long long)sizeof(float) * n)) &&
             (!with_bias || CALL(vrft_copy_to_device(ctx, db, bias, (long long)sizeof(float) * vocab))) &&
             CALL(vrft_copy_to_device(ctx, dt, tokens, (long long)sizeof(int) * rows)) &&
             CALL(vrft_copy_to_device(ctx, dm, mask, rows)) &&
             CALL(vrft_copy_to_device(ctx, dg, glogp, (long long)sizeof(float) * rows)) &&
             CALL(vrft_context_stream(ctx, &stream)) &&
             CALL(vrft_logits_forward_device(ctx, rows, vocab, 1.3, dx, with_bias ? db : NULL, dt, dm, dl, ds)) &&
             CALL(vrft_logits_backward_device(ctx, rows, vocab, 1.3, dx, with_bias ? db : NULL, dt, dm, ds, dg, dx)) &&
             CALL(vrft_synchronize(ctx)) &&
             CALL(vrft_copy_to_host(ctx, lg, dl, (long long)sizeof(float) * rows)) &&
             CALL(vrft_copy_to_host(ctx, sg, ds, (long long)sizeof(double) * rows)) &&
             CALL(vrft_copy_to_host(ctx, gg, dx, (long long)sizeof(float) * n)) &&
             logits_compare(rows, vocab, lw, lg, sw, sg, gw, gg);
    void* ptrs[] = {dx, db, dt, dm, dg, dl, ds};
    for (int k = 0; k < 7; k++) ok = CALL(vrft_device_free(ctx, ptrs[k])) && ok;
    ok = CALL(vrft_synchronize(ctx)) && ok;
    char name[96];
    snprintf(name, sizeof name, "logits on device buffers%s, gradient in place, %lld x %d",
             with_bias ? " with a bias" : "", rows, vocab);
    report(name, ok);
    free(x); free(glogp); free(bias); free(tokens); free(mask); free(lw); free(lg); free(sw); free(sg); free(gw);
    free(gg);
}

/* ---- kernel timing and device memory balance --------------------------------------------------------------- */

static void test_timing(vrft_context* ctx) {
    float ms = -1;
    int fixed[1] = {3};
    long long f0 = 0, f1 = 0, t = 0;
    int ok = CALL(vrft_context_set_timing(ctx, 1));
    test_iou(ctx, 1, fixed, fixed, "IoU with kernel timing on");
    ok = ok && CALL(vrft_last_kernel_ms(ctx, &ms)) && ms >= 0 && ms < 10000;
    if (ok) printf("   kernel time of that call: %.4f ms\n", ms);
    ok = CALL(vrft_context_set_timing(ctx, 0)) && ok;
    report("kernel time from CUDA events", ok);
    ok = CALL(vrft_memory_info(ctx, &f0, &t));
    quiet = 1;
    for (int k = 0; k < 50; k++) test_logits_device(ctx, 3, 5, k & 1);
    quiet = 0;
    ok = ok && CALL(vrft_synchronize(ctx)) && CALL(vrft_memory_info(ctx, &f1, &t));
    if (ok && f1 != f0) snprintf(detail, sizeof detail, "free device memory %lld before, %lld after", f0, f1);
    report("device memory balance over 50 calls", ok && f1 == f0);
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "--probe") == 0) { /* gpu/validate: do the library and its loader work here? */
        printf("libvrft %d\n", vrft_version());
        return 0;
    }
    int devices = 0;
    vrft_device_count(&devices);
    vrft_context* ctx = NULL;
    int s = vrft_context_create(0, &ctx);
    if (s != VRFT_OK) {
        printf("no device: %s (%s)\n", vrft_error_string(s), vrft_last_error());
        return 2;
    }
    test_basics(ctx);

    int n_edge[] = {0, 0, 5, 1, 7, 300}, m_edge[] = {0, 5, 0, 1, 13, 257};
    test_iou(ctx, 6, n_edge, m_edge, "IoU: empty samples, one box, 7 x 13, 300 x 257");
    test_iou(ctx, 0, NULL, NULL, "IoU: an empty batch");
    test_iou(ctx, 1000, NULL, NULL, "IoU: 1,000 samples of 0-12 x 0-12 boxes");

    test_detection(ctx, 0, "detection rewards: an empty batch");
    test_detection(ctx, 1, "detection rewards: one completion");
    test_detection(ctx, 517, "detection rewards: 517 completions (not a multiple of a block)");

    int flavors[] = {VRFT_ADV_TRL_GROUP, VRFT_ADV_TRL_NONE, VRFT_ADV_VERL, VRFT_ADV_VERL_NO_STD, VRFT_ADV_OPENRLHF,
                     VRFT_ADV_OPENRLHF_DR_GRPO};
    for (int k = 0; k < 6; k++) test_advantages(ctx, flavors[k]);
    test_reward_step(ctx, 264, VRFT_ADV_TRL_GROUP);

    test_loss(ctx, trl_dapo(3, 37), "policy loss: TRL dapo with k3 KL, 3 x 37, NaN-salted mask");
    test_loss(ctx, trl_dapo(5, 300), "policy loss: TRL dapo with k3 KL, 5 x 300 (not a multiple of a block)");
    test_loss(ctx, verl_vanilla(6, 257), "policy loss: verl vanilla, seq-mean-token-mean, low_var_kl, 6 x 257");

    test_logits_host(ctx, 9, 1);
    test_logits_host(ctx, 9, 4);
    test_logits_host(ctx, 11, 1027);
    test_logits_host(ctx, 0, 7);
    test_logits_device(ctx, 9, 1027, 0);
    test_logits_device(ctx, 7, 1000, 1);
    test_timing(ctx);

    report("context destroyed", CALL(vrft_context_destroy(ctx)));
    printf("vrft_selftest: %d checks, %d failed (libvrft %d)\n", checks, failures, vrft_version());
    return failures == 0 ? 0 : 1;
}
