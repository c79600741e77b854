#include "server/http/http_server.h"

#include "server/http/http_routes.h"

namespace regserve::server::http {

// The gateway as an HttpHandler, with its metrics.
class HttpServer::Endpoint : public HttpHandler {
 public:
  Endpoint(const JsonGateway* gateway, const metrics::HttpMetrics* metrics)
      : gateway_(gateway), metrics_(metrics) {}

  HttpResponse Handle(const HttpRequest& request) const override {
    return gateway_->Handle(request.method, request.path, request.body,
                            request.authorization);
  }
  std::string AllowedMethods(absl::string_view path) const override {
    return http::AllowedMethods(path);
  }
  // Recorded before the answer is written: a caller that has its answer
  // can rely on it being counted.
  void OnAnswered(const HttpResponse& response, double seconds) const override {
    if (metrics_ != nullptr) {
      metrics_->Record(response.route, response.status, seconds);
    }
  }

 private:
  const JsonGateway* gateway_;
  const metrics::HttpMetrics* metrics_;
};

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpServerOptions& options, const JsonGateway* gateway,
    const metrics::HttpMetrics* metrics) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->endpoint_ = std::make_unique<Endpoint>(gateway, metrics);
  HttpListenerOptions listen;
  listen.host = options.host;
  listen.port = options.port;
  listen.threads = options.threads;
  listen.max_connections = options.max_connections;
  listen.max_body_memory = options.max_body_memory;
  listen.session.limits.max_body_bytes = options.max_body_bytes;
  listen.session.read_timeout = options.read_timeout;
  listen.session.idle_timeout = options.idle_timeout;
  auto listener = HttpListener::Start(listen, server->endpoint_.get());
  if (!listener.ok()) return listener.status();
  server->listener_ = std::move(*listener);
  return server;
}

HttpServer::~HttpServer() {
  // The listener goes first: its threads call the endpoint.
  listener_.reset();
}

}  // namespace regserve::server::http
