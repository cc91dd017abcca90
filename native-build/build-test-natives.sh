#!/usr/bin/env bash
# native-build/build-test-natives.sh TEST_SRC OUT_HOST
#   Builds the test instruments (never part of the product) from cuda/ and TEST_SRC (java/tests/src/test):
#     OUT_HOST/libvrft_host.so         TEST_SRC/c/vrft_host.c: the kernels' device math built for the host
#                                      (the tests drive it through FFM)
#     OUT_HOST/emu/libvrft.so          the shim and kernels on the CUDA host emulation (TEST_SRC/cuda-emu), and
#     OUT_HOST/emu/cublas/libcublas.so.13  the cuBLAS calls of the fused linear path on it (and driver/libcublas.so.12
#                                      for JCublas's JNI library)
#     OUT_HOST/emu/driver/libcuda.so.1 the driver calls of the jcuda backend on it: the tests run the GPU
#                                      test classes on these where there is no GPU (x86-64 and g++ only)
#   The emulation compiles copies of cuda/*.cu with two rewrites: a launch kernel<<<grid, block, shmem,
#   stream>>>(args) becomes vrft_emu_launch(kernel, grid, block, shmem, stream, args), and a declaration
#   `__shared__ T name[N];` becomes `T* name = ::vrft_emu::shared_array<T>(N);`, storage that belongs to the
#   running block of one launch. Where a compiler is absent, that part is skipped and its tests skip.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cuda="$here/../cuda"
test_src=${1:?usage: build-test-natives.sh TEST_SRC OUT_HOST}
out_host=${2:?usage: build-test-natives.sh TEST_SRC OUT_HOST}
mkdir -p "$out_host"

cc_bin=$(command -v cc || command -v gcc || true)
if [ -n "$cc_bin" ]; then
  "$cc_bin" -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror -I"$cuda/include" -o "$out_host/libvrft_host.so" \
    "$test_src/c/vrft_host.c" -lm
  echo "native-build: wrote $out_host/libvrft_host.so"
else
  echo "native-build: no C compiler; the host build of the device math is skipped (its tests will be skipped)"
fi

cxx_bin=$(command -v g++ || command -v c++ || true)
if [ -n "$cxx_bin" ] && [ "$(uname -m)" = "x86_64" ]; then
  emu="$out_host/emu"
  rm -rf "$emu/src"
  mkdir -p "$emu/driver" "$emu/src"
  for f in "$cuda"/*.cu; do
    sed -E -e 's/([A-Za-z_][A-Za-z_0-9]*)<<<(.*)>>>\(/vrft_emu_launch(\1, \2, /' \
           -e 's/__shared__ +([A-Za-z_][A-Za-z_0-9 ]*[A-Za-z_0-9]) +([A-Za-z_][A-Za-z_0-9]*)\[([^]]+)\];/\1* \2 = ::vrft_emu::shared_array<\1>(\3);/' \
           "$f" > "$emu/src/$(basename "$f")"
  done
  if grep -n '__shared__' "$emu/src"/*.cu; then
    echo "native-build: a __shared__ declaration the emulation cannot rewrite (expected 'T name[N];')" >&2
    exit 1
  fi
  # export exactly the functions of vrft.h (the kernels and the emulation stay local)
  { echo "{ global:"; grep -o 'vrft_[a-z_]*(' "$cuda/include/vrft.h" | tr -d '(' | sort -u | sed 's/.*/  &;/'; echo "  local: *; };"; } > "$emu/shim.map"
  echo "{ global: cu*; vrft_emu_live_allocations; local: *; };" > "$emu/driver.map"
  flags=(-std=c++20 -O2 -g -fPIC -shared -Wall -Wextra -Werror -Wl,-Bsymbolic)
  "$cxx_bin" "${flags[@]}" -include "$test_src/cuda-emu/cuda_emu.h" -I"$test_src/cuda-emu" -I"$cuda" -x c++ \
    -Wl,--version-script="$emu/shim.map" -o "$emu/libvrft.so" "$emu/src/vrft_shim.cu"
  "$cxx_bin" "${flags[@]}" -I"$test_src/cuda-emu" -I"$emu/src" -I"$cuda" -Wl,--version-script="$emu/driver.map" \
    -Wl,-soname,libcuda.so.1 -o "$emu/driver/libcuda.so.1" "$test_src/cuda-emu/libcuda_emu.cpp"
  # the cuBLAS calls of the panama backend's fused linear path (-Dvrft.cublas.library names it)
  mkdir -p "$emu/cublas"
  "$cxx_bin" "${flags[@]}" -Wl,-soname,libcublas.so.13 -o "$emu/cublas/libcublas.so.13" "$test_src/cuda-emu/libcublas_emu.cpp"
  # and as libcublas.so.12 beside the emulated driver, for JCublas's JNI library (its symbols are versioned
  # "libcublas.so.12", so the emulated library defines that version node)
  echo "libcublas.so.12 { global: cublas*; vrft_emu_*; local: *; };" > "$emu/cublas12.map"
  "$cxx_bin" "${flags[@]}" -Wl,-soname,libcublas.so.12 -Wl,--version-script="$emu/cublas12.map" \
    -o "$emu/driver/libcublas.so.12" "$test_src/cuda-emu/libcublas_emu.cpp"
  # the emulated driver links the kernels in; JCuda still wants a module image to hand to cuModuleLoadData
  echo "vrft host emulation: the kernels are linked into driver/libcuda.so.1" > "$emu/emulated.fatbin"
  echo "native-build: wrote $emu/libvrft.so and $emu/driver/libcuda.so.1 (CUDA host emulation, for the tests)"
else
  echo "native-build: no g++ or not x86-64; the CUDA host emulation is skipped (its test run will skip)"
fi
