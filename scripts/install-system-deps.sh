#!/usr/bin/env bash
# Debian packages facet uses: OpenBLAS for the native addon, Fashion-MNIST for the demo, numpy/PIL for
# cross-checks in tests, chromium for the report test, DejaVu for the glyph-rendering test. PyTorch and faiss are only for `npm run bench`
# (pass --bench). Skips what is already installed.
set -euo pipefail
pkgs=(libopenblas-dev python3-numpy dataset-fashion-mnist chromium fonts-dejavu-core)
if [ "${1:-}" = "--bench" ]; then pkgs+=(python3-torch python3-faiss python3-pil); fi
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
