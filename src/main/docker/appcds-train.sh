#!/usr/bin/env bash
# Writes an AppCDS archive (JDK 17 dynamic archive) of the classes Heimdall loads from launch to its
# first ready answer: the JVM then maps them at start instead of parsing and verifying them again.
#
#   appcds-train.sh <quarkus-app dir> <archive> [JVM options...]
#
# The archive is only used by the same JDK build that wrote it, and only when the jar is launched by the
# same path: this script runs `java <options> -jar <quarkus-app dir>/quarkus-run.jar`, so start Heimdall
# with exactly that -jar argument plus -XX:SharedArchiveFile=<archive> -Xshare:auto. With a missing,
# stale (jar rebuilt) or foreign archive the JVM starts anyway, without it. See docs/startup.md.
# The Dockerfile runs it at image build; locally:
#   src/main/docker/appcds-train.sh "$PWD/target/quarkus-app" target/quarkus-app/app-cds.jsa -Xms192m -Xmx192m
set -euo pipefail

APP=${1:?quarkus-app dir}
ARCHIVE=${2:?archive path}
shift 2
PORT=${APPCDS_TRAIN_PORT:-38080}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# A provider pointing nowhere: the start-up path (SQLite migrations, import, routing, model discovery
# failing fast) runs as in production.
printf '{"providers":{"openai":{"keys":[{"name":"train","value":"sk-train","models":["train"]}],"network_config":{"base_url":"http://127.0.0.1:9"}}}}\n' \
  > "$WORK/config.json"

rm -f "$ARCHIVE"
# Its own tmpdir: the native libraries SQLite and Netty unpack go away with the rest.
HEIMDALL_APP_DIR="$WORK" java "$@" -XX:ArchiveClassesAtExit="$ARCHIVE" -Djava.io.tmpdir="$WORK" \
  -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" -Dquarkus.shutdown.delay=0s \
  -jar "$APP/quarkus-run.jar" > "$WORK/train.log" 2>&1 &
PID=$!

ready() { # bash only: the runtime image may have no curl
  local status
  { exec 3<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null || return 1
  printf 'GET /q/health/ready HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
  read -r -t 5 status <&3 || status=
  exec 3<&- 3>&-
  [[ $status == *" 200"* ]]
}

deadline=$((SECONDS + ${APPCDS_TRAIN_TIMEOUT:-180}))
until ready; do
  if ! kill -0 "$PID" 2>/dev/null || (( SECONDS > deadline )); then
    echo "appcds-train: Heimdall did not become ready; its log:" >&2
    cat "$WORK/train.log" >&2
    kill "$PID" 2>/dev/null || true
    exit 1
  fi
  sleep 0.2
done

# SIGTERM: a normal exit, at which the JVM writes the archive.
kill -TERM "$PID"
wait "$PID" || true
if [[ ! -s $ARCHIVE ]]; then
  echo "appcds-train: no archive written; the log:" >&2
  cat "$WORK/train.log" >&2
  exit 1
fi
echo "appcds-train: $(du -h "$ARCHIVE" | cut -f1) archive at $ARCHIVE ($(grep -c 'Skipping' "$WORK/train.log" || true) classes skipped)"
