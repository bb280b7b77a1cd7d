#!/usr/bin/env bash
# A real single-node Kafka 3.9.1 broker (KRaft, no ZooKeeper) for machines without Docker:
# the jars come from Maven Central through pom.xml, and the broker runs with plain `java -cp`.
#
#   infra/kafka/kafka.sh start|stop|status
#
# KAFKA_PORT        client port on 127.0.0.1 (default 9092); the controller takes KAFKA_PORT+1
# KAFKA_DATA_DIR    config, data, log and pid file (default <repo>/.atlas/kafka-<port>)
# ATLAS_CACHE_DIR   where the jars are kept between runs (default ~/.cache/atlas)
# KAFKA_START_TIMEOUT  seconds to wait for "Kafka Server started" (default 90)
#
# Only the broker this script started from KAFKA_DATA_DIR is ever stopped.
set -euo pipefail

KAFKA_VERSION=3.9.1
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
PORT="${KAFKA_PORT:-9092}"
[[ "$PORT" =~ ^[0-9]+$ ]] || { echo "kafka.sh: KAFKA_PORT must be a port number, not \"$PORT\"" >&2; exit 1; }
CONTROLLER_PORT="$((PORT + 1))"
DATA_DIR="${KAFKA_DATA_DIR:-$REPO_ROOT/.atlas/kafka-$PORT}"
LIBS_DIR="${ATLAS_CACHE_DIR:-$HOME/.cache/atlas}/kafka-$KAFKA_VERSION/libs"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
PID_FILE="$DATA_DIR/kafka.pid"
LOG_FILE="$DATA_DIR/server.log"

die() {
  echo "kafka.sh: $*" >&2
  exit 1
}

# True when the pid is alive and really is a Kafka broker (pids get reused after a reboot).
is_kafka_process() {
  local pid="$1"
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka'
}

# Prints the pid of the broker started from DATA_DIR, or fails when there is none.
running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(<"$PID_FILE")"
  is_kafka_process "$pid" || return 1
  echo "$pid"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints the pid listening on 127.0.0.1:<port> (needs ss from iproute2), or fails.
listener_pid() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 | grep .
}

# Copies the jars once; later runs find the marker and never touch the network.
# The lock keeps two first starts (say, two test runs) from filling the folder at once.
fetch_jars() {
  [[ -f "$LIBS_DIR/.complete" ]] && return 0
  command -v mvn >/dev/null || die "the Kafka jars are not in $LIBS_DIR yet and Maven (mvn) is missing: install Maven, or point the tests at a running broker with ATLAS_TEST_KAFKA_BROKERS"
  mkdir -p "$(dirname "$LIBS_DIR")"
  exec 9>"$(dirname "$LIBS_DIR")/.fetch.lock"
  flock 9
  if [[ ! -f "$LIBS_DIR/.complete" ]]; then
    echo "Fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS_DIR (first run only)..."
    local staging="$LIBS_DIR.partial"
    rm -rf "$staging"
    mvn -B -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" \
      -Dkafka.libs.dir="$staging" dependency:copy-dependencies >"$staging.log" 2>&1 ||
      die "Maven could not fetch the Kafka jars; check access to Maven Central. Last lines of $staging.log:
$(tail -n 30 "$staging.log")"
    rm -rf "$LIBS_DIR" "$staging.log"
    mv "$staging" "$LIBS_DIR"
    touch "$LIBS_DIR/.complete"
  fi
  exec 9>&-
}

write_config() {
  mkdir -p "$DATA_DIR/data"
  cat >"$DATA_DIR/server.properties" <<EOF
# Written by infra/kafka/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR/data

# One broker: every replication factor is 1, or consumers loop on "coordinator not available".
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1

# The first group lookup creates __consumer_offsets; with one partition it is ready at once,
# and every group, whatever its name, is served as soon as that one partition has loaded.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
num.partitions=1
# The default (128 MB) would take a quarter of the heap for log compaction alone.
log.cleaner.dedupe.buffer.size=8388608

# Atlas creates its topics up front (KRaft rejects subscribing to a topic that does not exist).
auto.create.topics.enable=false
EOF
  cat >"$DATA_DIR/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
}

