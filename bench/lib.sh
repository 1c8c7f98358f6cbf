# Helpers for run.sh: data, one measured run, the workloads. Sourced, not run.
PWSH_DLL=$(ls "$ROOT"/.tools/pwsh/.store/powershell/*/powershell/*/tools/net*/any/unix/pwsh.dll 2>/dev/null | head -1)
MODULE="$(ls -d "$ROOT"/out/MspMigration/*/ 2>/dev/null | head -1)MspMigration.psd1"

machine_info() {
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD) ($(git -C "$ROOT" rev-parse --abbrev-ref HEAD))"
  echo "cpu: $(nproc) x $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "disk: $(df -hT "$WORK" | awk 'NR==2 {print $1 " " $2 " " $3}')"
  echo "kernel: $(uname -r)"
  echo "dotnet: $(dotnet --version)"
  echo "pwsh: $(dotnet "$PWSH_DLL" -NoProfile -Command '$PSVersionTable.PSVersion.ToString()')"
  echo "rclone: $(rclone version | head -1)"
  echo "cp: $(cp --version | head -1)"
}

# On a shared machine the disk's ext4 spends most of a small-file run allocating inodes past
# the ones other processes just deleted (the kernel's recently_deleted scan), whoever creates
# the files. As root, the data goes to a private ext4 file system on a loop device instead
# which only this benchmark writes and deletes.
prepare_fs() {
  [ "${BENCH_FS:-loop}" = loop ] && [ "$(id -u)" = 0 ] && command -v losetup >/dev/null || return 0
  mountpoint -q "$WORK" && return 0
  local img="$WORK.img"
  truncate -s 60G "$img"
  mkfs.ext4 -q -F "$img"
  # discard: deleted files punch holes in the image, so it holds only what is on it now.
  mount -o loop,discard "$img" "$WORK"
  echo "data on a private ext4 file system: $img mounted at $WORK (umount $WORK && rm $img when done)"
}

# measure WORKLOAD TOOL RUN -- command...
# The whole process tree is timed by GNU time: wall, user, sys, peak RSS (largest process).
measure() {
  local workload=$1 tool=$2 run=$3; shift 4
  local log="$WORK/$workload/$tool-$run.log" t="$WORK/$workload/$tool-$run.time"
  if ! /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" >"$log" 2>&1; then
    echo "$tool run $run of $workload failed; see $log" >&2; tail -5 "$log" >&2; return 1
  fi
  read -r wall user sys rss < <(tail -1 "$t")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$run" "$wall" "$user" "$sys" "$rss" >> "$RESULTS/$workload.tsv"
  printf '  %-12s run %s: %6.2f s wall, %6.2f s cpu, %5d MB peak RSS\n' "$tool" "$run" "$wall" \
    "$(echo "$user + $sys" | bc)" $((rss / 1024))
}

AGENT=(dotnet "$PWSH_DLL" -NoProfile -NonInteractive -File "$HERE/agent.ps1" -ModulePath "$MODULE")

module_cmd() { # source destination rundir [agent.ps1 args]; sets CMD
  CMD=("${AGENT[@]}" -Source "$1" -Destination "$2" -WorkDir "$3" -Concurrency "$CONCURRENCY" "${@:4}")
}

# The warm agent: one long-running agent process per workload (agent.ps1 -Mode Serve), as agents
# are deployed; each run submits a task to it. Its start-up is paid once, before any run.
warm_start() { # rundir [agent.ps1 args]; sets WARM_PID
  rm -rf "$1"; mkdir -p "$1"
  "${AGENT[@]}" -Mode Serve -WorkDir "$1" -Concurrency "$CONCURRENCY" "${@:2}" > "$1/serve.log" 2>&1 &
  WARM_PID=$!
  local i
  for i in $(seq 1 100); do [ -f "$1/controlplane.db" ] && return 0; sleep 0.2; done
  echo "the warm agent did not start; see $1/serve.log" >&2; return 1
}

