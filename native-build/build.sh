#!/usr/bin/env bash
# native-build/build.sh OUT_CLASSES OUT_HOST
#   Builds cuda/ into
#     OUT_CLASSES/native/vrft.fatbin   SASS for sm_80 and sm_90, PTX for compute_90 (the jcuda backend loads it)
#     OUT_CLASSES/native/libvrft.so    the C shim of include/vrft.h (the panama backend binds it through FFM)
#     OUT_HOST/libvrft_host.so         the device math built for the host (tests drive it through FFM)
#     OUT_HOST/emu/libvrft.so          the shim and kernels on the CUDA host emulation (cuda/emu/), and
#     OUT_HOST/emu/driver/libcuda.so.1 the driver calls of the jcuda backend on it: the tests run the GPU
#                                      test classes on these where there is no GPU (x86-64 and g++ only)
#   nvcc warnings are errors; ptxas's resource report (registers, spills) goes to OUT_HOST/nvcc.log and the
#   build log. Where nvcc (or a C compiler) is absent, that part is skipped with a message and the build
#   goes on: the GPU backends then report "not built". VRFT_SKIP_NVCC=1 takes that path deliberately.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cuda="$here/../cuda"
out_classes=${1:?usage: build.sh OUT_CLASSES OUT_HOST}
out_host=${2:?usage: build.sh OUT_CLASSES OUT_HOST}
mkdir -p "$out_classes/native" "$out_host"

nvcc_bin=$(command -v nvcc || true)
[ -z "$nvcc_bin" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc_bin=/usr/local/cuda/bin/nvcc
# VRFT_SKIP_NVCC=1 builds as if nvcc were absent (to check that path on a machine that has it).
[ "${VRFT_SKIP_NVCC:-0}" = "1" ] && nvcc_bin=""
if [ -n "$nvcc_bin" ]; then
  if [ -f "$out_classes/native/libvrft.so" ] && [ "$out_classes/native/vrft.fatbin" -nt "$cuda/vrft_kernels.cu" ] && \
     [ -z "$(find "$cuda" -name '*.cu' -newer "$out_classes/native/vrft.fatbin" -o -name '*.h' -newer "$out_classes/native/vrft.fatbin" | head -n 1)" ]; then
    echo "native-build: vrft.fatbin and libvrft.so are up to date"
  else
    echo "native-build: $("$nvcc_bin" --version | tail -n 1)"
    "$nvcc_bin" -fatbin -std=c++17 -O3 \
      -gencode arch=compute_80,code=sm_80 \
      -gencode arch=compute_90,code=sm_90 \
      -gencode arch=compute_90,code=compute_90 \
      -Werror all-warnings -Xptxas -v \
      -o "$out_classes/native/vrft.fatbin" "$cuda/vrft_kernels.cu" 2>&1 | tee "$out_host/nvcc.log"
    echo "nvcc=$("$nvcc_bin" --version | tail -n 1)" > "$out_classes/native/vrft.fatbin.properties"
    echo "native-build: wrote $out_classes/native/vrft.fatbin"
    # The panama backend's C shim (include/vrft.h), cudart linked statically: it needs only libcuda.so.1 at
    # run time, and loads without it (its host-side checks and error strings work everywhere).
    "$nvcc_bin" -shared -std=c++17 -O3 -Xcompiler -fPIC -cudart static \
      -gencode arch=compute_80,code=sm_80 \
      -gencode arch=compute_90,code=sm_90 \
      -gencode arch=compute_90,code=compute_90 \
      -Werror all-warnings \
      -o "$out_classes/native/libvrft.so" "$cuda/vrft_shim.cu"
    echo "native-build: wrote $out_classes/native/libvrft.so"
  fi
else
  echo "native-build: nvcc not found; the CUDA kernels are not built (GPU backends will report: not built)"
  rm -f "$out_classes/native/vrft.fatbin" "$out_classes/native/vrft.fatbin.properties" "$out_classes/native/libvrft.so"
fi

cc_bin=$(command -v cc || command -v gcc || true)
if [ -n "$cc_bin" ]; then
  "$cc_bin" -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror -o "$out_host/libvrft_host.so" "$cuda/host/vrft_host.c" -lm
  echo "native-build: wrote $out_host/libvrft_host.so"
else
  echo "native-build: no C compiler; the host build of the device math is skipped (its tests will be skipped)"
fi

# The CUDA host emulation (cuda/emu/): the unchanged kernels and shim on fibers, for the tests' emulated-GPU
# run. Kernel launches (kernel<<<grid, block, shmem, stream>>>(args)) are rewritten to vrft_emu_launch.
cxx_bin=$(command -v g++ || command -v c++ || true)
if [ -n "$cxx_bin" ] && [ "$(uname -m)" = "x86_64" ]; then
  emu="$out_host/emu"
  mkdir -p "$emu/driver"
  sed -E 's/([A-Za-z_][A-Za-z_0-9]*)<<<(.*)>>>\(/vrft_emu_launch(\1, \2, /' "$cuda/vrft_shim.cu" > "$emu/vrft_shim_emu.cpp"
  # export exactly the functions of vrft.h (the kernels and the emulation stay local)
  { echo "{ global:"; grep -o 'vrft_[a-z_]*(' "$cuda/include/vrft.h" | tr -d '(' | sort -u | sed 's/.*/  &;/'; echo "  local: *; };"; } > "$emu/shim.map"
  echo "{ global: cu*; vrft_emu_live_allocations; local: *; };" > "$emu/driver.map"
  flags=(-std=c++20 -O2 -g -fPIC -shared -Wall -Wextra -Werror -Wl,-Bsymbolic)
  "$cxx_bin" "${flags[@]}" -include "$cuda/emu/cuda_emu.h" -I"$cuda/emu" -I"$cuda" -x c++ \
    -Wl,--version-script="$emu/shim.map" -o "$emu/libvrft.so" "$emu/vrft_shim_emu.cpp"
  "$cxx_bin" "${flags[@]}" -I"$cuda/emu" -Wl,--version-script="$emu/driver.map" -Wl,-soname,libcuda.so.1 \
    -o "$emu/driver/libcuda.so.1" "$cuda/emu/libcuda_emu.cpp"
  # the emulated driver links the kernels in; JCuda still wants a module image to hand to cuModuleLoadData
  echo "vrft host emulation: the kernels are linked into driver/libcuda.so.1" > "$emu/emulated.fatbin"
  echo "native-build: wrote $emu/libvrft.so and $emu/driver/libcuda.so.1 (CUDA host emulation, for the tests)"
else
  echo "native-build: no g++ or not x86-64; the CUDA host emulation is skipped (its test run will skip)"
fi
