#!/usr/bin/env bash
# Heimdall's own cost, measured end to end against nginx proxying the same upstream, in the same run,
# on the same machine. Everything listens on 127.0.0.1 and is stopped by PID on exit.
#
#   bench/run.sh            full run: 3 interleaved rounds, 10 s per measurement (about 8 minutes)
#   bench/run.sh --smoke    a few seconds per step, one round: proves the script works (CI runs this)
#
# Environment: ROUNDS, DURATION (seconds), PORT_BASE (default 18080), JAVA_OPTS (Heimdall's JVM options).
# Writes the table to bench/results/latest.md and prints it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SMOKE=0
[[ "${1:-}" == "--smoke" ]] && SMOKE=1
ROUNDS=${ROUNDS:-$([[ $SMOKE == 1 ]] && echo 1 || echo 3)}
DURATION=${DURATION:-$([[ $SMOKE == 1 ]] && echo 2 || echo 10)}
STREAM_SAMPLES=$([[ $SMOKE == 1 ]] && echo 20 || echo 300)
PORT_BASE=${PORT_BASE:-18080}
UP=$((PORT_BASE + 1))
NGX=$((PORT_BASE + 2))
HD=$((PORT_BASE + 3))
# One event loop per core, as nginx runs one worker per core (worker_processes auto).
# A fixed heap with a large young generation: fewer, short GC pauses (the c=1 p99 depends on it).
JAVA_OPTS=${JAVA_OPTS:-"-Xms192m -Xmx192m -Xmn128m -XX:+UseParallelGC -Dquarkus.vertx.event-loops-pool-size=$(nproc)"}
WORK=$(mktemp -d /tmp/heimdall-bench.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.3
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { echo "[bench] $*" >&2; }

# --- tools ------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  log "installing wrk and nginx from Debian"
  SUDO=$([[ $(id -u) == 0 ]] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk nginx-light >/dev/null
fi
NGINX=$(command -v nginx)
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
if [[ ! -f "$JAR" ]]; then
  log "building the jar"
  (cd "$ROOT" && ./mvnw -B -q -ntp package -DskipTests)
fi

# --- fixtures ---------------------------------------------------------------------------------------
CHAT_JSON='{"id":"chatcmpl-bench","object":"chat.completion","created":1,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"The quick brown fox jumps over the lazy dog."},"finish_reason":"stop"}],"usage":{"prompt_tokens":512,"completion_tokens":12,"total_tokens":524}}'
SSE=""
for i in $(seq 0 49); do
  SSE+='data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"bench","choices":[{"index":0,"delta":{"content":"token'$i' "},"finish_reason":null}]}\n\n'
done
SSE+='data: [DONE]\n\n'

request_body() { # model, stream, approximate size in bytes
  local filler
  filler=$(head -c "$3" /dev/zero | tr '\0' 'a' | fold -w 80 | paste -sd' ')
  printf '{"model":"%s","stream":%s,"temperature":0.2,"max_tokens":256,"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"%s"}]}' "$1" "$2" "$filler"
}
request_body openai/bench false 1800 > "$WORK/body2k.json"
request_body openai/bench false 19800 > "$WORK/body20k.json"
request_body vllm/bench true 1800 > "$WORK/stream.json"
cat > "$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
LUA

# --- the upstream: nginx answering canned OpenAI JSON and SSE, the cheapest possible backend ---------
mkdir -p "$WORK/up/www/sse/v1/chat" "$WORK/ngx"
printf '%b' "$SSE" > "$WORK/up/www/sse/v1/chat/completions"
cat > "$WORK/up/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/up/nginx.pid;
error_log $WORK/up/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/up; proxy_temp_path $WORK/up; fastcgi_temp_path $WORK/up; uwsgi_temp_path $WORK/up; scgi_temp_path $WORK/up;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$UP;
    client_body_buffer_size 64k;
    location = /json/v1/chat/completions { default_type application/json; return 200 '$CHAT_JSON'; }
    # Too long for an inline return: a static file, which nginx serves to POST through the 405 error page.
    location = /sse/v1/chat/completions { root $WORK/up/www; default_type text/event-stream; error_page 405 =200 \$uri; }
  }
}
EOF
# --- the baseline: nginx as a reverse proxy to the same upstream, pooled keep-alive, no buffering ----
cat > "$WORK/ngx/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/ngx/nginx.pid;
error_log $WORK/ngx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/ngx; proxy_temp_path $WORK/ngx; fastcgi_temp_path $WORK/ngx; uwsgi_temp_path $WORK/ngx; scgi_temp_path $WORK/ngx;
  keepalive_requests 1000000;
  upstream backend { server 127.0.0.1:$UP; keepalive 128; }
  server {
    listen 127.0.0.1:$NGX;
    client_body_buffer_size 64k;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
EOF
chmod -R a+rX "$WORK"   # nginx workers run unprivileged; mktemp made the folder private
"$NGINX" -c "$WORK/up/nginx.conf" -g 'daemon off;' & PIDS+=($!)
"$NGINX" -c "$WORK/ngx/nginx.conf" -g 'daemon off;' & PIDS+=($!)

# --- Heimdall, JVM mode, on a config.json pointing at the upstream -----------------------------------
mkdir -p "$WORK/hd"
cat > "$WORK/hd/config.json" <<EOF
{
  "providers": {
    "openai": {"keys": [{"name": "bench", "value": "sk-bench", "models": ["bench"]}],
               "network_config": {"base_url": "http://127.0.0.1:$UP/json"}},
    "vllm":   {"keys": [{"name": "bench", "value": "", "models": ["bench"]}],
               "network_config": {"base_url": "http://127.0.0.1:$UP/sse"}}
  }
}
EOF
wait_for() { # url, seconds
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$1" 2>/dev/null; do
    (( SECONDS < deadline )) || { log "timed out waiting for $1"; return 1; }
    sleep 0.01
  done
}
START_NS=$(date +%s%N)
# shellcheck disable=SC2086
HEIMDALL_APP_DIR="$WORK/hd" java $JAVA_OPTS -Dquarkus.http.port=$HD -Dquarkus.http.host=127.0.0.1 \
  -jar "$JAR" > "$WORK/hd/heimdall.log" 2>&1 & HD_PID=$!
PIDS+=($HD_PID)
wait_for "http://127.0.0.1:$HD/q/health/ready" 60
READY_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))
wait_for "http://127.0.0.1:$UP/json/v1/chat/completions" 10 || true
curl -fs -o /dev/null -X POST "http://127.0.0.1:$NGX/json/v1/chat/completions"
log "Heimdall ready in ${READY_MS} ms (JVM: $JAVA_OPTS)"

