#!/usr/bin/env bash
# native-build/build.sh OUT_NATIVES OUT_HOST
#   Builds the product's natives from cuda/ into
#     OUT_NATIVES/native/vrft.fatbin   SASS for sm_80 and sm_90, PTX for compute_90 (the jcuda backend loads it)
#     OUT_NATIVES/native/libvrft.so    the C shim of include/vrft.h (the panama backend binds it through FFM)
#   nvcc warnings are errors; ptxas's resource report (registers, spills) goes to OUT_HOST/nvcc.log and the
#   build log. Where nvcc is absent, this is skipped with a message and the build goes on: the GPU backends
#   then report "not built". VRFT_SKIP_NVCC=1 takes that path deliberately. The test instruments (the host
#   build of the device math, the CUDA host emulation) are build-test-natives.sh's.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cuda="$here/../cuda"
out_natives=${1:?usage: build.sh OUT_NATIVES OUT_HOST}
out_host=${2:?usage: build.sh OUT_NATIVES OUT_HOST}
mkdir -p "$out_natives/native" "$out_host"

nvcc_bin=$(command -v nvcc || true)
[ -z "$nvcc_bin" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc_bin=/usr/local/cuda/bin/nvcc
# VRFT_SKIP_NVCC=1 builds as if nvcc were absent (to check that path on a machine that has it).
[ "${VRFT_SKIP_NVCC:-0}" = "1" ] && nvcc_bin=""
if [ -n "$nvcc_bin" ]; then
  if [ -f "$out_natives/native/libvrft.so" ] && [ "$out_natives/native/vrft.fatbin" -nt "$cuda/vrft_kernels.cu" ] && \
     [ -z "$(find "$cuda" -name '*.cu' -newer "$out_natives/native/vrft.fatbin" -o -name '*.h' -newer "$out_natives/native/vrft.fatbin" | head -n 1)" ]; then
    echo "native-build: vrft.fatbin and libvrft.so are up to date"
  else
    echo "native-build: $("$nvcc_bin" --version | tail -n 1)"
    "$nvcc_bin" -fatbin -std=c++17 -O3 \
      -gencode arch=compute_80,code=sm_80 \
      -gencode arch=compute_90,code=sm_90 \
      -gencode arch=compute_90,code=compute_90 \
      -Werror all-warnings -Xptxas -v \
      -o "$out_natives/native/vrft.fatbin" "$cuda/vrft_kernels.cu" 2>&1 | tee "$out_host/nvcc.log"
    echo "nvcc=$("$nvcc_bin" --version | tail -n 1)" > "$out_natives/native/vrft.fatbin.properties"
    echo "native-build: wrote $out_natives/native/vrft.fatbin"
    # The panama backend's C shim (include/vrft.h), cudart linked statically: it needs only libcuda.so.1 at
    # run time, and loads without it (its host-side checks and error strings work everywhere).
    "$nvcc_bin" -shared -std=c++17 -O3 -Xcompiler -fPIC -cudart static \
      -gencode arch=compute_80,code=sm_80 \
      -gencode arch=compute_90,code=sm_90 \
      -gencode arch=compute_90,code=compute_90 \
      -Werror all-warnings \
      -o "$out_natives/native/libvrft.so" "$cuda/vrft_shim.cu"
    echo "native-build: wrote $out_natives/native/libvrft.so"
  fi
else
  echo "native-build: nvcc not found; the CUDA kernels are not built (GPU backends will report: not built)"
  rm -f "$out_natives/native/vrft.fatbin" "$out_natives/native/vrft.fatbin.properties" "$out_natives/native/libvrft.so"
fi

