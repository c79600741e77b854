// Settings of regserve-server, copied from flags in main.cc and passed down.
#ifndef REGSERVE_SERVER_SERVER_OPTIONS_H_
#define REGSERVE_SERVER_SERVER_OPTIONS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/repository/version_policy.h"
#include "server/security/tls_options.h"

namespace regserve::server {

struct ServerOptions {
  // Address to listen on; port 0 picks a free port (see RegserveServer::port).
  std::string host = "0.0.0.0";
  int port = 50051;
  // Prometheus /metrics port; 0 turns metrics off, kAnyPort picks a free
  // port (see RegserveServer::metrics_port).
  int metrics_port = 9090;
  static constexpr int kAnyPort = -1;
  // HTTP/1.1 JSON gateway port; 0 turns it off, kAnyPort picks a free port.
  int http_port = 8080;
  // Event loop threads of the JSON gateway (handlers run on them; idle and
  // slow connections hold none).
  int http_threads = 4;
  // Open HTTP connections past which new ones get 503 and are closed.
  int http_max_connections = 1024;
  // Time a client has to send a request's head once it began, and again
  // its body (totals, so slowloris clients are cut off); then the
  // connection is closed.
  absl::Duration http_read_timeout = absl::Seconds(10);
  // A kept-alive HTTP connection with no request for this long is closed.
  absl::Duration http_idle_timeout = absl::Seconds(60);
  // TLS or mutual TLS on the gRPC port; off (plaintext) by default.
  security::TlsOptions tls;
  // API keys file; empty = no authentication (open, with a warning).
  std::string api_keys_file;
  // Whether health checks (Check and Watch) need a key too (probes usually
  // have none).
  bool auth_health = false;
  // API keys are bearer secrets: over plaintext (gRPC without tls, or the
  // HTTP gateway, which has no TLS) anyone on the path can read them, so
  // the server refuses to start that way unless this is set (a network you
  // trust, or TLS terminated in front of regserve by a sidecar or ingress).
  bool allow_plaintext_api_keys = false;
  // Concurrent calls (HTTP/2 streams) one connection may have open; more
  // wait on the client side.
  int max_concurrent_streams = 100;
  // Most calls of one method that one polling thread holds between arrival
  // and the end of sending the answer (slow readers hold theirs long);
  // beyond it new calls of the method wait in gRPC until one ends.
  int max_calls_per_method = 1024;
  // Clients pinging more often than this without calls get GOAWAY
  // ("too_many_pings") after two strikes.
  absl::Duration min_client_ping_interval = absl::Seconds(10);
  // Calls are refused with RESOURCE_EXHAUSTED while a polling thread has
  // been busy without emptying its queue for longer than this; zero = never.
  absl::Duration max_queue_delay = absl::Milliseconds(100);
  // Connections with no call for this long are closed.
  absl::Duration max_connection_idle = absl::Minutes(5);
  // Connections older than this are asked to reconnect (GOAWAY), so that
  // round_robin clients spread over new replicas; zero = never.
  absl::Duration max_connection_age = absl::Minutes(30);
  // Root of <name>/<version>/model.json.
  std::string model_repository = "models";
  // The model that answers requests with an empty model name.
  std::string default_model = "boston_housing";
  // Optional per-model policies and labels (protobuf text or JSON).
  std::string model_config;
  // Server-wide version policy (TensorFlow Serving's): latest 1 by default.
  VersionPolicy version_policy;
  // How often the repository is rescanned; zero = only on SIGHUP.
  absl::Duration model_poll_interval = absl::Seconds(5);
  // Completion queues, each with one polling thread; 0 = hardware threads.
  int threads = 0;
  // Rows per BatchPredict, past which INVALID_ARGUMENT names the limit.
  int64_t max_batch_rows = 100000;
  // Largest request or response message in bytes (RESOURCE_EXHAUSTED).
  int max_message_bytes = 64 * 1024 * 1024;
  // Memory that requests being received may hold, in bytes: gRPC's
  // ResourceQuota (its buffers and flow-control windows shrink, and calls
  // are refused with RESOURCE_EXHAUSTED, under pressure), and separately the
  // HTTP bodies being read at once (more: 503). Size it to about a quarter
  // of the container's memory limit: parsed requests and answers come on
  // top. At least max_message_bytes.
  int64_t memory_quota_bytes = int64_t{256} << 20;
  // On shutdown, how long in-flight calls may run before being cancelled.
  absl::Duration shutdown_grace = absl::Seconds(10);
  // Serve grpc.reflection.v1alpha so grpcurl can list and describe services.
  bool reflection = true;
};

// OK, or INVALID_ARGUMENT naming the flag whose value cannot work (a port
// out of range, a count below 1, a negative duration, TLS settings without
// --tls_cert, API keys that would travel in clear). RegserveServer::Start
// calls it first.
absl::Status ValidateServerOptions(const ServerOptions& options);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_SERVER_OPTIONS_H_
