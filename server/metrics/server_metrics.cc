#include "server/metrics/server_metrics.h"

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/build_info.h"

namespace regserve::server::metrics {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;

// Canonical code names as the grpc-ecosystem libraries print them.
constexpr const char* kCodeNames[kStatusCodes] = {"OK",
                                                  "Canceled",
                                                  "Unknown",
                                                  "InvalidArgument",
                                                  "DeadlineExceeded",
                                                  "NotFound",
                                                  "AlreadyExists",
                                                  "PermissionDenied",
                                                  "ResourceExhausted",
                                                  "FailedPrecondition",
                                                  "Aborted",
                                                  "OutOfRange",
                                                  "Unimplemented",
                                                  "Internal",
                                                  "Unavailable",
                                                  "DataLoss",
                                                  "Unauthenticated"};

// 25 us to ~6.5 s, doubling: resolves sub-millisecond calls.
std::vector<double> LatencyBuckets() {
  std::vector<double> bounds;
  for (double b = 25e-6; b < 8; b *= 2) bounds.push_back(b);
  return bounds;
}

std::vector<double> BatchBuckets() {
  return {1,   2,    5,    10,   20,    50,    100,   200,
          500, 1000, 2000, 5000, 10000, 20000, 50000, 100000};
}

}  // namespace

ServerMetrics::ServerMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      started_(BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("Total number of RPCs started on the server.")
                   .Register(*registry_)),
      handled_(BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("Total number of RPCs completed on the server, "
                         "regardless of success or failure.")
                   .Register(*registry_)),
      handling_seconds_(std::make_shared<ShardedHistogramFamily>(
          "grpc_server_handling_seconds",
          "Histogram of response latency (seconds) of gRPC that had been "
          "application-level handled by the server.")),
      received_(BuildCounter()
                    .Name("grpc_server_msg_received_total")
                    .Help("Total number of RPC stream messages received on "
                          "the server.")
                    .Register(*registry_)),
      sent_(BuildCounter()
                .Name("grpc_server_msg_sent_total")
                .Help("Total number of gRPC stream messages sent by the "
                      "server.")
                .Register(*registry_)),
      rows_(BuildCounter()
                .Name("regserve_rows_predicted_total")
                .Help("Rows predicted, by model and version.")
                .Register(*registry_)),
      batch_rows_family_(std::make_shared<ShardedHistogramFamily>(
          "regserve_batch_rows", "Rows per batch call, by method.")),
      in_flight_family_(BuildGauge()
                            .Name("regserve_calls_in_flight")
                            .Help("Calls being handled right now.")
                            .Register(*registry_)),
      loaded_(BuildGauge()
                  .Name("regserve_model_loaded")
                  .Help("1 for each loaded model version.")
                  .Register(*registry_)),
      loads_(BuildCounter()
                 .Name("regserve_model_loads_total")
                 .Help("Model version load attempts, by result.")
                 .Register(*registry_)),
      out_of_domain_(BuildCounter()
                         .Name("regserve_out_of_domain_inputs_total")
                         .Help("Feature values outside the training range, "
                               "by model and feature.")
                         .Register(*registry_)),
      unknown_levels_(BuildCounter()
                          .Name("regserve_unknown_levels_total")
                          .Help("Levels of a categorical feature the model "
                                "does not know, in refused calls, by model "
                                "and feature.")
                          .Register(*registry_)),
      predictions_(std::make_shared<ShardedHistogramFamily>(
          "regserve_prediction_value",
          "Predicted values; buckets span the training target's range.")),
      in_flight_(&in_flight_family_.Add({})),
      batch_rows_(batch_rows_family_->Add({{"method", "BatchPredict"}},
                                          BatchBuckets())),
      version_series_(
          std::make_shared<VersionSeriesBook>(registry_, rows_, predictions_)) {
  BuildGauge()
      .Name("regserve_build_info")
      .Help("Build of the running server; always 1.")
      .Register(*registry_)
      .Add({{"version", common::kVersion}, {"git_commit", common::kGitCommit}})
      .Set(1);
}

CallMetrics ServerMetrics::ForMethod(absl::string_view service,
                                     absl::string_view method) {
  const std::map<std::string, std::string> labels = {
      {"grpc_type", "unary"},
      {"grpc_service", std::string(service)},
      {"grpc_method", std::string(method)}};
  CallMetrics m;
  m.started = &started_.Add(labels);
  m.received = &received_.Add(labels);
  m.sent = &sent_.Add(labels);
  for (int code = 0; code < kStatusCodes; ++code) {
    auto with_code = labels;
    with_code["grpc_code"] = kCodeNames[code];
    m.handled[code] = &handled_.Add(with_code);
  }
  m.handling_seconds = handling_seconds_->Add(labels, LatencyBuckets());
  m.in_flight = in_flight_;
  return m;
}

absl::StatusOr<std::shared_ptr<const ModelMetrics>> ServerMetrics::ForModel(
    const model::LinearModel& model) {
  std::vector<prometheus::Counter*> out_of_domain;
  std::vector<prometheus::Counter*> unknown_levels;
  try {
    for (const std::string& feature : model.feature_names()) {
      out_of_domain.push_back(
          &out_of_domain_.Add({{"model", model.name()}, {"feature", feature}}));
    }
    for (const model::Factor& factor : model.inputs().factors()) {
      unknown_levels.push_back(&unknown_levels_.Add(
          {{"model", model.name()}, {"feature", factor.name}}));
    }
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("cannot create the metric series of model ", model.name(),
                     ": ", e.what()));
  }
  auto series = version_series_->Acquire(
      model.name(), model.version(),
      ModelMetrics::PredictionBuckets(model.params().target_domain));
  if (!series.ok()) return series.status();
  return std::make_shared<const ModelMetrics>(model, *std::move(series),
                                              std::move(out_of_domain),
                                              std::move(unknown_levels));
}

std::vector<std::weak_ptr<prometheus::Collectable>>
ServerMetrics::collectables() const {
  return {registry_, handling_seconds_, batch_rows_family_, predictions_};
}

std::vector<prometheus::MetricFamily> ServerMetrics::Collect() const {
  std::vector<prometheus::MetricFamily> families;
  for (const auto& weak : collectables()) {
    if (auto collectable = weak.lock()) {
      auto more = collectable->Collect();
      families.insert(families.end(), more.begin(), more.end());
    }
  }
  return families;
}

void ServerMetrics::RecordLoad(const std::string& model, bool ok) {
  loads_.Add({{"model", model}, {"result", ok ? "success" : "failed"}})
      .Increment();
}

void ServerMetrics::SetLoaded(const std::string& model, int64_t version,
                              bool loaded) {
  auto& gauge =
      loaded_.Add({{"model", model}, {"version", std::to_string(version)}});
  if (loaded) {
    gauge.Set(1);
  } else {
    loaded_.Remove(&gauge);
  }
}

}  // namespace regserve::server::metrics
