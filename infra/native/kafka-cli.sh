#!/usr/bin/env bash
# Runs a Kafka command-line tool from the native stack's Kafka jars (no Kafka install).
#
#   kafka-cli.sh <tool|MainClass> [args...]
#
# Tools: topics, console-consumer, console-producer, consumer-groups, transactions,
# get-offsets, broker-api-versions; or any fully qualified main class.
# --bootstrap-server defaults to 127.0.0.1:$KAFKA_PORT when not given.
# Example: infra/native/kafka-cli.sh topics --list
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd -P)
# shellcheck source=../versions.env
source "$REPO_ROOT/infra/versions.env"
CACHE_DIR=${ORDER_PLATFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/order-platform}
KAFKA_LIB=$CACHE_DIR/kafka_$SCALA_BINARY_VERSION-$KAFKA_VERSION/lib
KAFKA_PORT=${KAFKA_PORT:-9092}

(($# >= 1)) || {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
[[ -f $KAFKA_LIB/.complete ]] || {
  echo "kafka-cli: no Kafka jars in $KAFKA_LIB; run ./dev stack up kafka first" >&2
  exit 1
}

tool=$1
shift
case $tool in
  topics) main=org.apache.kafka.tools.TopicCommand ;;
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  console-producer) main=kafka.tools.ConsoleProducer ;;
  consumer-groups) main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  transactions) main=org.apache.kafka.tools.TransactionsCommand ;;
  get-offsets) main=org.apache.kafka.tools.GetOffsetShell ;;
  broker-api-versions) main=kafka.admin.BrokerApiVersionsCommand ;;
  *.*) main=$tool ;;
  *)
    echo "kafka-cli: unknown tool '$tool'" >&2
    exit 2
    ;;
esac

args=("$@")
if [[ " ${args[*]} " != *" --bootstrap-server "* && $main != *StorageTool ]]; then
  args=(--bootstrap-server "127.0.0.1:$KAFKA_PORT" "${args[@]}")
fi

exec java -Xmx256m -XX:TieredStopAtLevel=1 -Dlog4j.configuration="file:$SCRIPT_DIR/log4j-tools.properties" \
  -cp "$KAFKA_LIB/*" "$main" "${args[@]}"
