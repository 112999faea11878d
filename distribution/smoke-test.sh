#!/usr/bin/env bash
# Checks the built image as a user gets it: copied to a folder whose name has a space, run with an
# empty environment (no JDK, no PATH), serving a real download, and stopped by SIGTERM.
# Usage: distribution/smoke-test.sh [IMAGE]   (default: distribution/target/mpp)
set -euo pipefail
image=$(cd "${1:-$(dirname "$0")/target/mpp}" && pwd)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "smoke test FAILED: $*" >&2; exit 1; }

cp -a "$image" "$work/mpp image"
mpp="$work/mpp image/bin/mpp"

env -i "$mpp" --version | grep -Eq '^mpp [0-9]' || fail "--version"
env -i "$mpp" plugins | grep -Eq '^inbound +socks5 +dev\.mpp\.plugin\.socks5' || fail "plugins does not list socks5"

# A file to fetch, served on loopback by a one-shot ncat.
head -c 8388608 /dev/urandom > "$work/payload"
want=$(sha256sum < "$work/payload" | cut -d' ' -f1)
port=$(( 20000 + RANDOM % 20000 ))
{ printf 'HTTP/1.0 200 OK\r\nContent-Length: 8388608\r\n\r\n'; cat "$work/payload"; } > "$work/response"
ncat -l 127.0.0.1 "$port" < "$work/response" > /dev/null & pids+=($!)

socks=$(( port + 1 ))
printf '{"socks": {"listen": "127.0.0.1:%d", "shutdownGrace": "2s"}}\n' "$socks" > "$work/mpp.json"
env -i "$mpp" run --config "$work/mpp.json" 2> "$work/mpp.log" & node=$!; pids+=($node)
for _ in $(seq 100); do grep -q 'SOCKS5 listening' "$work/mpp.log" && break; sleep 0.1; done
got=$(curl -sS --max-time 30 --socks5 "127.0.0.1:$socks" "http://127.0.0.1:$port/payload" | sha256sum | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "download through the image: sha256 $got, expected $want"

kill -TERM "$node"
for _ in $(seq 100); do kill -0 "$node" 2>/dev/null || break; sleep 0.1; done
kill -0 "$node" 2>/dev/null && fail "mpp did not stop within 10 s of SIGTERM"
grep -q 'stopped' "$work/mpp.log" || fail "mpp did not log its shutdown: $(cat "$work/mpp.log")"
echo "image smoke test passed: runs without a JDK from a path with a space, serves SOCKS5, stops on SIGTERM"