url() { # target, kind(json|sse)
  case $1 in
    direct) echo "http://127.0.0.1:$UP/$2/v1/chat/completions" ;;
    nginx) echo "http://127.0.0.1:$NGX/$2/v1/chat/completions" ;;
    heimdall) echo "http://127.0.0.1:$HD/v1/chat/completions" ;;
  esac
}

to_us() { # wrk's "94.00us", "1.23ms", "2.00s" to microseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /s$/) print n * 1000000; else print n }'
}

RSS_MAX_KB=0
sample_rss() { # while wrk runs: the largest resident set Heimdall reached
  local kb
  while kill -0 "$1" 2>/dev/null; do
    kb=$(awk '/VmRSS/ {print $2}' "/proc/$HD_PID/status" 2>/dev/null || echo 0)
    (( kb > RSS_MAX_KB )) && RSS_MAX_KB=$kb && echo "$kb" > "$WORK/rss"
    sleep 0.25
  done
}

RESULTS="$WORK/results.tsv"   # scenario target round metric value
run_wrk() { # scenario, target, round, connections, threads, body
  local out
  BODY="$WORK/$6" wrk -t"$5" -c"$4" -d"${DURATION}s" --latency -s "$WORK/post.lua" "$(url "$2" json)" > "$WORK/wrk.out" 2>&1 &
  local wrk_pid=$!
  [[ $2 == heimdall ]] && sample_rss "$wrk_pid" &
  wait "$wrk_pid"
  out=$(cat "$WORK/wrk.out")
  if grep -q "Non-2xx" <<<"$out"; then log "non-2xx answers in $1/$2: $(grep Non-2xx <<<"$out")"; exit 1; fi
  printf '%s\t%s\t%s\tp50\t%s\n' "$1" "$2" "$3" "$(to_us "$(awk '$1 == "50%" {print $2}' <<<"$out")")" >> "$RESULTS"
  printf '%s\t%s\t%s\tp99\t%s\n' "$1" "$2" "$3" "$(to_us "$(awk '$1 == "99%" {print $2}' <<<"$out")")" >> "$RESULTS"
  printf '%s\t%s\t%s\trps\t%s\n' "$1" "$2" "$3" "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" >> "$RESULTS"
}

run_stream() { # target, round: time to first byte and total for a 50-chunk SSE answer, c=1
  local u i
  u=$(url "$1" sse)
  : > "$WORK/stream.times"
  for i in $(seq "$STREAM_SAMPLES"); do
    curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary @"$WORK/stream.json" \
      -w '%{time_starttransfer} %{time_total}\n' "$u" >> "$WORK/stream.times"
  done
  local chunks
  chunks=$(curl -sN -H 'Content-Type: application/json' --data-binary @"$WORK/stream.json" "$u" | grep -c '^data: ')
  [[ $chunks == 51 ]] || { log "$1 relayed $chunks SSE events, expected 51"; exit 1; }
  printf 'stream\t%s\t%s\tttfb\t%s\n' "$1" "$2" "$(sort -n "$WORK/stream.times" | awk '{a[NR]=$1*1e6} END {print a[int((NR+1)/2)]}')" >> "$RESULTS"
  printf 'stream\t%s\t%s\ttotal\t%s\n' "$1" "$2" "$(sort -k2 -n "$WORK/stream.times" | awk '{a[NR]=$2*1e6} END {print a[int((NR+1)/2)]}')" >> "$RESULTS"
}

