#!/usr/bin/env bash
# Cross-builds the engine, the CLI and the engine/kernel tests for the Raspberry Pi 4 (aarch64,
# -mcpu=cortex-a72) and runs them under user-mode QEMU as a Cortex-A72, so the NEON kernels the
# Pi runs — without the dotprod extension — are executed and checked against the scalar
# reference. Then checks that `edge-rt run --ids` gives the same greedy ids under emulation as
# the native x86-64 build, for every kernel table the emulated CPUs offer, and that
# `edge-rt quantize` writes the x86-64 build's bytes.
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

# --- quantize: the emulated aarch64 CLI writes the native x86-64 CLI's bytes ----------------
# The quantisers are scalar float code (scale searches, rounding); an FMA contraction (GCC fuses
# a * b + c on aarch64 unless -ffp-contract=off, see engine/CMakeLists.txt), a libm difference
# or a platform-dependent conversion would change the file a Pi owner makes. Both CLIs quantize
# the same inputs at 2 threads and every file must be byte-identical. tinystories-656k's rows
# (128, 384) are not multiples of 256, so its K-quant types exercise the fallbacks (Q5_0, Q8_0,
# IQ4_NL) and the mixture rules; stories260K's FFN rows of 172 values stay F16; the kit's
# dim-256 Llama (requantised from its Q8_0 file) runs the Q4_K, Q6_K and IQ4_XS quantisers
# themselves (about 40 s each under qemu, the others 1-4 s).
quant_tiny=../shared/models/kit/real/tinystories-656k-F32.gguf
quant_260k=../shared/models/stories260K.gguf
quant_kq=../shared/models/kit/kquant/kq-llama-d256-Q8_0.gguf
for f in "$quant_tiny" "$quant_260k" "$quant_kq"; do
  [[ -f $f ]] || fail "quantize input $f not found"
done
quant_dir=$(mktemp -d /tmp/edgert-aarch64-quantize.XXXXXX)
trap 'rm -rf "$quant_dir"' EXIT
quantized=()
# The first differing byte of two GGUF files and the tensor (from the x86-64 file's table) it is in.
describe_difference() { # x86-64 file, aarch64 file
  local first offset where ndiff
  first=$(cmp -l "$1" "$2" 2>/dev/null | head -n 1 || true)
  ndiff=$(cmp -l "$1" "$2" 2>/dev/null | wc -l || true)
  if [[ -z $first ]]; then
    echo "sizes differ: $(stat -c %s "$1") vs $(stat -c %s "$2") bytes ($(cmp "$1" "$2" 2>&1 || true))"
    return
  fi
  offset=$(($(awk '{ print $1 }' <<<"$first") - 1))
  where=$("$native_cli" inspect --tensors --model "$1" 2>/dev/null | awk -v o="$offset" '
    /^tensor +type +shape/ { table = 1; next }
    table && NF >= 5 && $NF ~ /^[0-9]+$/ && o >= $NF && o < $NF + $(NF - 1) {
      printf "tensor %s (%s), byte %d of it", $1, $2, o - $NF; found = 1; exit }
    END { if (!found) printf "the header (metadata or tensor table)" }')
  echo "first differing byte at offset $offset ($where); $ndiff bytes differ;" \
    "x86-64 byte $(awk '{ print $2 }' <<<"$first"), aarch64 $(awk '{ print $3 }' <<<"$first") (octal)"
}
compare_quantize() { # label, input, type, then extra quantize options
  local label=$1 in=$2 type=$3 t0 native_s
  shift 3
  t0=$SECONDS
  "$native_cli" quantize "$@" --type "$type" --threads 2 "$in" "$quant_dir/x86-64.gguf" 2>"$quant_dir/log" || {
    cat "$quant_dir/log"
    fail "native quantize $label --type $type"
  }
  native_s=$((SECONDS - t0))
  t0=$SECONDS
  "$qemu" -cpu cortex-a72 "$build/app/cli/edge-rt" quantize "$@" --type "$type" --threads 2 "$in" \
    "$quant_dir/aarch64.gguf" >/dev/null 2>"$quant_dir/log" || {
    cat "$quant_dir/log"
    fail "emulated quantize $label --type $type"
  }
  if ! cmp -s "$quant_dir/x86-64.gguf" "$quant_dir/aarch64.gguf"; then
    echo "aarch64: quantize $label --type $type: $(describe_difference "$quant_dir/x86-64.gguf" "$quant_dir/aarch64.gguf")"
    echo "aarch64: hint: some float expression rounds differently on aarch64 (an FMA contraction, libm," \
      "a conversion); list the tensors with edge-rt inspect --tensors --model FILE, the bytes with cmp -l"
    fail "quantize $label --type $type: the aarch64 file differs from the x86-64 one"
  fi
  echo "aarch64: quantize $label --type $type: byte-identical ($(stat -c %s "$quant_dir/x86-64.gguf") bytes," \
    "sha256 $(sha256sum "$quant_dir/x86-64.gguf" | cut -c1-16)...; x86-64 ${native_s} s, qemu A72 $((SECONDS - t0)) s)"
  quantized+=("$label:$type")
}
for type in Q8_0 Q4_0 Q4_K_M Q6_K IQ4_XS; do
  compare_quantize tinystories-656k-F32 "$quant_tiny" "$type"
done
compare_quantize stories260K "$quant_260k" Q4_K_M
for type in Q4_K_M IQ4_XS; do
  compare_quantize kq-llama-d256-Q8_0 "$quant_kq" "$type" --allow-requantize
done
echo "aarch64: quantize output byte-identical to x86-64 (${#quantized[@]} files): ${quantized[*]}"
phase_done "quantize bytes vs x86-64"

echo "aarch64: timings"
printf '  %s\n' "${timings[@]}"
echo "aarch64: total $((SECONDS - started)) s"
