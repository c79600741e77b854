// The requests regserve-bench sends: every call carries Boston row 1 (the
// seed request), once per Predict or batch_size times per BatchPredict.
// With --bad_fraction > 0 a second, deliberately bad request is built too:
// the same without the feature kBadRequestMissingFeature, which the server
// must refuse with INVALID_ARGUMENT.
//
// BuildBenchRequests runs once before the load starts; the returned
// BenchRequests owns the messages, which every call then reuses. gRPC only
// reads them, so concurrent calls on any thread may share one BenchRequests
// as long as nobody modifies it during the run.
#ifndef REGSERVE_CLIENT_BENCH_REQUESTS_H_
#define REGSERVE_CLIENT_BENCH_REQUESTS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "client/bench_options.h"
#include "regserve/v1/prediction_service.pb.h"

namespace regserve::client {

// Row 1 of the Boston data as (feature name, value), in file order.
const std::vector<std::pair<std::string, double>>& BostonRow1Features();

// The feature the bad requests leave out.
inline constexpr char kBadRequestMissingFeature[] = "LSTAT";

// The pre-built requests of one run.
struct BenchRequests {
  // Sent when options.method is "predict".
  v1::PredictRequest predict;
  // Sent when options.method is "batch".
  v1::BatchPredictRequest batch;
  // The bad twins of `predict` and `batch` (kBadRequestMissingFeature
  // missing); filled only when options.bad_fraction > 0.
  v1::PredictRequest bad_predict;
  v1::BatchPredictRequest bad_batch;
  // Rows predicted by one call: 1 or batch_size.
  int64_t rows_per_call = 1;
};

// The requests for `options` (validated first, see ValidateBenchOptions):
// only the messages matching options.method are filled.
absl::StatusOr<BenchRequests> BuildBenchRequests(const BenchOptions& options);

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_BENCH_REQUESTS_H_