log "warming up (JIT)"
BODY="$WORK/body2k.json" wrk -t2 -c50 -d"$([[ $SMOKE == 1 ]] && echo 2 || echo 15)s" -s "$WORK/post.lua" "$(url heimdall json)" >/dev/null
BODY="$WORK/body2k.json" wrk -t2 -c50 -d2s -s "$WORK/post.lua" "$(url nginx json)" >/dev/null

for round in $(seq "$ROUNDS"); do
  for target in direct nginx heimdall; do
    log "round $round: $target"
    run_wrk c1-2k "$target" "$round" 1 1 body2k.json
    run_wrk c50-2k "$target" "$round" 50 2 body2k.json
    run_wrk c1-20k "$target" "$round" 1 1 body20k.json
    run_wrk c50-20k "$target" "$round" 50 2 body20k.json
    run_stream "$target" "$round"
  done
done
RSS_MB=$(( $(cat "$WORK/rss" 2>/dev/null || echo 0) / 1024 ))

# --- the table: medians over rounds, added = via proxy − direct, ratios Heimdall / nginx ---------------
median() { sort -n | awk '{a[NR]=$1} END { if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2 }'; }
get() { awk -F'\t' -v s="$1" -v t="$2" -v m="$3" '$1==s && $2==t && $4==m {print $5}' "$RESULTS" | median; }
fmt() { awk -v v="$1" 'BEGIN { if (v >= 1000) printf "%.2f ms", v / 1000; else printf "%.0f µs", v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "n/a"; else printf "%.2f×", a / b }'; }

OUT="$ROOT/bench/results/latest.md"
mkdir -p "$(dirname "$OUT")"
{
  echo "Heimdall $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) cores, $(date -u +%Y-%m-%d); $ROUNDS round(s), ${DURATION} s each, medians."
  echo "JVM: \`$JAVA_OPTS\`; nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') with keep-alive upstream pool and proxy_buffering off."
  echo
  echo "| scenario | direct | via nginx | via Heimdall | added by nginx | added by Heimdall | Heimdall / nginx |"
  echo "|---|---|---|---|---|---|---|"
  for s in c1-2k c1-20k; do
    for m in p50 p99; do
      d=$(get $s direct $m); n=$(get $s nginx $m); h=$(get $s heimdall $m)
      an=$(awk -v a="$n" -v b="$d" 'BEGIN {print a - b}'); ah=$(awk -v a="$h" -v b="$d" 'BEGIN {print a - b}')
      echo "| ${s%%-*} ${s##*-} body, latency $m | $(fmt "$d") | $(fmt "$n") | $(fmt "$h") | $(fmt "$an") | $(fmt "$ah") | $(ratio "$ah" "$an") |"
    done
  done
  for s in c50-2k c50-20k; do
    d=$(get $s direct rps); n=$(get $s nginx rps); h=$(get $s heimdall rps)
    echo "| ${s%%-*} ${s##*-} body, throughput (req/s) | $(printf '%.0f' "$d") | $(printf '%.0f' "$n") | $(printf '%.0f' "$h") | | | $(ratio "$h" "$n") |"
    d=$(get $s direct p99); n=$(get $s nginx p99); h=$(get $s heimdall p99)
    echo "| ${s%%-*} ${s##*-} body, latency p99 | $(fmt "$d") | $(fmt "$n") | $(fmt "$h") | | | $(ratio "$h" "$n") |"
  done
  for m in ttfb total; do
    d=$(get stream direct $m); n=$(get stream nginx $m); h=$(get stream heimdall $m)
    an=$(awk -v a="$n" -v b="$d" 'BEGIN {print a - b}'); ah=$(awk -v a="$h" -v b="$d" 'BEGIN {print a - b}')
    label=$([[ $m == ttfb ]] && echo "time to first chunk" || echo "time to last chunk")
    echo "| c1 stream of 50 SSE chunks, $label | $(fmt "$d") | $(fmt "$n") | $(fmt "$h") | $(fmt "$an") | $(fmt "$ah") | $(ratio "$ah" "$an") |"
  done
  echo
  echo "Heimdall: start to ready ${READY_MS} ms; largest RSS during the c=50 runs ${RSS_MB} MB."
} > "$OUT"
cat "$OUT"
