#include "server/metrics/metrics_exposer.h"

#include <exception>

#include "absl/strings/str_cat.h"

namespace regserve::server::metrics {

absl::StatusOr<std::unique_ptr<MetricsExposer>> MetricsExposer::Start(
    const std::string& host, int port, ServerMetrics* metrics) {
  std::unique_ptr<MetricsExposer> out(new MetricsExposer());
  // prometheus-cpp reports bind failures by throwing; stop them here so no
  // exception crosses into the server layer.
  try {
    out->exposer_ = std::make_unique<prometheus::Exposer>(
        absl::StrCat(host, ":", port), /*num_threads=*/1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", host,
                                               ":", port, ": ", e.what()));
  }
  for (const auto& collectable : metrics->collectables()) {
    out->exposer_->RegisterCollectable(collectable);
  }
  out->exposer_->RegisterCollectable(out->process_);
  const auto ports = out->exposer_->GetListeningPorts();
  out->port_ = ports.empty() ? port : ports.front();
  return out;
}

}  // namespace regserve::server::metrics
