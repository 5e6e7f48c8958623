# Workshop: one self-contained binary (templates compiled in, static files and migrations
# embedded), built on Debian bookworm and run on bookworm-slim as a non-root user.
#
#   docker build -t workshop .
#   docker run -p 8080:8080 -e SECRET_KEY=... -v workshop-data:/data workshop
#
# See compose.yaml for PostgreSQL.

# ---- build -----------------------------------------------------------------------------
# perl and make (for the vendored OpenSSL that libpq needs) and a C compiler (bundled
# SQLite and libpq) are all part of this image.
FROM rust:1.95-bookworm AS builder
WORKDIR /src

# Everything the build reads: Cargo.toml, Cargo.lock, src/, templates/, static/, migrations/
# (see .dockerignore for what stays out).
COPY . .
# (The release profile already strips symbols.)
RUN cargo build --release --locked --bin workshop

# ---- run -------------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime

RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 workshop \
    && useradd --system --uid 10001 --gid workshop --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin workshop \
    && mkdir -p /data \
    && chown workshop:workshop /data

COPY --from=builder /src/target/release/workshop /usr/local/bin/workshop

ENV WORKSHOP_BIND=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///data/workshop.db \
    WORKSHOP_ENV=production

WORKDIR /data
VOLUME /data
EXPOSE 8080

USER workshop

# `workshop healthcheck` GETs http://127.0.0.1:8080/health/ and exits 0 (healthy) or 1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["workshop", "healthcheck"]

ENTRYPOINT ["workshop"]
CMD ["serve"]
