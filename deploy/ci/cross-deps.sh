#!/usr/bin/env bash
# Installs what the aarch64 cross build and its emulated tests need on Debian 12 x86-64: Debian's
# cross compiler, user-mode QEMU, and the arm64 libraries through multiarch (Qt 6 Core/Test and
# toml++ and PCRE2 for arm64 install beside the amd64 ones). Idempotent; run as root or it uses sudo.
# Usage: bash deploy/ci/cross-deps.sh
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  exec sudo --preserve-env=DEBIAN_FRONTEND bash "$0" "$@"
fi

# nlohmann-json3-dev is Architecture: all (headers only): one package serves both architectures, and
# dpkg-query knows no "nlohmann-json3-dev:arm64", so naming it with :arm64 made this script call apt on
# every run, even with everything installed.
packages=(
  g++-aarch64-linux-gnu qemu-user-static
  qt6-base-dev:arm64 libtomlplusplus-dev:arm64 libpcre2-dev:arm64 nlohmann-json3-dev libedit-dev:arm64
)

export DEBIAN_FRONTEND=noninteractive
updated=false
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "edge-rt: adding the arm64 architecture (Debian multiarch)"
  dpkg --add-architecture arm64
  apt-get update -qq
  updated=true
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "edge-rt: all cross-build dependencies are installed"
  exit 0
fi
echo "edge-rt: installing ${missing[*]}"
[[ $updated == true ]] || apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
