#!/usr/bin/env bash
# Benchmarks the frame codecs (JMH, one core, about two minutes) and writes the results into the
# section "## Frame codecs" of docs/benchmarks.md, leaving the file's other sections alone.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -ntp -Pbench -pl bench/jmh -am -DskipTests package
mkdir -p bench/out
"$JAVA_HOME/bin/java" -jar bench/jmh/target/benchmarks.jar docs/benchmarks.md | tee bench/out/codec-bench.txt
