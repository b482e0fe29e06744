#!/usr/bin/env bash
# CI stage: the libFuzzer targets of tests/fuzz in the clang-14 ASan + UBSan build that
# deploy/ci/sanitize.sh makes (deploy/ci/clang-common.sh, asan_configure: -DEDGERT_FUZZ=ON, the
# engine with libFuzzer coverage, AddressSanitizer and UndefinedBehaviorSanitizer,
# -fno-sanitize-recover, _GLIBCXX_ASSERTIONS, warnings as errors). It builds just the fuzz targets
# (and the engine they link); in .ci/run sanitize.sh comes later and builds the rest of the tree on
# top in the same directory.
#   1. each target runs once over its kept inputs in tests/fuzz/regressions/<target>/ (CTest);
#   2. each target fuzzes for EDGERT_FUZZ_SECONDS (default 60) from the seeds generated from
#      ../shared/models plus those kept inputs, two at a time; a crash, leak, UB report, timeout
#      (20 s for one input) or RSS above 2 GiB fails the stage. Executions per target are printed.
#
# Usage: bash deploy/ci/fuzz.sh
# Environment: EDGERT_FUZZ_BUILD (default: EDGERT_SANITIZE_BUILD, else build-san), EDGERT_JOBS
#   (default 2), EDGERT_FUZZ_SECONDS (default 60).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=deploy/ci/clang-common.sh
source deploy/ci/clang-common.sh

build=${EDGERT_FUZZ_BUILD:-${EDGERT_SANITIZE_BUILD:-build-san}}
fuzz_seconds=${EDGERT_FUZZ_SECONDS:-60}

fail() {
  echo "fuzz: FAILED: $*" >&2
  exit 1
}

# clang 14, its sanitizer/libFuzzer runtimes, LLVM's OpenMP and python3 (make-seeds.sh).
bash deploy/ci/clang-deps.sh
phase_done "dependencies"

targets=(gguf safetensors safetensors_index json config hf_config hf_tokenizer spm bpe)
asan_configure "$build"
cmake --build "$build" -j "$jobs" --target "${targets[@]/#/fuzz_}"
phase_done "clang-14 -Werror ASan+UBSan+libFuzzer build of the targets"

export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure --timeout 300 -R '^fuzz_'
phase_done "fuzz targets over their kept inputs (ctest)"

fuzz_dir=$build/tests/fuzz
run_one() { # target name
  local name=$1
  local corpus=$fuzz_dir/corpus/$name artifacts=$fuzz_dir/artifacts-$name
  rm -rf "$corpus" "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  if "$fuzz_dir/fuzz_$name" -max_total_time="$fuzz_seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "$fuzz_dir/seeds/$name" >"$fuzz_dir/fuzz_$name.log" 2>&1; then
    echo "$name ok"
  else
    echo "$name FAILED"
  fi
}
export -f run_one
export fuzz_dir fuzz_seconds
printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c 'run_one {}' >"$fuzz_dir/results.txt"
failed=0
for name in "${targets[@]}"; do
  result=$(awk -v t="$name" '$1 == t {print $2}' "$fuzz_dir/results.txt")
  log=$fuzz_dir/fuzz_$name.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  printf 'fuzz: %-18s %-6s %9s executions in %s s, %s\n' "$name" "${result:-?}" "${execs:-?}" "$fuzz_seconds" \
    "${cov:-cov: ?}"
  if [[ $result != ok ]]; then
    failed=1
    echo "---- $log (last 60 lines)"
    tail -n 60 "$log"
    ls -l "$fuzz_dir/artifacts-$name/" || true
  fi
done
phase_done "libFuzzer: ${#targets[@]} targets x ${fuzz_seconds} s, 2 at a time"
[[ $failed -eq 0 ]] || fail "a fuzz target crashed, leaked or timed out (inputs in $fuzz_dir/artifacts-*/)"

print_timings fuzz
