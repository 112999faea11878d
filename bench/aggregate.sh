#!/usr/bin/env bash
# Aggregation on the shaped testbed (bench/testbed.sh): plain TCP over each route alone, kernel
# MPTCP over all routes, and MPP with each scheduler, measured in the same run on one scenario.
#
# What it does
#   1. Brings the testbed up for SCENARIO (bench/testbed.sh up; taken down again on exit).
#   2. Transfers SIZE bytes (default 100 MiB) down and then up with each method, in this order:
#        single-1..3   curl --socks5 relay host i's Dante, to the server's address on route i
#                      (upload: ncat --proxy … --proxy-type socks5)
#        mptcp         `mptcpize run curl` (upload: `mptcpize run ncat`) straight to the server:
#                      kernel MPTCP, one subflow per route, IP-forwarded by the relay hosts
#        mpp-NAME      MPP node A in the client namespace, one route whose three paths go through
#                      the three Dantes to node B's peer port in the server namespace; both nodes
#                      use scheduler NAME (B's sends the download). An unrecorded warm-up of
#                      8 MiB each way first: the JIT compiles, and the session's paths stay open
#                      (keepPaths) for the measured ones, as on a node in use
#        cold-NAME     the same with "keepPaths": "0s": each session opens its own paths (TCP,
#                      SOCKS5 and JOIN per path, then TCP's start), as the first session does
#      Download: from bench/HttpSource.java, SHA-256 checked against the same bytes fetched on the
#      server's loopback. Upload: those bytes sent to bench/testbed/sink.py on the server (an MPTCP
#      listener that keeps listening, so kernel MPTCP can join it), SHA-256 checked there; its time
#      runs until the sink has every byte. A transfer that is not intact fails the run.
#   3. Samples each router's byte counters every 100 ms (per route, both directions) during every
#      transfer, and plots per-route Mbit/s over time for MPP's default scheduler (gnuplot, PNG).
#   4. Failure scenarios (kill-relay, silent-route) break one route FAIL_AFTER seconds into each
#      transfer and mend it after; they report the time lost to failover: the time the transfer took
#      after the failure minus the time the bytes not yet across the routes (routers' counters) need at
#      the goodput ceiling of the routes that stayed. Plain single routes are not run there, nor kernel MPTCP for kill-relay (its
#      subflows do not cross Dante).
#   5. Writes the table into the section "## Aggregation testbed: SCENARIO" of docs/benchmarks.md
#      (every other section kept byte for byte) and the plot to docs/img/testbed-SCENARIO.png.
#
# Usage
#   bench/aggregate.sh SCENARIO [--size BYTES] [--schedulers "A B"] [--methods "single mptcp mpp"]
#                      [--plot-scheduler NAME] [--no-write] [--note TEXT]
#     (methods: "single mptcp mpp cold"; cold runs the plotted scheduler only)
#     SCENARIO           one of `bench/testbed.sh scenarios`, or `all` for every one in turn (the
#                        whole table of docs/benchmarks.md; about 45 minutes)
#     --size BYTES       bytes per transfer (default 104857600; docs are written only for that size)
#     --schedulers LIST  MPP schedulers to run (default: every scheduler `mpp plugins` lists)
#     --methods LIST     which of "single mptcp mpp cold" to run (quick runs; docs need all of them)
#     --plot-scheduler   whose run is plotted (default latency-aware if there, else round-robin)
#     --no-write         print the results only
#     --note TEXT        a line added to the docs section
#   Environment: JAVA_HOME (JDK 25), MPP_JAVA_OPTS (JVM flags for both nodes), MPP_MPP_OPTS (extra
#   members of both nodes' "mpp" object, e.g. '"packetSize": 16384'), MPP_ROUTE_OPTS (extra members
#   of A's route).
#   Needs: root and what bench/testbed.sh needs, plus curl, ncat, python3, sha256sum, awk, gnuplot.
#     On Debian: apt-get install -y iproute2 gcc dante-server mptcpd curl ncat gnuplot-nox
#
# Outputs: logs and the raw samples in bench/out/testbed-SCENARIO/ (git-ignored); the docs section.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/.." && pwd -P)
# shellcheck source=bench/testbed.sh
source "$here/testbed.sh"

