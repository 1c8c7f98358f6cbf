#!/usr/bin/env bash
# Virtual-hosted-style S3 puts the bucket in the host name (bucket.s3.mspmigration.test). The
# integration tests reach s3rver that way through these /etc/hosts entries; needs root (CI is).
set -euo pipefail
names="s3.mspmigration.test src-bucket.s3.mspmigration.test dst-vhost.s3.mspmigration.test"
if [ ! -w /etc/hosts ]; then echo "hosts.sh: /etc/hosts is not writable; virtual-hosted tests will be skipped" >&2; exit 0; fi
for n in $names; do
  grep -qE "[[:space:]]$n([[:space:]]|\$)" /etc/hosts || echo "127.0.0.1 $n" >> /etc/hosts
done
