# VoltMetrics: build with the Rust image, run the binary alone on distroless as a non-root user.
# (No Docker engine exists on the project's build machines: this file is linted by hadolint in
# .ci/run, not built there.)
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY examples ./examples
COPY benches ./benches
COPY tests ./tests
COPY fixtures ./fixtures
RUN cargo build --release --locked --bin voltmetrics

FROM gcr.io/distroless/cc-debian12:nonroot
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="voltmetrics" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.description="Electrical-safety risk engine: IEEE 1584-2018 arc flash, NFPA 70E shock boundaries and PPE" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
COPY --from=build /src/target/release/voltmetrics /usr/local/bin/voltmetrics
USER 65532:65532
WORKDIR /data
ENTRYPOINT ["voltmetrics"]
CMD ["--help"]