default_size=104857600
size=$default_size
schedulers=""
all_methods=(single mptcp mpp cold)
methods=("${all_methods[@]}")
plot_scheduler=""
write=true
note=""
args_given=("$@")
name=${1:-}
case $name in ""|-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
shift
# The commit the docs name: HEAD when the run starts (for `all`, the first scenario's), with a mark
# if the working tree differs from it; build the image from that tree before running.
if [ -z "${MPP_BENCH_COMMIT:-}" ]; then
  MPP_BENCH_COMMIT=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')
  git -C "$root" diff --quiet HEAD -- . ':!docs' ':!bench/out' 2>/dev/null || MPP_BENCH_COMMIT+=" with uncommitted changes"
  export MPP_BENCH_COMMIT
fi
if [ "$name" = all ]; then
  for s in "${tb_scenarios[@]}"; do "$0" "$s" "$@" || exit; done
  exit 0
fi
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --schedulers) schedulers=$2; shift 2 ;;
    --methods) read -ra methods <<<"$2"; shift 2 ;;
    --plot-scheduler) plot_scheduler=$2; shift 2 ;;
    --no-write) write=false; shift ;;
    --note) note=$2; shift 2 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
scenario "$name"
[ "$(id -u)" = 0 ] || { echo "needs root (namespaces, tc)" >&2; exit 2; }
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
for tool in curl ncat danted mptcpize gnuplot python3 sha256sum awk cc setsid "$JAVA_HOME/bin/java"; do
  command -v "$tool" >/dev/null ||
    { echo "missing: $tool (apt-get install -y dante-server mptcpd curl ncat gnuplot-nox gcc)" >&2; exit 2; }
done

mpp=$root/distribution/target/mpp/bin/mpp
[ -x "$mpp" ] || { echo "no MPP image: build it (./mvnw -B -ntp -DskipTests package)" >&2; exit 2; }
[ -n "$schedulers" ] || schedulers=$("$mpp" plugins | awk '$1 == "scheduler" { printf "%s ", $2 }')
read -ra schedulers <<<"$schedulers"
if [ -z "$plot_scheduler" ]; then
  plot_scheduler=${schedulers[0]}
  for s in "${schedulers[@]}"; do [ "$s" = latency-aware ] && plot_scheduler=$s; done
fi

