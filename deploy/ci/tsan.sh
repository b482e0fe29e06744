#!/usr/bin/env bash
# CI stage: ThreadSanitizer over the suites whose threads share state — the streamed-group prefetch
# worker (tst_strategies' in-process tests: engine/src/runtime/group-prefetcher.cpp), the kernel
# thread pool (tst_parallel), the resource sampler's background thread (tst_monitor_sampler) and
# the memory pool's budget accounting, whose leases are taken and released from several threads
# (tst_memory_pool). clang-14, -fsanitize=thread, -O1 -g, -Werror (deploy/ci/clang-common.sh); only
# these suites and what they link are built (the engine once more, instrumented; not the CLI, the
# bridge or the dashboard), so the stage stays short.
#
# Qt is not built with ThreadSanitizer: the accesses its own code makes (QtTest's watchdog thread)
# are invisible to TSan and would be reported as false races between the instrumented and the
# uninstrumented side. ignore_noninstrumented_modules=1 drops accesses made inside uninstrumented
# libraries, while every access in edge-rt's code is still checked and the pthread and atomic
# synchronisation TSan intercepts (std::thread, std::mutex, std::atomic) still orders them.
#
# Not run here, and why:
# - tst_engine_bridge: every QtConcurrent::run hand-off goes through QThreadPool's queue under a
#   QMutex, which Qt 6 implements on futexes, not pthread mutexes; TSan sees neither it nor QFuture's
#   atomic reference count, so the captured state a task reads on the pooled thread and the result
#   the GUI thread reads are reported as races (tried: data race on vptr in RunFunctionTaskBase::run,
#   on the captured std::shared_ptr<RunJob>, on a QString, on the destroyed Outcome<RunReport>; a
#   different one each run). It needs a Qt built with -fsanitize=thread.
# - tst_strategies::measuredPeakRssStaysWithinBudget: it starts the CLI with QProcess, and clang-14's
#   TSan runtime aborts in the child right after fork() from the multi-threaded test ("CHECK failed:
#   tsan_rtl.cpp:234 ((!thr->slot)) != (0)" in __tsan::ForkAfter), a runtime bug, not a report. It
#   runs in the ASan+UBSan stage and natively; the suite's other functions (every strategy and budget,
#   prefetch overlap, cancellation between groups) run in-process here.
#
# A stage of .ci/run, after deploy/ci/fuzz.sh and before deploy/ci/sanitize.sh (the longest).
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
suites=(tst_parallel tst_memory_pool tst_monitor_sampler)
strategies_functions=(everyStrategyAndBudgetGivesReferenceIds prefetchOverlapsLoadWithCompute
  cancellationBetweenGroupsReturnsEveryByte)
# Instrumented, a suite runs several times slower: QtTest's watchdog (300 s per test function) and
# CTest's limit per suite are raised, so slowness is not reported as a hang.
suite_timeout=${EDGERT_TSAN_SUITE_TIMEOUT:-1800}
export QTEST_FUNCTION_TIMEOUT=$((suite_timeout * 1000))

bash deploy/ci/clang-deps.sh
phase_done "dependencies"

clang_configure "$build" -DEDGERT_SANITIZE=thread -DEDGERT_BUILD_GUI=OFF -DEDGERT_BUILD_TESTS=ON \
  -DEDGERT_BUILD_BENCH=OFF -DEDGERT_TEST_TIMEOUT="$suite_timeout"
cmake --build "$build" -j "$jobs" --target "${suites[@]}" tst_strategies
phase_done "clang-14 -Werror TSan build ($((${#suites[@]} + 1)) suites, -j$jobs)"

export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1"
regex="^($(
  IFS='|'
  echo "${suites[*]}"
))\$"
ctest --test-dir "$build" --output-on-failure -j "$jobs" -R "$regex"
phase_done "ctest under TSan (${suites[*]})"
QT_QPA_PLATFORM=offscreen "$build/tests/tst_strategies" "${strategies_functions[@]}"
phase_done "tst_strategies under TSan (${strategies_functions[*]})"

print_timings tsan
