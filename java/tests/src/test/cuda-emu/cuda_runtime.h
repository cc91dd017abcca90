/*
 * cuda_runtime.h of the CUDA host emulation: the part of the CUDA runtime API that cuda/vrft_shim.cu uses,
 * over emu_memory.h and the fiber launcher of cuda_emu.h. One emulated device (0), streams that complete
 * every operation before returning, and the runtime's sticky "last error" for launches. native-build
 * compiles the shim against it (kernel launches rewritten to vrft_emu_launch) into an emulated libvrft.so,
 * which the Java tests load in place of the real one.
 */
#ifndef VRFT_EMU_CUDA_RUNTIME_H
#define VRFT_EMU_CUDA_RUNTIME_H

#include <chrono>

#include "cuda_emu.h"
#include "emu_memory.h"

typedef enum cudaError {
    cudaSuccess = 0,
    cudaErrorInvalidValue = 1,
    cudaErrorMemoryAllocation = 2,
    cudaErrorInvalidConfiguration = 9,
    cudaErrorInvalidDevice = 101,
    cudaErrorInvalidResourceHandle = 400,
    cudaErrorLaunchFailure = 719
} cudaError_t;

typedef enum cudaMemcpyKind {
    cudaMemcpyHostToHost = 0,
    cudaMemcpyHostToDevice = 1,
    cudaMemcpyDeviceToHost = 2,
    cudaMemcpyDeviceToDevice = 3
} cudaMemcpyKind;

struct vrft_emu_stream {
    int device;
};
typedef vrft_emu_stream* cudaStream_t;
#define cudaStreamNonBlocking 0x01

/* An event is the host's steady clock when it was recorded (every operation has completed by then). */
struct vrft_emu_event {
    long long ns = -1;
};
typedef vrft_emu_event* cudaEvent_t;

namespace vrft_emu {
inline thread_local cudaError_t t_last_error = cudaSuccess;
inline thread_local int t_device = 0;
inline thread_local int t_launch_error = OK;

inline cudaError_t record(cudaError_t e) {
    if (e != cudaSuccess) t_last_error = e;
    return e;
}
} // namespace vrft_emu

inline const char* cudaGetErrorName(cudaError_t e) {
    switch (e) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
    case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
    case cudaErrorInvalidResourceHandle: return "cudaErrorInvalidResourceHandle";
    case cudaErrorLaunchFailure: return "cudaErrorLaunchFailure";
    default: return "cudaErrorUnknown";
    }
}

inline const char* cudaGetErrorString(cudaError_t e) {
    if (e == cudaErrorLaunchFailure || e == cudaErrorInvalidConfiguration) {
        return vrft_emu::error_text(vrft_emu::t_launch_error);
    }
    switch (e) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument (emulated device: a range outside a live allocation)";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidDevice: return "invalid device ordinal (the emulation has device 0 only)";
    case cudaErrorInvalidResourceHandle: return "invalid resource handle";
    default: return "unknown error";
    }
}

inline cudaError_t cudaGetLastError(void) {
    cudaError_t e = vrft_emu::t_last_error;
    vrft_emu::t_last_error = cudaSuccess;
    return e;
}

inline cudaError_t cudaGetDeviceCount(int* n) {
    if (!n) return vrft_emu::record(cudaErrorInvalidValue);
    *n = 1;
    return cudaSuccess;
}

inline cudaError_t cudaSetDevice(int d) {
    if (d != 0) return vrft_emu::record(cudaErrorInvalidDevice);
    vrft_emu::t_device = d;
    return cudaSuccess;
}

inline cudaError_t cudaStreamCreateWithFlags(cudaStream_t* s, unsigned int) {
    if (!s) return vrft_emu::record(cudaErrorInvalidValue);
    *s = new vrft_emu_stream{vrft_emu::t_device};
    return cudaSuccess;
}

inline cudaError_t cudaStreamDestroy(cudaStream_t s) {
    if (!s) return vrft_emu::record(cudaErrorInvalidResourceHandle);
    delete s;
    return cudaSuccess;
}

inline cudaError_t cudaStreamSynchronize(cudaStream_t s) {
    return s ? cudaSuccess : vrft_emu::record(cudaErrorInvalidResourceHandle);
}

