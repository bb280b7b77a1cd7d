#!/usr/bin/env bash
# A real PostgreSQL 17 server for machines without one (and without Docker): the binaries come
# from Maven Central through pom.xml (io.zonky.test.postgres, the builds behind zonky's
# embedded-postgres), and run as an ordinary server under pg_ctl.
#
#   infra/postgres/postgres.sh start|stop|status
#
# POSTGRES_PORT           port on 127.0.0.1 (default 5432)
# POSTGRES_DATA_DIR       cluster, settings, log (default <repo>/.atlas/postgres-<port>)
# ATLAS_CACHE_DIR         where the binaries are kept between runs (default ~/.cache/atlas)
# POSTGRES_START_TIMEOUT  seconds to wait until it accepts connections (default 60)
#
# Connect as postgres@127.0.0.1:<port>/postgres without a password (trust, loopback only).
# Only the server this script started from POSTGRES_DATA_DIR is ever stopped.
set -euo pipefail

PG_VERSION=17.6.0
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
PORT="${POSTGRES_PORT:-5432}"
[[ "$PORT" =~ ^[0-9]+$ ]] || { echo "postgres.sh: POSTGRES_PORT must be a port number, not \"$PORT\"" >&2; exit 1; }
DATA_DIR="${POSTGRES_DATA_DIR:-$REPO_ROOT/.atlas/postgres-$PORT}"
[[ "$DATA_DIR" == /* ]] || DATA_DIR="$PWD/$DATA_DIR"
CLUSTER_DIR="$DATA_DIR/cluster"
LOG_FILE="$DATA_DIR/postgres.log"
CACHE_DIR="${ATLAS_CACHE_DIR:-$HOME/.cache/atlas}"
START_TIMEOUT="${POSTGRES_START_TIMEOUT:-60}"
# PostgreSQL refuses to run as root (a server running as root could be made to run anything as
# root). Started by root, as on CI and the project's machines, every PostgreSQL program runs as
# this user instead, and it owns the data folder.
SERVER_USER=nobody

die() {
  echo "postgres.sh: $*" >&2
  exit 1
}

# The name io.zonky.test.postgres gives each build, so an unknown machine fails here, not in Maven.
platform() {
  case "$(uname -s)/$(uname -m)" in
    Linux/x86_64) echo linux-amd64 ;;
    Linux/aarch64 | Linux/arm64) echo linux-arm64v8 ;;
    Darwin/x86_64) echo darwin-amd64 ;;
    Darwin/arm64) echo darwin-arm64v8 ;;
    *) die "there is no PostgreSQL build for $(uname -s)/$(uname -m) on Maven Central (io.zonky.test.postgres has linux-amd64, linux-arm64v8, darwin-amd64 and darwin-arm64v8): install PostgreSQL from your system's packages and start it on 127.0.0.1:$PORT, or point the tests at one with ATLAS_TEST_DATABASE_URL" ;;
  esac
}

# Runs a PostgreSQL program as SERVER_USER when we are root, from the data folder (the caller's
# folder, say /root, may be closed to that user).
as_server_user() {
  if ((EUID == 0)); then
    (cd "$DATA_DIR" && setpriv --reuid="$(id -u "$SERVER_USER")" --regid="$(id -g "$SERVER_USER")" --clear-groups -- "$@")
  else
    "$@"
  fi
}

# True when the pid is alive and really is a PostgreSQL server (pids get reused after a reboot).
is_postgres_process() {
  local pid="$1"
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'postgres'
}

# Prints the pid of the server running from CLUSTER_DIR, or fails when there is none.
running_pid() {
  local pid
  [[ -f "$CLUSTER_DIR/postmaster.pid" ]] || return 1
  pid="$(head -n 1 "$CLUSTER_DIR/postmaster.pid")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && is_postgres_process "$pid"; then echo "$pid"; else return 1; fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints the pid listening on 127.0.0.1:<port> (needs ss from iproute2), or fails.
listener_pid() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 | grep .
}

# Unpacks the binaries once; later starts find the marker and never touch the network.
# The lock keeps two first starts (say, two test runs) from filling the folder at once.
fetch_binaries() {
  [[ -f "$INSTALL_DIR/.complete" ]] && return 0
  command -v mvn >/dev/null || die "the PostgreSQL binaries are not in $INSTALL_DIR yet and Maven (mvn) is missing: install Maven and a JDK, or start PostgreSQL yourself and point the tests at it with ATLAS_TEST_DATABASE_URL"
  command -v xz >/dev/null || die "xz is missing, and the PostgreSQL binaries come as a .txz archive: install it (Debian: apt-get install xz-utils)"
  mkdir -p "$(dirname "$INSTALL_DIR")"
  exec 9>"$(dirname "$INSTALL_DIR")/.fetch.lock"
  flock 9
  if [[ ! -f "$INSTALL_DIR/.complete" ]]; then
    echo "Fetching PostgreSQL $PG_VERSION ($PLATFORM) from Maven Central into $INSTALL_DIR (first run only)..."
    local staging="$INSTALL_DIR.partial" archive
    rm -rf "$staging"
    mvn -B -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" -Dpostgres.platform="$PLATFORM" \
      -Dpostgres.unpack.dir="$staging/jar" dependency:unpack >"$staging.log" 2>&1 ||
      die "Maven could not fetch the PostgreSQL binaries; check access to Maven Central. Last lines of $staging.log:
$(tail -n 30 "$staging.log")"
    archive="$(find "$staging/jar" -name '*.txz' | head -n 1)"
    [[ -n "$archive" ]] || die "the jar Maven fetched holds no .txz archive (see $staging/jar)"
    tar -xJf "$archive" -C "$staging" || die "could not extract $archive"
    rm -rf "$staging/jar" "$staging.log" "$INSTALL_DIR"
    mv "$staging" "$INSTALL_DIR"
    touch "$INSTALL_DIR/.complete"
  fi
  exec 9>&-
}

# Sets BIN_DIR. As root the server runs as SERVER_USER, who may not reach the cache (under
# /root, mode 700): then it runs a copy in the data folder, hard-linked where the file system
# allows (no time, no space), copied where it does not.
find_runnable_binaries() {
  BIN_DIR="$INSTALL_DIR/bin"
  ((EUID == 0)) || return 0
  as_server_user test -x "$BIN_DIR/postgres" && return 0
  local copy="$DATA_DIR/pgsql"
  if [[ ! -f "$copy/.complete" ]]; then
    rm -rf "$copy"
    cp -al "$INSTALL_DIR" "$copy" 2>/dev/null || { rm -rf "$copy" && cp -a "$INSTALL_DIR" "$copy"; }
  fi
  BIN_DIR="$copy/bin"
}

# The data folder belongs to the user the server runs as; as root, that user must also be able
# to reach it, which a folder under /root (mode 700) does not allow.
prepare_data_dir() {
  mkdir -p "$DATA_DIR"
  ((EUID == 0)) || return 0
  command -v setpriv >/dev/null || die "PostgreSQL refuses to run as root, and setpriv (util-linux), which runs it as $SERVER_USER instead, is missing: install util-linux, or run as another user"
  chown "$SERVER_USER:" "$DATA_DIR"
  as_server_user test -w "$DATA_DIR" || die "PostgreSQL refuses to run as root, so this script runs it as $SERVER_USER, who cannot reach $DATA_DIR (a folder above it is closed to other users): set POSTGRES_DATA_DIR to a folder under /tmp, or run as another user"
}

# A new cluster: superuser postgres, trusted without a password (initdb's pg_hba.conf allows
# only local and loopback connections), UTF-8 with the built-in C.UTF-8 locale, so text sorts
# and compares the same on every machine whatever locales it has installed.
init_cluster() {
  [[ -f "$CLUSTER_DIR/PG_VERSION" ]] && return 0
  rm -rf "$CLUSTER_DIR"
  # --no-sync: a test cluster need not survive a power cut; see fsync below.
  as_server_user "$BIN_DIR/initdb" -D "$CLUSTER_DIR" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C --locale-provider=builtin --builtin-locale=C.UTF-8 --no-sync --no-instructions \
    >"$DATA_DIR/initdb.log" 2>&1 ||
    die "initdb failed; last lines of $DATA_DIR/initdb.log:
$(tail -n 20 "$DATA_DIR/initdb.log")"
  echo "include_if_exists = 'atlas.conf'" >>"$CLUSTER_DIR/postgresql.conf"
}

write_settings() {
  cat >"$CLUSTER_DIR/atlas.conf" <<EOF
# Written by infra/postgres/postgres.sh on every start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PORT
# TCP only: a Unix socket would live outside the data folder (/tmp, /var/run/postgresql),
# where a second server's socket, or the machine's own server's, would clash with it.
unix_socket_directories = ''

# Settings for tests, never for data anyone wants to keep: without fsync a crash of the machine
# can lose or corrupt what was written, but no test waits for the disk.
fsync = off
synchronous_commit = off
full_page_writes = off

# Every test worker opens several pools at once (the service's, the outbox relay's, the
# harness's own), and a machine with many cores runs many workers; 100, the default, is tight.
max_connections = 300
EOF
}

# pg_ctl -w returns once the server says it accepts connections, or fails after the timeout.
start_server() {
  if ! as_server_user "$BIN_DIR/pg_ctl" start -D "$CLUSTER_DIR" -l "$LOG_FILE" -w -t "$START_TIMEOUT" -s \
    >"$DATA_DIR/pg_ctl.log" 2>&1; then
    local pid
    if pid="$(running_pid)"; then stop_pid "$pid"; fi
    die "the server did not start within ${START_TIMEOUT}s (raise POSTGRES_START_TIMEOUT on a slow machine, or see why below). $(cat "$DATA_DIR/pg_ctl.log")
Last lines of $LOG_FILE:
$(tail -n 40 "$LOG_FILE" 2>/dev/null)"
  fi
  if ! running_pid >/dev/null || ! port_in_use "$PORT"; then
    die "the server said it was ready, then 127.0.0.1:$PORT refused connections; last lines of $LOG_FILE:
$(tail -n 40 "$LOG_FILE")"
  fi
}

start() {
  local pid
  if pid="$(running_pid)"; then
    echo "PostgreSQL already running on 127.0.0.1:$PORT (pid $pid, $DATA_DIR)"
    return 0
  fi
  # A server started from another folder (the machine's own, say) already serves this port:
  # use it, never stop it.
  if port_in_use "$PORT" && pid="$(listener_pid "$PORT")" && is_postgres_process "$pid"; then
    echo "PostgreSQL already running on 127.0.0.1:$PORT (pid $pid, started from another folder)"
    return 0
  fi
  port_in_use "$PORT" && die "127.0.0.1:$PORT is taken by another process (not a server started from $DATA_DIR): stop it, or choose another POSTGRES_PORT"

  PLATFORM="$(platform)"
  INSTALL_DIR="$CACHE_DIR/postgres-$PG_VERSION/$PLATFORM"
  prepare_data_dir
  fetch_binaries
  find_runnable_binaries
  init_cluster
  write_settings

  local started_at=$SECONDS
  start_server
  pid="$(running_pid)"
  echo "PostgreSQL $PG_VERSION started on 127.0.0.1:$PORT in $((SECONDS - started_at))s (pid $pid, $DATA_DIR)"
}

# SIGINT is PostgreSQL's fast shutdown: it ends open sessions (a test that forgot to close its
# pool would hold up the default, smart shutdown) and still leaves the cluster clean.
stop_pid() {
  local pid="$1"
  kill -INT "$pid" 2>/dev/null || return 0
  # Not kill -0: an exited server stays a zombie until whoever adopted it reaps it, which can
  # take seconds; a zombie has no command line, so this sees it as gone.
  for _ in $(seq 1 300); do
    is_postgres_process "$pid" || return 0
    sleep 0.1
  done
  echo "postgres.sh: pid $pid ignored a fast shutdown for 30s; sending SIGQUIT (immediate shutdown)" >&2
  kill -QUIT "$pid" 2>/dev/null || true
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "PostgreSQL is not running from $DATA_DIR (nothing to stop)"
    return 0
  fi
  stop_pid "$pid"
  echo "PostgreSQL on 127.0.0.1:$PORT stopped (pid $pid)"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    echo "PostgreSQL running on 127.0.0.1:$PORT (pid $pid, $DATA_DIR)"
  else
    echo "PostgreSQL is not running from $DATA_DIR"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: infra/postgres/postgres.sh start|stop|status (POSTGRES_PORT, POSTGRES_DATA_DIR to choose the server)" ;;
esac
