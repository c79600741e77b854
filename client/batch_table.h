// Builds the Table of a BatchPredictRequest from a CSV data set, keeping
// only the columns the model uses (so a CSV that still holds the target
// column works): numeric features as values, categorical features as
// levels.
#ifndef REGSERVE_CLIENT_BATCH_TABLE_H_
#define REGSERVE_CLIENT_BATCH_TABLE_H_

#include "absl/status/statusor.h"
#include "model/dataset.h"
#include "regserve/v1/prediction_service.pb.h"

namespace regserve::client {

// The columns of `data` that are inputs of the model `metadata` describes
// (its `inputs`; a server without them: `feature_names`, all numeric), in
// the CSV's order, row-major. A categorical feature's cells are its levels
// (a numeric cell written as the trainer names numeric levels, "%.15g").
// InvalidArgument if an input is missing from the CSV or a numeric
// feature's column holds text.
absl::StatusOr<v1::Table> BuildTable(
    const model::Dataset& data, const v1::GetModelMetadataResponse& metadata);

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_BATCH_TABLE_H_
