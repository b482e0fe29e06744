#!/usr/bin/env bash
# Cross-builds the engine, the CLI and the engine/kernel tests for the Raspberry Pi 4 (aarch64,
# -mcpu=cortex-a72) and runs them under user-mode QEMU as a Cortex-A72, so the NEON kernels the
# Pi runs — without the dotprod extension — are executed and checked against the scalar
# reference. Then checks that `edge-rt run --ids` gives the same greedy ids under emulation as
# the native x86-64 build, for every kernel table the emulated CPUs offer.
#
# Usage: bash deploy/ci/aarch64-tests.sh [NATIVE_EDGE_RT]
#   NATIVE_EDGE_RT  the x86-64 CLI to compare with (default: build/app/cli/edge-rt)
# Environment: EDGERT_AARCH64_BUILD (default build-aarch64), EDGERT_MODEL (default model),
#   EDGERT_JOBS (default 2), EDGERT_REQUIRE_MODELS (default 1: a missing model file fails a test).
set -euo pipefail
cd "$(dirname "$0")/../.."

native_cli=${1:-build/app/cli/edge-rt}
build=${EDGERT_AARCH64_BUILD:-build-aarch64}
model=${EDGERT_MODEL:-../shared/models/tinystories-656k-q8_0.gguf}
jobs=${EDGERT_JOBS:-2}
qemu="qemu-aarch64-static"
# CI has ../shared/models: a test whose model file is missing fails instead of skipping.
export EDGERT_REQUIRE_MODELS=${EDGERT_REQUIRE_MODELS:-1}

started=$SECONDS
phase_start=$SECONDS
timings=()
phase_done() {
  timings+=("$(printf '%-34s %4d s' "$1" $((SECONDS - phase_start)))")
  phase_start=$SECONDS
}
fail() {
  echo "aarch64: FAILED: $*" >&2
  exit 1
}

bash deploy/ci/cross-deps.sh
phase_done "dependencies"

# --- cross build -----------------------------------------------------------------------------
cmake -S . -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE=deploy/rpi4/aarch64-linux-gnu.cmake \
  -DCMAKE_BUILD_TYPE=Release -DEDGERT_WERROR=ON -DEDGERT_BUILD_GUI=OFF -DEDGERT_BUILD_BENCH=OFF
cmake --build "$build" -j "$jobs"
machine=$(LC_ALL=C readelf -h "$build/app/cli/edge-rt" | sed -n 's/^ *Machine: *//p')
[[ $machine == AArch64 ]] || fail "$build/app/cli/edge-rt is built for '$machine', not AArch64"
echo "aarch64: built $(file -b "$build/app/cli/edge-rt" 2>/dev/null || echo "$machine")"
phase_done "cross build (-j$jobs)"

# --- engine and kernel tests under qemu -cpu cortex-a72 (the toolchain's CMAKE_CROSSCOMPILING_EMULATOR)
# Tests that start the CLI as a child process cannot run emulated: QEMU 7.2's user mode rejects
# the clone flags QProcess uses (fork failure: EINVAL). The CLI itself is checked below.
spawning=()
for src in tests/tst_*.cpp; do
  grep -q 'EDGERT_CLI_PATH' "$src" && spawning+=("$(basename "$src" .cpp)")
done
exclude="^($(
  IFS='|'
  echo "${spawning[*]}"
))\$"
echo "aarch64: not run under emulation (they start the CLI as a child process): ${spawning[*]}"
ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 900 -E "$exclude"
phase_done "engine + kernel tests (qemu A72)"

# --- the kernel tables, proven: A72 offers generic + neon (no dotprod); A76 adds neon-dotprod.
check_kernels() { # cpu, forced table or "", expected "kernel tables: N, active: NAME"
  local out
  out=$(EDGERT_KERNELS=$2 "$qemu" -cpu "$1" "$build/tests/tst_kernels" 2>&1) || {
    echo "$out"
    fail "tst_kernels on $1 (EDGERT_KERNELS=$2)"
  }
  grep -q "$3" <<<"$out" || {
    echo "$out"
    fail "tst_kernels on $1 (EDGERT_KERNELS=$2): expected '$3'"
  }
  echo "aarch64: tst_kernels -cpu $1 EDGERT_KERNELS=${2:-(auto)}: $(grep -o 'kernel tables.*' <<<"$out"), $(grep -o 'Totals: [0-9]* passed, [0-9]* failed' <<<"$out")"
}
check_kernels cortex-a72 "" "kernel tables: 2, active: neon$"
check_kernels cortex-a72 neon "kernel tables: 2, active: neon$"
check_kernels cortex-a76 "" "kernel tables: 3, active: neon-dotprod$"
check_kernels cortex-a76 neon "kernel tables: 3, active: neon$"
# The forward pass goldens with the NEON (no dotprod) table forced on a CPU that has dotprod.
EDGERT_KERNELS=neon "$qemu" -cpu cortex-a76 "$build/tests/tst_forward" >/tmp/edgert-aarch64-forward.log 2>&1 || {
  cat /tmp/edgert-aarch64-forward.log
  fail "tst_forward with EDGERT_KERNELS=neon"
}
echo "aarch64: tst_forward -cpu cortex-a76 EDGERT_KERNELS=neon: $(grep -o 'Totals: [0-9]* passed, [0-9]* failed' /tmp/edgert-aarch64-forward.log)"
phase_done "kernel tables (A72, A76, forced)"

# --- greedy ids: emulated aarch64 CLI == native x86-64 CLI ---------------------------------
[[ -x $native_cli ]] || fail "native CLI $native_cli not found: build natively first"
[[ -f $model ]] || fail "model $model not found"
compare_ids() { # label, then edge-rt run arguments
  local label=$1
  shift
  local reference got cpu kernels
  reference=$("$native_cli" run --model "$model" --ids "$@" 2>/dev/null) || fail "native run $label"
  [[ -n $reference ]] || fail "native run $label printed no ids"
  for cpu_kernels in cortex-a72: cortex-a72:generic cortex-a76: cortex-a76:neon; do
    cpu=${cpu_kernels%%:*}
    kernels=${cpu_kernels#*:}
    got=$(EDGERT_KERNELS=$kernels "$qemu" -cpu "$cpu" "$build/app/cli/edge-rt" run --model "$model" --ids "$@" 2>/dev/null) ||
      fail "emulated run $label on $cpu"
    if [[ $got != "$reference" ]]; then
      echo "x86-64:          $reference"
      echo "aarch64 ($cpu): $got"
      fail "greedy ids differ: $label on $cpu (EDGERT_KERNELS=${kernels:-auto})"
    fi
  done
  echo "aarch64: greedy ids match x86-64 ($label, $(wc -w <<<"$reference") tokens; A72 neon/generic, A76 neon-dotprod/neon): ${reference:0:60}..."
}
compare_ids "BOS" -n 64 --threads 2
compare_ids "prompt" --prompt "Once upon a time, a little dog" -n 48 --threads 1
compare_ids "streamed prefetch, 640 KiB budget" --strategy speculative-prefetch --memory-budget 640K -n 32 --threads 2
phase_done "greedy ids vs x86-64"

echo "aarch64: timings"
printf '  %s\n' "${timings[@]}"
echo "aarch64: total $((SECONDS - started)) s"
