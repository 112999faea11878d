#!/usr/bin/env bash
# Checks the release archive as a user gets it: unpacked into a folder whose name has a space, run
# with an empty environment (no JAVA_HOME, and a PATH on which no java can be found), serving a real
# download with the shipped conf/mpp.json (loopback only, ports moved), and stopped by SIGTERM.
# Usage: distribution/smoke-test.sh [ARCHIVE]   (default: distribution/target/mpp-*-linux-x64.tar.gz)
set -euo pipefail
archive=${1:-$(ls "$(dirname "$0")"/target/mpp-*-linux-x64.tar.gz)}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "smoke test FAILED: $*" >&2; exit 1; }

mkdir "$work/opt with space" "$work/empty-path"
tar -xzf "$archive" -C "$work/opt with space"
home=$(echo "$work/opt with space"/mpp-*)
[ -x "$home/bin/mpp" ] || fail "the archive has no mpp-<version>/bin/mpp"
mpp="$home/bin/mpp"
# No JDK: nothing on PATH (the launcher needs only shell built-ins), no JAVA_HOME.
scrubbed() { env -i PATH="$work/empty-path" "$@"; }
scrubbed /bin/sh -c 'command -v java' >/dev/null && fail "java is on the scrubbed PATH"

scrubbed "$mpp" --version | grep -Eq '^mpp [0-9]' || fail "--version"
scrubbed "$mpp" plugins > "$work/plugins.txt" || fail "plugins exited $?"
for name in socks5 mpp none username-password psk-hmac static direct socks5-chain text binary \
            round-robin weighted latency-aware redundant selective-repeat; do
  grep -Eq "^[a-z ]+ +$name +dev\.mpp\.[^ ]+ +[^ ]+ +built-in$" "$work/plugins.txt" || fail "plugins does not list $name"
done

# A file to fetch, served on loopback by a one-shot ncat.
head -c 8388608 /dev/urandom > "$work/payload"
want=$(sha256sum < "$work/payload" | cut -d' ' -f1)
port=$(( 20000 + RANDOM % 20000 ))
{ printf 'HTTP/1.0 200 OK\r\nContent-Length: 8388608\r\n\r\n'; cat "$work/payload"; } > "$work/response"
ncat -l 127.0.0.1 "$port" < "$work/response" > /dev/null & pids+=($!)

# The shipped config, on free ports, routing the download over its two paths and its own peer port.
socks=$(( port + 1 )); peer=$(( port + 2 ))
sed -e "s/127\.0\.0\.1:1080/127.0.0.1:$socks/g" -e "s/127\.0\.0\.1:7700/127.0.0.1:$peer/g" \
    -e "s/127\.0\.0\.1:8000/127.0.0.1:$port/g" "$home/conf/mpp.json" > "$home/conf/smoke.json"
scrubbed "$mpp" check-config "$home/conf/smoke.json" >/dev/null || fail "check-config of the shipped config"
# Started directly (not through a function or subshell), so $! is mpp's own pid: env and the launcher exec.
env -i PATH="$work/empty-path" "$mpp" run --config "$home/conf/smoke.json" 2> "$work/mpp.log" & node=$!; pids+=($node)
for _ in $(seq 100); do grep -q 'SOCKS5 listening' "$work/mpp.log" && break; sleep 0.1; done
got=$(curl -sS --max-time 30 --socks5 "127.0.0.1:$socks" "http://127.0.0.1:$port/payload" | sha256sum | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "download through the image: sha256 $got, expected $want; log: $(cat "$work/mpp.log")"

kill -TERM "$node"
for _ in $(seq 100); do kill -0 "$node" 2>/dev/null || break; sleep 0.1; done
kill -0 "$node" 2>/dev/null && fail "mpp did not stop within 10 s of SIGTERM"
grep -q 'stopped' "$work/mpp.log" || fail "mpp did not log its shutdown: $(cat "$work/mpp.log")"
echo "release smoke test passed: the archive runs without a JDK from a path with a space, lists every built-in provider, serves a download with its shipped config, stops on SIGTERM"
