# regserve image: build on Debian 12 with the same scripts/setup.sh as a
# developer machine and CI, run on debian:bookworm-slim with only the shared
# libraries the binaries link.
#
#   docker build -t regserve:0.1.0 .
#   docker run --rm -p 50051:50051 -p 8080:8080 -p 9090:9090 regserve:0.1.0
#   docker run --rm -p 50051:50051 -v "$PWD/models:/models:ro" regserve:0.1.0 \
#     --model_poll_seconds=5
#
# Arguments after the image name are extra regserve-server flags. See
# docs/deployment.md. tests/k8s/dockerfile_test.sh checks this file.

FROM debian:bookworm AS build
WORKDIR /src
# The package layer is cached until setup.sh changes.
COPY scripts/setup.sh scripts/setup.sh
RUN bash scripts/setup.sh
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DREGSERVE_BUILD_TESTS=OFF \
 && cmake --build build --target regserve-server regserve-cli regserve-train

FROM debian:bookworm-slim AS runtime
# The packages owning the libraries that `ldd` lists for the three binaries
# (beyond libc6, libgcc-s1, libstdc++6 and zlib1g, which the slim image has).
# Their names carry the library's ABI version, so the binaries always get
# the ABI they were built against while Debian security updates still apply;
# tests/k8s/dockerfile_test.sh compares this list with ldd and dpkg.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libabsl20220623 \
      libc-ares2 \
      libgrpc++1.51 \
      libgrpc29 \
      libprometheus-cpp-core1.0 \
      libprotobuf32 \
      libre2-9 \
      libssl3 \
 && rm -rf /var/lib/apt/lists/*
# A fixed uid, so Kubernetes can check runAsNonRoot and volumes can be
# prepared for it (runAsUser: 10001 in k8s/base/deployment.yaml).
RUN groupadd --gid 10001 regserve \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin regserve
COPY --from=build /src/build/bin/regserve-server /src/build/bin/regserve-cli \
     /src/build/bin/regserve-train /usr/local/bin/
# The default model repository, read-only for the server's user. Mount a
# volume over /models to serve other models.
COPY models/ /models/
USER 10001:10001
# gRPC, Prometheus /metrics and the HTTP/1.1 JSON gateway.
EXPOSE 50051 9090 8080
# Docker's own check (Kubernetes uses its gRPC probes instead).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["regserve-cli", "--target=localhost:50051", "--deadline_ms=2000", "health"]
# Exec form: the server is PID 1 and gets SIGTERM itself, which starts its
# drain (--drain_seconds) and graceful shutdown.
STOPSIGNAL SIGTERM
ENTRYPOINT ["regserve-server", "--model_repository=/models"]
