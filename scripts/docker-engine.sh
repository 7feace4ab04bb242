#!/usr/bin/env bash
# A Docker engine and a compose for machines without one (CI, fresh hosts): `./dev engine`.
#
#   1. installs Debian's docker.io (and docker-compose when no compose answers) through apt,
#   2. starts dockerd as root when no engine answers (log: /var/log/order-platform-dockerd.log),
#   3. makes sure the one base image every project image is built FROM exists
#      (BASE_IMAGE, debian:bookworm-slim): pulled where a registry answers, otherwise made
#      with debootstrap --variant=minbase from Debian's mirror and `docker import`ed, trusting
#      the certificate authorities the host added in /usr/local/share/ca-certificates.
#
# Idempotent: what is already there is left alone. Needs root (or passwordless sudo).
# Prints the compose command to use (`docker compose` or `docker-compose`) on its last line.
set -euo pipefail

BASE_IMAGE="${BASE_IMAGE:-debian:bookworm-slim}"
SUITE="${DEBIAN_SUITE:-bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/order-platform-dockerd.log}"

log() { echo "engine: $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }

apt_install() {
  log "installing $* from apt"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

engine_answers() { docker info >/dev/null 2>&1; }

# The compose that answers: the v2 plugin first, then Debian's standalone v1.
compose_command() {
  if docker compose version >/dev/null 2>&1; then echo "docker compose"
  elif command -v docker-compose >/dev/null && docker-compose version >/dev/null 2>&1; then echo "docker-compose"
  fi
}

ensure_packages() {
  local wanted=()
  command -v dockerd >/dev/null || engine_answers || wanted+=(docker.io)
  command -v docker >/dev/null || wanted+=(docker.io)
  [ -n "$(compose_command)" ] || wanted+=(docker-compose)
  if [ "${#wanted[@]}" -gt 0 ]; then
    mapfile -t wanted < <(printf '%s\n' "${wanted[@]}" | sort -u)
    apt_install "${wanted[@]}"
  fi
}

start_engine() {
  engine_answers && return
  log "starting dockerd (log: $DOCKERD_LOG)"
  as_root sh -c "nohup setsid dockerd >>'$DOCKERD_LOG' 2>&1 </dev/null &"
  for _ in $(seq 1 60); do
    engine_answers && return
    sleep 1
  done
  log "dockerd did not answer within 60 s; the end of $DOCKERD_LOG:"
  as_root tail -n 30 "$DOCKERD_LOG" >&2 || true
  return 1
}

# docker info answers for root only unless the user is in the docker group.
check_access() {
  engine_answers && return
  log "the engine runs, but $(id -un) may not use it: add the user to the docker group"
  return 1
}

ensure_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "base image $BASE_IMAGE is there"
    return
  fi
  if timeout 60 docker pull "$BASE_IMAGE" >/dev/null 2>&1; then
    log "pulled $BASE_IMAGE"
    return
  fi
  log "$BASE_IMAGE cannot be pulled; building it with debootstrap from $MIRROR"
  command -v debootstrap >/dev/null || apt_install debootstrap
  local root
  root="$(mktemp -d /tmp/order-platform-base.XXXXXX)"
  trap 'as_root rm -rf "$root"' RETURN
  local started=$SECONDS
  as_root debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR" >/dev/null
  # As slim as the official image: no package lists or caches; apt keeps no downloaded
  # .debs, so every image layer that installs packages stays small.
  as_root rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
  printf 'APT::Keep-Downloaded-Packages "false";\nAPT::Install-Recommends "false";\n' \
    | as_root tee "$root/etc/apt/apt.conf.d/90order-platform" >/dev/null
  # The base trusts the certificate authorities this host added locally (a company's, or a
  # TLS-inspecting proxy's): the images' installs reach the same registries the host does.
  # Installing ca-certificates in an image adds them to its bundle.
  local ca
  for ca in /usr/local/share/ca-certificates/*.crt; do
    [ -e "$ca" ] || continue
    as_root install -D -m 644 "$ca" "$root/usr/local/share/ca-certificates/$(basename "$ca")"
    log "the base trusts $(basename "$ca") as the host does"
  done
  as_root tar -C "$root" -c . | docker import --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
  log "built $BASE_IMAGE in $((SECONDS - started)) s"
}

ensure_packages
start_engine
check_access
ensure_base_image
compose="$(compose_command)"
[ -n "$compose" ] || { log "no compose answers after installing docker-compose"; exit 1; }
log "ready: $(docker version --format 'engine {{.Server.Version}}'), compose: $compose"
echo "$compose"
