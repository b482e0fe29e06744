#!/usr/bin/env bash
# Runs one command inside a fresh memory cgroup whose limit is BUDGET + BASELINE + 32 MiB (the
# page cache is charged there as under systemd's MemoryMax=), so streamed layer groups are
# measured with the cache competing for the same memory as the run. Needs root. The cgroup is
# made below the caller's own memory cgroup (v2: memory.max, v1: memory.limit_in_bytes) and
# removed afterwards.
#
#   bench/stream-under-cgroup.sh BUDGET_MIB BASELINE_MIB -- COMMAND [ARGS...]
#   e.g. bench/stream-under-cgroup.sh 236 20 -- build/app/cli/edge-rt benchmark --model M.gguf \
#            --sweep-memory 236M --weight-reads direct -p 4 -n 8 -r 1 --threads 2 --roofline
#
# BASELINE_MIB: the process's RSS before it loads anything (`edge-rt run --report json`'s
# baseline_rss_bytes). Prints the limit, then the command's output, then the cgroup's peak.
set -euo pipefail
[ $# -ge 4 ] && [ "$3" = "--" ] || { echo "usage: $0 BUDGET_MIB BASELINE_MIB -- COMMAND..." >&2; exit 2; }
budget=$1; baseline=$2; shift 3
limit=$(( (budget + baseline + 32) * 1024 * 1024 ))
name="edgert-stream-$$"
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    rel=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
    parent="/sys/fs/cgroup${rel%/}"
    grep -qw memory "$parent/cgroup.subtree_control" || { echo "memory controller not enabled in $parent" >&2; exit 1; }
    dir="$parent/$name"; mkdir "$dir"
    echo "$limit" > "$dir/memory.max"; echo 0 > "$dir/memory.swap.max" 2>/dev/null || true
    peakfile="$dir/memory.peak"
else
    rel=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
    parent="/sys/fs/cgroup/memory${rel%/}"
    dir="$parent/$name"; mkdir "$dir"
    echo "$limit" > "$dir/memory.limit_in_bytes"
    echo "$limit" > "$dir/memory.memsw.limit_in_bytes" 2>/dev/null || true
    peakfile="$dir/memory.max_usage_in_bytes"
fi
trap 'rmdir "$dir" 2>/dev/null || true' EXIT
echo "cgroup $dir: limit $((limit / 1048576)) MiB = budget $budget + baseline $baseline + 32 MiB"
status=0
( echo $BASHPID > "$dir/cgroup.procs"; exec "$@" ) || status=$?
[ -f "$peakfile" ] && echo "cgroup peak usage (RSS + page cache): $(( $(cat "$peakfile") / 1048576 )) MiB"
exit $status
