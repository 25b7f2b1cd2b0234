#!/usr/bin/env bash
# Measures the figures reported in docs/performance.md: binary size,
# start-up time, resident memory at idle, and requests/s of /healthz and of
# the logged-in home page under wrk on loopback. Needs wrk (apt-get install
# wrk) and curl. Usage: bench/figures.sh [postgres://… to measure PostgreSQL]
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -trimpath -ldflags "-s -w" -o "$work/comptoir" ./cmd/comptoir
printf '| figure | value |\n|---|---|\n'
printf '| binary size (stripped) | %s MiB |\n' "$(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$work/comptoir")/1048576}")"

db=(--data "$work/data")
[ $# -gt 0 ] && db=(--database "$1")
port=18089
"$work/comptoir" demo "${db[@]}" --addr 127.0.0.1:$port >"$work/demo.txt" 2>/dev/null
start=$(date +%s%N)
"$work/comptoir" serve "${db[@]}" --addr 127.0.0.1:$port --log-level warn 2>"$work/serve.log" &
pid=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.005; done
printf '| start-up to first /healthz | %d ms |\n' $(( ($(date +%s%N) - start) / 1000000 ))
sleep 2
printf '| resident memory at idle | %d MiB |\n' $(( $(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024 ))

email=$(awk '/e-mail:/{print $2}' "$work/demo.txt")
pw=$(awk '/password:/{print $2}' "$work/demo.txt")
cookie=$(curl -s -o /dev/null -D - --data-urlencode "email=$email" --data-urlencode "password=$pw" \
  "http://127.0.0.1:$port/login" | awk -F'[ ;]' 'tolower($1)=="set-cookie:" && $2 ~ /session/ {print $2}')
rps() { wrk -t2 -c32 -d10s "$@" | awk '/Requests\/sec/{printf "%d", $2} /Latency/{lat=$2} END{printf " req/s (mean latency %s)", lat}'; }
printf '| GET /healthz, 32 connections | %s |\n' "$(rps "http://127.0.0.1:$port/healthz")"
printf '| GET / logged in, 32 connections | %s |\n' "$(rps -H "Cookie: $cookie" "http://127.0.0.1:$port/")"
printf '| resident memory after load | %d MiB |\n' $(( $(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024 ))
