# jiwon on Debian 12: build and package in one stage, install the .deb in a
# slim runtime image (its Depends, found by dpkg-shlibdeps, bring the
# shared libraries).
#   docker build -t jiwon:0.14.0 .
#   docker run -p 50051:50051 jiwon:0.14.0
FROM debian:bookworm AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      g++ cmake ninja-build pkg-config dpkg-dev file \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      grpc-proto libabsl-dev librocksdb-dev libgtest-dev libgmock-dev \
      libbenchmark-dev libjemalloc-dev libssl-dev libcurl4-openssl-dev \
      libcpp-httplib-dev prometheus-cpp-dev libicu-dev python3 git \
      ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
    && cmake --build build --target jiwond jiwon jiwon-rescore \
    && cd build && cpack -G DEB

FROM debian:bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive
COPY --from=build /src/build/jiwon_*.deb /tmp/
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends /tmp/jiwon_*.deb \
    && rm -rf /var/lib/apt/lists/* /tmp/jiwon_*.deb \
    && groupadd --system --gid 10001 jiwon-app \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/jiwon jiwon-app \
    && mkdir -p /var/lib/jiwon && chown 10001:10001 /var/lib/jiwon
USER 10001:10001
VOLUME /var/lib/jiwon
EXPOSE 50051 9464
# Plaintext on all addresses is refused without --insecure: give TLS and
# tokens (see deploy/k8s/jiwond.yaml) in production.
ENTRYPOINT ["/usr/bin/jiwond"]
CMD ["--listen=0.0.0.0:50051", "--insecure", "--data_dir=/var/lib/jiwon/data", \
     "--create_if_missing", "--backup_root=/var/lib/jiwon/backups", \
     "--metrics_listen=0.0.0.0:9464", "--log_format=json"]
