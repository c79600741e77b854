// Serves the JSON gateway over HTTP/1.1 with civetweb (Debian's, already a
// dependency through prometheus-cpp): reads the body within the size limit,
// hands the request to the JsonGateway, writes the answer, records metrics.
#ifndef REGSERVE_SERVER_HTTP_HTTP_SERVER_H_
#define REGSERVE_SERVER_HTTP_HTTP_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/http/json_gateway.h"
#include "server/metrics/http_metrics.h"

class CivetServer;

namespace regserve::server::http {

struct HttpServerOptions {
  std::string host = "0.0.0.0";
  int port = 8080;                           // 0: a free port
  int threads = 4;                           // civetweb worker threads
  size_t max_body_bytes = size_t{64} << 20;  // larger bodies: 413
};

// Owns the civetweb server; stops it (joining its threads) when destroyed.
// The gateway and metrics (may be null) must outlive it.
class HttpServer {
 public:
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const HttpServerOptions& options, const JsonGateway* gateway,
      const metrics::HttpMetrics* metrics);
  ~HttpServer();
  int port() const { return port_; }

 private:
  class Handler;
  HttpServer() = default;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<CivetServer> server_;
  int port_ = 0;
};

}  // namespace regserve::server::http

#endif  // REGSERVE_SERVER_HTTP_HTTP_SERVER_H_
