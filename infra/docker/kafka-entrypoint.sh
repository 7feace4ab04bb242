#!/bin/sh
# The Kafka broker (`broker`) or a Kafka Connect worker (`connect`) under compose, run from
# the jars devstack installs (there are no Kafka shell scripts) with the native stack's JVM
# options. Every KAFKA_<KEY> (broker) or CONNECT_<KEY> (connect) variable becomes <key> in
# the properties file (KAFKA_LOG_DIRS -> log.dirs), as in the apache/kafka and
# debezium/connect images; the broker formats its storage with CLUSTER_ID on first start.
set -eu
role="${1:?usage: kafka-entrypoint.sh broker|connect}"
case "$role" in
  broker) prefix=KAFKA_ main=kafka.Kafka heap="${KAFKA_HEAP_OPTS:--Xms64m -Xmx512m}" ;;
  connect) prefix=CONNECT_ main=org.apache.kafka.connect.cli.ConnectDistributed heap="${CONNECT_HEAP_OPTS:--Xms64m -Xmx512m}" ;;
  *) echo "kafka-entrypoint: unknown role '$role' (broker or connect)" >&2; exit 2 ;;
esac
conf="$HOME/$role.properties"
env | grep "^$prefix" | grep -v "^${prefix}HEAP_OPTS=" | sort | while IFS='=' read -r name value; do
  printf '%s=%s\n' "$(printf '%s' "${name#"$prefix"}" | tr 'A-Z_' 'a-z.')" "$value"
done >"$conf"
classpath='/opt/kafka/lib/*'
log4j=-Dlog4j.configuration=file:/opt/log4j.properties
if [ "$role" = broker ]; then
  logdirs="$(sed -n 's/^log\.dirs=//p' "$conf")"
  : "${logdirs:?KAFKA_LOG_DIRS is required}" "${CLUSTER_ID:?CLUSTER_ID is required}"
  if [ ! -f "$logdirs/meta.properties" ]; then
    echo "kafka-entrypoint: formatting $logdirs for cluster $CLUSTER_ID" >&2
    java -Xmx128m "$log4j" -cp "$classpath" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$conf"
  fi
else
  printf 'plugin.path=/opt/connect/plugins\n' >>"$conf"
fi
# shellcheck disable=SC2086 # the heap setting is a list of options
exec java $heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 \
  -Djava.awt.headless=true "-Dorder-platform.component=$role" "$log4j" -cp "$classpath" "$main" "$conf"
