#!/usr/bin/env bash
# Installs what the clang-14 CI stages need (deploy/ci/sanitize.sh, tsan.sh, fuzz.sh) on Debian 12:
# the compiler, its sanitizer and libFuzzer runtimes, LLVM's OpenMP (clang's -fopenmp links
# libomp, not GCC's libgomp; find_package(OpenMP) fails without it) and python3 (make-seeds.sh).
# Usage: bash deploy/ci/clang-deps.sh
set -euo pipefail
packages=(clang-14 libclang-rt-14-dev libomp-14-dev python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "clang-deps: ${packages[*]} installed"
  exit 0
fi
echo "clang-deps: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo --preserve-env=DEBIAN_FRONTEND)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