warm_stop() { kill -TERM "$WARM_PID" 2>/dev/null; wait "$WARM_PID" 2>/dev/null || true; WARM_PID=; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + sys of a process, in clock ticks

# measure_warm WORKLOAD RUN RUNDIR SOURCE DESTINATION [agent.ps1 args]
# Wall is the task's own time in the agent (first listing step to completion, from the control
# plane); CPU is what the agent process used meanwhile; RSS is the agent's peak so far (VmHWM).
# The submitting pwsh process is not the migrating one and is not counted.
measure_warm() {
  local workload=$1 run=$2 rundir=$3 log="$WORK/$1/mspmigration-warm-$2.log" before after hz
  hz=$(getconf CLK_TCK); before=$(cpu_ticks "$WARM_PID")
  if ! "${AGENT[@]}" -Mode Submit -WorkDir "$rundir" -Name "run-$run" -Source "$4" -Destination "$5" "${@:6}" > "$log" 2>&1; then
    echo "mspmigration-warm run $run of $workload failed; see $log" >&2; tail -5 "$log" >&2; return 1
  fi
  after=$(cpu_ticks "$WARM_PID")
  local wall cpu rss
  wall=$(sed -n 's/.*agent_seconds=\([0-9.]*\).*/\1/p' "$log")
  cpu=$(echo "scale=2; ($after - $before) / $hz" | bc)
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$WARM_PID/status")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' mspmigration-warm "$run" "$wall" "$cpu" 0 "$rss" >> "$RESULTS/$workload.tsv"
  printf '  %-17s run %s: %6.2f s task, %6.2f s cpu, %5d MB peak RSS (%s)\n' mspmigration-warm "$run" "$wall" "$cpu" \
    $((rss / 1024)) "$(grep -o 'pickup_seconds=[0-9.]*' "$log")"
}

# A first task for a fresh warm agent, not measured: a long-running agent has compiled its
# code paths long before the task a user times.
warm_up() { # rundir source-of-the-workload destination-folder [agent.ps1 args]
  local src="$WORK/warmup/src"
  make_source "$src" 3000 4096 30
  # S3 workloads warm up on the first objects of their own source, so the S3 reader is compiled too.
  case "$2" in s3://*) src=$2; set -- "$@" -KeyPrefix d000/e000/obj000000 ;; esac
  # Two tasks: the runtime recompiles hot code in tiers over the first seconds of work.
  local i
  for i in 1 2; do
    "${AGENT[@]}" -Mode Submit -WorkDir "$1" -Name "warm-up-$i" -Source "$src" -Destination "$3$i/" "${@:4}" > "$1/warm-up.log" 2>&1 \
      || { echo "warm-up task failed; see $1/warm-up.log" >&2; return 1; }
  done
}

# The source is kept between runs (it is only read); destinations and control planes are not.
make_source() { # dir count size fanout
  [ -f "$1.done" ] && return
  echo "  making $2 objects of $3 bytes in $1"
  rm -rf "$1"; mkdir -p "$1"
  python3 "$HERE/make-tree.py" "$1" "$2" "$3" "$4"
  touch "$1.done"
}

# Every run starts from the same state: the last run's files deleted (which frees their page
# cache, and, as ext4 here discards, the loop image's blocks and pages under them) and the
# deletion written back; the source read into the page cache. Otherwise the writeback and memory
# reclaim one run leaves behind (a large run dirties 2 GiB, twice over through the loop device)
# are billed to whichever tool runs next.
settle() { # source [destination]
  [ -z "${2:-}" ] || rm -rf "$2"
  sync
  find "$1" -type f -print0 | xargs -0 cat > /dev/null
}

check_copy() { # source destination
  local a b
  a=$(find "$1" -type f | wc -l); b=$(find "$2" -type f | wc -l)
  [ "$a" = "$b" ] || { echo "copy incomplete: $b of $a files in $2" >&2; return 1; }
}

local_pair() { # name count size fanout [tools...]: by default the module (one-shot and warm), rclone and cp
  local name=$1 dir="$WORK/$1" src="$WORK/$1/src" dst
  local tools=("${@:5}") run i tool
  [ ${#tools[@]} -gt 0 ] || tools=(mspmigration mspmigration-warm rclone cp)
  echo "== $name: $2 x $3 bytes, local -> local (${tools[*]}), $RUNS runs each, concurrency $CONCURRENCY"
  mkdir -p "$dir"; make_source "$src" "$2" "$3" "$4"
  printf 'tool\trun\twall\tuser\tsys\trss_kb\n' > "$RESULTS/$name.tsv"
  printf 'objects\t%s\nbytes\t%s\n' "$2" "$(( $2 * $3 ))" > "$RESULTS/$name.size"
  rm -rf "$dir/out" "$dir"/msp-*  # what a failed earlier run left
  settle "$src"
  if [[ " ${tools[*]} " == *" mspmigration-warm "* ]]; then warm_start "$dir/warm"; warm_up "$dir/warm" "$src" "$dir/out/warm-up-"; fi
  for run in $(seq 1 "$RUNS"); do
    for i in "${!tools[@]}"; do
      # Rotate the order each run so no tool always runs right after another's writeback.
      tool=${tools[$(( (i + run - 1) % ${#tools[@]} ))]}
      dst="$dir/out/$tool-$run"; mkdir -p "$dir/out" "$dir/msp-$tool-$run"
      case $tool in
        mspmigration) module_cmd "$src" "$dst" "$dir/msp-$tool-$run"; measure "$name" "$tool" "$run" -- "${CMD[@]}" ;;
        # [agent] fsync = false: what flushing each file before it counts as Succeeded costs.
        mspmigration-nofsync) module_cmd "$src" "$dst" "$dir/msp-$tool-$run" -AgentSettings 'fsync = false'
                              measure "$name" "$tool" "$run" -- "${CMD[@]}" ;;
        mspmigration-warm) measure_warm "$name" "$run" "$dir/warm" "$src" "$dst" ;;
        rclone) measure "$name" "$tool" "$run" -- rclone --config /dev/null copy --checksum \
                  --transfers "$CONCURRENCY" --checkers "$CONCURRENCY" "$src" "$dst" ;;
        cp) measure "$name" "$tool" "$run" -- cp -r "$src" "$dst" ;;
      esac
      check_copy "$src" "$dst"
      settle "$src" "$dst"
    done
  done
  [ -z "$WARM_PID" ] || warm_stop
  rm -rf "$dir/out" "$dir"/msp-* "$dir/warm"; sync
}

# 1,000,000 empty objects: peak RSS of the agent while listing and copying, and the size of
# the control plane per object. One run; an RSS sample every second shows the phases.
million() {
  local name=million dir="$WORK/million" src="$WORK/million/src" dst="$WORK/million/dst"
  local count=${MILLION_COUNT:-1000000}
  echo "== million: $count empty objects, local -> local, 1 run"
  mkdir -p "$dir"; make_source "$src" "$count" 0 1000
  rm -rf "$dst" "$dir/msp"; mkdir -p "$dir/msp"
  printf 'tool\trun\twall\tuser\tsys\trss_kb\n' > "$RESULTS/$name.tsv"
  printf 'objects\t%s\nbytes\t0\n' "$count" > "$RESULTS/$name.size"
  ( # RSS samples of every dotnet process of this run: seconds since start, RSS in kB.
    start=$(date +%s)
    while sleep 1; do
      for p in $(pgrep -f "^dotnet .*agent.ps1.*$dir/msp" || true); do
        echo "$(( $(date +%s) - start )) $(awk '/VmRSS/ {print $2}' /proc/$p/status 2>/dev/null)"
      done
    done > "$RESULTS/million-rss.txt"
  ) & local sampler=$!
  module_cmd "$src" "$dst" "$dir/msp"; measure "$name" mspmigration 1 -- "${CMD[@]}"
  kill "$sampler"
  check_copy "$src" "$dst"
  local db="$dir/msp/controlplane.db"
  local size=$(( $(stat -c %s "$db") + $(stat -c %s "$db-wal" 2>/dev/null || echo 0) ))
  printf 'controlplane_bytes\t%s\nbytes_per_object\t%s\n' "$size" "$(( size / count ))" >> "$RESULTS/$name.size"
  grep RESULT "$WORK/million/mspmigration-1.log" || true
  echo "  control plane: $size bytes, $(( size / count )) bytes per object"
  rm -rf "$dst"
}

summarize() { python3 "$HERE/summarize.py" "$1" "$WORK"; }

# CRC-64 in memory, then the engine's read and copy loops against cat and cp of the same bytes
# (the large workload's 8 x 256 MiB files, read from the page cache).
crc_bench() {
  local name=crc dir="$WORK/crc" src="$WORK/large/src" bin="$WORK/crc/bin"
  echo "== crc: CRC-64 and the copy loop against cat and cp, $RUNS runs each"
  mkdir -p "$dir"; make_source "$src" 8 $((256 * 1024 * 1024)) 1000
  dotnet build "$HERE/Crc64Bench" -c Release -o "$bin" -v quiet -nologo >/dev/null
  local bench=(dotnet "$bin/Crc64Bench.dll")
  "${bench[@]}" crc | tee "$RESULTS/crc-memory.txt"
  printf 'tool\trun\twall\tuser\tsys\trss_kb\n' > "$RESULTS/$name.tsv"
  printf 'objects\t8\nbytes\t%s\n' $((8 * 256 * 1024 * 1024)) > "$RESULTS/$name.size"
  local run
  for run in $(seq 1 "$RUNS"); do
    # dd rather than cat: cat to /dev/null may splice without copying a byte to user space.
    measure "$name" dd-read "$run" -- sh -c "for f in \$(find '$src' -type f); do dd if=\$f of=/dev/null bs=256K status=none; done"
    measure "$name" read-loop "$run" -- "${bench[@]}" read "$src"
    sync; measure "$name" cp "$run" -- cp -r "$src" "$dir/cp-$run"
    sync; measure "$name" copy-loop "$run" -- "${bench[@]}" copy "$src" "$dir/copy-$run"
  done
  rm -rf "$dir"/cp-* "$dir"/copy-*; sync
}

# The control plane alone (bench/ControlPlaneBench): listing rows ingested/s, segment claims/s and
# outcomes/s with CP_WORKERS workers (8), each a store of its own as each agent is, on SQLite and
# on PostgreSQL; then the time of a status at 2,000 objects and at CP_STATUS_LARGE (1,000,000)
# written directly with SQL. PostgreSQL: $MSPMIGRATION_BENCH_PG, else a throwaway cluster from
# tests/infra/postgres.sh with fsync turned back on (that script turns it off for tests; an
# operator's server keeps it on). Results: results/controlplane.txt (RESULT lines).
controlplane_bench() {
  local bin="$WORK/controlplane/bin" out="$RESULTS/controlplane.txt" workers=${CP_WORKERS:-8} objects=${CP_OBJECTS:-200000}
  local stores=(sqlite) started= run store n
  echo "== controlplane: $objects objects, $workers workers, $RUNS runs each; status at 2,000 and ${CP_STATUS_LARGE:-1000000} objects"
  mkdir -p "$WORK/controlplane"
  dotnet build "$HERE/ControlPlaneBench" -c Release -o "$bin" -v quiet -nologo >/dev/null
  if [ -z "${MSPMIGRATION_BENCH_PG:-}" ]; then
    eval "$(bash "$ROOT/tests/infra/postgres.sh" start)"
    if [ -n "${MSPMIGRATION_TEST_PG:-}" ]; then
      started=1
      export MSPMIGRATION_BENCH_PG="$MSPMIGRATION_TEST_PG"
      # Its options come on the command line, which outranks ALTER SYSTEM: restart with fsync on.
      bash "$ROOT/tests/infra/postgres.sh" pause
      sed -i 's/fsync=off/fsync=on/' "$MSPMIGRATION_TEST_PGDIR/options"
      bash "$ROOT/tests/infra/postgres.sh" resume
    fi
  fi
  [ -n "${MSPMIGRATION_BENCH_PG:-}" ] && stores+=(postgres) || echo "  no PostgreSQL: SQLite only"
  : > "$out"
  for run in $(seq 1 "$RUNS"); do
    for store in "${stores[@]}"; do
      BENCH_DIR="$WORK/controlplane" dotnet "$bin/ControlPlaneBench.dll" throughput "$store" "$workers" "$objects" | tee -a "$out"
    done
  done
  for store in "${stores[@]}"; do
    BENCH_DIR="$WORK/controlplane" dotnet "$bin/ControlPlaneBench.dll" status "$store" "${CP_STATUS_LARGE:-1000000}" | tee -a "$out"
  done
  [ -z "$started" ] || bash "$ROOT/tests/infra/postgres.sh" stop
}

# S3 workloads speak HTTPS by default, as OSS and COS do (S3_SCHEME=http for plain HTTP): over
# HTTPS the AWS SDK sends a body with Content-MD5 unsigned (UNSIGNED-PAYLOAD) and can stream it;
# over plain HTTP it signs every body with SHA-256. One self-signed certificate serves every
# server; SSL_CERT_FILE makes both .NET and rclone (Go) trust it, and only it, in the runs.
S3_SCHEME=${S3_SCHEME:-https}
s3_tls() { # prints the s3rver arguments for TLS and exports SSL_CERT_FILE; nothing for plain HTTP
  [ "$S3_SCHEME" = https ] || return 0
  local tls="$WORK/tls"
  if [ ! -f "$tls/cert.pem" ]; then
    mkdir -p "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=127.0.0.1 \
      -addext "subjectAltName=IP:127.0.0.1,IP:${WAN_IP:-127.0.0.1}" -keyout "$tls/key.pem" -out "$tls/cert.pem" 2>/dev/null
  fi
  export SSL_CERT_FILE="$tls/cert.pem"
  echo --key "$tls/key.pem" --cert "$tls/cert.pem"
}

# s3rver -> s3rver: two single-threaded s3rver processes (source, destination) on this machine.
# Needs the S3 adapter (store scheme s3://, [profiles.*] with endpoint and force_path_style).
S3_PORTS=(4590 4591)
s3_pair() { # name count size fanout
  local name=$1 dir="$WORK/$1" run tool i
  echo "== $name: $2 x $3 bytes, s3rver -> s3rver, $RUNS runs each, concurrency $CONCURRENCY"
  command -v npm >/dev/null || { echo "npm is missing" >&2; return 1; }
  mkdir -p "$dir"; make_source "$dir/seed" "$2" "$3" "$4"
  [ -f "$WORK/node/node_modules/s3rver/bin/s3rver.js" ] || npm install --prefix "$WORK/node" s3rver@3.7.1 >/dev/null
  local pids=() tls
  tls=$(s3_tls); s3_tls >/dev/null  # (again outside the subshell, for its export)
  rm -rf "$dir/s3rver-1"  # the destination server starts empty; the source keeps its upload
  for i in 0 1; do
    mkdir -p "$dir/s3rver-$i"
    # The legacy provider: without it Node 20's s3rver answers HTTP 500 to paged listings.
    NODE_OPTIONS=--openssl-legacy-provider node "$WORK/node/node_modules/s3rver/bin/s3rver.js" \
      -d "$dir/s3rver-$i" -a 127.0.0.1 -p "${S3_PORTS[$i]}" --silent --no-vhost-buckets $tls >"$dir/s3rver-$i.log" 2>&1 &
    pids+=($!)
  done
  S3_PIDS="${pids[*]}"  # run.sh stops them on exit, also when a run fails
  # The same two servers as rclone remotes and as the module's profiles, a (source) and b.
  local profiles= r
  : > "$dir/rclone.conf"
  for i in 0 1; do
    r=$([ $i = 0 ] && echo a || echo b)
    printf '[%s]\ntype = s3\nprovider = Other\nendpoint = '"$S3_SCHEME"'://127.0.0.1:%s\naccess_key_id = S3RVER\nsecret_access_key = S3RVER\nforce_path_style = true\n\n' \
      "$r" "${S3_PORTS[$i]}" >> "$dir/rclone.conf"
    profiles+=$(printf '\n[profiles.%s]\ntype = "s3"\nendpoint = "'"$S3_SCHEME"'://127.0.0.1:%s"\nforce_path_style = true\naccess_key_id = "S3RVER"\nsecret_access_key = "S3RVER"\nregion = "us-east-1"\n%s\n' \
      "$r" "${S3_PORTS[$i]}" "${S3_PROFILE_EXTRA:-}")$'\n'
  done
  # rclone fails on the machine's AWS_CA_BUNDLE; SSL_CERT_FILE (above) is what it trusts.
  local rc=(env -u AWS_CA_BUNDLE rclone --config "$dir/rclone.conf")
  sleep 2
  if [ "$("${rc[@]}" size --fast-list a:src --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])' 2>/dev/null)" != "$2" ]; then
    echo "  uploading the source to s3rver (not timed)"
    "${rc[@]}" mkdir a:src
    "${rc[@]}" copy --transfers 8 "$dir/seed" a:src
  fi
  printf 'tool\trun\twall\tuser\tsys\trss_kb\n' > "$RESULTS/$name.tsv"
  local low=${3%:*} high=${3#*:}  # a size MIN:MAX steps evenly between the two
  printf 'objects\t%s\nbytes\t%s\n' "$2" "$(( $2 * (low + high) / 2 ))" > "$RESULTS/$name.size"
  local tools=(${S3_TOOLS:-mspmigration mspmigration-warm rclone}) n
  n=${#tools[@]}
  rm -rf "$dir"/msp-*
  "${rc[@]}" mkdir b:warm
  warm_start "$dir/warm" -ProfilesToml "$profiles"
  warm_up "$dir/warm" s3://src/ s3://warm/ -SourceProfile a -DestinationProfile b
  for run in $(seq 1 "$RUNS"); do
    for i in $(seq 0 $((n - 1))); do
      tool=${tools[$(( (i + run - 1) % n ))]}
      "${rc[@]}" mkdir "b:$tool-$run"
      case $tool in
        mspmigration) mkdir -p "$dir/msp-$run"
          module_cmd "s3://src/" "s3://$tool-$run/" "$dir/msp-$run" -SourceProfile a -DestinationProfile b -ProfilesToml "$profiles"
          measure "$name" "$tool" "$run" -- "${CMD[@]}" ;;
        mspmigration-warm) measure_warm "$name" "$run" "$dir/warm" s3://src/ "s3://$tool-$run/" -SourceProfile a -DestinationProfile b ;;
        # --fast-list: a flat listing, as the module does; s3rver's delimiter listing
        # (rclone's default walk) returns no prefixes here, so rclone would copy nothing.
        rclone) measure "$name" "$tool" "$run" -- "${rc[@]}" copy --checksum --fast-list \
                  --transfers "$CONCURRENCY" --checkers "$CONCURRENCY" a:src "b:$tool-$run" ;;
      esac
      "${rc[@]}" check --fast-list a:src "b:$tool-$run" 2>&1 | grep -q " $2 matching files" \
        || { echo "  $tool run $run: destination differs from the source" >&2; return 1; }
      # s3rver keeps a bucket as a folder: delete it as settle does a local destination.
      rm -rf "$dir/s3rver-1/$tool-$run"; sync
    done
  done
  warm_stop
  rm -rf "$dir"/msp-* "$dir/warm"
  kill $S3_PIDS; wait $S3_PIDS 2>/dev/null || true; S3_PIDS=
}
