# syntax=docker/dockerfile:1
# One image for every app of the connector. The command picks the app:
#   node dist/apps/ingest/src/main.js          (default; PORT 3000)
#   node dist/apps/dispatcher/src/main.js      (PORT 3001)
#   node dist/apps/admin/src/main.js           (PORT 3002)
#   node dist/libs/persistence/src/cli/migrate.js   (one-shot schema migration)
#   node dist/tools/fcm-emulator/src/main.js   (local FCM stand-in, port 9099)

FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:22-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's own unprivileged user (uid 1000); the manifests pin runAsUser to the same id.
USER node
EXPOSE 3000 3001 3002 9099
CMD ["node", "--max-old-space-size=192", "dist/apps/ingest/src/main.js"]
