// Builds the dense Table of a BatchPredictRequest from a CSV data set,
// keeping only the columns the model uses (so a CSV that still holds the
// target column works).
#ifndef REGSERVE_CLIENT_BATCH_TABLE_H_
#define REGSERVE_CLIENT_BATCH_TABLE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/dataset.h"
#include "regserve/v1/prediction_service.pb.h"

namespace regserve::client {

// The columns of `data` named in `feature_names`, in the CSV's order, with
// their values row-major. InvalidArgument if a feature is missing from the
// CSV.
absl::StatusOr<v1::Table> BuildTable(
    const model::Dataset& data, const std::vector<std::string>& feature_names);

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_BATCH_TABLE_H_
