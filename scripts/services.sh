#!/usr/bin/env bash
# Runs the payment provider simulator and the six built services as background processes
# against the native stack:
#   scripts/services.sh up|down|status
# pid files and logs live beside the stack's (.stack/run, .stack/logs). `up` waits until
# every process answers GET /health/ready.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stack_dir="${STACK_DIR:-$repo/.stack}"
run_dir="$stack_dir/run"
log_dir="$stack_dir/logs"
# The simulator comes first: payment calls it. views, the read side, comes last.
services=(payment-provider basket order payment shipping email views)

declare -A port=([payment-provider]="${PAYMENT_PROVIDER_PORT:-3099}" [basket]=3000 [order]=3001 [payment]=3002 [shipping]=3003 [email]=3004 [views]=3005)
declare -A role=([basket]=basket [order]=orders [payment]=payment [shipping]=shipping [email]=email [views]=views)

# The simulator is a package (packages/), the services are services (services/).
main_of() {
  if [ "$1" = payment-provider ]; then echo "$repo/packages/payment-provider/dist/main.js"; else echo "$repo/services/$1/dist/main.js"; fi
}

pid_of() {
  local file="$run_dir/svc-$1.pid"
  [ -f "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null && cat "$file"
}

service_env() {
  local s="$1" p
  p="${port[$s]}"
  echo "SERVICE_NAME=$s"
  echo "PORT=$p"
  echo "LOG_LEVEL=${LOG_LEVEL:-info}"
  if [ "$s" = payment-provider ]; then
    # No database or Kafka. Resets are allowed here: the native stack is for development and tests.
    echo "SLOW_DELAY_MS=${SLOW_DELAY_MS:-3000}"
    echo "ALLOW_RESET=true"
    return
  fi
  echo "DATABASE_URL=postgres://${role[$s]}:${role[$s]}@127.0.0.1:${PG_PORT:-5432}/platform"
  echo "KAFKA_BROKERS=127.0.0.1:${KAFKA_PORT:-9092}"
  echo "SCHEMA_REGISTRY_URL=http://127.0.0.1:${REGISTRY_PORT:-8080}/apis/ccompat/v7"
  case "$s" in
    payment) echo "PAYMENT_PROVIDER_URL=http://127.0.0.1:${PAYMENT_PROVIDER_PORT:-3099}" ;;
    email)
      echo "SMTP_HOST=127.0.0.1"; echo "SMTP_PORT=${SMTP_PORT:-1025}"
      echo "ORDER_PAGE_URL=http://127.0.0.1:${port[views]}/orders/{orderId}/timeline" ;;
  esac
}

up() {
  mkdir -p "$run_dir" "$log_dir"
  local s
  for s in "${services[@]}"; do
    [ -f "$(main_of "$s")" ] || { echo "services: $s is not built (pnpm build)" >&2; exit 1; }
    if pid_of "$s" >/dev/null; then continue; fi
    # env -i: a service sees exactly the settings it is given, as in a container.
    mapfile -t settings < <(service_env "$s")
    env -i PATH="$PATH" HOME="$HOME" "${settings[@]}" \
      nohup node "$(main_of "$s")" >>"$log_dir/svc-$s.log" 2>&1 &
    echo $! >"$run_dir/svc-$s.pid"
  done
  for s in "${services[@]}"; do
    local url="http://127.0.0.1:${port[$s]}/health/ready" deadline=$((SECONDS + 60))
    until curl -fs -o /dev/null "$url"; do
      if ! pid_of "$s" >/dev/null; then
        echo "services: $s exited; last lines of $log_dir/svc-$s.log:" >&2; tail -n 20 "$log_dir/svc-$s.log" >&2; exit 1
      fi
      if [ $SECONDS -ge $deadline ]; then
        echo "services: $s not ready at $url within 60 s" >&2; tail -n 20 "$log_dir/svc-$s.log" >&2; exit 1
      fi
      sleep 0.3
    done
    echo "services: $s ready on http://127.0.0.1:${port[$s]} (pid $(pid_of "$s"))"
  done
}

down() {
  local s pid
  for s in "${services[@]}"; do
    pid="$(pid_of "$s")" || { rm -f "$run_dir/svc-$s.pid"; continue; }
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    rm -f "$run_dir/svc-$s.pid"
    echo "services: $s stopped"
  done
}

status() {
  local s pid
  for s in "${services[@]}"; do
    if pid="$(pid_of "$s")"; then echo "$s: running (pid $pid, port ${port[$s]})"; else echo "$s: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
