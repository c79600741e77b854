// Serves prediction requests against the registry's current snapshot:
// validate, map features to dense rows, run the model, fill the response.
// Transport-independent: the gRPC service (and any other front end) calls it.
#ifndef REGSERVE_SERVER_SERVING_PREDICTOR_H_
#define REGSERVE_SERVER_SERVING_PREDICTOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "regserve/v1/prediction_service.pb.h"
#include "server/metrics/server_metrics.h"
#include "server/repository/model_registry.h"

namespace regserve::server {

// Thread-safe and lock-free: each call takes one registry snapshot and uses
// it throughout. Records rows, drift and batch-size metrics of successful
// calls when `metrics` is not null. Owns neither argument; both must
// outlive it.
class Predictor {
 public:
  Predictor(const ModelRegistry* registry, int64_t max_batch_rows,
            metrics::ServerMetrics* metrics);

  // On error the response is left untouched by design of the callers (they
  // send only the status), so no partial answer is ever returned.
  absl::Status Predict(const regserve::v1::PredictRequest& request,
                       regserve::v1::PredictResponse* response) const;
  absl::Status BatchPredict(const regserve::v1::BatchPredictRequest& request,
                            regserve::v1::BatchPredictResponse* response) const;
  absl::Status GetModelMetadata(
      const regserve::v1::GetModelMetadataRequest& request,
      regserve::v1::GetModelMetadataResponse* response) const;
  // Names of the categorical features of the model `spec` selects; empty
  // if it has none or does not exist (the call itself then says so).
  std::vector<std::string> CategoricalFeatureNames(
      const regserve::v1::ModelSpec& spec) const;

 private:
  absl::Status PredictRows(const ServedModel& served,
                           const regserve::v1::BatchPredictRequest& request,
                           regserve::v1::BatchPredictResponse* response) const;
  absl::Status PredictTable(const ServedModel& served,
                            const regserve::v1::BatchPredictRequest& request,
                            regserve::v1::BatchPredictResponse* response) const;

  const ModelRegistry* registry_;
  int64_t max_batch_rows_;
  metrics::ShardedHistogram* batch_rows_ = nullptr;  // null: metrics off
};

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_SERVING_PREDICTOR_H_
