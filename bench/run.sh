#!/usr/bin/env bash
# Heimdall's own cost, measured end to end against nginx proxying the same upstream, in the same run,
# on the same machine. Everything listens on 127.0.0.1 and is stopped by PID on exit.
#
#   bench/run.sh                   full run: 3 interleaved rounds, 10 s per measurement (about 11 minutes,
#                                  about 17 with --compare, plus the build)
#   bench/run.sh --smoke           1 s per step, one round, both configurations: proves the script works
#                                  (CI runs this; about 60 s on an idle 2-core machine)
#   bench/run.sh --compare <ref>   before/after in one run: builds <ref> in a temporary git worktree
#                                  (./mvnw package there), copies its target/quarkus-app/ out, removes the
#                                  worktree, then measures both builds in every round ("before" = <ref>,
#                                  "after" = this working tree's jar). Combines with --smoke.
#   BASELINE_JAR=/path/to/target/quarkus-app/quarkus-run.jar bench/run.sh
#                                  the same comparison against an already built jar (its whole
#                                  quarkus-app/ directory is copied and used).
#
# What is measured, per round and in this order: the upstream directly, nginx as a reverse proxy, then
# for each Heimdall build (builds alternate which goes first from round to round):
#   plain  today's defaults: providers only (request log on, no tracing plugin);
#   prod   production-like: the otel plugin exporting every span (message content captured) to a local
#          sink, the request log on, and one virtual key with a rate limit and a budget. The sink is a separate nginx that reads each POST
#          /<instance>/v1/traces in full, answers 200 with an empty body and logs the batch's size; after
#          every prod measurement the script waits for the exporter to go quiet, so the next measurement
#          does not pay for it and the batches count for the right scenario. The report says what share
#          of the requests' spans reached the sink.
# Each scenario: wrk at c=1 (latency) and c=50 (throughput) with 2 KB and 20 KB chat bodies, and curl
# timing a 50-chunk SSE stream. Translation: each build's plain instance also answers the 2 KB body for
# an Anthropic model (OpenAI's request translated to Anthropic's Messages API, the canned Anthropic
# message translated back), at c=1 and c=50, so both builds' JIT profiles see the same traffic; the
# "after" build's figures are reported next to its passthrough. Each Heimdall configuration of each build is its own JVM on its own port,
# started once, one after the other (start-to-ready measured while the others idle); only the one being
# measured is loaded, the others sit idle. RSS is sampled while each one is under load.
#
# Environment: ROUNDS, DURATION (seconds), PORT_BASE (default 18080; the script uses PORT_BASE+1 .. +7),
# JAVA_OPTS (Heimdall's JVM options), BASELINE_JAR, MVN_FLAGS (extra flags for the --compare build, e.g.
# -o), PROD_HEADERS (extra "Name: value" request headers, one per line, sent to the prod configuration
# only, e.g. a governance virtual key "x-bf-vk: ..."), KEEP_WORK=1 (keep the work folder: configs,
# Heimdall's logs, the sink's batch log).
# Writes the tables to bench/results/latest.md and prints them.
set -euo pipefail
export LC_ALL=C   # "." as the decimal point in $EPOCHREALTIME, printf and sort