out=$root/bench/out/testbed-$name
rm -rf "$out"; mkdir -p "$out"
work=$(mktemp -d)
cleanup() {
  stop_mpp
  for i in 1 2 3; do tb_stop "sample$i"; done
  tb_stop sink
  tb_down
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ceiling() { awk -v r="$*" 'BEGIN { n = split(r, x, " "); for (i = 1; i <= n; i++) s += x[i]; printf "%.1f", 0.956 * s }'; }
now() { date +%s.%N; }

# CPU ticks (user + system, reaped children included) of the process groups named (tb_start names).
cpu_ticks() {
  local line rest n pg total=0
  declare -A sum=()
  for stat in /proc/[0-9]*/stat; do
    read -r line 2>/dev/null <"$stat" || continue
    rest=${line##*) }
    # shellcheck disable=SC2086
    set -- $rest   # $3 = pgrp, $12 utime, $13 stime, $14 cutime, $15 cstime
    sum[$3]=$(( ${sum[$3]:-0} + ${12} + ${13} + ${14} + ${15} ))
  done
  for n in $cpu_groups; do
    [ -f "$tb_run/$n.pgid" ] && pg=$(cat "$tb_run/$n.pgid") && total=$((total + ${sum[$pg]:-0}))
  done
  echo "$total"
}

# ---- MPP nodes --------------------------------------------------------------------------------
key="mpp-testbed-peer-key-0123456789abcdef-xyz"
# Starts nodes A and B with scheduler $1 and the extra mpp members $2 (besides MPP_MPP_OPTS).
start_mpp() {
  local sched=$1 opts=${MPP_MPP_OPTS:-}
  [ -z "${2:-}" ] || opts=${opts:+$opts, }$2
  printf '{"mpp": {"listen": "0.0.0.0:7700", "peerKey": "%s", "scheduler": "%s"%s}}\n' \
    "$key" "$sched" "${opts:+, $opts}" >"$work/b.json"
  cat >"$work/a.json" <<EOF
{
  "socks": {"listen": "127.0.0.1:1080"},
  "mpp": {"peerKey": "$key"${opts:+, $opts}},
  "routes": [{
    "match": ["$tb_server"],
    "peer": "$tb_server:7700",
    "paths": [
      {"name": "r1", "via": ["socks5://10.99.11.2:$tb_relay_port"], "peer": "10.99.21.2:7700"},
      {"name": "r2", "via": ["socks5://10.99.12.2:$tb_relay_port"], "peer": "10.99.22.2:7700"},
      {"name": "r3", "via": ["socks5://10.99.13.2:$tb_relay_port"], "peer": "10.99.23.2:7700"}
    ],
    "scheduler": "$sched", "fallback": "refuse"${MPP_ROUTE_OPTS:+,
    $MPP_ROUTE_OPTS}
  }]
}
EOF
  tb_start mpp-b mtb-dst "$mpp" run --config "$work/b.json"
  tb_wait_listen mpp-b mtb-dst 7700
  tb_start mpp-a mtb-cli "$mpp" run --config "$work/a.json"
  tb_wait_listen mpp-a mtb-cli 1080
}

stop_mpp() {
  [ -f "$tb_run/mpp-a.log" ] && cp "$tb_run/mpp-a.log" "$out/mpp-a-$current.log" 2>/dev/null
  [ -f "$tb_run/mpp-b.log" ] && cp "$tb_run/mpp-b.log" "$out/mpp-b-$current.log" 2>/dev/null
  tb_stop mpp-a; tb_stop mpp-b
}
current=none

# ---- clients ----------------------------------------------------------------------------------
# The download command of method $1 (without curl's output options).
download_cmd() {
  case $1 in
    single-*) local i=${1#single-}; echo "curl --socks5 10.99.1$i.2:$tb_relay_port http://10.99.2$i.2:$tb_source_port/$size" ;;
    mptcp) echo "mptcpize run curl http://$tb_server:$tb_source_port/$size" ;;
    mpp-*|cold-*) echo "curl --socks5 127.0.0.1:1080 http://$tb_server:$tb_source_port/$size" ;;
  esac
}

upload_cmd() {
  case $1 in
    single-*) local i=${1#single-}; echo "ncat --send-only --proxy 10.99.1$i.2:$tb_relay_port --proxy-type socks5 10.99.2$i.2 $tb_sink_port" ;;
    mptcp) echo "mptcpize run ncat --send-only $tb_server $tb_sink_port" ;;
    mpp-*|cold-*) echo "ncat --send-only --proxy 127.0.0.1:1080 --proxy-type socks5 $tb_server $tb_sink_port" ;;
  esac
}

# ---- sampling and failures --------------------------------------------------------------------
# Router i's byte counters every 100 ms: "epoch-seconds bytes-towards-client bytes-towards-server".
start_samplers() {
  local i
  for i in 1 2 3; do
    tb_start "sample$i" "mtb-rt$i" bash -c 'while :; do
      read -r d </sys/class/net/cli/statistics/tx_bytes; read -r u </sys/class/net/relay/statistics/tx_bytes
      echo "$EPOCHREALTIME $d $u"; sleep 0.1; done'
  done
}

stop_samplers() {
  local tag=$1 i
  for i in 1 2 3; do tb_stop "sample$i"; cp "$tb_run/sample$i.log" "$out/samples-$tag-r$i.txt"; done
}

