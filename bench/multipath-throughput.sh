#!/usr/bin/env bash
# Multipath throughput on loopback: one MPP session over three Dante relays against one plain
# SOCKS5 connection through one of those relays, measured in the same run.
#
# What it does
#   1. Builds MPP's runtime image (distribution/target/mpp), or reuses it when it is there.
#   2. Starts the data source bench/HttpSource.java (GET /N answers N bytes), three Dante relays
#      (danted, one config and port each), MPP node B (`mpp run`, peer port only) and MPP node A
#      (`mpp run`, SOCKS5 port and one route: destination 127.0.0.1 goes to B over three paths,
#      r1, r2 and r3, each through one relay). All on 127.0.0.1, each on a free port.
#   3. Warms each path up with one unrecorded download, then downloads SIZE bytes with curl RUNS
#      times per path, in an order rotated every round so that machine noise falls on all alike:
#        multipath  curl --socks5 A: one session, its bytes spread over the three relays to B
#        single     curl --socks5 relay 1: one plain SOCKS5 connection through one relay (baseline)
#        direct     curl without a proxy: the ceiling, for reference
#      Every download's size is checked, and every multipath download must have opened a session
#      in A's log (a direct fallback fails the run). It records Gbit/s and the CPU time of the MPP
#      processes (A + B) and of the relays (the three for multipath, relay 1 for the baseline).
#   4. Prints medians, CPU seconds per GiB and the ratio multipath ÷ single relay (goal ≥ 0.33:
#      each multipath byte crosses three processes, A, a relay and B, instead of one), and the
#      share of the multipath bytes each relay carried (from Dante's disconnect log lines).
#   5. Writes them, with every raw sample, into the section
#      "## Multipath throughput (loopback, three Dante relays)" of docs/benchmarks.md; every other
#      section is kept byte for byte.
# Every process it starts runs in a process group of its own and is stopped on exit (trap).
#
# Usage
#   bench/multipath-throughput.sh [-n RUNS] [--size BYTES] [--build] [--no-write] [--note TEXT]
#     -n RUNS        downloads per path (default 5); the median is reported
#     --size BYTES   bytes per download (default 1073741824 = 1 GiB; docs are written only for 1 GiB)
#     --build        rebuild the image even if it exists
#     --no-write     print the results only, leave docs/benchmarks.md alone
#     --note TEXT    a line added to the docs section (e.g. what was tuned)
#     --paths LIST   measure only these of "direct multipath single" (quick tuning runs; docs are
#                    written only when all three are measured)
#   Environment:
#     JAVA_HOME       a JDK 25, for the build and the source (default /usr/lib/jvm/temurin-25-jdk-amd64)
#     MPP_JAVA_OPTS   extra JVM flags for both MPP nodes (the launcher passes them on)
#     MPP_MPP_OPTS    extra members of both nodes' "mpp" config object, e.g. '"sessionBuffer": 16777216'
#     MPP_ROUTE_OPTS  extra members of A's route, e.g. '"scheduler": "round-robin"'
#   Needs: bash, curl, danted (dante-server), awk, a JDK 25.   On Debian: apt-get install -y dante-server curl
#
# Outputs: logs of every server in bench/out/ (git-ignored, mp-*.log); the docs section.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/.." && pwd -P)
runs=5
size=$((1 << 30))
build=false
write=true
note=""
all_names=(multipath single direct)
names=("${all_names[@]}")
args_given=("$@")
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
for tool in curl danted awk setsid "$JAVA_HOME/bin/java"; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install -y dante-server curl)" >&2; exit 2; }
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
# connection can be holding it when the server binds), and not one handed out before in this run.
taken=" "
free_port() {
  local port low
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  while :; do
    port=$((10000 + RANDOM % (low - 10000)))
    case "$taken" in *" $port "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then taken+="$port "; echo "$port"; return; fi
  done
}

