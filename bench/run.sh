#!/usr/bin/env bash
# Side-by-side benchmarks of this module against rclone (and cp as the physical reference).
# Usage: bench/run.sh [small|large|million|crc|fsync|controlplane|s3-small|s3-medium|s3-large|wan|wan-large|wan-small|wan-medium ...]
#        (default: small large crc controlplane; wan is wan-large and wan-small, see wan.sh)
# Env:   RUNS (3), CONCURRENCY (16), BENCH_DIR (/tmp/mspmigration-bench), SKIP_BUILD=1,
#        BENCH_FS=loop|dir (loop when root: a private ext4 file system, see prepare_fs),
#        s3-*: S3_TOOLS (the tools to alternate), S3_PROFILE_EXTRA (lines added to the module's
#        two profiles, also in wan-*, e.g. 'multipart_threshold_mb = 64', to compare settings)
# Each workload's data is made once; then the tools run alternately RUNS times each, so noise
# from other work on the machine spreads over all of them. Results: bench/results/.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
RUNS=${RUNS:-3}
CONCURRENCY=${CONCURRENCY:-16}
WORK=${BENCH_DIR:-/tmp/mspmigration-bench}
RESULTS="$HERE/results"
export NO_COLOR=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
source "$HERE/lib.sh"
source "$HERE/wan.sh"
S3_PIDS= WARM_PID= WAN_USED=
trap '[ -z "$WARM_PID" ] || kill $WARM_PID 2>/dev/null; [ -z "$S3_PIDS" ] || kill $S3_PIDS 2>/dev/null; [ -z "$WAN_USED" ] || wan_down' EXIT

[ "${SKIP_BUILD:-}" = 1 ] || "$ROOT/build.sh" build
command -v rclone >/dev/null || { echo "rclone is missing: apt-get install -y rclone" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is missing: apt-get install -y time" >&2; exit 2; }
mkdir -p "$WORK" "$RESULTS"
prepare_fs
machine_info > "$RESULTS/machine.txt"

workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(small large crc controlplane)
for w in "${workloads[@]}"; do
  case "$w" in
    small)    local_pair small 10000 4096 100 ;;
    large)    local_pair large 8 $((256 * 1024 * 1024)) 1000 ;;
    million)  million ;;
    crc)      crc_bench ;;
    controlplane) controlplane_bench ;;
    fsync)    local_pair fsync 10000 4096 100 mspmigration mspmigration-nofsync rclone cp ;;
    s3-small) s3_pair s3-small 10000 4096 100 ;;
    s3-medium) s3_pair s3-medium 6 $((50 * 1024 * 1024)):$((150 * 1024 * 1024)) 1000 ;;
    s3-large) s3_pair s3-large 8 $((256 * 1024 * 1024)) 1000 ;;
    wan)       WAN_USED=1; wan_pair wan-large 8 $((256 * 1024 * 1024)) 1000; wan_pair wan-small 2000 65536 100 ;;
    wan-large) WAN_USED=1; wan_pair wan-large 8 $((256 * 1024 * 1024)) 1000 ;;
    wan-small) WAN_USED=1; wan_pair wan-small 2000 65536 100 ;;
    wan-medium) WAN_USED=1; wan_pair wan-medium 6 $((50 * 1024 * 1024)):$((150 * 1024 * 1024)) 1000 ;;
    *) echo "unknown workload '$w'" >&2; exit 2 ;;
  esac
done
summarize "$RESULTS" | tee "$RESULTS/summary.md"
