# Dialtone: the production server (Next + Socket.IO on one port), as `npm start`
# runs it. Multi-stage: dependencies and the Next build in throwaway stages,
# the runtime as the unprivileged `node` user (uid 1000) with production
# dependencies only. docs/production.md ("Docker") says how to run it and
# what was exercised here.
#   docker build -t dialtone .
#   docker run -p 3000:3000 -e AUTH_SECRET=… -e NEXTAUTH_URL=https://… -v dialtone-data:/app/data dialtone

ARG NODE_IMAGE=node:22-bookworm-slim

# ---- dependencies (all of them: the build needs TypeScript, Tailwind, …) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
# postinstall generates both Prisma clients: it needs the schemas and its script.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs ./scripts/
RUN npm ci

# ---- build: next build, then drop the dev dependencies ----
FROM deps AS build
COPY . .
RUN npm run build \
 && npm prune --omit=dev \
 # npm start rebuilds when a source is newer than the build: make sure it will not.
 && node --input-type=module -e "const m = await import('./scripts/start.mjs'); if (m.needsBuild()) { console.error('build is stale'); process.exit(1); }"

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data \
    DATABASE_URL=file:/app/data/dialtone.db
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
# SIGTERM → graceful shutdown within SHUTDOWN_GRACE_SECONDS (default 10): give
# `docker stop` more than that (docker-compose.yml sets stop_grace_period).
STOPSIGNAL SIGTERM
# /healthz: the process answers (liveness). Load balancers should use /readyz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` runs (scripts/start.mjs), without npm in between so that
# SIGTERM reaches the server's own handler.
CMD ["node", "scripts/start.mjs"]
