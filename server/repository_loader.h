// Builds a registry snapshot from a model repository on disk.
#ifndef REGSERVE_SERVER_REPOSITORY_LOADER_H_
#define REGSERVE_SERVER_REPOSITORY_LOADER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/model_registry.h"

namespace regserve::server {

// Loads, for every model under `repository`, its latest version that passes
// full validation (a newer broken version is logged and skipped, so serving
// falls back to the last good one). Fails if `default_model` has no loadable
// version, naming the files and reasons. Runs off the serving path.
absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> LoadRepository(
    const std::string& repository, const std::string& default_model);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_REPOSITORY_LOADER_H_
