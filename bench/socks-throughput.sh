#!/usr/bin/env bash
# SOCKS5 throughput on loopback: MPP against Dante and microsocks, measured in the same run.
#
# What it does
#   1. Builds MPP's runtime image (distribution/target/mpp), or reuses it when it is there.
#   2. Starts a data source, bench/HttpSource.java: a tiny HTTP server that answers GET /N with N
#      bytes written from one direct buffer, so it serves far faster than any proxy. Its direct,
#      no-proxy rate is measured too and reported as the ceiling.
#   3. Starts MPP (`mpp run`), Dante (`danted`) and microsocks, each on its own free loopback port.
#   4. Warms each path up with one unrecorded download, then downloads SIZE bytes with
#      `curl --socks5` through each RUNS times, in an order rotated every round so that machine
#      noise falls on all of them alike, and records Gbit/s and the CPU time the proxy spent.
#   5. Prints medians and ratios and writes them, with every raw sample, into the section
#      "## SOCKS5 throughput (loopback, 1 GiB)" of docs/benchmarks.md (the other sections are kept).
# All traffic stays on 127.0.0.1. Every process it starts is stopped on exit (trap).
#
# Usage
#   bench/socks-throughput.sh [-n RUNS] [--size BYTES] [--build] [--no-write] [--note TEXT]
#     -n RUNS        downloads per path (default 5); the median is reported
#     --size BYTES   bytes per download (default 1073741824 = 1 GiB; docs are written only for 1 GiB)
#     --build        rebuild the image even if it exists
#     --no-write     print the results only, leave docs/benchmarks.md alone
#     --note TEXT    a line added to the docs section (e.g. what was tuned)
#     --paths LIST   measure only these of "direct mpp dante microsocks" (quick tuning runs;
#                    docs are written only when all four are measured)
#   Environment:
#     JAVA_HOME        a JDK 25, for the build and the source (default /usr/lib/jvm/temurin-25-jdk-amd64)
#     MPP_JAVA_OPTS    extra JVM flags for MPP (the launcher passes them on)
#     MPP_SOCKS_OPTS   extra members of MPP's "socks" config object, e.g. '"bufferSize": 262144'
#     MPP_B_JAVA_OPTS, MPP_B_SOCKS_OPTS, MPP_B_IMAGE
#                      for tuning: when any is set, a second MPP ("mpp-b") with these settings
#                      instead (MPP_B_IMAGE: another image folder, e.g. an older commit's) is
#                      measured in the same run, and paired ratios mpp-b ÷ MPP are printed
#   Needs: bash, curl, danted (dante-server), microsocks, awk, a JDK 25.
#   On Debian: apt-get install -y dante-server microsocks curl
#
# Outputs: logs of every server in bench/out/ (git-ignored); the docs section.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/.." && pwd -P)
runs=5
size=$((1 << 30))
build=false
write=true
note=""
all_names=(direct mpp dante microsocks)
names=("${all_names[@]}")
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --build) build=true; shift ;;
    --no-write) write=false; shift ;;
    --note) note=$2; shift 2 ;;
    --paths) read -ra names <<<"$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
for tool in curl danted microsocks awk "$JAVA_HOME/bin/java"; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install -y dante-server microsocks curl)" >&2; exit 2; }
done

