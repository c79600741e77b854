// Serves the JSON gateway over HTTP/1.1 (HttpListener, on Boost.Beast),
// recording every answer in the HTTP metrics.
#ifndef REGSERVE_SERVER_HTTP_HTTP_SERVER_H_
#define REGSERVE_SERVER_HTTP_HTTP_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/http/http_listener.h"
#include "server/http/json_gateway.h"
#include "server/metrics/http_metrics.h"

namespace regserve::server::http {

struct HttpServerOptions {
  std::string host = "0.0.0.0";
  int port = 8080;                           // 0: a free port
  int threads = 4;                           // event loop threads
  size_t max_body_bytes = size_t{64} << 20;  // larger bodies: 413
  int max_connections = 1024;                // more: 503, closed
  size_t max_body_memory = 0;  // bodies held at once; more: 503. 0: any
  absl::Duration read_timeout = absl::Seconds(10);  // head, then body
  absl::Duration idle_timeout = absl::Seconds(60);  // between requests
};

// Owns the listener; stops it (joining its threads) when destroyed. The
// gateway and metrics (may be null) must outlive it.
class HttpServer {
 public:
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const HttpServerOptions& options, const JsonGateway* gateway,
      const metrics::HttpMetrics* metrics);
  ~HttpServer();
  int port() const { return listener_->port(); }
  // See HttpListener::Stop.
  void Stop(absl::Duration grace) { listener_->Stop(grace); }
  int connections() const { return listener_->connections(); }

 private:
  class Endpoint;
  HttpServer() = default;
  std::unique_ptr<Endpoint> endpoint_;
  std::unique_ptr<HttpListener> listener_;
};

}  // namespace regserve::server::http

#endif  // REGSERVE_SERVER_HTTP_HTTP_SERVER_H_
