/*
 * cuda_emu.h: a host emulation of the CUDA execution model, enough to run the kernels of cuda/ unchanged on
 * a machine without a GPU (g++ -include cuda_emu.h). It is a test instrument, not a backend: it checks the
 * kernels' indexing, their block reductions and the host code that launches them, never their speed.
 *
 * What it models
 *  - A launch runs its blocks one after another; the threads of a block are fibers on the calling OS thread
 *    (x86-64 context switch below), so __syncthreads() is a real barrier. __shared__ memory belongs to
 *    the running block of one launch: the build rewrites `__shared__ T name[N];` into shared_array<T>(N),
 *    which every thread of the block reaches in the same order and which hands them the same storage,
 *    allocated per block and filled with 0xff bytes (a NaN double), so a kernel that reads shared memory
 *    before writing it, or two launches on two threads, cannot pass by sharing one static array.
 *  - __syncthreads() divergence is an error, as compute-sanitizer's synccheck reports it: when some
 *    threads of a block have returned while others wait at a barrier, the launch fails with
 *    VRFT_EMU_ERR_BARRIER_DIVERGENCE.
 *  - __shfl_down_sync exchanges through the block (two barriers), so it must be called by every thread of
 *    the block with the full mask, which is how vrft_block_sum uses it; any other use is an error.
 *  - atomicAdd on int is an atomic add; blockIdx/threadIdx/blockDim/gridDim are per fiber.
 * What it does not model: warps running ahead of each other, memory ordering between blocks, asynchronous
 * streams (every operation completes before the call returns), and anything about performance.
 */
#ifndef VRFT_CUDA_EMU_H
#define VRFT_CUDA_EMU_H

#if !defined(__x86_64__)
#error "the CUDA host emulation has an x86-64 context switch only"
#endif

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <new>
#include <tuple>
#include <type_traits>
#include <utility>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline

struct dim3 {
    unsigned x, y, z;
    dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

struct alignas(16) float4 {
    float x, y, z, w;
};

namespace vrft_emu {

enum {
    OK = 0,
    ERR_LAUNCH_CONFIG = 1,      /* block size 0 or over 1024, or an empty grid */
    ERR_BARRIER_DIVERGENCE = 2, /* threads of a block left while others waited at a barrier */
    ERR_SHUFFLE_MASK = 3,       /* a shuffle with a partial mask */
    ERR_NO_MEMORY = 4,
    ERR_SHARED_LAYOUT = 5       /* threads of a block declared different __shared__ arrays */
};

inline const char* error_text(int e) {
    switch (e) {
    case OK: return "no error";
    case ERR_LAUNCH_CONFIG: return "invalid launch configuration (block size must be 1..1024, grid at least 1)";
    case ERR_BARRIER_DIVERGENCE: return "barrier divergence: threads of a block returned while others waited at __syncthreads";
    case ERR_SHUFFLE_MASK: return "__shfl_down_sync with a partial mask (the emulation supports the full mask only)";
    case ERR_NO_MEMORY: return "no host memory for the emulated launch";
    case ERR_SHARED_LAYOUT: return "threads of a block declared different __shared__ arrays (order or size)";
    default: return "unknown emulation error";
    }
}

/* Saves the callee-saved registers on the current stack, stores its pointer in *from, and resumes the
 * stack `to` (which was saved by the same routine, or prepared by Fiber::start). */
extern "C" void vrft_emu_switch(void** from, void* to);
#ifndef VRFT_EMU_SWITCH_DEFINED
#define VRFT_EMU_SWITCH_DEFINED
__asm__(".text\n"
        ".globl vrft_emu_switch\n"
        ".hidden vrft_emu_switch\n"
        ".type vrft_emu_switch,@function\n"
        "vrft_emu_switch:\n"
        "  pushq %rbp\n  pushq %rbx\n  pushq %r12\n  pushq %r13\n  pushq %r14\n  pushq %r15\n"
        "  movq %rsp, (%rdi)\n"
        "  movq %rsi, %rsp\n"
        "  popq %r15\n  popq %r14\n  popq %r13\n  popq %r12\n  popq %rbx\n  popq %rbp\n"
        "  ret\n"
        ".size vrft_emu_switch, .-vrft_emu_switch\n");
#endif

enum FiberState { RUNNABLE, AT_BARRIER, DONE };

struct Launch;
inline thread_local Launch* t_launch = nullptr;
inline thread_local dim3 t_thread_idx, t_block_idx, t_block_dim, t_grid_dim;

struct Fiber {
    void* sp = nullptr;
    FiberState state = DONE;
    unsigned shared_calls = 0; /* the __shared__ declarations this thread has reached in this block */
};

static const unsigned MAX_SHARED = 16;

static const size_t FIBER_STACK = 64 * 1024;

struct Launch {
    dim3 grid, block;
    void (*body)(void*) = nullptr;
    void* arg = nullptr;
    Fiber* fibers = nullptr;
    char* stacks = nullptr;
    void* scheduler_sp = nullptr;
    unsigned current = 0;
    unsigned long long exchange[1024];
    int error = OK;
    void* shared[MAX_SHARED] = {};   /* the running block's __shared__ arrays, in declaration order */
    size_t shared_bytes[MAX_SHARED] = {};
    unsigned shared_count = 0;