ROOT=$(cd "$(dirname "$0")/.." && pwd)
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
SMOKE=0
COMPARE_REF=""
while (( $# )); do
  case $1 in
    --smoke) SMOKE=1 ;;
    --compare) [[ $# -ge 2 ]] || { echo "--compare needs a git ref" >&2; exit 2; }; COMPARE_REF=$2; shift ;;
    --compare=*) COMPARE_REF=${1#--compare=} ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
BASELINE_JAR=${BASELINE_JAR:-}
[[ -n $COMPARE_REF && -n $BASELINE_JAR ]] && { echo "use either --compare or BASELINE_JAR, not both" >&2; exit 2; }
ROUNDS=${ROUNDS:-$([[ $SMOKE == 1 ]] && echo 1 || echo 3)}
DURATION=${DURATION:-$([[ $SMOKE == 1 ]] && echo 1 || echo 10)}
STREAM_SAMPLES=$([[ $SMOKE == 1 ]] && echo 20 || echo 300)
WARMUP=$([[ $SMOKE == 1 ]] && echo 2 || echo 15)
CALIBRATION_REQUESTS=20   # per body kind and prod instance, to learn how many sink bytes one request's spans make
QUIET_SECONDS=2.5         # the exporter is idle once the sink heard nothing for this long (Heimdall exports every 2 s)
# How long to wait for a prod instance's last batch: past the exporter's 15 s timeout, which a stuck export
# waits out before the next batch goes. The smoke run only waits for quiet (its counts may then shift).
SETTLE_MAX=$([[ $SMOKE == 1 ]] && echo 6 || echo 25)
CALIBRATION_ATTEMPTS=$([[ $SMOKE == 1 ]] && echo 1 || echo 3)
PORT_BASE=${PORT_BASE:-18080}
UP=$((PORT_BASE + 1))     # the canned upstream
NGX=$((PORT_BASE + 2))    # nginx as the baseline proxy
SINK=$((PORT_BASE + 3))   # the trace sink
# Heimdall instances: PORT_BASE+4 .. +7, see PORT below
# One event loop per core, as nginx runs one worker per core (worker_processes auto).
# A fixed heap with a large young generation: fewer, short GC pauses (the c=1 p99 depends on it).
JAVA_OPTS=${JAVA_OPTS:-"-Xms192m -Xmx192m -Xmn128m -XX:+UseParallelGC -Dquarkus.vertx.event-loops-pool-size=$(nproc)"}
PROD_HEADERS=${PROD_HEADERS:-"x-bf-vk: sk-bf-bench-0123456789"}
WORK=$(mktemp -d /tmp/heimdall-bench.XXXXXX)
PIDS=()          # the nginx processes this script started, stopped on exit
HD_PIDS=()       # the Heimdall JVMs it started, stopped first
WRK_PID=""
BEFORE_WT=""     # the temporary worktree of --compare, removed on exit

stop_pids() { # pids...: TERM to all, up to 10 s to exit (Heimdall flushes its spans), then KILL
  local pid alive i
  (( $# )) || return 0
  kill "$@" 2>/dev/null || true
  for i in $(seq 100); do
    alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    (( alive )) || return 0
    sleep 0.1
  done
  kill -9 "$@" 2>/dev/null || true
}
cleanup() {
  [[ -n $WRK_PID ]] && kill "$WRK_PID" 2>/dev/null
  stop_pids "${HD_PIDS[@]}"   # Heimdall first, while the trace sink still answers
  stop_pids "${PIDS[@]}"
  if [[ -n $BEFORE_WT ]]; then
    git -C "$ROOT" worktree remove --force "$BEFORE_WT" 2>/dev/null || true
    git -C "$ROOT" worktree prune 2>/dev/null || true
  fi
  if [[ -n ${KEEP_WORK:-} ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[bench +${SECONDS}s] $*" >&2; }
die() { log "$*"; exit 1; }

# --- tools ------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  log "installing wrk and nginx from Debian"
  SUDO=$([[ $(id -u) == 0 ]] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk nginx-light >/dev/null
fi
NGINX=$(command -v nginx)

# --- the builds: "after" is this working tree's jar; "before" (optional) a git ref or BASELINE_JAR ---
# Each build's whole target/quarkus-app/ is copied into the work folder, so a rebuild during the run
# cannot change what is measured.
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
if [[ ! -f "$JAR" ]]; then
  log "building the jar"
  (cd "$ROOT" && ./mvnw -B -q -ntp package -DskipTests)
elif [[ -n $(cd "$ROOT" && find src pom.xml -newer "$JAR" -type f -print -quit 2>/dev/null) ]]; then
  log "WARNING: sources are newer than $JAR; run ./mvnw -B -q -ntp package -DskipTests to measure them"
fi
cp -a "$ROOT/target/quarkus-app" "$WORK/app-after"
AFTER_LABEL="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
[[ -n $(cd "$ROOT" && git status --porcelain --untracked-files=no 2>/dev/null) ]] && AFTER_LABEL+="+changes"
BUILDS=(after)
if [[ -n $COMPARE_REF ]]; then
  BEFORE_LABEL="$COMPARE_REF ($(git -C "$ROOT" rev-parse --short "$COMPARE_REF^{commit}"))" || die "unknown git ref $COMPARE_REF"
  BEFORE_WT="$WORK/src-before"
  log "building $BEFORE_LABEL in a temporary worktree"
  git -C "$ROOT" worktree add -q --detach "$BEFORE_WT" "$COMPARE_REF"
  # shellcheck disable=SC2086
  (cd "$BEFORE_WT" && ./mvnw -B -q -ntp ${MVN_FLAGS:-} package -DskipTests) > "$WORK/build-before.log" 2>&1 \
    || { tail -30 "$WORK/build-before.log" >&2; die "building $COMPARE_REF failed"; }
  [[ -f "$BEFORE_WT/target/quarkus-app/quarkus-run.jar" ]] || die "$COMPARE_REF built no target/quarkus-app/quarkus-run.jar"
  cp -a "$BEFORE_WT/target/quarkus-app" "$WORK/app-before"
  git -C "$ROOT" worktree remove --force "$BEFORE_WT" && git -C "$ROOT" worktree prune
  BEFORE_WT=""
  BUILDS=(before after)
elif [[ -n $BASELINE_JAR ]]; then
  [[ -f $BASELINE_JAR ]] || die "BASELINE_JAR $BASELINE_JAR does not exist"
  cp -a "$(dirname "$BASELINE_JAR")" "$WORK/app-before"
  BEFORE_LABEL="$BASELINE_JAR"
  BUILDS=(before after)
fi
# Each build runs as the image runs it: with an AppCDS archive of its own, trained here by the image's
# script (src/main/docker/appcds-train.sh), so "start to ready" is the image's start.
for b in "${BUILDS[@]}"; do
  # shellcheck disable=SC2086
  APPCDS_TRAIN_PORT=$((PORT_BASE + 9)) bash "$ROOT/src/main/docker/appcds-train.sh" "$WORK/app-$b" "$WORK/app-$b/app-cds.jsa" \
    $JAVA_OPTS > "$WORK/appcds-$b.log" 2>&1 || { cat "$WORK/appcds-$b.log" >&2; die "could not train the AppCDS archive of $b"; }
done
CONFIGS=(plain prod)
INSTANCES=()      # <config>-<build>
for b in "${BUILDS[@]}"; do for c in "${CONFIGS[@]}"; do INSTANCES+=("$c-$b"); done; done
declare -A PORT=([plain-after]=$((PORT_BASE + 4)) [prod-after]=$((PORT_BASE + 5))
                 [plain-before]=$((PORT_BASE + 6)) [prod-before]=$((PORT_BASE + 7)))

# --- fixtures ---------------------------------------------------------------------------------------
CHAT_JSON='{"id":"chatcmpl-bench","object":"chat.completion","created":1,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"The quick brown fox jumps over the lazy dog."},"finish_reason":"stop"}],"usage":{"prompt_tokens":512,"completion_tokens":12,"total_tokens":524}}'
SSE=""
for i in $(seq 0 49); do
  SSE+='data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"bench","choices":[{"index":0,"delta":{"content":"token'$i' "},"finish_reason":null}]}\n\n'
done
SSE+='data: [DONE]\n\n'
MSG_JSON='{"id":"msg_bench","type":"message","role":"assistant","model":"bench","content":[{"type":"text","text":"The quick brown fox jumps over the lazy dog."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":512,"output_tokens":12}}'

request_body() { # model, stream, approximate size in bytes
  local filler
  filler=$(head -c "$3" /dev/zero | tr '\0' 'a' | fold -w 80 | paste -sd' ')
  printf '{"model":"%s","stream":%s,"temperature":0.2,"max_tokens":256,"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"%s"}]}' "$1" "$2" "$filler"
}
request_body openai/bench false 1800 > "$WORK/body2k.json"
request_body openai/bench false 19800 > "$WORK/body20k.json"
request_body vllm/bench true 1800 > "$WORK/stream.json"
request_body anthropic/bench false 1800 > "$WORK/body2k-anthropic.json"
# HEADERS: extra request headers, "Name: value" one per line (PROD_HEADERS for the prod instances).
cat > "$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
for line in (os.getenv("HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^%s*([^:%s]+)%s*:%s*(.-)%s*$")
  if name then wrk.headers[name] = value end
end
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
LUA

# --- the upstream: nginx answering canned OpenAI JSON and SSE, the cheapest possible backend ---------
mkdir -p "$WORK/up/www/sse/v1/chat" "$WORK/ngx" "$WORK/sink"
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
    location = /anthropic/v1/messages { default_type application/json; return 200 '$MSG_JSON'; }
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
# --- the trace sink: a separate nginx (so it does not slow the upstream) that accepts OTLP batches ------
# Like a collector, it reads the whole body before it answers 200 (a bare "return" would answer first and
# discard the body afterwards, so the exporter would see success before its upload ended): the body is
# buffered in memory (batches hold up to 512 spans with the messages in them, ~5.4 MB with 20 KB bodies),
# dropped, and a tiny request to its own /ok location makes the empty 200. One log line per batch (time,
# status, body bytes, which Heimdall instance), for this location only.
cat > "$WORK/sink/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/sink/nginx.pid;
error_log $WORK/sink/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/sink; proxy_temp_path $WORK/sink; fastcgi_temp_path $WORK/sink; uwsgi_temp_path $WORK/sink; scgi_temp_path $WORK/sink;
  keepalive_requests 1000000;
  log_format batches '\$msec \$status \$content_length \$request_uri';
  upstream sink_ok { server 127.0.0.1:$SINK; keepalive 8; }
  server {
    listen 127.0.0.1:$SINK;
    client_max_body_size 64m;
    client_body_buffer_size 16m;
    location ~ ^/[a-z-]+/v1/traces\$ {
      limit_except POST { deny all; }
      access_log $WORK/sink/batches.log batches;
      rewrite ^ /ok break;
      proxy_pass http://sink_ok;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
    }
    location = /ok { return 200; }
    location / { return 404; }
  }
}
EOF
touch "$WORK/sink/batches.log"
chmod -R a+rX "$WORK"   # nginx workers run unprivileged; mktemp made the folder private
chmod a+w "$WORK/sink/batches.log"
for n in up ngx sink; do "$NGINX" -c "$WORK/$n/nginx.conf" -g 'daemon off;' & PIDS+=($!); done

# --- Heimdall's configurations ------------------------------------------------------------------------
PROVIDERS=$(cat <<EOF
    "openai": {"keys": [{"name": "bench", "value": "sk-bench", "models": ["bench"]}],
               "network_config": {"base_url": "http://127.0.0.1:$UP/json"}},
    "vllm":   {"keys": [{"name": "bench", "value": "", "models": ["bench"]}],
               "network_config": {"base_url": "http://127.0.0.1:$UP/sse"}},
    "anthropic": {"keys": [{"name": "bench", "value": "sk-ant-bench", "models": ["bench"]}],
               "network_config": {"base_url": "http://127.0.0.1:$UP/anthropic"}}
EOF
)
plain_config() { # today's defaults: providers only
  printf '{\n  "providers": {\n%s\n  }\n}\n' "$PROVIDERS"
}
# ======================= the production configuration: change it here ===============================
# Tracing every span with message content, request log on (both written out although they are the
# defaults), and governance: every request presents one virtual key (PROD_HEADERS, near the top) with a
# request and token rate limit and a budget, sized far above the load because any non-2xx answer stops
# the run (run_wrk). A build without governance ignores the section and the header.
prod_config() { # collector URL
  cat <<EOF
{
  "providers": {
$PROVIDERS
  },
  "client": {"enable_logging": true, "disable_content_logging": false},
  "plugins": [{"enabled": true, "name": "otel", "config": {
    "service_name": "heimdall-bench", "trace_type": "otel", "protocol": "http",
    "collector_url": "$1",
    "headers": {"Authorization": "Basic YmVuY2g6YmVuY2g="}}}],
  "governance": {
    "rate_limits": [{"id": "rl-bench", "request_max_limit": 1000000000000, "request_reset_duration": "1h",
                     "token_max_limit": 1000000000000000, "token_reset_duration": "1h"}],
    "budgets": [{"id": "budget-bench", "max_limit": 1000000000, "reset_duration": "1M", "virtual_key_id": "vk-bench"}],
    "virtual_keys": [{"id": "vk-bench", "name": "bench", "value": "sk-bf-bench-0123456789", "rate_limit_id": "rl-bench",
                      "provider_configs": [{"provider": "openai", "allowed_models": ["*"]}, {"provider": "vllm", "allowed_models": ["*"]}]}]
  }
}
EOF
}
# =====================================================================================================
headers_for() { # instance: the extra request headers it gets
  [[ $1 == prod-* ]] && printf '%s' "$PROD_HEADERS" || true
}

wait_for() { # url, seconds
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$1" 2>/dev/null; do
    (( SECONDS < deadline )) || { log "timed out waiting for $1"; return 1; }
    sleep 0.01
  done
}

declare -A READY_MS HD_PID
start_heimdall() { # instance: one JVM, its own folder (config.json, SQLite) and port
  local inst=$1 dir="$WORK/hd-$1" start
  mkdir -p "$dir"
  case $inst in
    plain-*) plain_config > "$dir/config.json" ;;
    prod-*) prod_config "http://127.0.0.1:$SINK/$inst/v1/traces" > "$dir/config.json" ;;
  esac
  start=$(date +%s%N)
  # (no shutdown delay: it only waits for a load balancer to notice, and would make the exit 5 s longer)
  # shellcheck disable=SC2086
  HEIMDALL_APP_DIR="$dir" java $JAVA_OPTS -XX:SharedArchiveFile="$WORK/app-${inst#*-}/app-cds.jsa" -Xshare:auto \
    -Dquarkus.shutdown.delay=0s \
    -Dquarkus.http.port="${PORT[$inst]}" -Dquarkus.http.host=127.0.0.1 \
    -jar "$WORK/app-${inst#*-}/quarkus-run.jar" > "$dir/heimdall.log" 2>&1 &
  HD_PID[$inst]=$!
  HD_PIDS+=("${HD_PID[$inst]}")
  wait_for "http://127.0.0.1:${PORT[$inst]}/q/health/ready" 60 || { tail -30 "$dir/heimdall.log" >&2; die "$inst did not start"; }
  READY_MS[$inst]=$(( ($(date +%s%N) - start) / 1000000 ))
  log "$inst ready in ${READY_MS[$inst]} ms"
}

wait_for "http://127.0.0.1:$UP/json/v1/chat/completions" 10 || true
curl -fs -o /dev/null -X POST "http://127.0.0.1:$NGX/json/v1/chat/completions"
curl -fs -o /dev/null -X POST "http://127.0.0.1:$SINK/probe/v1/traces" || die "the trace sink does not answer"
: > "$WORK/sink/batches.log"
for inst in "${INSTANCES[@]}"; do start_heimdall "$inst"; done
log "JVM: $JAVA_OPTS"

url() { # target, kind(json|sse)
  case $1 in
    direct) echo "http://127.0.0.1:$UP/$2/v1/chat/completions" ;;
    nginx) echo "http://127.0.0.1:$NGX/$2/v1/chat/completions" ;;
    *) echo "http://127.0.0.1:${PORT[$1]}/v1/chat/completions" ;;
  esac
}

to_us() { # wrk's "94.00us", "1.23ms", "2.00s" to microseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /s$/) print n * 1000000; else print n }'
}

sample_rss() { # wrk pid, Heimdall instance: the largest resident set it reached, kept in $WORK/rss.<instance>
  local kb max
  max=$(cat "$WORK/rss.$2" 2>/dev/null || echo 0)
  while kill -0 "$1" 2>/dev/null; do
    kb=$(awk '/VmRSS/ {print $2}' "/proc/${HD_PID[$2]}/status" 2>/dev/null || echo 0)
    (( kb > max )) && max=$kb && echo "$kb" > "$WORK/rss.$2"
    sleep 0.25
  done
}

# --- the trace sink's log -----------------------------------------------------------------------------
sink_lines() { wc -l < "$WORK/sink/batches.log"; }
sink_settle() { # instance@since (epoch s)...: wait until each instance sent a batch after its `since` and
  # then the sink heard nothing for QUIET_SECONDS: the spans made before `since` are in, the exporters idle.
  local n last=-1 quiet_from ok arg deadline=$((SECONDS + SETTLE_MAX))
  while (( SECONDS < deadline )); do
    n=$(sink_lines)
    [[ $n != "$last" ]] && { last=$n; quiet_from=$EPOCHREALTIME; }
    if awk -v a="$EPOCHREALTIME" -v b="$quiet_from" -v q="$QUIET_SECONDS" 'BEGIN { exit !(a - b >= q) }'; then
      ok=1
      [[ $SMOKE == 1 ]] && return 0
      for arg in "$@"; do
        awk -v t="${arg#*@}" -v u="/${arg%@*}/v1/traces" '$1 > t && $4 == u { found = 1; exit } END { exit !found }' \
          "$WORK/sink/batches.log" || ok=0
      done
      (( ok )) && return 0
    fi
    sleep 0.1
  done
  log "no batch from ${*%@*} reached the sink within $SETTLE_MAX s (an export stuck until the exporter's timeout?)"
}
sink_since() { # first line (1-based), instance: "batches bytes non-200" in the log from that line on
  tail -n +"$1" "$WORK/sink/batches.log" | awk -v u="/$2/v1/traces" '
    $4 == u { b++; s += $3; if ($2 != 200) e++ } END { printf "%d %.0f %d\n", b, s, e }'
}

RESULTS="$WORK/results.tsv"   # scenario target round metric value
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RESULTS"; }
# The proxy's own CPU (user + system) per request: a steadier figure than req/s, which moves with whatever
# else the two cores run; it counts work done off the event loops too (request log, telemetry thread).
cpu_pids() { # target: the processes that are the proxy (nginx's workers, or the Heimdall JVM)
  case $1 in
    direct) ;;
    nginx) pgrep -P "$(cat "$WORK/ngx/nginx.pid")" ;;
    *) echo "${HD_PID[$1]}" ;;
  esac
}
cpu_ticks() { # pids...
  local t=0 p
  for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
run_wrk() { # scenario, target, round, connections, threads, body
  local out pids t0
  read -r -a pids <<<"$(cpu_pids "$2" | tr '\n' ' ')"
  t0=$(cpu_ticks "${pids[@]}")
  BODY="$WORK/$6" HEADERS="$(headers_for "$2")" \
    wrk -t"$5" -c"$4" -d"${DURATION}s" --latency -s "$WORK/post.lua" "$(url "$2" json)" > "$WORK/wrk.out" 2>&1 &
  WRK_PID=$!
  [[ -n ${HD_PID[$2]:-} ]] && sample_rss "$WRK_PID" "$2" &
  wait "$WRK_PID"
  WRK_PID=""
  out=$(cat "$WORK/wrk.out")
  if grep -q "Non-2xx" <<<"$out"; then die "non-2xx answers in $1/$2: $(grep Non-2xx <<<"$out")"; fi
  record "$1" "$2" "$3" p50 "$(to_us "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
  record "$1" "$2" "$3" p99 "$(to_us "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  record "$1" "$2" "$3" rps "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  record "$1" "$2" "$3" requests "$(awk '/ requests in / {print $1}' <<<"$out")"
  if (( ${#pids[@]} > 0 )); then
    record "$1" "$2" "$3" cpu "$(awk -v t="$(( $(cpu_ticks "${pids[@]}") - t0 ))" -v hz="$(getconf CLK_TCK)" \
      -v n="$(awk '/ requests in / {print $1}' <<<"$out")" 'BEGIN { if (n > 0) printf "%.1f", t * 1e6 / hz / n; else print 0 }')"
  fi
}

curl_extra() { # instance: -H arguments for its extra headers, one per line
  local line
  while IFS= read -r line; do [[ -n $line ]] && printf -- '-H\n%s\n' "$line"; done <<<"$(headers_for "$1")"
}

run_stream() { # target, round: time to first byte and total for a 50-chunk SSE answer, c=1
  local u i chunks
  local -a extra
  mapfile -t extra < <(curl_extra "$1")
  u=$(url "$1" sse)
  : > "$WORK/stream.times"
  for i in $(seq "$STREAM_SAMPLES"); do
    curl -s -o /dev/null -H 'Content-Type: application/json' "${extra[@]}" --data-binary @"$WORK/stream.json" \
      -w '%{time_starttransfer} %{time_total}\n' "$u" >> "$WORK/stream.times"
  done
  chunks=$(curl -sN -H 'Content-Type: application/json' "${extra[@]}" --data-binary @"$WORK/stream.json" "$u" | grep -c '^data: ')
  [[ $chunks == 51 ]] || die "$1 relayed $chunks SSE events, expected 51"
  record stream "$1" "$2" ttfb "$(sort -n "$WORK/stream.times" | awk '{a[NR]=$1*1e6} END {print a[int((NR+1)/2)]}')"
  record stream "$1" "$2" total "$(sort -k2 -n "$WORK/stream.times" | awk '{a[NR]=$2*1e6} END {print a[int((NR+1)/2)]}')"
  record stream "$1" "$2" requests $((STREAM_SAMPLES + 1))
}

measure() { # scenario, target, round: one measurement; for prod, then wait for its spans and count them
  local from
  from=$(( $(sink_lines) + 1 ))
  case $1 in
    c1-2k) run_wrk "$1" "$2" "$3" 1 1 body2k.json ;;
    c50-2k) run_wrk "$1" "$2" "$3" 50 2 body2k.json ;;
    c1-20k) run_wrk "$1" "$2" "$3" 1 1 body20k.json ;;
    c50-20k) run_wrk "$1" "$2" "$3" 50 2 body20k.json ;;
    xl1-2k) run_wrk "$1" "$2" "$3" 1 1 body2k-anthropic.json ;;
    xl50-2k) run_wrk "$1" "$2" "$3" 50 2 body2k-anthropic.json ;;
    stream) run_stream "$2" "$3" ;;
  esac
  if [[ $2 == prod-* ]]; then
    sink_settle "$2@$EPOCHREALTIME"
    read -r batches bytes errors <<<"$(sink_since "$from" "$2")"
    record "$1" "$2" "$3" batches "$batches"
    record "$1" "$2" "$3" spanbytes "$bytes"
    (( errors == 0 )) || die "the sink answered $errors batches from $2 with an error"
  fi
}

