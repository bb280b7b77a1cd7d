#!/usr/bin/env bash
# A real Redis 6.2 server for machines without one (and without Docker): the redis-server build
# comes from Maven Central through pom.xml (com.github.codemonstur:embedded-redis, a jar that
# carries Linux and macOS builds), and runs as an ordinary server.
#
#   infra/redis/redis.sh start|stop|status
#
# REDIS_PORT           port on 127.0.0.1 (default 6379)
# REDIS_DATA_DIR       working folder, logs and pid file (default <repo>/.atlas/redis-<port>)
# ATLAS_CACHE_DIR      where the binary is kept between runs (default ~/.cache/atlas)
# REDIS_START_TIMEOUT  seconds to wait until it answers PING (default 30)
#
# Nothing is persisted: no RDB snapshots, no append-only file.
# Only the server this script started from REDIS_DATA_DIR is ever stopped.
set -euo pipefail

EMBEDDED_REDIS_VERSION=1.4.3
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
PORT="${REDIS_PORT:-6379}"
[[ "$PORT" =~ ^[0-9]+$ ]] || { echo "redis.sh: REDIS_PORT must be a port number, not \"$PORT\"" >&2; exit 1; }
DATA_DIR="${REDIS_DATA_DIR:-$REPO_ROOT/.atlas/redis-$PORT}"
[[ "$DATA_DIR" == /* ]] || DATA_DIR="$PWD/$DATA_DIR"
CACHE_DIR="${ATLAS_CACHE_DIR:-$HOME/.cache/atlas}/embedded-redis-$EMBEDDED_REDIS_VERSION"
START_TIMEOUT="${REDIS_START_TIMEOUT:-30}"
PID_FILE="$DATA_DIR/redis.pid"
LOG_FILE="$DATA_DIR/redis.log"

die() {
  echo "redis.sh: $*" >&2
  exit 1
}

# The file in the embedded-redis jar built for this machine; an unknown one fails here, not in Maven.
binary_name() {
  case "$(uname -s)/$(uname -m)" in
    Linux/x86_64) echo redis-server-6.2.6-v5-linux-amd64 ;;
    Linux/aarch64 | Linux/arm64) echo redis-server-6.2.7-linux-arm64 ;;
    Darwin/x86_64) echo redis-server-6.2.6-v5-darwin-amd64 ;;
    Darwin/arm64) echo redis-server-6.2.6-v5-darwin-arm64 ;;
    *) die "there is no Redis build for $(uname -s)/$(uname -m) in embedded-redis $EMBEDDED_REDIS_VERSION (it has Linux x86_64 and arm64, macOS x86_64 and arm64): install Redis from your system's packages and start it on 127.0.0.1:$PORT, or point the tests at one with ATLAS_TEST_REDIS_URL" ;;
  esac
}

# True when the pid is alive and really is a Redis server (pids get reused after a reboot).
is_redis_process() {
  local pid="$1"
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'redis-server'
}

# Prints the pid of the server started from DATA_DIR, or fails when there is none.
running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(<"$PID_FILE")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && is_redis_process "$pid"; then echo "$pid"; else return 1; fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Speaks just enough RESP to ask PING, so that no redis-cli is needed.
answers_ping() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$PORT"
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3
    [[ "$reply" == "+PONG"* ]]
  ) 2>/dev/null
}

# Prints the pid listening on 127.0.0.1:<port> (needs ss from iproute2), or fails.
listener_pid() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 | grep .
}

# Copies the binary once; later starts find it and never touch the network.
# The lock keeps two first starts (say, two test runs) from fetching at once.
fetch_binary() {
  [[ -x "$BINARY" ]] && return 0
  command -v mvn >/dev/null || die "redis-server is not in $CACHE_DIR yet and Maven (mvn) is missing: install Maven and a JDK, or start Redis yourself and point the tests at it with ATLAS_TEST_REDIS_URL"
  mkdir -p "$CACHE_DIR"
  exec 9>"$CACHE_DIR/.fetch.lock"
  flock 9
  if [[ ! -x "$BINARY" ]]; then
    echo "Fetching $(basename "$BINARY") (embedded-redis $EMBEDDED_REDIS_VERSION) from Maven Central into $CACHE_DIR (first run only)..."
    local staging="$CACHE_DIR/.partial"
    rm -rf "$staging"
    mvn -B -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" -Dredis.binary="$(basename "$BINARY")" \
      -Dredis.unpack.dir="$staging" dependency:unpack >"$staging.log" 2>&1 ||
      die "Maven could not fetch the Redis binary; check access to Maven Central. Last lines of $staging.log:
$(tail -n 30 "$staging.log")"
    [[ -f "$staging/$(basename "$BINARY")" ]] || die "the jar Maven fetched holds no $(basename "$BINARY") (see $staging)"
    chmod +x "$staging/$(basename "$BINARY")"
    # The binary's presence marks a finished fetch, so it arrives in one rename.
    mv "$staging/$(basename "$BINARY")" "$BINARY"
    rm -rf "$staging" "$staging.log"
  fi
  exec 9>&-
}

# The Linux x86_64 build links the system's OpenSSL 3; say so before a start fails obscurely.
check_binary_runs() {
  local output
  output="$("$BINARY" --version 2>&1)" ||
    die "$BINARY cannot run on this machine: $output
Install Redis from your system's packages and start it on 127.0.0.1:$PORT, or point the tests at one with ATLAS_TEST_REDIS_URL"
}

wait_until_answering() {
  local deadline=$((SECONDS + START_TIMEOUT)) pid
  until answers_ping; do
    # The pid file appears as soon as the server has forked; a pid file whose process is gone
    # means it gave up (a taken port, a bad setting) and said why in its log.
    if [[ -f "$PID_FILE" ]] && ! running_pid >/dev/null; then
      rm -f "$PID_FILE"
      die "the server exited during start-up; last lines of $LOG_FILE:
$(tail -n 40 "$LOG_FILE")"
    fi
    if ((SECONDS >= deadline)); then
      if pid="$(running_pid)"; then stop_pid "$pid"; fi
      rm -f "$PID_FILE"
      die "the server did not answer PING within ${START_TIMEOUT}s (raise REDIS_START_TIMEOUT on a slow machine); last lines of $LOG_FILE:
$(tail -n 40 "$LOG_FILE")"
    fi
    sleep 0.1
  done
}

start() {
  local pid
  if pid="$(running_pid)"; then
    echo "Redis already running on 127.0.0.1:$PORT (pid $pid, $DATA_DIR)"
    return 0
  fi
  # A server started from another folder (the machine's own, say) already serves this port:
  # use it, never stop it.
  if port_in_use "$PORT" && pid="$(listener_pid "$PORT")" && is_redis_process "$pid"; then
    echo "Redis already running on 127.0.0.1:$PORT (pid $pid, started from another folder)"
    return 0
  fi
  port_in_use "$PORT" && die "127.0.0.1:$PORT is taken by another process (not a server started from $DATA_DIR): stop it, or choose another REDIS_PORT"

  BINARY="$CACHE_DIR/$(binary_name)"
  fetch_binary
  check_binary_runs
  mkdir -p "$DATA_DIR"
  rm -f "$PID_FILE"

  local started_at=$SECONDS
  # Redis daemonizes itself and keeps its pid file, log and working folder in DATA_DIR (what it
  # says before it has a log, such as a setting it rejects, goes to launch.log). Saving
  # is off: tests never need their keys back after a restart, and nothing is written to disk.
  "$BINARY" --port "$PORT" --bind 127.0.0.1 --protected-mode yes --save "" --appendonly no \
    --dir "$DATA_DIR" --daemonize yes --pidfile "$PID_FILE" --logfile "$LOG_FILE" \
    </dev/null >"$DATA_DIR/launch.log" 2>&1 ||
    die "redis-server refused to start: $(cat "$DATA_DIR/launch.log")"
  wait_until_answering
  pid="$(running_pid)"
  echo "Redis $("$BINARY" --version | grep -o 'v=[^ ]*' | cut -d= -f2) started on 127.0.0.1:$PORT in $((SECONDS - started_at))s (pid $pid, $DATA_DIR)"
}

# SIGTERM is Redis's own shutdown; with saving off it writes nothing on the way out.
stop_pid() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || return 0
  # Not kill -0: an exited server stays a zombie until whoever adopted it reaps it, which can
  # take seconds; a zombie has no command line, so this sees it as gone.
  for _ in $(seq 1 300); do
    is_redis_process "$pid" || return 0
    sleep 0.1
  done
  echo "redis.sh: pid $pid ignored SIGTERM for 30s; sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    echo "Redis is not running from $DATA_DIR (nothing to stop)"
    return 0
  fi
  stop_pid "$pid"
  rm -f "$PID_FILE"
  echo "Redis on 127.0.0.1:$PORT stopped (pid $pid)"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    echo "Redis running on 127.0.0.1:$PORT (pid $pid, $DATA_DIR)"
  else
    echo "Redis is not running from $DATA_DIR"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: infra/redis/redis.sh start|stop|status (REDIS_PORT, REDIS_DATA_DIR to choose the server)" ;;
esac