# Waits until $port listens, and checks that it is our server ($3, its pid) that does.
wait_port() {
  local port=$1 name=$2 pid=$3
  for _ in $(seq 150); do
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

# CPU time (clock ticks, user + system) of every process in each of the process groups given,
# including the children they have reaped (Dante's processes come and go); one line, one number
# per group, in the order given. One pass over /proc for all of them.
cpu_ticks() {
  local line rest
  declare -A sum=()
  for stat in /proc/[0-9]*/stat; do
    read -r line <"$stat" 2>/dev/null || continue
    rest=${line##*) }
    # shellcheck disable=SC2086
    set -- $rest   # $1 = state (field 3), $3 = pgrp, $12 utime, $13 stime, $14 cutime, $15 cstime
    sum[$3]=$(( ${sum[$3]:-0} + ${12} + ${13} + ${14} + ${15} ))
  done
  local pg result=""
  for pg in "${groups[@]}"; do result+="${sum[$pg]:-0} "; done
  echo "${result% }"
}

# ---- the image ------------------------------------------------------------------------------
mpp=$root/distribution/target/mpp/bin/mpp
if $build || [ ! -x "$mpp" ]; then
  echo "building the MPP image ..."
  (cd "$root" && ./mvnw -B -ntp -q -DskipTests package) >"$out/build.log" 2>&1 ||
    { echo "build failed; see $out/build.log" >&2; exit 1; }
fi

# ---- the servers ----------------------------------------------------------------------------
start "$out/mp-source.log" "$JAVA_HOME/bin/java" "$here/HttpSource.java" 0
pg_source=${pgids[-1]}
for _ in $(seq 200); do grep -q '^ready' "$out/mp-source.log" 2>/dev/null && break; sleep 0.1; done
src_port=$(awk '/^ready/ {print $2}' "$out/mp-source.log")
[ -n "$src_port" ] || { echo "the source did not start; see $out/mp-source.log" >&2; exit 1; }

# Three relays, configured as in socks-throughput.sh, plus a log line per closed connection with
# its byte counts (one line per connection, so it costs nothing measurable).
relay_port=() pg_relay=()
for r in 1 2 3; do
  port=$(free_port)
  {
    echo "logoutput: stderr"
    echo "internal: 127.0.0.1 port = $port"
    echo "external: 127.0.0.1"
    echo "socksmethod: none"
    echo "clientmethod: none"
    if [ "$(id -u)" = 0 ]; then echo "user.privileged: root"; echo "user.unprivileged: nobody"; fi
    echo "client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }"
    echo "socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 log: disconnect }"
    echo "socks block { from: 0.0.0.0/0 to: 0.0.0.0/0 }"
  } >"$work/danted$r.conf"
  start "$out/mp-dante$r.log" danted -f "$work/danted$r.conf" -p "$work/danted$r.pid"
  relay_port+=("$port")
  pg_relay+=("${pgids[-1]}")
done

key="mpp-benchmark-peer-key-0123456789abcdef"
b_port=$(free_port)
printf '{"mpp": {"listen": "127.0.0.1:%s", "peerKey": "%s"%s}}\n' \
  "$b_port" "$key" "${MPP_MPP_OPTS:+, $MPP_MPP_OPTS}" >"$work/b.json"
start "$out/mp-b.log" "$mpp" run --config "$work/b.json"
pg_b=${pgids[-1]}
# Waits for B's log line rather than probing its port (a probe would be a malformed path in its log).
for _ in $(seq 150); do
  kill -0 "$pg_b" 2>/dev/null || { echo "MPP node B exited at start; see $out/mp-b.log" >&2; exit 1; }
  grep -qE "MPP peer port listening on /?127\.0\.0\.1:$b_port\$" "$out/mp-b.log" && break
  sleep 0.1
done
grep -qE "MPP peer port listening on /?127\.0\.0\.1:$b_port\$" "$out/mp-b.log" ||
  { echo "MPP node B did not open its peer port $b_port; see $out/mp-b.log" >&2; exit 1; }

a_port=$(free_port)
cat >"$work/a.json" <<EOF
{
  "socks": {"listen": "127.0.0.1:$a_port"},
  "mpp": {"peerKey": "$key"${MPP_MPP_OPTS:+, $MPP_MPP_OPTS}},
  "routes": [{
    "match": ["127.0.0.1"],
    "peer": "127.0.0.1:$b_port",
    "paths": [
      {"name": "r1", "via": ["socks5://127.0.0.1:${relay_port[0]}"]},
      {"name": "r2", "via": ["socks5://127.0.0.1:${relay_port[1]}"]},
      {"name": "r3", "via": ["socks5://127.0.0.1:${relay_port[2]}"]}
    ]${MPP_ROUTE_OPTS:+,
    $MPP_ROUTE_OPTS}
  }]
}
EOF
start "$out/mp-a.log" "$mpp" run --config "$work/a.json"
pg_a=${pgids[-1]}
wait_port "$a_port" "MPP node A" "$pg_a"
for r in 0 1 2; do wait_port "${relay_port[r]}" "Dante relay $((r + 1))" "${pg_relay[r]}"; done

# The process groups whose CPU time is counted: A, B, relay 1, relay 2, relay 3.
groups=("$pg_a" "$pg_b" "${pg_relay[@]}")
declare -A proxy=([direct]="" [multipath]="127.0.0.1:$a_port" [single]="127.0.0.1:${relay_port[0]}")
declare -A gbits mppcpu relaycpu raw
paired=""
session_lines() { grep -c ': session .* open on path ' "$out/mp-a.log" || true; }
fallback_lines() { grep -c 'connecting directly (fallback' "$out/mp-a.log" || true; }

# One download of $size bytes through $1; prints "Gbit/s mpp-cpu-s relay-cpu-s detail", the CPU
# seconds per download (A + B; the relays on that path), detail being "A/B/r1/r2/r3" seconds.
download() {
  local name=$1 result before after sessions
  local args=(-s -o /dev/null --max-time 600 -w '%{size_download} %{time_total}')
  [ -n "${proxy[$name]}" ] && args+=(--socks5 "${proxy[$name]}")
  sessions=$(session_lines)
  before=$(cpu_ticks)
  result=$(curl "${args[@]}" "http://127.0.0.1:$src_port/$size") || { echo "curl through $name failed ($?); logs in $out" >&2; return 1; }
  after=$(cpu_ticks)
  set -- $result
  [ "$1" = "$size" ] || { echo "$name: got $1 of $size bytes; logs in $out" >&2; return 1; }
  if [ "$name" = multipath ]; then
    [ "$(fallback_lines)" = 0 ] || { echo "multipath: node A fell back to a direct connection; see $out/mp-a.log" >&2; return 1; }
    [ "$(session_lines)" -gt "$sessions" ] || { echo "multipath: no session opened in $out/mp-a.log" >&2; return 1; }
  fi
  awk -v b="$1" -v t="$2" -v before="$before" -v after="$after" -v hz="$(getconf CLK_TCK)" -v name="$name" 'BEGIN {
    n = split(before, x, " "); split(after, y, " ")
    for (i = 1; i <= n; i++) d[i] = (y[i] - x[i]) / hz
    relays = name == "multipath" ? d[3] + d[4] + d[5] : name == "single" ? d[3] : 0
    mpp = name == "multipath" ? d[1] + d[2] : 0
    printf "%.3f %.2f %.2f %.2f/%.2f/%.2f/%.2f/%.2f\n", b * 8 / t / 1e9, mpp, relays, d[1], d[2], d[3], d[4], d[5]
  }'
}

median() {
  tr ' ' '\n' | grep -v '^$' | sort -g |
    awk '{ v[NR] = $1 } END { printf "%.3f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
gib_of_size=$(awk -v s="$size" 'BEGIN { print s / 2^30 }')
per_gib() { awk -v c="$1" -v g="$gib_of_size" 'BEGIN { printf "%.2f", c / g }'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "warming up (one unrecorded download each) ..."
for name in "${names[@]}"; do download "$name" >/dev/null; done
for ((round = 0; round < runs; round++)); do
  order=()
  for ((i = 0; i < ${#names[@]}; i++)); do order+=("${names[(i + round) % ${#names[@]}]}"); done
  declare -A round_gbits=()
  for name in "${order[@]}"; do
    result=$(download "$name")
    read -r g m r detail <<<"$result"
    gbits[$name]+="$g "
    mppcpu[$name]+="$(per_gib "$m") "
    relaycpu[$name]+="$(per_gib "$r") "
    case $name in
      multipath) raw[$name]+="$g ($m, $r), " ;;
      single) raw[$name]+="$g ($r), " ;;
      *) raw[$name]+="$g, " ;;
    esac
    round_gbits[$name]=$g
    printf 'round %d  %-10s %7.3f Gbit/s  CPU s: MPP %5.2f  relays %5.2f  (A/B/r1/r2/r3 %s)\n' \
      $((round + 1)) "$name" "$g" "$m" "$r" "$detail"
  done
  # Multipath against the single relay within the round: paired samples, slow load swings cancel.
  if [ -n "${round_gbits[multipath]:-}" ] && [ -n "${round_gbits[single]:-}" ]; then
    paired+="$(awk -v a="${round_gbits[multipath]}" -v b="${round_gbits[single]}" 'BEGIN { printf "%.3f", a / b }') "
  fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

declare -A med medmpp medrelay
for name in "${names[@]}"; do
  med[$name]=$(median <<<"${gbits[$name]}")
  medmpp[$name]=$(median <<<"${mppcpu[$name]}")
  medrelay[$name]=$(median <<<"${relaycpu[$name]}")
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f×", a / b; else printf "—" }'; }

# ---- what the logs say ----------------------------------------------------------------------
sleep 1 # let the last session's paths close and the relays log them
sessions_a=$(session_lines)
sessions_b=$(grep -c 'peer port: session .* open' "$out/mp-b.log" || true)
fallbacks=$(fallback_lines)
problems_a=$(grep -cE ' (WARN|ERROR) ' "$out/mp-a.log" || true)
problems_b=$(grep -cE ' (WARN|ERROR) ' "$out/mp-b.log" || true)
expected_sessions=0
for name in "${names[@]}"; do [ "$name" = multipath ] && expected_sessions=$((runs + 1)); done
# Bytes each relay carried on connections to node B (its disconnect lines: "... -> B's address -> N"),
# the paths of every multipath download together, warm-up included.
share=""
if [ "$expected_sessions" -gt 0 ]; then
  declare -a path_bytes path_conns
  total_bytes=0
  for r in 0 1 2; do
    read -r bytes conns < <(awk -v b="127.0.0.1.$b_port" '
      / pass\([0-9]+\): tcp\/connect / && index($0, " " b " -> ") {
        n = split($0, f, " -> "); split(f[n], last, ":"); s += last[1] + 0; c++ }
      END { printf "%d %d\n", s, c }' "$out/mp-dante$((r + 1)).log")
    path_bytes[r]=$bytes; path_conns[r]=$conns
    total_bytes=$((total_bytes + bytes))
  done
  for r in 0 1 2; do
    share+="r$((r + 1)) $(awk -v a="${path_bytes[r]}" -v t="$total_bytes" 'BEGIN { printf "%.1f %%", t ? 100 * a / t : 0 }') (${path_conns[r]} connections), "
  done
  share=${share%, }
fi

java_version=$("$(dirname "$mpp")/java" -version 2>&1 | head -1)
gib=$(awk -v s="$size" 'BEGIN { printf "%.4g GiB", s / 2^30 }')
opts=""
[ -n "${MPP_JAVA_OPTS:-}" ] && opts+=", MPP_JAVA_OPTS=\`$MPP_JAVA_OPTS\`"
[ -n "${MPP_MPP_OPTS:-}" ] && opts+=", mpp config \`$MPP_MPP_OPTS\`"
[ -n "${MPP_ROUTE_OPTS:-}" ] && opts+=", route config \`$MPP_ROUTE_OPTS\`"

section=$work/section.md
{
  echo "## Multipath throughput (loopback, three Dante relays)"
  echo
  echo "Written by \`bench/multipath-throughput.sh\`. \`curl --socks5\` downloads $gib from a local HTTP"
  echo "source (\`bench/HttpSource.java\`), $runs times per path in rotated order after one unrecorded"
  echo "warm-up; the table gives the medians. **multipath**: through MPP node A, whose route sends the"
  echo "connection as one session over three paths, each through its own Dante relay, to node B, which"
  echo "connects to the source. **single**: one plain SOCKS5 connection through relay 1 (the baseline)."
  echo "**direct**: no proxy, the ceiling. CPU is user + system time per GiB of the MPP processes (A + B)"
  echo "and of the relays on the path (all three for multipath, relay 1 for single). Each multipath byte"
  echo "crosses three processes (A, a relay, B) instead of one, so the goal is multipath ≥ 0.33× single."
  echo "Every process shares the machine's cores, so ratios measured in the same run are the result."
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), Linux $(uname -r), load average before/after: $load_before / $load_after"
  echo "- MPP: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), $java_version$opts"
  echo "- relays: $(danted -v 2>&1 | head -1 | cut -d' ' -f1-2 | sed 's/\.$//'), $(curl --version | head -1 | cut -d' ' -f1-2)"
  echo "- command: \`bench/multipath-throughput.sh${args_given[*]:+ ${args_given[*]}}\`"
  if [ "$expected_sessions" -gt 0 ]; then
    echo "- sessions: $sessions_a opened by A, $sessions_b accepted by B (expected $expected_sessions), $fallbacks direct fallbacks; A's log $problems_a, B's log $problems_b warnings or errors"
    echo "- multipath bytes per relay: $share"
  fi
  [ -n "$note" ] && echo "- note: $note"
  echo
  echo "| path | median Gbit/s | this ÷ single | this ÷ direct | MPP CPU s/GiB (A + B) | relay CPU s/GiB | total proxy CPU s/GiB |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for name in "${names[@]}"; do
    case $name in
      multipath) m=${medmpp[$name]}; r=${medrelay[$name]}; cm=$(printf '%.2f' "$m"); cr=$(printf '%.2f' "$r") ;;
      single) m=0; r=${medrelay[$name]}; cm=—; cr=$(printf '%.2f' "$r") ;;
      *) m=0; r=0; cm=—; cr=— ;;
    esac
    total=$([ "$name" = direct ] && echo — || awk -v a="$m" -v b="$r" 'BEGIN { printf "%.2f", a + b }')
    printf '| %s | %.2f | %s | %s | %s | %s | %s |\n' "$name" "${med[$name]}" "$(ratio "${med[$name]}" "${med[single]:-0}")" \
      "$(ratio "${med[$name]}" "${med[direct]:-0}")" "$cm" "$cr" "$total"
  done
  echo
  if [ -n "${med[multipath]:-}" ] && [ -n "${med[single]:-}" ]; then
    verdict=$(awk -v a="${med[multipath]}" -v b="${med[single]}" 'BEGIN { print (a / b >= 0.33) ? "met" : "not met" }')
    echo "**multipath ÷ single relay = $(ratio "${med[multipath]}" "${med[single]}")** (goal: ≥ 0.33×, $verdict);"
    echo "median of the per-round ratios (both measured in the same round): $(printf '%.2f×' "$(median <<<"$paired")")."
    echo
  fi
  echo "Raw samples in the order they were taken, Gbit/s and in brackets the CPU seconds of the download:"
  echo "multipath (MPP A + B, the three relays), single (the relay)."
  echo
  for name in "${names[@]}"; do
    echo "- $name: ${raw[$name]%, }"
  done
} >"$section"

echo
cat "$section"
echo
echo "logs: $out/mp-a.log, $out/mp-b.log, $out/mp-dante{1,2,3}.log, $out/mp-source.log"

if $write; then
  if [ "$size" != $((1 << 30)) ] || [ "${names[*]}" != "${all_names[*]}" ]; then
    echo "(not written to docs: the section is for 1 GiB downloads through all three paths)"
    exit 0
  fi
  doc=$root/docs/benchmarks.md
  mkdir -p "$(dirname "$doc")"
  [ -f "$doc" ] || printf '# Benchmarks\n' >"$doc"
  # Replace our section (from its heading to the next "## " heading) or append it; keep the rest.
  awk -v file="$section" '
    function emit() { while ((getline l < file) > 0) print l; done = 1 }
    /^## Multipath throughput \(loopback, three Dante relays\)/ { skip = 1; emit(); next }
    skip && /^## / { skip = 0; print "" }
    !skip { print; last = $0 }
    END { if (!done) { if (last != "") print ""; emit() } }
  ' "$doc" >"$work/doc.md"
  cp "$work/doc.md" "$doc"
  echo "written to ${doc#"$root"/}"
fi
