// All of regserve-server's Prometheus metrics: created once at start-up, so
// the serving path only bumps cached handles.
#ifndef REGSERVE_SERVER_METRICS_SERVER_METRICS_H_
#define REGSERVE_SERVER_METRICS_SERVER_METRICS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "model/linear_model.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "server/metrics/call_metrics.h"
#include "server/metrics/model_metrics.h"
#include "server/metrics/sharded_histogram.h"
#include "server/metrics/version_series.h"

namespace regserve::server::metrics {

// The metric families and the registry that owns them. Thread-safe.
//
// gRPC (grpc-ecosystem convention): grpc_server_started_total,
// grpc_server_handled_total, grpc_server_handling_seconds,
// grpc_server_msg_received_total, grpc_server_msg_sent_total.
// regserve_: rows_predicted_total, batch_rows, calls_in_flight,
// model_loaded, model_loads_total, out_of_domain_inputs_total,
// unknown_levels_total, prediction_value, build_info. Process metrics come from
// ProcessCollector.
class ServerMetrics {
 public:
  ServerMetrics();

  // Handles for unary method `method` of `service`, created on first use
  // (at start-up) and cached by the caller.
  CallMetrics ForMethod(absl::string_view service, absl::string_view method);
  // Handles for a loaded model version; call when loading, off the hot path.
  // Its per-version series live while some loaded copy of the version does
  // (VersionSeriesBook). INTERNAL if prometheus-cpp refuses them.
  absl::StatusOr<std::shared_ptr<const ModelMetrics>> ForModel(
      const model::LinearModel& model);
  // Batch size histogram for BatchPredict.
  ShardedHistogram& batch_rows() { return *batch_rows_; }
  // A load attempt of `model` ended with `ok`.
  void RecordLoad(const std::string& model, bool ok);
  // Marks a version as loaded (gauge 1) or unloaded (series removed).
  void SetLoaded(const std::string& model, int64_t version, bool loaded);

  // prometheus-cpp's registry (counters, gauges, the HTTP gateway's
  // metrics). /metrics serves every one of collectables(); Collect()
  // returns them all, for tests.
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }
  std::vector<std::weak_ptr<prometheus::Collectable>> collectables() const;
  std::vector<prometheus::MetricFamily> Collect() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  // The histograms observed while serving are sharded (lock-free); they
  // are exposed beside the registry (collectables()).
  std::shared_ptr<ShardedHistogramFamily> handling_seconds_;
  prometheus::Family<prometheus::Counter>& received_;
  prometheus::Family<prometheus::Counter>& sent_;
  prometheus::Family<prometheus::Counter>& rows_;
  std::shared_ptr<ShardedHistogramFamily> batch_rows_family_;
  prometheus::Family<prometheus::Gauge>& in_flight_family_;
  prometheus::Family<prometheus::Gauge>& loaded_;
  prometheus::Family<prometheus::Counter>& loads_;
  prometheus::Family<prometheus::Counter>& out_of_domain_;
  prometheus::Family<prometheus::Counter>& unknown_levels_;
  std::shared_ptr<ShardedHistogramFamily> predictions_;
  prometheus::Gauge* in_flight_;
  ShardedHistogram* batch_rows_;
  std::shared_ptr<VersionSeriesBook> version_series_;
};

}  // namespace regserve::server::metrics

#endif  // REGSERVE_SERVER_METRICS_SERVER_METRICS_H_