# Breaks route $fail_route after $fail_after s; writes "seconds-since-$1 bytes-received-by-then"
# to $work/failed (the bytes: the size of file $2, which the receiver is writing).
inject_failure() {
  local t0=$1 file=$2
  sleep "$fail_after"
  local t bytes
  t=$(now); bytes=$(stat -c %s "$file" 2>/dev/null || echo 0)
  case $failure in
    kill-relay) tb_kill_relay "$fail_route" ;;
    silent-route) tb_silence "$fail_route" ;;
  esac
  awk -v t="$t" -v t0="$t0" -v b="$bytes" 'BEGIN { printf "%.3f %d %.6f\n", t - t0, b, t }' >"$work/failed"
}

mend_failure() {
  case $failure in
    kill-relay) [ -f "$tb_run/dante$fail_route.pgid" ] || tb_start_relay "$fail_route" ;;
    silent-route) tb_unsilence "$fail_route" ;;
  esac
}

# ---- transfers --------------------------------------------------------------------------------
# Starts the upload sink on the server, writing file $1 (and $1.end once it has every byte).
start_sink() {
  rm -f "$1" "$1.end"
  tb_start sink mtb-dst python3 "$here/testbed/sink.py" "$tb_sink_port" "$1"
  tb_wait_listen sink mtb-dst "$tb_sink_port"
}

# Whether the sink finished file $1 within $2 tenths of a second.
sink_finished() {
  for _ in $(seq "$2"); do [ -s "$1.end" ] && return 0; sleep 0.1; done
  return 1
}

# One transfer ($1 = down or up) with method $2; prints "seconds bytes cpu-seconds failed-at
# bytes-at-failure" (the last two "- -" without a failure) and fails unless the bytes are intact.
transfer() {
  local dir=$1 method=$2 t0 t1 result bytes sha fail_pid="" failed="- - -" c0 c1
  rm -f "$work/failed" "$work/received" "$work/received.end"
  [ "$dir" = down ] || start_sink "$work/received"
  c0=$(cpu_ticks); t0=$(now)
  [ -n "$failure" ] && { inject_failure "$t0" "$work/received" & fail_pid=$!; }
  if [ "$dir" = down ]; then
    # shellcheck disable=SC2046
    result=$(in_ns mtb-cli $(download_cmd "$method") -sS --max-time 600 -o "$work/received" \
      -w '%{size_download} %{time_total}') || { echo "$method: download failed; logs in $out" >&2; return 1; }
    t1=$(awk -v t0="$t0" -v s="${result#* }" 'BEGIN { printf "%.6f", t0 + s }')
  else
    # shellcheck disable=SC2046
    timeout 600 ip netns exec mtb-cli $(upload_cmd "$method") <"$work/payload" ||
      { echo "$method: upload failed; logs in $out" >&2; return 1; }
    sink_finished "$work/received" 6000 || { echo "$method: the sink never finished" >&2; return 1; }
    t1=$(cat "$work/received.end")
    tb_stop sink
  fi
  c1=$(cpu_ticks)
  if [ -n "$fail_pid" ]; then wait "$fail_pid" || true; [ -s "$work/failed" ] && failed=$(cat "$work/failed"); mend_failure; fi
  bytes=$(stat -c %s "$work/received")
  sha=$(sha256sum <"$work/received" | cut -d' ' -f1)
  [ "$bytes" = "$size" ] && [ "$sha" = "$payload_sha" ] ||
    { echo "$method: $dir not intact: $bytes of $size bytes, SHA-256 $sha (expected $payload_sha)" >&2; return 1; }
  awk -v t0="$t0" -v t1="$t1" -v b="$bytes" -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v f="$failed" \
    'BEGIN { printf "%.3f %d %.2f %s\n", t1 - t0, b, c / hz, f }'
}

