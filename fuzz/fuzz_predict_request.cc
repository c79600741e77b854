// Bytes -> regserve.v1.PredictRequest and BatchPredictRequest (binary
// protobuf, as gRPC delivers them) -> the real Predictor against the shipped
// models (boston_housing, numeric; iris, with a categorical feature):
// request validation, feature mapping (named rows and tables, levels),
// prediction, intervals, contributions and the drift metrics.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_env.h"
#include "regserve/v1/prediction_service.pb.h"

namespace {

namespace v1 = ::regserve::v1;

bool ShippedModel(const v1::ModelSpec& spec) {
  return spec.name() == "boston_housing" || spec.name() == "iris";
}

void FuzzPredict(const regserve::server::Predictor& predictor,
                 const uint8_t* data, size_t size) {
  v1::PredictRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  v1::PredictResponse response;
  if (!predictor.Predict(request, &response).ok()) return;
  // A success answers with the model it used, an interval when asked for
  // one and a contribution per input feature (each sent exactly once) when
  // asked to explain.
  FUZZ_CHECK(ShippedModel(response.model_spec()));
  FUZZ_CHECK(response.model_spec().version() >= 1);
  FUZZ_CHECK(response.has_interval() == (request.interval_level() > 0));
  FUZZ_CHECK(response.contributions_size() ==
             (request.explain() ? request.features_size() +
                                      request.categorical_features_size()
                                : 0));
}

void FuzzBatchPredict(const regserve::server::Predictor& predictor,
                      const uint8_t* data, size_t size) {
  v1::BatchPredictRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  v1::BatchPredictResponse response;
  if (!predictor.BatchPredict(request, &response).ok()) return;
  // One prediction per row (and one interval per row when asked for).
  const v1::Table& table = request.table();
  const int64_t rows =
      request.rows_size() > 0 ? request.rows_size()
      : table.columns_size() > 0
          ? table.values_size() / table.columns_size()
          : table.categorical_values_size() / table.categorical_columns_size();
  FUZZ_CHECK(rows > 0);
  FUZZ_CHECK(response.predictions_size() == rows);
  FUZZ_CHECK(response.intervals_size() ==
             (request.interval_level() > 0 ? rows : 0));
  FUZZ_CHECK(ShippedModel(response.model_spec()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const regserve::server::Predictor& predictor =
      regserve::fuzz::Env().predictor;
  FuzzPredict(predictor, data, size);
  FuzzBatchPredict(predictor, data, size);
  return 0;
}
