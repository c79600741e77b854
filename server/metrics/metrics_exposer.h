// Serves /metrics (Prometheus text exposition format 0.0.4) on its own
// port, from the same HTTP/1.1 stack as the JSON gateway (HttpListener):
// prometheus-cpp's registries are collected and serialized per scrape.
#ifndef REGSERVE_SERVER_METRICS_METRICS_EXPOSER_H_
#define REGSERVE_SERVER_METRICS_METRICS_EXPOSER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/collectable.h"
#include "server/http/http_listener.h"
#include "server/http/http_types.h"
#include "server/metrics/process_collector.h"
#include "server/metrics/server_metrics.h"

namespace regserve::server::metrics {

// Answers GET (and HEAD) /metrics with every collectable's families; any
// other path is a JSON 404, another method a 405. Thread-safe.
class MetricsEndpoint : public http::HttpHandler {
 public:
  explicit MetricsEndpoint(
      std::vector<std::weak_ptr<prometheus::Collectable>> collectables)
      : collectables_(std::move(collectables)) {}
  http::HttpResponse Handle(const http::HttpRequest& request) const override;
  std::string AllowedMethods(absl::string_view path) const override;

 private:
  std::vector<std::weak_ptr<prometheus::Collectable>> collectables_;
};

// Owns the listener. Stops serving when destroyed.
class MetricsExposer {
 public:
  // Listens on host:port (port 0: a free port) and exposes `metrics` plus
  // process metrics at /metrics. Bind failures are UNAVAILABLE. `metrics`
  // must outlive the exposer.
  static absl::StatusOr<std::unique_ptr<MetricsExposer>> Start(
      const std::string& host, int port, ServerMetrics* metrics);
  int port() const { return listener_->port(); }

 private:
  MetricsExposer() = default;
  std::shared_ptr<ProcessCollector> process_ =
      std::make_shared<ProcessCollector>();
  std::unique_ptr<MetricsEndpoint> endpoint_;
  std::unique_ptr<http::HttpListener> listener_;  // last: stops first
};

}  // namespace regserve::server::metrics

#endif  // REGSERVE_SERVER_METRICS_METRICS_EXPOSER_H_
