# syntax=docker/dockerfile:1

# One Dockerfile, one image per app:
#   docker build --build-arg APP=orders -t atlas-orders:dev .
#
# Debian slim rather than Alpine: glibc is what the prebuilt native modules (@node-rs/argon2,
# @swc/core) and the developers' machines use, and its resolver behaves like theirs in
# Kubernetes DNS. Pin the exact Node release the project tests on (package.json, .nvmrc).
ARG NODE_IMAGE=node:24.21.0-trixie-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so the layer is reused until the lockfile changes.
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY .swcrc ./
COPY libs ./libs
COPY apps ./apps
COPY infra/local ./infra/local
# The build compiles every app; then only production dependencies stay. The `node` package
# (a dev dependency) goes too: the runtime image brings its own Node 24.
RUN npm run build && npm prune --omit=dev

# Everything above is shared by all apps; APP only picks what goes into the runtime image.
ARG APP
RUN test -f "dist/apps/${APP}/src/main.js" \
  || { echo "Build with --build-arg APP=<gateway|auth|catalog|orders|payments|notifications>" >&2; exit 1; }

FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production \
    HOST=0.0.0.0
WORKDIR /app
# Root-owned and read-only to the app user: the process can change nothing but /tmp.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/libs ./dist/libs
COPY --from=build /app/dist/apps/${APP} ./dist/apps/${APP}
# A fixed entry path, so CMD stays in exec form (exec form expands no variables). Node resolves
# the link before loading, so the app's relative imports and source maps work as usual.
RUN ln -s "apps/${APP}/src/main.js" dist/main.js
# The one writable place besides /tmp, for catalog's product images (CATALOG_IMAGE_DIR): a
# volume is mounted here, and a new Docker volume takes this folder's owner, the app user.
RUN mkdir -p /var/lib/atlas/images && chown 1000:1000 /var/lib/atlas/images
# The numeric id of the image's `node` user: Kubernetes can only verify runAsNonRoot against a number.
USER 1000:1000
STOPSIGNAL SIGTERM
# node is PID 1 with no shell in between, so SIGTERM reaches the app's graceful shutdown.
# kafkajs 2.2.4 arms an idle timer with a negative delay (run after 1 ms, as always); Node 24
# warns about it, so that one warning is silenced.
CMD ["node", "--disable-warning=TimeoutNegativeWarning", "--enable-source-maps", "--import", "./dist/libs/observability/src/register.js", "dist/main.js"]
