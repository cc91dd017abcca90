#!/usr/bin/env bash
# Regenerates io.github.vrft.backend.panama.vrft_h from cuda/include/vrft.h with jextract (JDK 22+ builds of
# jextract). Where jextract is not installed, the checked-in vrft_h.java (written by hand in the same shape)
# stays; VrftBindingsTest checks it against the header either way.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root="$here/.."
if ! command -v jextract >/dev/null; then
  echo "jextract not found: keeping java/cuda/src/main/java/io/github/vrft/backend/panama/vrft_h.java" >&2
  exit 1
fi
out=$(mktemp -d)
# every function that vrft.h declares (a line that starts with its return type and the vrft_ name)
functions=$(sed -nE 's/^(const )?[a-z]+\*? ?\*?(vrft_[a-z_0-9]+)\(.*/--include-function \2/p' "$root/cuda/include/vrft.h")
# shellcheck disable=SC2086
jextract --output "$out" --target-package io.github.vrft.backend.panama --header-class-name vrft_h $functions \
  --include-constant VRFT_OK --include-constant VRFT_ERR_INVALID_ARGUMENT --include-constant VRFT_ERR_NO_DEVICE \
  --include-constant VRFT_ERR_CUDA --include-constant VRFT_ERR_OUT_OF_MEMORY --include-constant VRFT_ERR_UNSUPPORTED \
  "$root/cuda/include/vrft.h"
cp "$out/io/github/vrft/backend/panama/vrft_h.java" "$root/java/cuda/src/main/java/io/github/vrft/backend/panama/"
echo "regenerated vrft_h.java; run mvn verify (VrftBindingsTest) to check it"
