// Loads one model version from the repository: read, parse, validate, warm
// up (re-predict the artifact's sample rows), and give it metric handles.
#ifndef REGSERVE_SERVER_REPOSITORY_VERSION_LOADER_H_
#define REGSERVE_SERVER_REPOSITORY_VERSION_LOADER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/metrics/server_metrics.h"
#include "server/repository/served_model.h"

namespace regserve::server {

// INVALID_ARGUMENT or NOT_FOUND naming the file and the first problem: an
// unreadable, truncated or corrupt file, a name or version that disagrees
// with its directory, invalid numbers or dimensions, or samples that do not
// predict to their stored values. `metrics` may be null.
absl::StatusOr<std::shared_ptr<const ServedModel>> LoadVersion(
    const std::string& repository, const std::string& name, int64_t version,
    metrics::ServerMetrics* metrics);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_REPOSITORY_VERSION_LOADER_H_
