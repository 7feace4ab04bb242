#!/usr/bin/env bash
# The platform under Docker Compose, with whichever compose answers: the `docker compose`
# plugin, else Debian's standalone `docker-compose` (v1, which has no `up --wait`).
#
#   scripts/compose.sh command        prints the compose command, or fails saying what is missing
#   scripts/compose.sh up             builds the images, starts everything and waits until every
#                                     container is healthy (init: exited 0); prints how long the
#                                     build and the start took
#   scripts/compose.sh down [-v]      stops and removes the containers (-v: and the volumes)
#   scripts/compose.sh <args…>        any other compose command (ps, logs, exec…)
#
# COMPOSE_WAIT_SECONDS (default 600) bounds the wait for health.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

compose_command() {
  if docker compose version >/dev/null 2>&1; then echo "docker compose"
  elif command -v docker-compose >/dev/null && docker-compose version >/dev/null 2>&1; then echo "docker-compose"
  else
    echo "compose: a Docker engine needs a compose: neither 'docker compose' nor 'docker-compose' answers (./dev engine installs Debian's docker-compose)" >&2
    return 1
  fi
}

read -r -a compose <<<"$(compose_command)"

# name state health exit-code restarts of every container of the project, one per line.
states() {
  local ids
  ids="$("${compose[@]}" ps -q)"
  [ -n "$ids" ] || return 0
  # shellcheck disable=SC2086 # one id per word
  docker inspect --format '{{index .Config.Labels "com.docker.compose.service"}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}} {{.RestartCount}}' $ids
}

wait_healthy() {
  local deadline=$((SECONDS + ${COMPOSE_WAIT_SECONDS:-600})) waiting
  while :; do
    waiting="$(states | awk '!(($2 == "running" && ($3 == "healthy" || $3 == "none")) || ($2 == "exited" && $4 == 0 && $1 == "init")) { print $1 "=" $2 "/" $3 }')"
    if states | awk '$2 == "exited" && $4 != 0 { found = 1 } END { exit !found }'; then
      echo "compose: a container failed:" >&2
      states | awk '$2 == "exited" && $4 != 0' >&2
      return 1
    fi
    [ -z "$waiting" ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "compose: still not healthy after ${COMPOSE_WAIT_SECONDS:-600} s: $(echo "$waiting" | tr '\n' ' ')" >&2
      return 1
    fi
    sleep 2
  done
}

case "${1:-}" in
  command) echo "${compose[*]}" ;;
  up)
    started=$SECONDS
    "${compose[@]}" build
    built=$SECONDS
    echo "compose: images built in $((built - started)) s" >&2
    # v1 starts each container only once its depends_on conditions hold (health, init's exit).
    "${compose[@]}" up -d
    wait_healthy
    echo "compose: every container healthy $((SECONDS - built)) s after the build ($((SECONDS - started)) s in all)" >&2
    ;;
  wait) wait_healthy ;;
  down) shift; exec "${compose[@]}" down --remove-orphans "$@" ;;
  '') sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  *) exec "${compose[@]}" "$@" ;;
esac
