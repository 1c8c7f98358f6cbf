#!/usr/bin/env bash
# Virtual-hosted-style S3 puts the bucket in the host name (bucket.s3.mspmigration.test). The
# integration tests reach s3rver that way through these /etc/hosts entries; needs root (CI is).
set -euo pipefail
names="s3.mspmigration.test src-bucket.s3.mspmigration.test dst-vhost.s3.mspmigration.test"
# The vendors' own host names, answered by fault-proxy.js --vendor-hosts in front of s3rver
# (Vendors.Tests.ps1), and custom domains bound to one bucket.
names="$names s3.oss-cn-hangzhou.aliyuncs.com oss-src.s3.oss-cn-hangzhou.aliyuncs.com oss-dst.s3.oss-cn-hangzhou.aliyuncs.com"
names="$names cos-src-1250000000.cos.ap-guangzhou.myqcloud.com cos-dst-1250000000.cos.ap-guangzhou.myqcloud.com"
names="$names oss-cdn.mspmigration.test cos-cdn.mspmigration.test"
if [ ! -w /etc/hosts ]; then echo "hosts.sh: /etc/hosts is not writable; virtual-hosted tests will be skipped" >&2; exit 0; fi
for n in $names; do
  grep -qE "[[:space:]]$n([[:space:]]|\$)" /etc/hosts || echo "127.0.0.1 $n" >> /etc/hosts
done
