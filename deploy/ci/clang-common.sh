# Sourced (not run) by the clang-14 CI stages deploy/ci/sanitize.sh, fuzz.sh and tsan.sh: what they
# share, so the three configure the same way and print their phase times the same way.
#
#   clang_configure BUILD_DIR CMAKE_ARGS...  configures BUILD_DIR with clang-14, RelWithDebInfo at
#       -O1 (readable sanitizer reports, a shorter build, tests fast enough instrumented; -g comes
#       with EDGERT_SANITIZE), -Werror, Ninja and ccache when it is installed, plus CMAKE_ARGS.
#   asan_configure BUILD_DIR [CMAKE_ARGS...]  the ONE ASan + UBSan (-fno-sanitize-recover=undefined,
#       -D_GLIBCXX_ASSERTIONS) + libFuzzer-coverage configuration that sanitize.sh and fuzz.sh both
#       use: -DEDGERT_FUZZ=ON (which sets EDGERT_SANITIZE=address,undefined) with the tests and the
#       dashboard, without the benchmarks. sanitize.sh run after fuzz.sh builds only the rest.
#   phase_done NAME           records the wall time since the previous phase (or the start).
#   print_timings PREFIX      prints the recorded phases.
# Environment: EDGERT_JOBS (default 2) -> $jobs.
# shellcheck shell=bash

# shellcheck disable=SC2034 # used by the scripts that source this file
jobs=${EDGERT_JOBS:-2}
phase_start=$SECONDS
timings=()
phase_done() {
  timings+=("$(printf '%-60s %4d s' "$1" $((SECONDS - phase_start)))")
  phase_start=$SECONDS
}
print_timings() {
  echo "$1: timings"
  printf '  %s\n' "${timings[@]}"
}

clang_configure() {
  local build=$1
  shift
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -DEDGERT_WERROR=ON "${launcher[@]}" "$@" >/dev/null
}

asan_configure() {
  local build=$1
  shift
  clang_configure "$build" -DEDGERT_FUZZ=ON -DEDGERT_BUILD_GUI=ON -DEDGERT_BUILD_TESTS=ON -DEDGERT_BUILD_BENCH=OFF "$@"
}