# The unrecorded warm-up through MPP: 8 MiB down, then 8 MiB up, each checked for length.
warm_up() {
  local got
  got=$(in_ns mtb-cli curl -sS -o /dev/null -w '%{size_download}' --socks5 127.0.0.1:1080 "http://$tb_server:$tb_source_port/8388608")
  [ "$got" = 8388608 ] || { echo "$current: warm-up download got $got bytes" >&2; return 1; }
  start_sink "$work/warm"
  # shellcheck disable=SC2046
  head -c 8388608 "$work/payload" | timeout 120 ip netns exec mtb-cli $(upload_cmd "$current") ||
    { echo "$current: warm-up upload failed" >&2; return 1; }
  sink_finished "$work/warm" 600 || true # the size check below says what went wrong
  tb_stop sink
  [ "$(stat -c %s "$work/warm" 2>/dev/null)" = 8388608 ] || { echo "$current: warm-up upload incomplete" >&2; return 1; }
}

declare -A secs cpu failed_at
# Runs method $1 down and up, sampling the routes, and records the results.
measure() {
  local method=$1 dir r
  for dir in down up; do
    start_samplers
    r=$(transfer "$dir" "$method")
    stop_samplers "$method-$dir"
    read -r secs[$method-$dir] _ cpu[$method-$dir] fa fb fe <<<"$r"
    failed_at[$method-$dir]="$fa $fb $fe"
    printf '%-22s %-4s %8.3f s %8.2f Mbit/s  CPU %5.2f s%s\n' "$method" "$dir" "${secs[$method-$dir]}" \
      "$(mbit "${secs[$method-$dir]}")" "${cpu[$method-$dir]}" "$([ "$fa" = - ] || echo "  (failure at $fa s, $fb bytes in)")"
  done
}
mbit() { awk -v s="$1" -v b="$size" 'BEGIN { printf "%.2f", b * 8 / s / 1e6 }'; }

# ---- the run ----------------------------------------------------------------------------------
tb_up "$name"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
in_ns mtb-dst curl -sS -o "$work/payload" "http://127.0.0.1:$tb_source_port/$size"
payload_sha=$(sha256sum <"$work/payload" | cut -d' ' -f1)
order=()
for m in "${methods[@]}"; do
  case $m in
    single) [ -n "$failure" ] || order+=(single-1 single-2 single-3) ;;
    mptcp) [ "$failure" = kill-relay ] || order+=(mptcp) ;;
    mpp) for s in "${schedulers[@]}"; do order+=("mpp-$s"); done ;;
    cold) order+=("cold-$plot_scheduler") ;;
  esac
done
for method in "${order[@]}"; do
  case $method in
    single-*) cpu_groups="dante${method#single-}" ;;
    mpp-*) cpu_groups="mpp-a mpp-b"; current=$method; start_mpp "${method#mpp-}"; warm_up ;;
    cold-*) cpu_groups="mpp-a mpp-b"; current=$method; start_mpp "${method#cold-}" '"keepPaths": "0s"'; warm_up ;;
    *) cpu_groups="" ;;
  esac
  measure "$method"
  case $method in mpp-*|cold-*) stop_mpp ;; esac
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the plot ---------------------------------------------------------------------------------
# Per-route Mbit/s every 100 ms for run $1 ("METHOD-down" or "-up"), column $2 of the samples (2:
# towards the client, 3: towards the server), to stdout as "seconds r1 r2 r3" rows.
route_rates() {
  local tag=$1 col=$2
  awk -v col="$col" '
    FNR == 1 { r++ }
    { t = $1 + 0; b = $col + 0
      if (FNR > 1 && t > pt[r]) { n[r]++; tt[r, n[r]] = t; v[r, n[r]] = (b - pb[r]) * 8 / (t - pt[r]) / 1e6 }
      pt[r] = t; pb[r] = b; if (FNR == 1 && (t0 == "" || t < t0)) t0 = t }
    END { m = n[1]; if (n[2] < m) m = n[2]; if (n[3] < m) m = n[3]
          for (k = 1; k <= m; k++) printf "%.2f %.2f %.2f %.2f\n", tt[1, k] - t0, v[1, k], v[2, k], v[3, k] }
  ' "$out/samples-$tag-r1.txt" "$out/samples-$tag-r2.txt" "$out/samples-$tag-r3.txt"
}

