// Bytes -> regserve.v1.PredictRequest and BatchPredictRequest (binary
// protobuf, as gRPC delivers them) -> the real Predictor against the shipped
// boston_housing model: request validation, feature mapping (named rows and
// tables), prediction, intervals, contributions and the drift metrics.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_env.h"
#include "regserve/v1/prediction_service.pb.h"

namespace {

namespace v1 = ::regserve::v1;

void FuzzPredict(const regserve::server::Predictor& predictor,
                 const uint8_t* data, size_t size) {
  v1::PredictRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  v1::PredictResponse response;
  if (!predictor.Predict(request, &response).ok()) return;
  // A success answers with the model it used, an interval when asked for
  // one and a contribution per feature when asked to explain.
  FUZZ_CHECK(response.model_spec().name() == "boston_housing");
  FUZZ_CHECK(response.model_spec().version() >= 1);
  FUZZ_CHECK(response.has_interval() == (request.interval_level() > 0));
  FUZZ_CHECK(response.contributions_size() ==
             (request.explain() ? request.features_size() : 0));
}

void FuzzBatchPredict(const regserve::server::Predictor& predictor,
                      const uint8_t* data, size_t size) {
  v1::BatchPredictRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  v1::BatchPredictResponse response;
  if (!predictor.BatchPredict(request, &response).ok()) return;
  // One prediction per row (and one interval per row when asked for).
  const int64_t rows = request.rows_size() > 0
                           ? request.rows_size()
                           : request.table().values_size() /
                                 request.table().columns_size();
  FUZZ_CHECK(rows > 0);
  FUZZ_CHECK(response.predictions_size() == rows);
  FUZZ_CHECK(response.intervals_size() ==
             (request.interval_level() > 0 ? rows : 0));
  FUZZ_CHECK(response.model_spec().name() == "boston_housing");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const regserve::server::Predictor& predictor =
      regserve::fuzz::Env().predictor;
  FuzzPredict(predictor, data, size);
  FuzzBatchPredict(predictor, data, size);
  return 0;
}