# The quoted "dir/*" is expanded by java itself, not by the shell.
java_opts() {
  JAVA_OPTS=(-Xmx512m -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$DATA_DIR/log4j.properties" -cp "$LIBS_DIR/*")
}

# Formatting writes meta.properties; a formatted folder is reused, which also skips a JVM start.
format_storage() {
  [[ -f "$DATA_DIR/data/meta.properties" ]] && return 0
  local cluster_id="-"
  # A base64url id of 16 random bytes, as Kafka makes them; like Kafka, never one starting
  # with "-", which the tool's argument parser would take for an option.
  while [[ "$cluster_id" == -* ]]; do
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  done
  java "${JAVA_OPTS[@]}" kafka.tools.StorageTool format -t "$cluster_id" \
    -c "$DATA_DIR/server.properties" --ignore-formatted >"$DATA_DIR/format.log" 2>&1 ||
    die "formatting $DATA_DIR/data failed: $(tail -n 20 "$DATA_DIR/format.log")"
}

wait_until_started() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  until grep -q 'Kafka Server started' "$LOG_FILE" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      die "the broker exited during start-up; last lines of $LOG_FILE:
$(tail -n 40 "$LOG_FILE")"
    fi
    if ((SECONDS >= deadline)); then
      stop_pid "$pid"
      rm -f "$PID_FILE"
      die "the broker did not start within ${START_TIMEOUT}s (raise KAFKA_START_TIMEOUT on a slow machine); last lines of $LOG_FILE:
$(tail -n 40 "$LOG_FILE")"
    fi
    sleep 0.2
  done
}

start() {
  local pid
  if pid="$(running_pid)"; then
    echo "Kafka already running on 127.0.0.1:$PORT (pid $pid, $DATA_DIR)"
    return 0
  fi
  # A broker started from another folder already serves this port: use it, never stop it.
  if port_in_use "$PORT" && pid="$(listener_pid "$PORT")" && is_kafka_process "$pid"; then
    echo "Kafka already running on 127.0.0.1:$PORT (pid $pid, started from another folder)"
    return 0
  fi
  local port
  for port in "$PORT" "$CONTROLLER_PORT"; do
    port_in_use "$port" && die "127.0.0.1:$port is taken by another process (not a broker started from $DATA_DIR): stop it, or choose another KAFKA_PORT"
  done
  command -v java >/dev/null || die "java is missing: install a JDK 17 or newer, or point the tests at a running broker with ATLAS_TEST_KAFKA_BROKERS"
  fetch_jars
  write_config
  java_opts
  format_storage

  local started_at=$SECONDS
  # setsid: the broker outlives the shell (and the process group) that started it.
  setsid java "${JAVA_OPTS[@]}" kafka.Kafka "$DATA_DIR/server.properties" \
    </dev/null >"$LOG_FILE" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"
  wait_until_started "$pid"
  echo "Kafka $KAFKA_VERSION started on 127.0.0.1:$PORT in $((SECONDS - started_at))s (pid $pid, $DATA_DIR)"
}

# SIGTERM lets the broker close its logs cleanly (the next start skips log recovery).
stop_pid() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  echo "kafka.sh: pid $pid ignored SIGTERM for 30s; sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    echo "Kafka is not running from $DATA_DIR (nothing to stop)"
    return 0
  fi
  stop_pid "$pid"
  rm -f "$PID_FILE"
  echo "Kafka on 127.0.0.1:$PORT stopped (pid $pid)"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    echo "Kafka running on 127.0.0.1:$PORT (pid $pid, $DATA_DIR)"
  else
    echo "Kafka is not running from $DATA_DIR"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: infra/kafka/kafka.sh start|stop|status (KAFKA_PORT, KAFKA_DATA_DIR to choose the broker)" ;;
esac
