#!/usr/bin/env bash
# Debian packages facet uses: OpenBLAS and oneDNN (its convolutions; optional) for the native addon, the CJK fonts `facet demo` renders its glyph
# classes from (src/data/glyphs/packages.ts lists them), Fashion-MNIST, numpy and PyTorch + torchvision for
# cross-checks in tests (ResNet against torchvision), chromium for the report tests, DejaVu for the
# glyph-rendering test. faiss and PIL are only for `npm run bench` (pass --bench). Skips what is already installed.
set -euo pipefail
pkgs=(libopenblas-dev libdnnl-dev python3-numpy python3-torch python3-torchvision dataset-fashion-mnist chromium fonts-dejavu-core
  fonts-noto-cjk fonts-noto-cjk-extra fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-ukai fonts-arphic-uming
  fonts-ipafont-gothic fonts-ipafont-mincho fonts-ipaexfont-gothic fonts-ipaexfont-mincho)
if [ "${1:-}" = "--bench" ]; then pkgs+=(python3-faiss python3-pil); fi
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
