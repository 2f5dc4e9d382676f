# Build the `jobboard` binary, then ship it alone on a slim Debian.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p jobboard-server \
 && cp target/release/jobboard /jobboard

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/jobboard --create-home jobboard
COPY --from=build /jobboard /usr/local/bin/jobboard
USER jobboard
WORKDIR /var/lib/jobboard
ENV JOBBOARD_BIND=0.0.0.0:8080 JOBBOARD_DATA_DIR=/var/lib/jobboard/data JOBBOARD_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["jobboard"]
CMD ["serve"]