out=$root/bench/out
mkdir -p "$out"
work=$(mktemp -d)
pgids=()
cleanup() {
  for pg in "${pgids[@]}"; do kill -TERM -- "-$pg" 2>/dev/null || true; done
  sleep 0.5
  for pg in "${pgids[@]}"; do kill -KILL -- "-$pg" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts a command in a process group of its own (so the trap can stop it with all its children).
start() {
  local log=$1; shift
  setsid "$@" >"$log" 2>&1 </dev/null &
  pgids+=("$!")
}

# A loopback TCP port nothing listens on, below the kernel's ephemeral range (so that no outgoing
# connection can be holding it when the server binds).
free_port() {
  local port low
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  while :; do
    port=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

# Waits until $port listens, and checks that it is our server ($3, its pid) that does.
wait_port() {
  local port=$1 name=$2 pid=$3
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || { echo "$name exited at start; its log is in $out" >&2; exit 1; }
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      sleep 0.2
      kill -0 "$pid" 2>/dev/null || { echo "$name exited at start; its log is in $out" >&2; exit 1; }
      return
    fi
    sleep 0.1
  done
  echo "$name did not start listening on $port; its log is in $out" >&2; exit 1
}

# CPU time (clock ticks, user + system) of every process in process group $1, including the
# children they have reaped (Dante's processes come and go).
cpu_ticks() {
  local pg=$1 total=0 line rest
  for stat in /proc/[0-9]*/stat; do
    read -r line <"$stat" 2>/dev/null || continue
    rest=${line##*) }
    # shellcheck disable=SC2086
    set -- $rest   # $1 = state (field 3), $3 = pgrp, $12 utime, $13 stime, $14 cutime, $15 cstime
    if [ "$3" = "$pg" ]; then total=$((total + ${12} + ${13} + ${14} + ${15})); fi
  done
  echo "$total"
}

# ---- the image ------------------------------------------------------------------------------
mpp=$root/distribution/target/mpp/bin/mpp
if $build || [ ! -x "$mpp" ]; then
  echo "building the MPP image ..."
  (cd "$root" && ./mvnw -B -ntp -q -DskipTests package) >"$out/build.log" 2>&1 ||
    { echo "build failed; see $out/build.log" >&2; exit 1; }
fi

# ---- the servers ----------------------------------------------------------------------------
start "$out/source.log" "$JAVA_HOME/bin/java" "$here/HttpSource.java" 0
for _ in $(seq 200); do grep -q '^ready' "$out/source.log" 2>/dev/null && break; sleep 0.1; done
src_port=$(awk '/^ready/ {print $2}' "$out/source.log")
[ -n "$src_port" ] || { echo "the source did not start; see $out/source.log" >&2; exit 1; }

mpp_port=$(free_port)
printf '{"socks": {"listen": "127.0.0.1:%s"%s}}\n' "$mpp_port" "${MPP_SOCKS_OPTS:+, $MPP_SOCKS_OPTS}" >"$work/mpp.json"
start "$out/mpp.log" "$mpp" run --config "$work/mpp.json"

dante_port=$(free_port)
{
  echo "logoutput: stderr"
  echo "internal: 127.0.0.1 port = $dante_port"
  echo "external: 127.0.0.1"
  echo "socksmethod: none"
  echo "clientmethod: none"
  if [ "$(id -u)" = 0 ]; then echo "user.privileged: root"; echo "user.unprivileged: nobody"; fi
  echo "client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }"
  echo "socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 }"
  echo "socks block { from: 0.0.0.0/0 to: 0.0.0.0/0 }"
} >"$work/danted.conf"
start "$out/danted.log" danted -f "$work/danted.conf" -p "$work/danted.pid"

micro_port=$(free_port)
start "$out/microsocks.log" microsocks -i 127.0.0.1 -p "$micro_port"

if [ -n "${MPP_B_JAVA_OPTS:-}${MPP_B_SOCKS_OPTS:-}${MPP_B_IMAGE:-}" ]; then
  mppb_port=$(free_port)
  printf '{"socks": {"listen": "127.0.0.1:%s"%s}}\n' "$mppb_port" "${MPP_B_SOCKS_OPTS:+, $MPP_B_SOCKS_OPTS}" >"$work/mpp-b.json"
  MPP_JAVA_OPTS=${MPP_B_JAVA_OPTS:-} start "$out/mpp-b.log" "${MPP_B_IMAGE:-$root/distribution/target/mpp}/bin/mpp" \
    run --config "$work/mpp-b.json"
  wait_port "$mppb_port" "MPP (b)" "${pgids[4]}"
  names+=(mpp-b)
fi
wait_port "$mpp_port" MPP "${pgids[1]}"
wait_port "$dante_port" Dante "${pgids[2]}"
wait_port "$micro_port" microsocks "${pgids[3]}"

# name -> curl proxy argument and process group whose CPU time is counted
declare -A proxy=([direct]="" [mpp]="127.0.0.1:$mpp_port" [dante]="127.0.0.1:$dante_port" [microsocks]="127.0.0.1:$micro_port")
declare -A group=([direct]="${pgids[0]}" [mpp]="${pgids[1]}" [dante]="${pgids[2]}" [microsocks]="${pgids[3]}")
if [ -n "${mppb_port:-}" ]; then proxy[mpp-b]="127.0.0.1:$mppb_port"; group[mpp-b]="${pgids[4]}"; fi
declare -A gbits cpu round_gbits paired

# One download of $size bytes; prints "Gbit/s cpu-seconds-of-the-server".
download() {
  local name=$1 result before after
  local args=(-s -o /dev/null --max-time 300 -w '%{size_download} %{time_total}')
  [ -n "${proxy[$name]}" ] && args+=(--socks5 "${proxy[$name]}")
  before=$(cpu_ticks "${group[$name]}")
  result=$(curl "${args[@]}" "http://127.0.0.1:$src_port/$size") || { echo "curl through $name failed ($?)" >&2; return 1; }
  after=$(cpu_ticks "${group[$name]}")
  set -- $result
  [ "$1" = "$size" ] || { echo "$name: got $1 of $size bytes" >&2; return 1; }
  awk -v b="$1" -v t="$2" -v c=$((after - before)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.3f %.2f\n", b * 8 / t / 1e9, c / hz }'
}

median() {
  tr ' ' '\n' | grep -v '^$' | sort -g |
    awk '{ v[NR] = $1 } END { printf "%.3f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "warming up (one unrecorded download each) ..."
for name in "${names[@]}"; do download "$name" >/dev/null; done
for ((round = 0; round < runs; round++)); do
  order=()
  for ((i = 0; i < ${#names[@]}; i++)); do order+=("${names[(i + round) % ${#names[@]}]}"); done
  for name in "${order[@]}"; do
    result=$(download "$name")
    read -r g c <<<"$result"
    gbits[$name]+="$g "
    cpu[$name]+="$c "
    round_gbits[$name]=$g
    printf 'round %d  %-10s %7.3f Gbit/s  server CPU %5.2f s\n' $((round + 1)) "$name" "$g" "$c"
  done
  # MPP against each baseline within the round: paired samples, so slow swings of load cancel out.
  for name in dante microsocks mpp-b; do
    if [ -n "${round_gbits[mpp]:-}" ] && [ -n "${round_gbits[$name]:-}" ]; then
      paired[$name]+="$(awk -v a="${round_gbits[mpp]}" -v b="${round_gbits[$name]}" 'BEGIN { printf "%.3f", a / b }') "
    fi
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

declare -A med medcpu
for name in "${names[@]}"; do
  med[$name]=$(median <<<"${gbits[$name]}")
  medcpu[$name]=$(median <<<"${cpu[$name]}")
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f×", a / b; else printf "—" }'; }

mpp_errors=$(grep -cE ' (WARN|ERROR) ' "$out/mpp.log" || true)
java_version=$("$(dirname "$mpp")/java" -version 2>&1 | head -1)
gib=$(awk -v s="$size" 'BEGIN { printf "%.4g GiB", s / 2^30 }')

section=$work/section.md
{
  echo "## SOCKS5 throughput (loopback, 1 GiB)"
  echo
  echo "Written by \`bench/socks-throughput.sh\`. \`curl --socks5\` downloads $gib from a local HTTP source"
  echo "(\`bench/HttpSource.java\`) through each proxy, $runs times per path in rotated order after one"
  echo "unrecorded warm-up; the table gives the medians. \"direct\" is curl without a proxy: the ceiling."
  echo "Server CPU is the CPU time (user + system) the proxy's processes spent per download."
  echo "All servers, curl and the source share the machine's cores, so a proxy that burns less CPU leaves"
  echo "more to the rest: ratios measured in the same run are the result, absolute numbers vary."
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), Linux $(uname -r), load average before/after: $load_before / $load_after"
  echo "- MPP: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), $java_version${MPP_JAVA_OPTS:+, MPP_JAVA_OPTS=\`$MPP_JAVA_OPTS\`}${MPP_SOCKS_OPTS:+, socks config \`$MPP_SOCKS_OPTS\`}"
  echo "- baselines: $(danted -v 2>&1 | head -1 | cut -d' ' -f1-2 | sed 's/\.$//'), microsocks $(dpkg-query -W -f '${Version}' microsocks 2>/dev/null || echo '?'), $(curl --version | head -1 | cut -d' ' -f1-2)"
  echo "- command: \`bench/socks-throughput.sh -n $runs\`"
  echo "- MPP log: $mpp_errors warnings or errors"
  [ -n "$note" ] && echo "- note: $note"
  echo
  echo "| path | median Gbit/s | MPP ÷ this | this ÷ direct | median server CPU s |"
  echo "|---|---:|---:|---:|---:|"
  for name in "${names[@]}"; do
    printf '| %s | %.2f | %s | %s | %s |\n' "$name" "${med[$name]}" "$(ratio "${med[mpp]:-0}" "${med[$name]}")" \
      "$(ratio "${med[$name]}" "${med[direct]:-0}")" "$([ "$name" = direct ] && echo — || printf '%.2f' "${medcpu[$name]}")"
  done
  echo
  if [ -n "${med[mpp]:-}" ] && [ -n "${med[dante]:-}" ]; then
    echo "**MPP ÷ Dante = $(ratio "${med[mpp]}" "${med[dante]}")${med[microsocks]:+, MPP ÷ microsocks = $(ratio "${med[mpp]}" "${med[microsocks]}")}** (goal: MPP ≥ 1.0× Dante)."
    echo
    echo "Median of the per-round ratios (MPP and the baseline measured in the same round):"
    echo "MPP ÷ Dante $(printf '%.2f×' "$(median <<<"${paired[dante]}")")${paired[microsocks]:+, MPP ÷ microsocks $(printf '%.2f×' "$(median <<<"${paired[microsocks]}")")}."
  fi
  if [ -n "${paired[mpp-b]:-}" ]; then
    echo
    echo "mpp-b (MPP_B_JAVA_OPTS='${MPP_B_JAVA_OPTS:-}', MPP_B_SOCKS_OPTS='${MPP_B_SOCKS_OPTS:-}', MPP_B_IMAGE='${MPP_B_IMAGE:-}'): median per-round mpp-b ÷ MPP $(awk -v r="$(median <<<"${paired[mpp-b]}")" 'BEGIN { printf "%.2f×", 1 / r }') (above 1: mpp-b is faster)"
  fi
  echo
  echo "Raw samples, Gbit/s (server CPU s), in the order they were taken per path:"
  echo
  for name in "${names[@]}"; do
    read -ra g <<<"${gbits[$name]}"
    read -ra c <<<"${cpu[$name]}"
    line=""
    for ((i = 0; i < ${#g[@]}; i++)); do line+="${g[i]} (${c[i]}), "; done
    echo "- $name: ${line%, }"
  done
} >"$section"

echo
cat "$section"

if $write; then
  if [ "$size" != $((1 << 30)) ] || [ "${names[*]}" != "${all_names[*]}" ]; then
    echo "(not written to docs: the section is for 1 GiB downloads through all four paths)"
    exit 0
  fi
  doc=$root/docs/benchmarks.md
  mkdir -p "$(dirname "$doc")"
  [ -f "$doc" ] || printf '# Benchmarks\n' >"$doc"
  # Replace our section (from its heading to the next "## " heading) or append it; keep the rest.
  awk -v file="$section" '
    function emit() { while ((getline l < file) > 0) print l; done = 1 }
    /^## SOCKS5 throughput \(loopback, 1 GiB\)/ { skip = 1; emit(); next }
    skip && /^## / { skip = 0; print "" }
    !skip { print; last = $0 }
    END { if (!done) { if (last != "") print ""; emit() } }
  ' "$doc" >"$work/doc.md"
  cp "$work/doc.md" "$doc"
  echo "written to ${doc#"$root"/}"
fi
