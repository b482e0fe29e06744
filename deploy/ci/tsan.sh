#!/usr/bin/env bash
# CI stage: ThreadSanitizer over the suites whose threads share state — the streamed-group prefetch
# worker (tst_strategies, with the CLI it starts: engine/src/runtime/group-prefetcher.cpp), the
# kernel thread pool (tst_parallel), the resource sampler's background thread (tst_monitor_sampler)
# and the Qt bridge (tst_engine_bridge: runs and replans on QThreadPool threads, tokens handed to
# the GUI thread through the run channel), and the memory pool's budget accounting, whose leases are
# taken and released from several threads (tst_memory_pool). clang-14, -fsanitize=thread, -O1 -g, -Werror
# (deploy/ci/clang-common.sh); only these targets and what they link are built (the engine once more,
# instrumented, the CLI and the bridge; not the dashboard), so the stage stays short.
#
# Qt is not built with ThreadSanitizer: the accesses its own code makes (QtTest's watchdog thread,
# QThreadPool's bookkeeping) are invisible to TSan and reported as false races between the
# instrumented and the uninstrumented side. ignore_noninstrumented_modules=1 drops accesses made
# inside uninstrumented libraries, while every access in edge-rt's code is still checked and the
# pthread and atomic synchronisation TSan intercepts still orders them.
#
# A stage of .ci/run, after deploy/ci/sanitize.sh.
#
# Any data race, lock-order inversion or use of a destroyed mutex fails the stage (halt_on_error=1).
#
# Usage: bash deploy/ci/tsan.sh
# Environment: EDGERT_TSAN_BUILD (default build-tsan), EDGERT_JOBS (default 2),
#   EDGERT_REQUIRE_MODELS (default 1).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=deploy/ci/clang-common.sh
source deploy/ci/clang-common.sh

build=${EDGERT_TSAN_BUILD:-build-tsan}
export EDGERT_REQUIRE_MODELS=${EDGERT_REQUIRE_MODELS:-1}
suites=(tst_parallel tst_memory_pool tst_monitor_sampler tst_strategies tst_engine_bridge)
# Instrumented, a suite runs several times slower: QtTest's watchdog (300 s per test function) and
# CTest's limit per suite are raised, so slowness is not reported as a hang.
suite_timeout=${EDGERT_TSAN_SUITE_TIMEOUT:-1800}
export QTEST_FUNCTION_TIMEOUT=$((suite_timeout * 1000))

bash deploy/ci/clang-deps.sh
phase_done "dependencies"

clang_configure "$build" -DEDGERT_SANITIZE=thread -DEDGERT_BUILD_GUI=ON -DEDGERT_BUILD_TESTS=ON \
  -DEDGERT_BUILD_BENCH=OFF -DEDGERT_TEST_TIMEOUT="$suite_timeout"
# tst_strategies starts the CLI: build it with ThreadSanitizer too.
cmake --build "$build" -j "$jobs" --target edge-rt "${suites[@]}"
phase_done "clang-14 -Werror TSan build (${#suites[@]} suites + CLI, -j$jobs)"

export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1"
regex="^($(
  IFS='|'
  echo "${suites[*]}"
))\$"
ctest --test-dir "$build" --output-on-failure -j "$jobs" -R "$regex"
phase_done "ctest under TSan (${suites[*]})"

print_timings tsan
