# The `wan` workload: s3rver -> s3rver over a long link. Sourced by run.sh after lib.sh.
# The link: two network namespaces joined by a veth pair whose ends are capped by tc tbf
# (WAN_RATE each way; this kernel has no netem), and in the far namespace one wan-proxy
# (tests/infra/wan-proxy.js) per server that adds WAN_RTT_MS of round trip and caps each TCP
# connection at WAN_WINDOW bytes in flight, so one stream moves at most WAN_WINDOW / RTT.
# The servers and proxies run in the far namespace, the tools in the near one.
# Needs root and `ip netns`; without them the workload says so and is skipped.
WAN_RTT_MS=${WAN_RTT_MS:-30}
WAN_WINDOW=${WAN_WINDOW:-262144}
WAN_RATE=${WAN_RATE:-1gbit}
WAN_FAR=mspwan-far WAN_NEAR=mspwan-near WAN_IP=10.213.0.1
WAN_PORTS=(4592 4593)   # s3rver inside the far namespace (its loopback)
WAN_PROXY_PORTS=(4692 4693)

wan_up() {
  [ "$(id -u)" = 0 ] && command -v ip >/dev/null && command -v tc >/dev/null \
    || { echo "  wan: needs root, ip and tc; skipped" >&2; return 1; }
  wan_down
  ip netns add $WAN_FAR && ip netns add $WAN_NEAR
  ip link add mspwan0 type veth peer name mspwan1
  ip link set mspwan0 netns $WAN_NEAR && ip link set mspwan1 netns $WAN_FAR
  ip -n $WAN_NEAR addr add 10.213.0.2/24 dev mspwan0
  ip -n $WAN_FAR addr add $WAN_IP/24 dev mspwan1
  local n
  for n in $WAN_NEAR $WAN_FAR; do ip -n $n link set lo up; done
  ip -n $WAN_NEAR link set mspwan0 up && ip -n $WAN_FAR link set mspwan1 up
  ip netns exec $WAN_NEAR tc qdisc add dev mspwan0 root tbf rate "$WAN_RATE" burst 1mb latency 50ms
  ip netns exec $WAN_FAR tc qdisc add dev mspwan1 root tbf rate "$WAN_RATE" burst 1mb latency 50ms
}

wan_down() {
  local n p
  for n in $WAN_FAR $WAN_NEAR; do
    ip netns list 2>/dev/null | grep -qw "$n" || continue
    for p in $(ip netns pids "$n"); do kill "$p" 2>/dev/null || true; done
    ip netns del "$n"
  done
}

wan_far() { ip netns exec $WAN_FAR "$@"; }

