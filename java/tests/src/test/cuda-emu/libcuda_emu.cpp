/*
 * libcuda_emu.cpp: the CUDA driver API calls that the jcuda backend makes (through JCuda's JNI library),
 * over the CUDA host emulation. native-build links it as an emulated libcuda.so.1 with the kernels of
 * cuda/vrft_kernels.cu built for the host; the tests put its directory on LD_LIBRARY_PATH so that JCuda
 * binds it instead of a driver. Kernels are found by name; cuLaunchKernel reads each parameter from
 * kernelParams with the kernel's own parameter types, as the driver does. It checks what a driver checks
 * (a current context for memory calls, copies inside live allocations, launch configurations) and
 * returns the driver's error codes. JCuda binds driver functions lazily, so this library defines only the
 * calls the backend makes; any other call aborts the process with an undefined-symbol error.
 */
#include "cuda_emu.h"
#include "emu_memory.h"

#include "vrft_kernels.cu" /* the rewritten copy of cuda/vrft_kernels.cu (build-test-natives.sh) */

#include <stdio.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct emu_ctx* CUcontext;
typedef struct emu_module* CUmodule;
typedef struct emu_function* CUfunction;
typedef struct emu_stream* CUstream;

enum {
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_INVALID_DEVICE = 101,
    CUDA_ERROR_INVALID_IMAGE = 200,
    CUDA_ERROR_INVALID_CONTEXT = 201,
    CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_LAUNCH_FAILED = 719
};

struct emu_ctx { int device; };
struct emu_module { CUcontext ctx; };
struct emu_stream { CUcontext ctx; };

typedef int (*emu_launcher)(dim3, dim3, void**);
struct emu_function {
    const char* name;
    emu_launcher launch;
};

#define VRFT_EMU_KERNEL(k) {#k, [](dim3 g, dim3 b, void** p) { return vrft_emu::launch_params(k, g, b, p); }}
static emu_function KERNELS[] = {
    VRFT_EMU_KERNEL(vrft_pairwise_iou_kernel),
    VRFT_EMU_KERNEL(vrft_detection_rewards_kernel),
    VRFT_EMU_KERNEL(vrft_group_advantages_kernel),
    VRFT_EMU_KERNEL(vrft_loss_rows),
    VRFT_EMU_KERNEL(vrft_loss_counts),
    VRFT_EMU_KERNEL(vrft_loss_tokens),
    VRFT_EMU_KERNEL(vrft_logits_forward_kernel),
    VRFT_EMU_KERNEL(vrft_logits_backward_kernel),
};

static bool g_initialized = false;
static thread_local CUcontext t_current = nullptr;

#define API extern "C" __attribute__((visibility("default")))

API CUresult cuInit(unsigned int flags) {
    if (flags != 0) return CUDA_ERROR_INVALID_VALUE;
    g_initialized = true;
    return CUDA_SUCCESS;
}

API CUresult cuDriverGetVersion(int* v) {
    if (!v) return CUDA_ERROR_INVALID_VALUE;
    *v = 13000;
    return CUDA_SUCCESS;
}

