#!/usr/bin/env bash
# A shaped multi-host testbed of network namespaces: a client, three routes through three relay
# hosts, and a server host. bench/aggregate.sh measures MPP, kernel MPTCP and plain TCP on it.
#
#   client (mtb-cli) ──┬── router 1 (mtb-rt1) ── relay host 1 (mtb-relay1) ──┬── server (mtb-dst)
#    node A, curl      ├── router 2 (mtb-rt2) ── relay host 2 (mtb-relay2) ──┤   node B, HTTP
#                      └── router 3 (mtb-rt3) ── relay host 3 (mtb-relay3) ──┘   source, sink
#
# Route i (1-3), all addresses private and inside the namespaces only:
#   client 10.99.i.1     ─ 10.99.i.2      router i 10.99.1i.1 ─ 10.99.1i.2 relay host i
#   relay host i 10.99.2i.1 ─ 10.99.2i.2 server
# - Router i shapes both directions with `tc tbf` to the route's rate (tbf counts layer-2 bytes, so
#   a route's TCP goodput ceiling is about 0.956 × its rate) and, when the route has an RTT, delays
#   every forwarded packet by RTT/2 each way: policy routing (`ip rule … iif`) sends the packets
#   into a TUN device served by bench/testbed/delayline.c (a FIFO; this kernel has no netem).
# - Relay host i runs Dante on 10.99.1i.2:1080 (its side towards the client), connecting out from
#   10.99.2i.1, and forwards IP too, so that kernel MPTCP's subflows can cross it.
# - The server runs bench/HttpSource.java on 0.0.0.0:8080 (GET /N answers N bytes) under
#   `mptcpize run`, so it accepts MPTCP and plain TCP alike. It has one address per route; MPTCP
#   limits are raised on both ends and the server signals its other two addresses, so a connection
#   to 10.99.21.2 gets one subflow per route.
# - The client routes 10.99.1i.0/24 and 10.99.2i.0/24 through router i.
#
# Usage
#   bench/testbed.sh up SCENARIO      build it (any earlier testbed is taken down first)
#   bench/testbed.sh down             stop its processes and delete its namespaces
#   bench/testbed.sh silence I | unsilence I    route I drops every packet, silently | again not
#   bench/testbed.sh kill-relay I | start-relay I    stop | start relay host I's Dante
#   bench/testbed.sh scenarios        list the scenarios
#   Run a command on a host: ip netns exec mtb-cli curl --socks5 10.99.11.2:1080 http://10.99.21.2:8080/1000
# The processes it starts run in process groups of their own; their ids and logs are kept in
# /run/mpp-testbed, which `down` uses. bench/aggregate.sh sources this file for its functions.
#
# Needs: root, iproute2 (ip, tc), a C compiler, danted (dante-server), mptcpize (mptcpd), a JDK 25.
#   On Debian: apt-get install -y iproute2 gcc dante-server mptcpd curl ncat gnuplot-nox
set -euo pipefail

tb_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
tb_run=/run/mpp-testbed
tb_java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
tb_namespaces=(mtb-cli mtb-rt1 mtb-rt2 mtb-rt3 mtb-relay1 mtb-relay2 mtb-relay3 mtb-dst)
tb_source_port=8080
tb_sink_port=9000
tb_relay_port=1080
tb_server=10.99.21.2   # the server's address on route 1, the one clients connect to

# ---- scenarios --------------------------------------------------------------------------------
# Sets rates (Mbit/s), rtts (ms, 0: no delay line), failure ("", kill-relay or silent-route),
# fail_route (1-3), fail_after (seconds into a transfer) and title, for scenario $1.
scenario() {
  failure="" fail_route=0 fail_after=0
  case $1 in
    equal)        rates=(30 30 30); rtts=(0 0 0);     title="3 × 30 Mbit/s" ;;
    unequal)      rates=(20 30 50); rtts=(0 0 0);     title="20 / 30 / 50 Mbit/s" ;;
    unequal2)     rates=(10 30 60); rtts=(0 0 0);     title="10 / 30 / 60 Mbit/s" ;;
    rtt)          rates=(10 30 60); rtts=(80 20 4);   title="10 Mbit/s at 80 ms, 30 at 20 ms, 60 at 4 ms RTT" ;;
    rtt2)         rates=(20 30 50); rtts=(10 40 160); title="20 Mbit/s at 10 ms, 30 at 40 ms, 50 at 160 ms RTT" ;;
    kill-relay)   rates=(30 30 30); rtts=(10 10 10);  failure=kill-relay;   fail_route=2; fail_after=3
                  title="3 × 30 Mbit/s at 10 ms RTT; relay 2's Dante killed 3 s into each transfer" ;;
    silent-route) rates=(30 30 30); rtts=(10 10 10);  failure=silent-route; fail_route=2; fail_after=3
                  title="3 × 30 Mbit/s at 10 ms RTT; route 2 drops every packet from 3 s into each transfer" ;;
    *) echo "unknown scenario: $1 (bench/testbed.sh scenarios)" >&2; return 2 ;;
  esac
}
tb_scenarios=(equal unequal unequal2 rtt rtt2 kill-relay silent-route)

