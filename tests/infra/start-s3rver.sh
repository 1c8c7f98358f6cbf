#!/usr/bin/env bash
# Starts one s3rver in the background for manual runs and demos:
#   tests/infra/start-s3rver.sh PORT DATA_DIR [BUCKET...]   (prints its process id; stop it with kill)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port="$1"; dir="$2"; shift 2
[ -f "$here/node_modules/s3rver/bin/s3rver.js" ] || (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
mkdir -p "$dir"
args=()
for b in "$@"; do args+=(--configure-bucket "$b"); done
# Without the legacy provider, paged listings answer HTTP 500 on Node 20.
NODE_OPTIONS=--openssl-legacy-provider nohup node "$here/node_modules/s3rver/bin/s3rver.js" \
  -d "$dir" -a 127.0.0.1 -p "$port" --silent --service-endpoint mspmigration.test "${args[@]}" >"$dir.log" 2>&1 &
echo $!
