// Fills GetModelMetadataResponse from a served model's artifact.
#ifndef REGSERVE_SERVER_SERVING_METADATA_BUILDER_H_
#define REGSERVE_SERVER_SERVING_METADATA_BUILDER_H_

#include <cstdint>
#include <vector>

#include "regserve/v1/prediction_service.pb.h"
#include "server/repository/served_model.h"

namespace regserve::server {

// Describes `served`: spec, features, target, type, coefficients, fit
// metrics, training domain, `loaded_versions`, creation time, data hash.
void FillMetadata(const ServedModel& served,
                  const std::vector<int64_t>& loaded_versions,
                  regserve::v1::GetModelMetadataResponse* response);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_SERVING_METADATA_BUILDER_H_
