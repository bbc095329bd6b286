# syntax=docker/dockerfile:1
# The ledger service. Build: docker build -t interaction-ledger . (or docker compose build)

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist/apps/ledger ./dist/apps/ledger
USER node
EXPOSE 3000
# DATABASE_URL and EVENTSTORE_URL come from the environment (see docker-compose.yml); without DATABASE_URL the
# service would start an embedded PostgreSQL under LEDGER_DATA_DIR inside the container.
# --max-semi-space-size and --no-allocation-site-pretenuring: as npm start runs it (see README, "Run it").
CMD ["node", "--max-semi-space-size=32", "--no-allocation-site-pretenuring", "dist/apps/ledger/apps/ledger/src/main.js"]