# A gnuplot command drawing a dotted vertical line where run $1 failed (nothing without a failure).
failure_mark() {
  local fa fb fe t0
  read -r fa fb fe <<<"${failed_at[$1]:-- - -}"
  echo "unset arrow"
  [ "$fa" != - ] || return 0
  t0=$(awk 'FNR == 1 && (t0 == "" || $1 < t0) { t0 = $1 } END { print t0 }' "$out/samples-$1-r"[123].txt)
  awk -v fe="$fe" -v t0="$t0" 'BEGIN { printf "set arrow from %.2f, graph 0 to %.2f, graph 1 nohead dt 3 lc \"red\"\n", fe - t0, fe - t0 }'
}

# Plots MPP's $plot_scheduler run (download above, upload below) to PNG $1.
plot() {
  local png=$1 tag=mpp-$plot_scheduler i
  route_rates "$tag-down" 2 >"$work/plot-down.dat"
  route_rates "$tag-up" 3 >"$work/plot-up.dat"
  local lines=""
  for i in 1 2 3; do
    lines+="'FILE' using 1:$((i + 1)) with lines lw 2 title 'route $i (${rates[i - 1]} Mbit/s$([ "${rtts[i - 1]}" = 0 ] || echo ", ${rtts[i - 1]} ms"))', "
  done
  lines+="'FILE' using 1:(\$2+\$3+\$4) with lines lw 1 dt 2 lc 'black' title 'sum'"
  gnuplot <<GP
set terminal pngcairo size 1000,700 font ',10'
set output '$png'
set multiplot layout 2,1 title "MPP $plot_scheduler, scenario $name: $title\nlayer-2 Mbit/s per route, 100 ms samples at each route's router"
set ylabel 'Mbit/s'
set grid
set key outside right
set yrange [0:*]
set title 'download (B to A)$([ -z "$failure" ] || echo ", red: the failure")'
$(failure_mark "$tag-down")
plot ${lines//FILE/$work/plot-down.dat}
set title 'upload (A to B)'
set xlabel 'seconds'
$(failure_mark "$tag-up")
plot ${lines//FILE/$work/plot-up.dat}
unset multiplot
GP
}

# ---- the table --------------------------------------------------------------------------------
ceil_all=$(ceiling "${rates[@]}")
label() {
  case $1 in
    single-*) local i=${1#single-}; echo "single route $i (${rates[i - 1]} Mbit/s$([ "${rtts[i - 1]}" = 0 ] || echo " at ${rtts[i - 1]} ms")), plain TCP through relay $i" ;;
    mptcp) echo "kernel MPTCP over all routes" ;;
    mpp-*) echo "MPP ${1#mpp-}$([ "${1#mpp-}" = "$plot_scheduler" ] && echo " (plotted)")" ;;
    cold-*) echo "MPP ${1#cold-}, paths not kept between sessions (\`keepPaths\` 0s: each transfer opens its own)" ;;
  esac
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# Bytes that had crossed the routes by epoch second $2 in run $1 ("METHOD-down" or "-up"): the
# routers' layer-2 counters since the run's first sample, × 0.956 (headers), summed over the routes.
crossed_by() {
  local tag=$1 t=$2 col
  case $tag in *-down) col=2 ;; *) col=3 ;; esac
  awk -v t="$t" -v col="$col" 'FNR == 1 { first[FILENAME] = $col } $1 <= t { last[FILENAME] = $col }
    END { for (f in first) s += last[f] - first[f]; printf "%d", s * 0.956 }' \
    "$out/samples-$tag-r1.txt" "$out/samples-$tag-r2.txt" "$out/samples-$tag-r3.txt"
}