log "warming up (JIT)"
BODY="$WORK/body2k.json" wrk -t2 -c50 -d2s -s "$WORK/post.lua" "$(url nginx json)" >/dev/null
PRODS=()
WARMED=()   # prod instance@end of its warm-up
for inst in "${INSTANCES[@]}"; do
  BODY="$WORK/body2k.json" HEADERS="$(headers_for "$inst")" \
    wrk -t2 -c50 -d"${WARMUP}s" -s "$WORK/post.lua" "$(url "$inst" json)" >/dev/null
  if [[ $inst == prod-* ]]; then PRODS+=("$inst"); WARMED+=("$inst@$EPOCHREALTIME"); fi
done
# Every build's plain instance runs the translation traffic too, so that the relay's call sites have the same
# JIT profile in both (a passthrough-only instance would compile them for one answer type, and look faster).
for inst in "${INSTANCES[@]}"; do
  if [[ $inst == plain-* ]]; then
    BODY="$WORK/body2k-anthropic.json" wrk -t2 -c50 -d"${WARMUP}s" -s "$WORK/post.lua" "$(url "$inst" json)" >/dev/null
  fi
done
sink_settle "${WARMED[@]}"

# How many sink bytes one request's spans make, per body kind: a few requests one at a time, then wait
# for their batch. The spans of one request are the same size every time (same messages, fixed-size ids).
# A batch lost to a stuck export (see sink_settle) makes that instance try again.
declare -A SPAN_BYTES
for kind in 2k 20k stream; do
  todo=("${PRODS[@]}")
  for attempt in $(seq "$CALIBRATION_ATTEMPTS"); do
    (( ${#todo[@]} )) || break
    from=$(( $(sink_lines) + 1 ))
    for inst in "${todo[@]}"; do
      mapfile -t extra < <(curl_extra "$inst")
      if [[ $kind == stream ]]; then u=$(url "$inst" sse); body="$WORK/stream.json"; else u=$(url "$inst" json); body="$WORK/body$kind.json"; fi
      for i in $(seq "$CALIBRATION_REQUESTS"); do
        curl -fs -o /dev/null -H 'Content-Type: application/json' "${extra[@]}" --data-binary @"$body" "$u" \
          || die "$inst failed a $kind request"
      done
    done
    sent=$EPOCHREALTIME
    sink_settle "${todo[@]/%/@$sent}"
    again=()
    for inst in "${todo[@]}"; do
      read -r batches bytes errors <<<"$(sink_since "$from" "$inst")"
      if (( bytes > 0 )); then SPAN_BYTES[$inst,$kind]=$(( bytes / CALIBRATION_REQUESTS )); else again+=("$inst"); fi
    done
    todo=("${again[@]}")
  done
  for inst in "${todo[@]}"; do log "$inst: no spans of the $kind calibration reached the sink; its share is not reported"; done
done

for round in $(seq "$ROUNDS"); do
  # builds alternate which goes first, so neither always follows nginx
  order=("${BUILDS[@]}")
  (( round % 2 == 0 && ${#BUILDS[@]} == 2 )) && order=("${BUILDS[1]}" "${BUILDS[0]}")
  targets=(direct nginx)
  for b in "${order[@]}"; do targets+=("plain-$b" "prod-$b"); done
  for target in "${targets[@]}"; do
    log "round $round: $target"
    for s in c1-2k c50-2k c1-20k c50-20k stream; do measure "$s" "$target" "$round"; done
    if [[ $target == plain-* ]]; then for s in xl1-2k xl50-2k; do measure "$s" "$target" "$round"; done; fi
  done
done

# --- the tables: medians over rounds, added = via proxy − direct, ratios Heimdall / nginx -------------
median() { sort -n | awk '{a[NR]=$1} END { if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2 }'; }
get() { awk -F'\t' -v s="$1" -v t="$2" -v m="$3" '$1==s && $2==t && $4==m {print $5}' "$RESULTS" | median; }
total() { awk -F'\t' -v s="$1" -v t="$2" -v m="$3" '$1==s && $2==t && $4==m {n += $5} END {print n + 0}' "$RESULTS"; }
fmt() { awk -v v="$1" 'BEGIN { if (v >= 1000 || v <= -1000) printf "%.2f ms", v / 1000; else printf "%.0f µs", v }'; }
signed() { awk -v v="$1" 'BEGIN { if (v >= 1000 || v <= -1000) printf "%+.2f ms", v / 1000; else printf "%+.0f µs", v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "n/a"; else printf "%.2f×", a / b }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { print a - b }'; }

HEIMDALL_COLS=()   # column order: plain before, plain after, prod before, prod after
for c in "${CONFIGS[@]}"; do for b in "${BUILDS[@]}"; do HEIMDALL_COLS+=("$c-$b"); done; done
col_name() { # instance
  if (( ${#BUILDS[@]} == 2 )); then echo "Heimdall ${1%-*} ${1#*-}"; else echo "Heimdall ${1%-*}"; fi
}
header_row() { # first columns...
  local row="|" sep="|" c
  for c in "$@"; do row+=" $c |"; sep+="---|"; done
  echo "$row"; echo "$sep"
}
label() { # scenario, metric
  local conn=${1%%-*} size=${1##*-}
  case $1:$2 in
    stream:ttfb) echo "c1 stream of 50 SSE chunks, time to first chunk" ;;
    stream:total) echo "c1 stream of 50 SSE chunks, time to last chunk" ;;
    *:rps) echo "$conn $size body, throughput (req/s)" ;;
    *:cpu) echo "$conn $size body, the proxy's CPU per request" ;;
    *) echo "$conn $size body, latency $2" ;;
  esac
}

OUT="$ROOT/bench/results/latest.md"
mkdir -p "$(dirname "$OUT")"
{
  echo "Heimdall $AFTER_LABEL on $(nproc) cores, $(date -u +%Y-%m-%d); $ROUNDS round(s), ${DURATION} s each, medians."
  (( ${#BUILDS[@]} == 2 )) && echo "before = $BEFORE_LABEL, after = $AFTER_LABEL (working tree's jar), measured in the same rounds."
  echo "JVM: \`$JAVA_OPTS\`; nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') with keep-alive upstream pool and proxy_buffering off."
  echo "plain: providers only (request log on, no tracing). prod: otel plugin exporting every span with message content to a local sink, request log on, governance (one virtual key with a rate limit and a budget; builds before it ignore them)${PROD_HEADERS:+, extra request headers: $(paste -sd';' <<<"$PROD_HEADERS")}."
  echo "Heimdall cells: value (added over direct) and the ratio to nginx: added latency / nginx's added latency (c1 p50,"
  echo "streams), p99 / nginx's p99 (c1 and c50 p99), req/s / nginx's req/s (throughput), CPU / nginx's CPU (CPU per"
  echo "request: user + system time of the proxy's processes during the c50 run, over the requests wrk counted)."
  echo
  cols=(scenario direct nginx)
  for inst in "${HEIMDALL_COLS[@]}"; do cols+=("$(col_name "$inst")"); done
  header_row "${cols[@]}"
  for row in c1-2k:p50 c1-2k:p99 c1-20k:p50 c1-20k:p99 c50-2k:rps c50-2k:p99 c50-2k:cpu c50-20k:rps c50-20k:p99 c50-20k:cpu \
      stream:ttfb stream:total; do
    s=${row%:*}; m=${row#*:}
    d=$(get "$s" direct "$m"); n=$(get "$s" nginx "$m")
    case $m in
      rps) line="| $(label "$s" "$m") | $(printf '%.0f' "$d") | $(printf '%.0f' "$n") |" ;;
      cpu) line="| $(label "$s" "$m") | | $(printf '%.1f µs' "$n") |" ;;
      p99) line="| $(label "$s" "$m") | $(fmt "$d") | $(fmt "$n") |" ;;
      *) line="| $(label "$s" "$m") | $(fmt "$d") | $(fmt "$n") ($(signed "$(minus "$n" "$d")")) |" ;;
    esac
    for inst in "${HEIMDALL_COLS[@]}"; do
      h=$(get "$s" "$inst" "$m")
      case $m in
        rps) line+=" $(printf '%.0f' "$h") **$(ratio "$h" "$n")** |" ;;
        cpu) line+=" $(printf '%.1f µs' "$h") **$(ratio "$h" "$n")** |" ;;
        p99) line+=" $(fmt "$h") **$(ratio "$h" "$n")** |" ;;
        *) line+=" $(fmt "$h") ($(signed "$(minus "$h" "$d")")) **$(ratio "$(minus "$h" "$d")" "$(minus "$n" "$d")")** |" ;;
      esac
    done
    echo "$line"
  done
  echo
  cols=("Heimdall")
  for inst in "${HEIMDALL_COLS[@]}"; do cols+=("$(col_name "$inst" | sed 's/^Heimdall //')"); done
  header_row "${cols[@]}"
  line="| start to ready |"
  for inst in "${HEIMDALL_COLS[@]}"; do line+=" ${READY_MS[$inst]} ms |"; done
  echo "$line"
  line="| largest RSS under load |"
  for inst in "${HEIMDALL_COLS[@]}"; do line+=" $(( $(cat "$WORK/rss.$inst" 2>/dev/null || echo 0) / 1024 )) MB |"; done
  echo "$line"
  echo
  echo "Spans at the sink (prod, all rounds): the share of requests whose spans arrived, estimated from the bytes the"
  echo "sink received and the bytes one request's spans make (measured before the rounds). A shortfall is spans the"
  echo "exporter dropped: its queue was full, or a batch was lost. wrk counts the answers it read before it stopped;"
  echo "the up to 50 requests still in flight then are traced too (c50 can exceed 100%)."
  if [[ $SMOKE == 1 ]]; then
    echo "Smoke run: the script did not wait out stuck exports, so batches may count for a later scenario."
  fi
  echo
  cols=(scenario)
  for inst in "${HEIMDALL_COLS[@]}"; do [[ $inst == prod-* ]] && cols+=("$(col_name "$inst")"); done
  header_row "${cols[@]}"
  for s in c1-2k c50-2k c1-20k c50-20k stream; do
    kind=${s##*-}
    line="| $( [[ $s == stream ]] && echo "c1 stream" || echo "${s%%-*} ${s##*-} body") |"
    for inst in "${HEIMDALL_COLS[@]}"; do
      [[ $inst == prod-* ]] || continue
      sent=$(total "$s" "$inst" requests); bytes=$(total "$s" "$inst" spanbytes); batches=$(total "$s" "$inst" batches)
      line+=" $(awk -v b="$bytes" -v per="${SPAN_BYTES[$inst,$kind]:-0}" -v n="$sent" -v k="$batches" 'BEGIN {
        if (per <= 0) { printf "n/a (%d requests; %d batches, %.1f MB)", n, k, b / 1048576; exit }
        got = b / per; printf "%.0f%% (%.0f of %d; %d batches, %.1f MB)", (n > 0 ? 100 * got / n : 0), got, n, k, b / 1048576 }') |"
    done
    echo "$line"
  done
  echo
  echo "Translation (the plain instance of the $AFTER_LABEL build; the same 2 KB body, its model openai/bench or anthropic/bench):"
  echo "OpenAI's request translated to Anthropic's Messages API and the canned Anthropic message back, against the"
  echo "passthrough to the canned OpenAI answer."
  echo
  header_row scenario "passthrough (OpenAI → OpenAI)" "translated (OpenAI → Anthropic)" "translation's cost"
  for row in c1:p50 c1:p99 c50:rps c50:p99 c50:cpu; do
    c=${row%:*}; m=${row#*:}
    p=$(get "$c-2k" plain-after "$m"); x=$(get "xl${c#c}-2k" plain-after "$m")
    case $m in
      rps) echo "| $c 2k body, throughput (req/s) | $(printf '%.0f' "$p") | $(printf '%.0f' "$x") | $(ratio "$x" "$p") |" ;;
      cpu) echo "| $c 2k body, CPU per request | $(printf '%.1f µs' "$p") | $(printf '%.1f µs' "$x") | $(signed "$(minus "$x" "$p")") |" ;;
      *) echo "| $c 2k body, latency $m | $(fmt "$p") | $(fmt "$x") | $(signed "$(minus "$x" "$p")") |" ;;
    esac
  done
  echo
  echo "Heimdall's own account (its /metrics at the end of the run, warm-up and calibration included):"
  for inst in "${HEIMDALL_COLS[@]}"; do
    [[ $inst == prod-* ]] || continue
    m=$(curl -fs "http://127.0.0.1:${PORT[$inst]}/metrics" 2>/dev/null || true)
    ex=$(awk '/^heimdall_spans_exported_total/ {print $2}' <<<"$m"); dr=$(awk '/^heimdall_spans_dropped_total/ {print $2}' <<<"$m")
    echo "- $(col_name "$inst"): spans exported ${ex:-n/a}, dropped ${dr:-n/a} (heimdall_spans_exported_total / heimdall_spans_dropped_total)"
  done
} > "$OUT"
cat "$OUT"
