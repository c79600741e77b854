// Serves /metrics over HTTP (prometheus-cpp's civetweb Exposer).
#ifndef REGSERVE_SERVER_METRICS_METRICS_EXPOSER_H_
#define REGSERVE_SERVER_METRICS_METRICS_EXPOSER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "prometheus/exposer.h"
#include "server/metrics/process_collector.h"
#include "server/metrics/server_metrics.h"

namespace regserve::server::metrics {

// Owns the HTTP listener. Stops serving when destroyed.
class MetricsExposer {
 public:
  // Listens on host:port (port 0: a free port) and exposes `metrics` plus
  // process metrics at /metrics. Bind failures are UNAVAILABLE, not
  // exceptions.
  static absl::StatusOr<std::unique_ptr<MetricsExposer>> Start(
      const std::string& host, int port, ServerMetrics* metrics);
  int port() const { return port_; }

 private:
  MetricsExposer() = default;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<ProcessCollector> process_ =
      std::make_shared<ProcessCollector>();
  int port_ = 0;
};

}  // namespace regserve::server::metrics

#endif  // REGSERVE_SERVER_METRICS_METRICS_EXPOSER_H_