# Time lost to failover in run $1: after the failure, the time taken minus the time the bytes still
# to cross the routes need at the goodput ceiling of the routes that stayed.
lost() {
  local stayed=() i fa fb fe crossed
  for i in 1 2 3; do [ "$i" = "$fail_route" ] || stayed+=("${rates[i - 1]}"); done
  read -r fa fb fe <<<"${failed_at[$1]}"
  [ "$fa" != - ] || { echo "—"; return; }
  crossed=$(crossed_by "$1" "$fe")
  awk -v t="${secs[$1]}" -v fa="$fa" -v fb="$crossed" -v b="$size" -v c="$(ceiling "${stayed[@]}")" \
    'BEGIN { if (fb > b) fb = b; printf "%.2f", (t - fa) - (b - fb) * 8 / (c * 1e6) }'
}

table_plain() {
  echo "| method | down Mbit/s | down ÷ ceiling | up Mbit/s | up ÷ ceiling | proxy CPU s down / up |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| goodput ceiling: 0.956 × $(IFS=+; echo "${rates[*]}") Mbit/s | $ceil_all | 1.00 | $ceil_all | 1.00 | — |"
  local m d u
  for m in "${order[@]}"; do
    d=$(mbit "${secs[$m-down]}"); u=$(mbit "${secs[$m-up]}")
    printf '| %s | %s | %s | %s | %s | %s |\n' "$(label "$m")" "$d" "$(ratio "$d" "$ceil_all")" "$u" \
      "$(ratio "$u" "$ceil_all")" "$([ "$m" = mptcp ] && echo — || echo "${cpu[$m-down]} / ${cpu[$m-up]}")"
  done
}

table_failure() {
  echo "| method | down s | down Mbit/s | failed at s | down lost s | up s | up Mbit/s | failed at s | up lost s |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  local m
  for m in "${order[@]}"; do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(label "$m")" \
      "${secs[$m-down]}" "$(mbit "${secs[$m-down]}")" "${failed_at[$m-down]%% *}" "$(lost "$m-down")" \
      "${secs[$m-up]}" "$(mbit "${secs[$m-up]}")" "${failed_at[$m-up]%% *}" "$(lost "$m-up")"
  done
}

# One line per goal of issue 7 for the plotted scheduler (met or not).
verdicts() {
  local p=mpp-$plot_scheduler dir goal best m v
  [ -n "${secs[$p-down]:-}" ] || return 0
  [ "$name" = equal ] && goal=0.95 || goal=0.90
  for dir in down up; do
    v=$(mbit "${secs[$p-$dir]}")
    best=0
    for m in single-1 single-2 single-3; do
      [ -n "${secs[$m-$dir]:-}" ] && best=$(awk -v a="$best" -v b="$(mbit "${secs[$m-$dir]}")" 'BEGIN { print (b > a) ? b : a }')
    done
    printf -- '- %s, MPP %s: %s Mbit/s = %s of the ceiling (goal ≥ %s: %s)' "$dir" "$plot_scheduler" "$v" \
      "$(ratio "$v" "$ceil_all")" "$goal" "$(awk -v r="$(ratio "$v" "$ceil_all")" -v g="$goal" 'BEGIN { print (r >= g) ? "met" : "not met" }')"
    [ -n "${secs[mptcp-$dir]:-}" ] && printf '; kernel MPTCP %s (%s)' "$(mbit "${secs[mptcp-$dir]}")" \
      "$(awk -v a="$v" -v b="$(mbit "${secs[mptcp-$dir]}")" 'BEGIN { print (a >= b) ? "met: at least MPTCP" : "not met: below MPTCP" }')"
    [ "$best" != 0 ] && printf '; best single route %s (%s)' "$best" \
      "$(awk -v a="$v" -v b="$best" 'BEGIN { print (a >= b) ? "met: not below it" : "not met: below it" }')"
    echo
  done
}

mpp_problems() {
  local m n=0
  for m in "${order[@]}"; do
    case $m in mpp-*|cold-*) n=$((n + $(cat "$out/mpp-a-$m.log" "$out/mpp-b-$m.log" 2>/dev/null | grep -cE ' (WARN|ERROR) ' || true))) ;; esac
  done
  echo "$n"
}