    void free_shared() {
        for (unsigned k = 0; k < shared_count; k++) free(shared[k]);
        shared_count = 0;
    }
};

inline void fiber_entry() {
    Launch* l = t_launch;
    l->body(l->arg);
    l->fibers[l->current].state = DONE;
    vrft_emu_switch(&l->fibers[l->current].sp, l->scheduler_sp);
    abort(); /* a finished fiber is never resumed */
}

/* Prepares fiber i's stack so that switching to it enters fiber_entry with the ABI's stack alignment. */
inline void fiber_start(Launch* l, unsigned i) {
    char* top = l->stacks + (size_t)(i + 1) * FIBER_STACK; /* 16-byte aligned */
    void** sp = (void**)(top - 64);
    for (int k = 0; k < 6; k++) sp[k] = nullptr; /* r15 r14 r13 r12 rbx rbp */
    sp[6] = (void*)&fiber_entry;                 /* ret target; rsp is then top - 8, as after a call */
    sp[7] = nullptr;
    l->fibers[i].sp = sp;
    l->fibers[i].state = RUNNABLE;
    l->fibers[i].shared_calls = 0;
}

/* A __shared__ array of n T for the calling thread's block: the k-th declaration a thread reaches is the
 * block's k-th array, allocated (poisoned with 0xff bytes) by the first thread to reach it. */
template <class T>
inline T* shared_array(size_t n) {
    Launch* l = t_launch;
    Fiber& f = l->fibers[l->current];
    const unsigned k = f.shared_calls++;
    const size_t bytes = n * sizeof(T);
    if (k < l->shared_count) {
        if (l->shared_bytes[k] != bytes && l->error == OK) l->error = ERR_SHARED_LAYOUT;
        return (T*)l->shared[k];
    }
    if (k != l->shared_count || k >= MAX_SHARED) abort(); /* more declarations than the emulation holds */
    void* p = aligned_alloc(16, (bytes + 15) / 16 * 16 + 16);
    if (!p) abort();
    memset(p, 0xff, bytes);
    l->shared[k] = p;
    l->shared_bytes[k] = bytes;
    l->shared_count++;
    return (T*)p;
}

/* The calling fiber waits until every thread of its block reaches a barrier. */
inline void barrier() {
    Launch* l = t_launch;
    Fiber& f = l->fibers[l->current];
    f.state = AT_BARRIER;
    vrft_emu_switch(&f.sp, l->scheduler_sp);
}

/* Runs body(arg) as every thread of every block of the launch; returns OK or an ERR_* code. */
inline int run(dim3 grid, dim3 block, void (*body)(void*), void* arg) {
    const unsigned long long threads = (unsigned long long)block.x * block.y * block.z;
    if (threads == 0 || threads > 1024 || block.y != 1 || block.z != 1 || grid.x == 0 || grid.y != 1 || grid.z != 1) {
        return ERR_LAUNCH_CONFIG;
    }
    Launch l;
    l.grid = grid;
    l.block = block;
    l.body = body;
    l.arg = arg;
    l.fibers = new (std::nothrow) Fiber[threads];
    l.stacks = (char*)aligned_alloc(64, threads * FIBER_STACK);
    if (!l.fibers || !l.stacks) {
        delete[] l.fibers;
        free(l.stacks);
        return ERR_NO_MEMORY;
    }
    Launch* saved = t_launch;
    const dim3 saved_t = t_thread_idx, saved_b = t_block_idx, saved_bd = t_block_dim, saved_gd = t_grid_dim;
    t_launch = &l;
    t_block_dim = block;
    t_grid_dim = grid;
    for (unsigned b = 0; b < grid.x && l.error == OK; b++) {
        t_block_idx = dim3(b, 0, 0);
        l.free_shared(); /* each block starts with fresh (poisoned) shared memory */
        for (unsigned i = 0; i < threads; i++) fiber_start(&l, i);
        for (;;) {
            for (unsigned i = 0; i < threads; i++) {
                if (l.fibers[i].state != RUNNABLE) continue;
                l.current = i;
                t_thread_idx = dim3(i, 0, 0);
                vrft_emu_switch(&l.scheduler_sp, l.fibers[i].sp);
            }
            unsigned waiting = 0, done = 0;
            for (unsigned i = 0; i < threads; i++) {
                waiting += l.fibers[i].state == AT_BARRIER;
                done += l.fibers[i].state == DONE;
            }
            if (waiting == 0) break; /* the block has finished */
            if (done > 0 || l.error != OK) {
                if (l.error == OK) l.error = ERR_BARRIER_DIVERGENCE;
                break; /* the waiting fibers are abandoned with their stacks */
            }
            for (unsigned i = 0; i < threads; i++) l.fibers[i].state = RUNNABLE;
        }
    }
    t_launch = saved;
    t_thread_idx = saved_t;
    t_block_idx = saved_b;
    t_block_dim = saved_bd;
    t_grid_dim = saved_gd;
    l.free_shared();
    delete[] l.fibers;
    free(l.stacks);
    return l.error;
}

/* Calls kernel k with the arguments converted to its parameter types, as a kernel launch does. */
template <class... P, class... A>
int launch(void (*k)(P...), dim3 grid, dim3 block, A... args) {
    struct Call {
        void (*k)(P...);
        std::tuple<std::remove_cv_t<std::remove_reference_t<P>>...> args;
    };
    Call c{k, std::tuple<std::remove_cv_t<std::remove_reference_t<P>>...>((P)args...)};
    return run(grid, block, [](void* p) {
        Call* cp = (Call*)p;
        std::apply(cp->k, cp->args);
    }, &c);
}

/* A launch from the driver API: each parameter read from kernelParams[i], as cuLaunchKernel does. */
template <class... P, size_t... I>
int launch_params_impl(void (*k)(P...), dim3 grid, dim3 block, void** params, std::index_sequence<I...>) {
    return launch(k, grid, block, *(std::remove_cv_t<std::remove_reference_t<P>>*)params[I]...);
}
template <class... P>
int launch_params(void (*k)(P...), dim3 grid, dim3 block, void** params) {
    return launch_params_impl(k, grid, block, params, std::index_sequence_for<P...>{});
}

} // namespace vrft_emu

#define threadIdx (::vrft_emu::t_thread_idx)
#define blockIdx (::vrft_emu::t_block_idx)
#define blockDim (::vrft_emu::t_block_dim)
#define gridDim (::vrft_emu::t_grid_dim)

inline void __syncthreads() { vrft_emu::barrier(); }

template <class T>
inline T __shfl_down_sync(unsigned mask, T v, unsigned delta) {
    static_assert(sizeof(T) <= 8, "shuffle of a value over 8 bytes");
    vrft_emu::Launch* l = vrft_emu::t_launch;
    if (mask != 0xffffffffu && l->error == vrft_emu::OK) l->error = vrft_emu::ERR_SHUFFLE_MASK;
    const unsigned t = threadIdx.x;
    memcpy(&l->exchange[t], &v, sizeof(T));
    vrft_emu::barrier();
    T r = v;
    if ((t & 31u) + delta < 32u && t + delta < blockDim.x) memcpy(&r, &l->exchange[t + delta], sizeof(T));
    vrft_emu::barrier();
    return r;
}

inline int atomicAdd(int* p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }

#endif /* VRFT_CUDA_EMU_H */