wan_pair() { # name count size fanout
  local name=$1 dir="$WORK/$1" run tool i r
  echo "== $name: $2 x $3 bytes, s3rver -> s3rver over a link of ${WAN_RTT_MS} ms RTT, ${WAN_WINDOW}-byte window per connection," \
       "$WAN_RATE each way; $RUNS runs each, concurrency $CONCURRENCY"
  wan_up || return 0
  mkdir -p "$dir"; make_source "$dir/seed" "$2" "$3" "$4"
  [ -f "$WORK/node/node_modules/s3rver/bin/s3rver.js" ] || npm install --prefix "$WORK/node" s3rver@3.7.1 >/dev/null
  rm -rf "$dir/s3rver-1"
  local tls
  tls=$(s3_tls); s3_tls >/dev/null
  for i in 0 1; do
    mkdir -p "$dir/s3rver-$i"
    wan_far env NODE_OPTIONS=--openssl-legacy-provider setsid node "$WORK/node/node_modules/s3rver/bin/s3rver.js" \
      -d "$dir/s3rver-$i" -a 127.0.0.1 -p "${WAN_PORTS[$i]}" --silent --no-vhost-buckets $tls >"$dir/s3rver-$i.log" 2>&1 </dev/null &
    wan_far setsid node "$ROOT/tests/infra/wan-proxy.js" --listen $WAN_IP --port "${WAN_PROXY_PORTS[$i]}" \
      --target "127.0.0.1:${WAN_PORTS[$i]}" --rtt-ms "$WAN_RTT_MS" --window-bytes "$WAN_WINDOW" >"$dir/proxy-$i.log" 2>&1 </dev/null &
  done
  local profiles= far_conf="$dir/rclone-far.conf" near_conf="$dir/rclone.conf"
  : > "$far_conf"; : > "$near_conf"
  for i in 0 1; do
    r=$([ $i = 0 ] && echo a || echo b)
    printf '[%s]\ntype = s3\nprovider = Other\nendpoint = '"$S3_SCHEME"'://127.0.0.1:%s\naccess_key_id = S3RVER\nsecret_access_key = S3RVER\nforce_path_style = true\n\n' \
      "$r" "${WAN_PORTS[$i]}" >> "$far_conf"
    printf '[%s]\ntype = s3\nprovider = Other\nendpoint = '"$S3_SCHEME"'://%s:%s\naccess_key_id = S3RVER\nsecret_access_key = S3RVER\nforce_path_style = true\n\n' \
      "$r" "$WAN_IP" "${WAN_PROXY_PORTS[$i]}" >> "$near_conf"
    profiles+=$(printf '\n[profiles.%s]\ntype = "s3"\nendpoint = "'"$S3_SCHEME"'://%s:%s"\nforce_path_style = true\naccess_key_id = "S3RVER"\nsecret_access_key = "S3RVER"\nregion = "us-east-1"\n%s\n' \
      "$r" "$WAN_IP" "${WAN_PROXY_PORTS[$i]}" "${S3_PROFILE_EXTRA:-}")$'\n'
  done
  local far_rc=(wan_far env -u AWS_CA_BUNDLE rclone --config "$far_conf")
  local rc=(ip netns exec $WAN_NEAR env -u AWS_CA_BUNDLE rclone --config "$near_conf")
  sleep 3
  # The source is uploaded inside the far namespace, off the link (not timed).
  echo "  uploading the source to s3rver (not timed)"
  "${far_rc[@]}" mkdir a:src
  "${far_rc[@]}" copy --transfers 8 "$dir/seed" a:src
  printf 'tool\trun\twall\tuser\tsys\trss_kb\n' > "$RESULTS/$name.tsv"
  local low=${3%:*} high=${3#*:}  # a size MIN:MAX steps evenly between the two
  printf 'objects\t%s\nbytes\t%s\n' "$2" "$(( $2 * (low + high) / 2 ))" > "$RESULTS/$name.size"
  local saved=("${AGENT[@]}") tools=(mspmigration-warm rclone)
  AGENT=(ip netns exec $WAN_NEAR "${saved[@]}")
  "${far_rc[@]}" mkdir b:warm
  # stall_seconds = 120: s3rver assembles a completed multipart upload before it answers, which on
  # a loaded machine took longer than the default 60 s cap of a control request.
  warm_start "$dir/warm" -ProfilesToml "$profiles" -AgentSettings 'stall_seconds = 120'
  # Warmed up on small local files (not the workload's objects, which would cross the slow link twice).
  warm_up "$dir/warm" local s3://warm/ -DestinationProfile b
  for run in $(seq 1 "$RUNS"); do
    for i in 0 1; do
      tool=${tools[$(( (i + run - 1) % 2 ))]}
      "${far_rc[@]}" mkdir "b:$tool-$run"
      case $tool in
        mspmigration-warm) measure_warm "$name" "$run" "$dir/warm" s3://src/ "s3://$tool-$run/" -SourceProfile a -DestinationProfile b ;;
        # --multi-thread-streams applies to downloads to a local disk only; bucket to bucket,
        # rclone 1.60 reads each object as one stream whatever it says.
        rclone) measure "$name" "$tool" "$run" -- "${rc[@]}" copy --checksum --fast-list --multi-thread-streams 4 \
                  --transfers "$CONCURRENCY" --checkers "$CONCURRENCY" a:src "b:$tool-$run" ;;
      esac
      "${far_rc[@]}" check --fast-list a:src "b:$tool-$run" 2>&1 | grep -q " $2 matching files" \
        || { echo "  $tool run $run: destination differs from the source" >&2; AGENT=("${saved[@]}"); warm_stop; wan_down; return 1; }
      rm -rf "$dir/s3rver-1/$tool-$run"; sync
    done
  done
  warm_stop
  AGENT=("${saved[@]}")
  rm -rf "$dir"/msp-* "$dir/warm"
  wan_down
}
