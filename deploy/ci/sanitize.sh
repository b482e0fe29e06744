#!/usr/bin/env bash
# CI stage: ONE clang-14 build with AddressSanitizer + UndefinedBehaviorSanitizer
# (-fno-sanitize-recover=undefined: any UB report fails) and -D_GLIBCXX_ASSERTIONS, -Werror, of the
# engine, the CLI, the dashboard, every test suite and the libFuzzer targets (deploy/ci/clang-common.sh,
# asan_configure: -DEDGERT_FUZZ=ON, no benchmarks), then every CTest suite in it: the engine, CLI and
# dashboard suites (QT_QPA_PLATFORM=offscreen) and the fuzz targets over their kept inputs. The same
# build directory is what deploy/ci/fuzz.sh fuzzes, so the engine is compiled once for both; this
# build is also the "clang builds the whole tree with -Werror" check.
#
# A stage of .ci/run, after deploy/ci/fuzz.sh: the engine and the fuzz targets are built by then,
# so this builds the CLI, the dashboard and the test suites on top.
#
# Leak reports: LeakSanitizer runs in every suite; deploy/ci/lsan.supp names the only frames
# suppressed (none of edge-rt's own). The measured-peak-RSS assertions check the pool's peak instead
# in this build (ASan's shadow memory is in the RSS; tests/test-support.h, kSanitizerBuild) and say
# so in the test output.
#
# Usage: bash deploy/ci/sanitize.sh
# Environment: EDGERT_SANITIZE_BUILD (default build-san), EDGERT_JOBS (default 2),
#   EDGERT_REQUIRE_MODELS (default 1).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=deploy/ci/clang-common.sh
source deploy/ci/clang-common.sh

build=${EDGERT_SANITIZE_BUILD:-build-san}
# Instrumented at -O1 a suite runs up to ~30x slower than in the release build (tst_bpe_tokenizer's
# vocabulary loads): QtTest's watchdog (300 s per test function) and CTest's limit per suite are
# raised so that slowness is not reported as a hang. A hang still fails, after these limits.
suite_timeout=${EDGERT_SANITIZE_SUITE_TIMEOUT:-1800}
export QTEST_FUNCTION_TIMEOUT=$((suite_timeout * 1000))
export EDGERT_REQUIRE_MODELS=${EDGERT_REQUIRE_MODELS:-1}

bash deploy/ci/clang-deps.sh
phase_done "dependencies"

asan_configure "$build" -DEDGERT_TEST_TIMEOUT="$suite_timeout"
cmake --build "$build" -j "$jobs"
phase_done "clang-14 -Werror ASan+UBSan build (tree without bench, -j$jobs)"

supp=$PWD/deploy/ci/lsan.supp
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1
export LSAN_OPTIONS=suppressions=$supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure -j "$jobs"
phase_done "ctest under ASan+UBSan (engine, CLI, dashboard, fuzz inputs)"

print_timings sanitize