API CUresult cuDeviceGetCount(int* n) {
    if (!g_initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (!n) return CUDA_ERROR_INVALID_VALUE;
    *n = 1;
    return CUDA_SUCCESS;
}

API CUresult cuDeviceGet(CUdevice* d, int ordinal) {
    if (!g_initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (!d) return CUDA_ERROR_INVALID_VALUE;
    if (ordinal != 0) return CUDA_ERROR_INVALID_DEVICE;
    *d = 0;
    return CUDA_SUCCESS;
}

API CUresult cuDeviceGetName(char* name, int len, CUdevice d) {
    if (!name || len <= 0) return CUDA_ERROR_INVALID_VALUE;
    if (d != 0) return CUDA_ERROR_INVALID_DEVICE;
    snprintf(name, (size_t)len, "%s", "vrft host emulation (not a GPU)");
    return CUDA_SUCCESS;
}

API CUresult cuCtxCreate_v2(CUcontext* c, unsigned int, CUdevice d) {
    if (!g_initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (!c) return CUDA_ERROR_INVALID_VALUE;
    if (d != 0) return CUDA_ERROR_INVALID_DEVICE;
    *c = new emu_ctx{d};
    t_current = *c;
    return CUDA_SUCCESS;
}

API CUresult cuCtxDestroy_v2(CUcontext c) {
    if (!c) return CUDA_ERROR_INVALID_VALUE;
    if (t_current == c) t_current = nullptr;
    delete c;
    return CUDA_SUCCESS;
}

API CUresult cuCtxSetCurrent(CUcontext c) {
    t_current = c;
    return CUDA_SUCCESS;
}

API CUresult cuModuleLoadData(CUmodule* m, const void* image) {
    if (!t_current) return CUDA_ERROR_INVALID_CONTEXT;
    if (!m || !image) return CUDA_ERROR_INVALID_VALUE;
    *m = new emu_module{t_current};
    return CUDA_SUCCESS;
}

API CUresult cuModuleGetFunction(CUfunction* f, CUmodule m, const char* name) {
    if (!f || !m || !name) return CUDA_ERROR_INVALID_VALUE;
    for (emu_function& k : KERNELS) {
        if (strcmp(k.name, name) == 0) {
            *f = &k;
            return CUDA_SUCCESS;
        }
    }
    return CUDA_ERROR_NOT_FOUND;
}

API CUresult cuModuleUnload(CUmodule m) {
    if (!m) return CUDA_ERROR_INVALID_VALUE;
    delete m;
    return CUDA_SUCCESS;
}

API CUresult cuStreamCreate(CUstream* s, unsigned int) {
    if (!t_current) return CUDA_ERROR_INVALID_CONTEXT;
    if (!s) return CUDA_ERROR_INVALID_VALUE;
    *s = new emu_stream{t_current};
    return CUDA_SUCCESS;
}

API CUresult cuStreamDestroy_v2(CUstream s) {
    if (!s) return CUDA_ERROR_INVALID_HANDLE;
    delete s;
    return CUDA_SUCCESS;
}

/* A stream used from a thread must belong to that thread's current context. */
static CUresult check_stream(CUstream s) {
    if (!t_current) return CUDA_ERROR_INVALID_CONTEXT;
    if (s && s->ctx != t_current) return CUDA_ERROR_INVALID_HANDLE;
    return CUDA_SUCCESS;
}

API CUresult cuStreamSynchronize(CUstream s) { return check_stream(s); }

API CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t bytes) {
    if (!t_current) return CUDA_ERROR_INVALID_CONTEXT;
    if (!p || bytes == 0) return CUDA_ERROR_INVALID_VALUE; /* the driver refuses 0 bytes */
    uintptr_t a = vrft_emu::memory().alloc(bytes);
    if (!a) return CUDA_ERROR_OUT_OF_MEMORY;
    *p = a;
    return CUDA_SUCCESS;
}

API CUresult cuMemFree_v2(CUdeviceptr p) {
    if (!t_current) return CUDA_ERROR_INVALID_CONTEXT;
    return vrft_emu::memory().release((uintptr_t)p) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

API CUresult cuMemGetInfo_v2(size_t* free_bytes, size_t* total_bytes) {
    if (!t_current) return CUDA_ERROR_INVALID_CONTEXT;
    if (!free_bytes || !total_bytes) return CUDA_ERROR_INVALID_VALUE;
    const size_t total = (size_t)16 << 30;
    *total_bytes = total;
    *free_bytes = total - vrft_emu::memory().live_bytes;
    return CUDA_SUCCESS;
}

API CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t n, CUstream s) {
    CUresult r = check_stream(s);
    if (r != CUDA_SUCCESS) return r;
    if (!vrft_emu::memory().contains((uintptr_t)dst, n) || (n > 0 && !src)) return CUDA_ERROR_INVALID_VALUE;
    if (n > 0) memcpy((void*)dst, src, n);
    return CUDA_SUCCESS;
}

API CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t n, CUstream s) {
    CUresult r = check_stream(s);
    if (r != CUDA_SUCCESS) return r;
    if (!vrft_emu::memory().contains((uintptr_t)src, n) || (n > 0 && !dst)) return CUDA_ERROR_INVALID_VALUE;
    if (n > 0) memcpy(dst, (const void*)src, n);
    return CUDA_SUCCESS;
}

/* The synchronous copies on the legacy stream (JCuda's copies from and into Java arrays). Every emulated operation
 * completes before its call returns, so they are the asynchronous ones without a stream. */
API CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t n) {
    return cuMemcpyHtoDAsync_v2(dst, src, n, nullptr);
}

API CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t n) {
    return cuMemcpyDtoHAsync_v2(dst, src, n, nullptr);
}

API CUresult cuMemsetD8Async(CUdeviceptr p, unsigned char v, size_t n, CUstream s) {
    CUresult r = check_stream(s);
    if (r != CUDA_SUCCESS) return r;
    if (!vrft_emu::memory().contains((uintptr_t)p, n)) return CUDA_ERROR_INVALID_VALUE;
    if (n > 0) memset((void*)p, v, n);
    return CUDA_SUCCESS;
}

API CUresult cuLaunchKernel(CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                            unsigned int by, unsigned int bz, unsigned int shmem, CUstream s, void** params,
                            void** extra) {
    CUresult r = check_stream(s);
    if (r != CUDA_SUCCESS) return r;
    if (!f) return CUDA_ERROR_INVALID_HANDLE;
    if (!params || extra || shmem != 0) return CUDA_ERROR_INVALID_VALUE;
    int e = f->launch(dim3(gx, gy, gz), dim3(bx, by, bz), params);
    if (e == vrft_emu::ERR_LAUNCH_CONFIG) return CUDA_ERROR_INVALID_VALUE;
    if (e != vrft_emu::OK) {
        fprintf(stderr, "libcuda (host emulation): %s failed: %s\n", f->name, vrft_emu::error_text(e));
        return CUDA_ERROR_LAUNCH_FAILED;
    }
    return CUDA_SUCCESS;
}

API CUresult cuGetErrorName(CUresult e, const char** s) {
    if (!s) return CUDA_ERROR_INVALID_VALUE;
    switch (e) {
    case CUDA_SUCCESS: *s = "CUDA_SUCCESS"; break;
    case CUDA_ERROR_INVALID_VALUE: *s = "CUDA_ERROR_INVALID_VALUE"; break;
    case CUDA_ERROR_OUT_OF_MEMORY: *s = "CUDA_ERROR_OUT_OF_MEMORY"; break;
    case CUDA_ERROR_INVALID_CONTEXT: *s = "CUDA_ERROR_INVALID_CONTEXT"; break;
    case CUDA_ERROR_LAUNCH_FAILED: *s = "CUDA_ERROR_LAUNCH_FAILED"; break;
    default: *s = "CUDA_ERROR_UNKNOWN"; break;
    }
    return CUDA_SUCCESS;
}

API CUresult cuGetErrorString(CUresult e, const char** s) { return cuGetErrorName(e, s); }

/* For the tests' leak checks: live emulated device allocations. */
API size_t vrft_emu_live_allocations(void) { return vrft_emu::memory().count(); }