# ---- helpers ----------------------------------------------------------------------------------
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# Starts a command in namespace $2, in a process group of its own, logging to $tb_run/$1.log;
# its process-group id goes to $tb_run/$1.pgid.
tb_start() {
  local name=$1 ns=$2; shift 2
  setsid ip netns exec "$ns" "$@" >"$tb_run/$name.log" 2>&1 </dev/null &
  echo $! >"$tb_run/$name.pgid"
}

# Stops the process group recorded as $1 (TERM, then KILL after 1 s), if it still runs.
tb_stop() {
  local file=$tb_run/$1.pgid pg
  [ -f "$file" ] || return 0
  pg=$(cat "$file")
  if kill -TERM -- "-$pg" 2>/dev/null; then
    for _ in $(seq 10); do kill -0 -- "-$pg" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pg" 2>/dev/null || true
  fi
  rm -f "$file"
}

# Waits until something listens on TCP $3 in namespace $2 (ss, so no probe reaches the server).
tb_wait_listen() {
  local name=$1 ns=$2 port=$3
  for _ in $(seq 200); do
    in_ns "$ns" ss -Hltn "sport = :$port" | grep -q . && return 0
    kill -0 -- "-$(cat "$tb_run/$name.pgid")" 2>/dev/null || break
    sleep 0.1
  done
  echo "$name did not start listening on port $port; see $tb_run/$name.log" >&2
  return 1
}

# Creates a veth pair: $2 in namespace $1 with address $3, $5 in namespace $4 with address $6.
tb_link() {
  ip link add name "$2" netns "$1" type veth peer name "$5" netns "$4"
  in_ns "$1" ip addr add "$3/24" dev "$2"; in_ns "$1" ip link set "$2" up
  in_ns "$4" ip addr add "$6/24" dev "$5"; in_ns "$4" ip link set "$5" up
}

tb_sysctls() {
  local ns=$1 forward=$2
  in_ns "$ns" sysctl -qw net.ipv4.ip_forward="$forward" net.ipv4.conf.all.rp_filter=0 \
    net.ipv4.conf.default.rp_filter=0
  in_ns "$ns" ip link set lo up
}

# Shapes router i's two egress sides to $2 Mbit/s (a bottleneck queue of 100 ms at that rate).
tb_shape() {
  local i=$1 rate=$2 dev
  for dev in cli relay; do
    in_ns "mtb-rt$i" tc qdisc replace dev "$dev" root tbf rate "${rate}mbit" burst 32kb latency 100ms
  done
}

# Router i's delay line: every packet it forwards waits RTT/2 in a TUN device, each way.
tb_delay() {
  local i=$1 rtt=$2 ns=mtb-rt$1
  [ "$rtt" -gt 0 ] || return 0
  tb_start "delay$i" "$ns" "$tb_run/delayline" delay "$((rtt * 500))"
  for _ in $(seq 50); do grep -q '^ready' "$tb_run/delay$i.log" 2>/dev/null && break; sleep 0.1; done
  in_ns "$ns" ip link set delay up
  in_ns "$ns" sysctl -qw net.ipv4.conf.delay.rp_filter=0
  in_ns "$ns" ip route add default dev delay table 100
  in_ns "$ns" ip rule add iif cli lookup 100 pref 100
  in_ns "$ns" ip rule add iif relay lookup 100 pref 101
}

tb_dante_conf() {
  local i=$1
  cat <<EOF
logoutput: stderr
internal: 10.99.1$i.2 port = $tb_relay_port
external: 10.99.2$i.1
socksmethod: none
clientmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 10.99.0.0/16 to: 0.0.0.0/0 }
socks pass { from: 10.99.0.0/16 to: 10.99.0.0/16 }
socks block { from: 0.0.0.0/0 to: 0.0.0.0/0 }
EOF
}

tb_start_relay() {
  local i=$1
  tb_dante_conf "$i" >"$tb_run/danted$i.conf"
  tb_start "dante$i" "mtb-relay$i" danted -f "$tb_run/danted$i.conf" -p "$tb_run/danted$i.pid"
  tb_wait_listen "dante$i" "mtb-relay$i" "$tb_relay_port"
  tb_check_route "$i"
}

tb_kill_relay() { tb_stop "dante$1"; }

