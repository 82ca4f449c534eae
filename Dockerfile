# syntax=docker/dockerfile:1
# dockward as an image: one static binary on an empty base, run as an unprivileged user.
#   docker build -t dockward .
#   docker run --rm -v "$PWD:/work:ro" dockward scan .

# Alpine's Rust image targets musl and already carries gcc and musl-dev (for mimalloc and
# ring), so the build installs nothing and the binary is statically linked.
FROM rust:1.88-alpine3.22 AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p dockward \
 && cp target/release/dockward /dockward

# Nothing but the binary: no shell, no package manager, no libc to patch.
FROM scratch
LABEL org.opencontainers.image.title="dockward" \
      org.opencontainers.image.description="Docker security auditor" \
      org.opencontainers.image.source="https://github.com/dockward/dockward" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /dockward /usr/local/bin/dockward
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/dockward"]
CMD ["scan", "."]