inline cudaError_t cudaMallocAsync(void** p, size_t bytes, cudaStream_t s) {
    if (!p || !s) return vrft_emu::record(cudaErrorInvalidValue);
    uintptr_t a = vrft_emu::memory().alloc(bytes);
    if (!a) return vrft_emu::record(cudaErrorMemoryAllocation);
    *p = (void*)a;
    return cudaSuccess;
}

inline cudaError_t cudaFreeAsync(void* p, cudaStream_t s) {
    if (!s || !vrft_emu::memory().release((uintptr_t)p)) return vrft_emu::record(cudaErrorInvalidValue);
    return cudaSuccess;
}

inline cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t n, cudaMemcpyKind kind, cudaStream_t s) {
    if (!s) return vrft_emu::record(cudaErrorInvalidResourceHandle);
    bool dst_dev = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
    bool src_dev = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
    if ((dst_dev && !vrft_emu::memory().contains((uintptr_t)dst, n)) ||
        (src_dev && !vrft_emu::memory().contains((uintptr_t)src, n)) || (n > 0 && (!dst || !src))) {
        return vrft_emu::record(cudaErrorInvalidValue);
    }
    if (n > 0) memcpy(dst, src, n);
    return cudaSuccess;
}

inline cudaError_t cudaMemsetAsync(void* p, int v, size_t n, cudaStream_t s) {
    if (!s || !vrft_emu::memory().contains((uintptr_t)p, n)) return vrft_emu::record(cudaErrorInvalidValue);
    if (n > 0) memset(p, v, n);
    return cudaSuccess;
}

inline cudaError_t cudaEventCreate(cudaEvent_t* e) {
    if (!e) return vrft_emu::record(cudaErrorInvalidValue);
    *e = new vrft_emu_event{};
    return cudaSuccess;
}

inline cudaError_t cudaEventDestroy(cudaEvent_t e) {
    if (!e) return vrft_emu::record(cudaErrorInvalidResourceHandle);
    delete e;
    return cudaSuccess;
}

inline cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t s) {
    if (!e || !s) return vrft_emu::record(cudaErrorInvalidResourceHandle);
    e->ns = (long long)std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::steady_clock::now().time_since_epoch()).count();
    return cudaSuccess;
}

inline cudaError_t cudaEventSynchronize(cudaEvent_t e) {
    return e ? cudaSuccess : vrft_emu::record(cudaErrorInvalidResourceHandle);
}

/* As the runtime: an event never recorded is cudaErrorInvalidResourceHandle. */
inline cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t a, cudaEvent_t b) {
    if (!ms) return vrft_emu::record(cudaErrorInvalidValue);
    if (!a || !b || a->ns < 0 || b->ns < 0) return vrft_emu::record(cudaErrorInvalidResourceHandle);
    *ms = (float)((b->ns - a->ns) / 1e6);
    return cudaSuccess;
}

/* 16 GiB of emulated device memory, less the live allocations. */
inline cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total_bytes) {
    if (!free_bytes || !total_bytes) return vrft_emu::record(cudaErrorInvalidValue);
    *total_bytes = (size_t)16 << 30;
    *free_bytes = *total_bytes - vrft_emu::memory().live_bytes;
    return cudaSuccess;
}

/* kernel<<<grid, block, shmem, stream>>>(args...), as native-build rewrites it. */
template <class... P, class... A>
inline void vrft_emu_launch(void (*k)(P...), dim3 grid, dim3 block, size_t shmem, cudaStream_t s, A... args) {
    int e = shmem != 0 ? vrft_emu::ERR_LAUNCH_CONFIG : vrft_emu::launch(k, grid, block, args...);
    vrft_emu::t_launch_error = e;
    if (!s) vrft_emu::record(cudaErrorInvalidResourceHandle);
    else if (e == vrft_emu::ERR_LAUNCH_CONFIG) vrft_emu::record(cudaErrorInvalidConfiguration);
    else if (e != vrft_emu::OK) vrft_emu::record(cudaErrorLaunchFailure);
}

#endif /* VRFT_EMU_CUDA_RUNTIME_H */