# Waits (up to 10 s) until a request from the client through relay $1 reaches the source: Dante
# can refuse connections for a moment after its port shows up as listening.
tb_check_route() {
  local i=$1
  for _ in $(seq 20); do
    in_ns mtb-cli curl -s -o /dev/null --max-time 2 --socks5 "10.99.1$i.2:$tb_relay_port" \
      "http://10.99.2$i.2:$tb_source_port/1000" && return 0
    sleep 0.5
  done
  echo "route $i does not carry a request through its relay; see $tb_run/dante$i.log" >&2
  return 1
}

# Route i drops everything it would forward, without a word (a blackhole route, no ICMP).
tb_silence() {
  local ns=mtb-rt$1
  in_ns "$ns" ip route replace blackhole default table 200
  in_ns "$ns" ip rule add iif cli lookup 200 pref 50
  in_ns "$ns" ip rule add iif relay lookup 200 pref 51
}

tb_unsilence() {
  local ns=mtb-rt$1
  in_ns "$ns" ip rule del pref 50 2>/dev/null || true
  in_ns "$ns" ip rule del pref 51 2>/dev/null || true
}

# ---- up and down ------------------------------------------------------------------------------
tb_network() {
  local i
  for ns in "${tb_namespaces[@]}"; do ip netns add "$ns"; done
  tb_sysctls mtb-cli 0; tb_sysctls mtb-dst 0
  for i in 1 2 3; do
    tb_sysctls "mtb-rt$i" 1; tb_sysctls "mtb-relay$i" 1
    tb_link mtb-cli "r$i" "10.99.$i.1" "mtb-rt$i" cli "10.99.$i.2"
    tb_link "mtb-rt$i" relay "10.99.1$i.1" "mtb-relay$i" rt "10.99.1$i.2"
    tb_link "mtb-relay$i" dst "10.99.2$i.1" mtb-dst "relay$i" "10.99.2$i.2"
    in_ns mtb-cli ip route add "10.99.1$i.0/24" via "10.99.$i.2"
    in_ns mtb-cli ip route add "10.99.2$i.0/24" via "10.99.$i.2"
    in_ns "mtb-rt$i" ip route add "10.99.2$i.0/24" via "10.99.1$i.2"
    in_ns "mtb-relay$i" ip route add "10.99.$i.0/24" via "10.99.1$i.1"
    in_ns mtb-dst ip route add "10.99.$i.0/24" via "10.99.2$i.1"
    in_ns mtb-dst ip route add "10.99.1$i.0/24" via "10.99.2$i.1"
  done
}

tb_mptcp() {
  local ns i
  for ns in mtb-cli mtb-dst; do
    in_ns "$ns" sysctl -qw net.mptcp.enabled=1
    in_ns "$ns" ip mptcp limits set subflow 8 add_addr_accepted 8
  done
  for i in 2 3; do in_ns mtb-dst ip mptcp endpoint add "10.99.2$i.2" dev "relay$i" signal; done
}

tb_up() {
  scenario "$1"
  tb_down
  mkdir -p "$tb_run"
  echo "$1" >"$tb_run/scenario"
  cc -O2 -Wall -o "$tb_run/delayline" "$tb_here/testbed/delayline.c"
  tb_network
  tb_mptcp
  tb_start source mtb-dst mptcpize run "$tb_java" "$tb_here/HttpSource.java" "$tb_source_port" 0.0.0.0
  tb_wait_listen source mtb-dst "$tb_source_port"
  local i
  for i in 1 2 3; do
    tb_shape "$i" "${rates[i - 1]}"
    tb_delay "$i" "${rtts[i - 1]}"
    tb_start_relay "$i"
  done
  echo "testbed up: $1 ($title)"
}

tb_down() {
  local f ns
  if [ -d "$tb_run" ]; then
    for f in "$tb_run"/*.pgid; do [ -e "$f" ] && tb_stop "$(basename "$f" .pgid)"; done
  fi
  for ns in "${tb_namespaces[@]}"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -f "$tb_run"/*.pid "$tb_run/scenario"
}

tb_main() {
  [ "$(id -u)" = 0 ] || { echo "bench/testbed.sh needs root (namespaces, tc)" >&2; exit 2; }
  case ${1:-} in
    up) [ $# = 2 ] || { echo "usage: $0 up SCENARIO" >&2; exit 2; }; tb_up "$2" ;;
    down) tb_down; echo "testbed down" ;;
    silence) tb_silence "$2" ;;
    unsilence) tb_unsilence "$2" ;;
    kill-relay) tb_kill_relay "$2" ;;
    start-relay) tb_start_relay "$2" ;;
    scenarios) for s in "${tb_scenarios[@]}"; do scenario "$s"; printf '%-13s %s\n' "$s" "$title"; done ;;
    -h|--help|"") sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' ;;
    *) echo "unknown command: $1 (see --help)" >&2; exit 2 ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then tb_main "$@"; fi