section=$work/section.md
img=docs/img/testbed-$name.png
{
  echo "## Aggregation testbed: $name"
  echo
  echo "Scenario **$name**: $title. Written by \`bench/aggregate.sh\` on the namespace testbed of"
  echo "\`bench/testbed.sh\` (client, three routes each shaped by \`tc tbf\` and delayed by a TUN delay line"
  echo "in a router namespace, a Dante relay host per route, server). Each method moves $((size >> 20)) MiB down (curl from"
  echo "\`bench/HttpSource.java\`) and then up (ncat to a sink, \`bench/testbed/sink.py\`), SHA-256 checked; one transfer each, in the order shown."
  echo "single route: \`curl --socks5\` through that route's Dante; kernel MPTCP: \`mptcpize run curl\` /"
  echo "\`ncat\` to the server directly, one subflow per route; MPP: node A in the client namespace, one session over"
  echo "three paths (one per Dante) to node B next to the server, after an unrecorded warm-up of 8 MiB each way whose"
  echo "paths the measured sessions reuse (\`keepPaths\`, as on a node in use); the \"paths not kept\" row opens new paths for"
  echo "every transfer, as the first session after a quiet minute does. tbf counts layer-2 bytes: the goodput ceiling is"
  echo "0.956 × the sum of the rates. Proxy CPU: the relay's (single route) or MPP A + B's CPU seconds per transfer."
  if [ -n "$failure" ]; then
    echo "Time lost to failover: the time the transfer took after the failure minus the time the bytes still to"
    echo "cross the routes at the failure (the routers' counters × 0.956) need at the goodput ceiling of the routes that stayed"
    echo "($(ceiling $(for i in 1 2 3; do [ "$i" = "$fail_route" ] || echo "${rates[i - 1]}"; done)) Mbit/s). Goal: under 1 s for a killed relay, 2 s for a silent route."
    echo "\`redundant\` sends every packet on every path, so it runs at one route's rate: its figure is mostly that, not failover."
  fi
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), Linux $(uname -r), congestion control $(sysctl -n net.ipv4.tcp_congestion_control), load average before/after: $load_before / $load_after"
  echo "- MPP: $MPP_BENCH_COMMIT, schedulers ${schedulers[*]}${MPP_MPP_OPTS:+, mpp config \`$MPP_MPP_OPTS\`}${MPP_ROUTE_OPTS:+, route config \`$MPP_ROUTE_OPTS\`}${MPP_JAVA_OPTS:+, MPP_JAVA_OPTS=\`$MPP_JAVA_OPTS\`}; MPP logs: $(mpp_problems) warnings or errors"
  echo "- command: \`bench/aggregate.sh${args_given[*]:+ ${args_given[*]}}\`"
  [ -n "$note" ] && echo "- note: $note"
  echo
  if [ -n "$failure" ]; then table_failure; else table_plain; fi
  echo
  if [ -z "$failure" ]; then verdicts; echo; fi
  echo "![per-route throughput of MPP $plot_scheduler, $name](img/testbed-$name.png)"
} >"$section"

echo
cat "$section"
echo
echo "logs and samples: $out"

can_write=true
[ "$size" = "$default_size" ] && [ "${methods[*]}" = "${all_methods[*]}" ] || can_write=false
if $write && $can_write; then
  mkdir -p "$root/docs/img"
  plot "$root/$img"
  doc=$root/docs/benchmarks.md
  awk -v file="$section" -v heading="## Aggregation testbed: $name" '
    function emit() { while ((getline l < file) > 0) print l; done = 1 }
    $0 == heading { skip = 1; emit(); next }
    skip && /^## / { skip = 0; print "" }
    !skip { print; last = $0 }
    END { if (!done) { if (last != "") print ""; emit() } }
  ' "$doc" >"$work/doc.md"
  cp "$work/doc.md" "$doc"
  echo "written to docs/benchmarks.md and $img"
else
  case " ${methods[*]} " in *" mpp "*) plot "$out/plot.png"; echo "plot: $out/plot.png" ;; esac
  $write && echo "(not written to docs: the section is for $default_size-byte transfers by every method)"
fi
