/*
 * libcublas_emu.cpp: the cuBLAS calls of the panama backend's fused linear path, on the CUDA host emulation, where a
 * device pointer is a host pointer (emu_memory.h's guarded allocations: a read or write past a buffer faults).
 * native-build links it as an emulated libcublas.so.13 that the tests name with -Dvrft.cublas.library. Column-major,
 * as cuBLAS: C = alpha * op(A) * op(B) + beta * C, each sum over k in order in float32 with fused multiply-adds;
 * beta == 0 does not read C (as cuBLAS). Arguments are checked as cuBLAS checks them (CUBLAS_STATUS_INVALID_VALUE).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <atomic>

typedef int cublasStatus_t;
typedef int cublasOperation_t;
struct emu_cublas { void* stream; };
typedef emu_cublas* cublasHandle_t;

enum { CUBLAS_STATUS_SUCCESS = 0, CUBLAS_STATUS_NOT_INITIALIZED = 1, CUBLAS_STATUS_INVALID_VALUE = 7 };
enum { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1 };

#define API extern "C" __attribute__((visibility("default")))

/* Handles created and not destroyed, for the tests' leak check (vrft_emu_cublas_live_handles). */
static std::atomic<long> g_live_handles{0};

API cublasStatus_t cublasCreate_v2(cublasHandle_t* h) {
    if (!h) return CUBLAS_STATUS_INVALID_VALUE;
    *h = new emu_cublas{nullptr};
    g_live_handles++;
    return CUBLAS_STATUS_SUCCESS;
}

API cublasStatus_t cublasDestroy_v2(cublasHandle_t h) {
    if (!h) return CUBLAS_STATUS_NOT_INITIALIZED;
    delete h;
    g_live_handles--;
    return CUBLAS_STATUS_SUCCESS;
}

API long vrft_emu_cublas_live_handles(void) { return g_live_handles.load(); }

API cublasStatus_t cublasSetStream_v2(cublasHandle_t h, void* stream) {
    if (!h) return CUBLAS_STATUS_NOT_INITIALIZED;
    h->stream = stream;
    return CUBLAS_STATUS_SUCCESS;
}

/* element (i, j) of op(X), X column-major with leading dimension ld */
static inline float at(const float* x, int ld, cublasOperation_t op, int i, int j) {
    return op == CUBLAS_OP_N ? x[(int64_t)j * ld + i] : x[(int64_t)i * ld + j];
}

API cublasStatus_t cublasSgemm_v2(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                                  const float* alpha, const float* a, int lda, const float* b, int ldb,
                                  const float* beta, float* c, int ldc) {
    if (!h) return CUBLAS_STATUS_NOT_INITIALIZED;
    if ((ta != CUBLAS_OP_N && ta != CUBLAS_OP_T) || (tb != CUBLAS_OP_N && tb != CUBLAS_OP_T) || m < 0 || n < 0 ||
        k < 0 || lda < (ta == CUBLAS_OP_N ? (m > 1 ? m : 1) : (k > 1 ? k : 1)) ||
        ldb < (tb == CUBLAS_OP_N ? (k > 1 ? k : 1) : (n > 1 ? n : 1)) || ldc < (m > 1 ? m : 1) || !alpha || !beta) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            float s = 0.0f;
            for (int p = 0; p < k; p++) s = fmaf(at(a, lda, ta, i, p), at(b, ldb, tb, p, j), s);
            float* out = &c[(int64_t)j * ldc + i];
            *out = *beta == 0.0f ? *alpha * s : fmaf(*beta, *out, *alpha * s);
        }
    }
    return CUBLAS_STATUS_SUCCESS;
}

API cublasStatus_t cublasSgemv_v2(cublasHandle_t h, cublasOperation_t t, int m, int n, const float* alpha,
                                  const float* a, int lda, const float* x, int incx, const float* beta, float* y,
                                  int incy) {
    if (!h) return CUBLAS_STATUS_NOT_INITIALIZED;
    if ((t != CUBLAS_OP_N && t != CUBLAS_OP_T) || m < 0 || n < 0 || lda < (m > 1 ? m : 1) || incx == 0 || incy == 0 ||
        !alpha || !beta) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    int rows = t == CUBLAS_OP_N ? m : n, cols = t == CUBLAS_OP_N ? n : m;
    for (int i = 0; i < rows; i++) {
        float s = 0.0f;
        for (int j = 0; j < cols; j++) s = fmaf(at(a, lda, t, i, j), x[(int64_t)j * incx], s);
        float* out = &y[(int64_t)i * incy];
        *out = *beta == 0.0f ? *alpha * s : fmaf(*beta, *out, *alpha * s);
    }
    return CUBLAS_STATUS_SUCCESS;
}
