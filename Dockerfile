# syntax=docker/dockerfile:1
# One image recipe for the whole workspace:
#   --target service --build-arg SERVICE=<basket|order|payment|shipping|email|views|payment-provider|cdc-watchdog> [--build-arg PORT=<port>]
#       a production-only copy of one service or of the payment provider simulator (pnpm deploy,
#       by package name @order-platform/<SERVICE>), run as `node dist/main.js`
#   --target init
#       the one-shot platform-init CLI (topics, schemas, connector), run from the built workspace
# The version defaults repeat infra/versions.env; infra/test/compose.unit.spec.ts fails if they drift.

ARG NODE_VERSION=24.21.0

FROM node:${NODE_VERSION}-bookworm-slim AS base
ARG PNPM_VERSION=10.34.9
# corepack is leaving Node, so pnpm comes from npm at the pinned version.
RUN npm install --global "pnpm@${PNPM_VERSION}" \
 && pnpm config set store-dir /pnpm/store --location=global
ENV CI=true \
    TURBO_TELEMETRY_DISABLED=1
WORKDIR /repo

# Every dependency tarball, keyed on the lockfile alone: source edits do not refetch.
FROM base AS deps
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc* ./
RUN pnpm fetch

FROM deps AS build
COPY . .
RUN pnpm install --offline --frozen-lockfile \
 && pnpm turbo run build

# pnpm 10 deploys from the shared lockfile only with injected workspace packages; the flag
# turns that on for this command alone (the legacy mode re-resolves versions over the network).
FROM build AS deploy
ARG SERVICE
RUN test -n "${SERVICE}" || { echo "build arg SERVICE is required" >&2; exit 1; } \
 && pnpm --config.inject-workspace-packages=true --filter "@order-platform/${SERVICE}" \
      deploy --prod --offline /out \
 && { test -f /out/dist/main.js || { echo "@order-platform/${SERVICE} has no dist/main.js" >&2; exit 1; }; }

FROM build AS init
USER node
CMD ["node", "packages/platform-init/dist/main.js"]

FROM node:${NODE_VERSION}-bookworm-slim AS service
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
