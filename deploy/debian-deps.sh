#!/usr/bin/env bash
# Installs the Debian 12 (bookworm) packages edge-rt builds and tests with.
# Usage: bash deploy/debian-deps.sh   (as root, or it re-runs itself with sudo)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-charts-dev qt6-svg-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
  libqt6opengl6-dev qcoro-qt6-dev libgl-dev qt6-virtualkeyboard-plugin qml6-module-qtqml-workerscript
  qml6-module-qtquick-window qml6-module-qtquick-layouts qml6-module-qt-labs-folderlistmodel
  libtomlplusplus-dev libhwy-dev libbenchmark-dev libpcre2-dev nlohmann-json3-dev libedit-dev
  shellcheck systemd
)
# The aarch64 cross build's packages (arm64 multiarch): deploy/ci/cross-deps.sh.

if [[ $(id -u) -ne 0 ]]; then
  exec sudo --preserve-env=DEBIAN_FRONTEND bash "$0" "$@"
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "edge-rt: all build dependencies are installed"
  exit 0
fi
echo "edge-rt: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
