/*
 * A C11 caller of libvrft.so through cuda/include/vrft.h alone, for CHeaderTest: it checks that the header
 * compiles as C (and, compiled again as C++, as C++) and that the argument checks answer
 * VRFT_ERR_INVALID_ARGUMENT with a message naming the argument, before any CUDA call (no device is needed,
 * and no context is created). Prints one line per check; exits 0 when every check holds.
 */
#include "vrft.h"

#include <stdio.h>
#include <string.h>

static int failures = 0;

static void expect(const char* what, int status, const char* message) {
    int ok = status == VRFT_ERR_INVALID_ARGUMENT && strstr(vrft_last_error(), message) != NULL;
    printf("%s %s: %s (%s)\n", ok ? "ok" : "FAIL", what, vrft_error_string(status), vrft_last_error());
    failures += !ok;
}

int main(void) {
    long long off[2] = {0, 1};
    long long bad_off[2] = {1, 1};
    float box[4] = {0, 0, 1, 1};
    double conf[1] = {0.5};
    int match[1];
    double iou[1], cr[1];
    float out[1];
    int start[2] = {0, 1}, member[1] = {0};
    float rewards[1] = {1}, adv[1];
    vrft_loss_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.impl = 7;

    expect("negative batch", vrft_pairwise_iou(NULL, -1, box, off, box, off, out), "batch must be >= 0");
    expect("offsets not from 0", vrft_pairwise_iou(NULL, 1, box, bad_off, box, off, out), "h_a_off[0] must be 0");
    expect("NULL prediction offsets",
           vrft_detection_rewards(NULL, 1, box, conf, NULL, box, off, match, iou, cr), "h_pred_off is NULL");
    expect("NULL confidences",
           vrft_detection_rewards(NULL, 1, box, NULL, off, box, off, match, iou, cr), "h_conf is NULL");
    expect("a flavour without a kernel",
           vrft_group_advantages(NULL, 1, 1, rewards, start, member, 2, adv), "flavor 2 is not a VRFT_ADV_");
    expect("an unknown loss implementation",
           vrft_policy_loss(NULL, &cfg, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
           "h_cfg->impl must be VRFT_LOSS_TRL_CLIPPED");
    expect("a NULL context after valid arguments",
           vrft_detection_rewards(NULL, 1, box, conf, off, box, off, match, iou, cr), "ctx is NULL");
    printf("version %d, %s\n", vrft_version(), failures == 0 ? "all checks hold" : "checks failed");
    return failures == 0 ? 0 : 1;
}
