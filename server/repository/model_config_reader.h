// Reads the optional model config file (--model_config).
#ifndef REGSERVE_SERVER_REPOSITORY_MODEL_CONFIG_READER_H_
#define REGSERVE_SERVER_REPOSITORY_MODEL_CONFIG_READER_H_

#include <string>

#include "absl/status/statusor.h"
#include "regserve/config/v1/model_config.pb.h"

namespace regserve::server {

// Parses `path` as JSON when it ends in .json, else as protobuf text, and
// validates it: model names non-empty and unique, labels non-empty and
// pointing at versions >= 1. Errors name the file and the problem.
absl::StatusOr<regserve::config::v1::ModelServerConfig> ReadModelConfig(
    const std::string& path);

// Same for text already read; `source` names it in errors.
absl::StatusOr<regserve::config::v1::ModelServerConfig> ParseModelConfig(
    const std::string& text, const std::string& source, bool json);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_REPOSITORY_MODEL_CONFIG_READER_H_
