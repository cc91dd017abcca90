/*
 * emu_memory.h: "device" memory of the CUDA host emulation. Every allocation gets its own mapping with an
 * inaccessible guard page right after its last 16-byte block (and one before it), so a kernel that reads
 * or writes past the end of a buffer faults at once instead of corrupting a neighbour, in the spirit of
 * compute-sanitizer's memcheck. Copies and memsets are checked against the allocation table: a range that
 * is not inside one live allocation is an error, not a fault. Live allocations are counted for leak checks.
 */
#ifndef VRFT_EMU_MEMORY_H
#define VRFT_EMU_MEMORY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include <map>
#include <mutex>

namespace vrft_emu {

struct Allocation {
    void* map;
    size_t map_bytes;
    size_t bytes;
};

struct Memory {
    std::mutex lock;
    std::map<uintptr_t, Allocation> live; /* by user address */
    size_t live_bytes = 0;

    static size_t page() { return (size_t)sysconf(_SC_PAGESIZE); }

    /* Returns the user address, or 0 when the mapping fails. bytes 0 is allocated as 1 byte. */
    uintptr_t alloc(size_t bytes) {
        const size_t pg = page();
        const size_t used = ((bytes > 0 ? bytes : 1) + 15) / 16 * 16;
        const size_t data_pages = (used + pg - 1) / pg;
        const size_t map_bytes = (data_pages + 2) * pg;
        void* m = mmap(nullptr, map_bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) return 0;
        char* data = (char*)m + pg;
        if (mprotect(data, data_pages * pg, PROT_READ | PROT_WRITE) != 0) {
            munmap(m, map_bytes);
            return 0;
        }
        const uintptr_t user = (uintptr_t)(data + data_pages * pg - used); /* ends at the trailing guard page */
        std::lock_guard<std::mutex> g(lock);
        live[user] = Allocation{m, map_bytes, bytes};
        live_bytes += bytes;
        return user;
    }

    /* false when p is not the start of a live allocation. */
    bool release(uintptr_t p) {
        std::lock_guard<std::mutex> g(lock);
        auto it = live.find(p);
        if (it == live.end()) return false;
        munmap(it->second.map, it->second.map_bytes);
        live_bytes -= it->second.bytes;
        live.erase(it);
        return true;
    }

    /* Whether [p, p + n) lies inside one live allocation (n == 0 always does). */
    bool contains(uintptr_t p, size_t n) {
        if (n == 0) return true;
        std::lock_guard<std::mutex> g(lock);
        auto it = live.upper_bound(p);
        if (it == live.begin()) return false;
        --it;
        return p >= it->first && p + n <= it->first + it->second.bytes && p + n >= p;
    }

    size_t count() {
        std::lock_guard<std::mutex> g(lock);
        return live.size();
    }
};

inline Memory& memory() {
    static Memory m;
    return m;
}

} // namespace vrft_emu

#endif /* VRFT_EMU_MEMORY_H */
