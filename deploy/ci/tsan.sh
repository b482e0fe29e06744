#!/usr/bin/env bash
# CI stage: ThreadSanitizer over the engine suites whose threads share state — the streamed-group
# prefetch worker (tst_strategies, with the CLI it starts), the kernel thread pool (tst_parallel)
# and the resource sampler's background thread (tst_monitor_sampler). clang-14, -fsanitize=thread,
# -O1 -g, -Werror; only these targets and what they link are built (the engine once more,
# instrumented; no GUI), so the stage stays short.
#
# Qt is not built with ThreadSanitizer: its own synchronisation (QMutex/QWaitCondition on futexes,
# QThread::wait) is invisible to TSan, and even an engine-only Qt Test reports false races between
# the QtTest watchdog thread and the main thread inside libQt6Core/libQt6Test (seen in tst_parallel).
# ignore_noninstrumented_modules=1 drops accesses made inside uninstrumented libraries, so those go
# while every access in edge-rt's code is still checked. The Qt bridge (tst_engine_bridge: engine
# work on QThreadPool threads, handed over by Qt's signals and futures) is therefore NOT run under
# TSan: its happens-before edges are all inside Qt, and its reports would be false.
#
# Any data race, lock-order inversion or use of a destroyed mutex fails the stage (halt_on_error=1).
#
# Usage: bash deploy/ci/tsan.sh
# Environment: EDGERT_TSAN_BUILD (default build-tsan), EDGERT_JOBS (default 2),
#   EDGERT_REQUIRE_MODELS (default 1).
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${EDGERT_TSAN_BUILD:-build-tsan}
jobs=${EDGERT_JOBS:-2}
export EDGERT_REQUIRE_MODELS=${EDGERT_REQUIRE_MODELS:-1}
suites=(tst_parallel tst_monitor_sampler tst_strategies)

phase_start=$SECONDS
timings=()
phase_done() {
  timings+=("$(printf '%-52s %4d s' "$1" $((SECONDS - phase_start)))")
  phase_start=$SECONDS
}

bash deploy/ci/clang-deps.sh
phase_done "dependencies"

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -DEDGERT_WERROR=ON -DEDGERT_SANITIZE=thread \
  -DEDGERT_BUILD_GUI=OFF -DEDGERT_BUILD_TESTS=ON -DEDGERT_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
# tst_strategies starts the CLI: build it with ThreadSanitizer too.
cmake --build "$build" -j "$jobs" --target edge-rt "${suites[@]}"
phase_done "clang-14 -Werror TSan build (${#suites[@]} suites + CLI, -j$jobs)"

export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1"
regex="^($(
  IFS='|'
  echo "${suites[*]}"
))\$"
ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 1200 -R "$regex"
phase_done "ctest under TSan (${suites[*]})"

echo "tsan: timings"
printf '  %s\n' "${timings[@]}"
