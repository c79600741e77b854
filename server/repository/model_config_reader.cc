#include "server/repository/model_config_reader.h"

#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"

namespace regserve::server {
namespace {

using regserve::config::v1::ModelServerConfig;

// Collects the text-format parser's first error with its position.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (error.empty()) {
      error = absl::StrCat("line ", line + 1, " column ", column + 1, ": ",
                           message);
    }
  }
  std::string error;
};

absl::Status Validate(const ModelServerConfig& config,
                      const std::string& source) {
  absl::flat_hash_set<std::string> names;
  for (const auto& model : config.models()) {
    if (model.name().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": a model entry has no name"));
    }
    if (!names.insert(model.name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": model ", model.name(), " appears twice"));
    }
    for (const auto& [label, version] : model.version_labels()) {
      if (label.empty() || version < 1) {
        return absl::InvalidArgumentError(
            absl::StrCat(source, ": model ", model.name(), " label '", label,
                         "' must be non-empty and name a version >= 1"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ModelServerConfig> ParseModelConfig(const std::string& text,
                                                   const std::string& source,
                                                   bool json) {
  ModelServerConfig config;
  if (json) {
    auto status = google::protobuf::util::JsonStringToMessage(text, &config);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": ", status.message().as_string()));
    }
  } else {
    google::protobuf::TextFormat::Parser parser;
    FirstError errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(text, &config)) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": ", errors.error));
    }
  }
  if (absl::Status s = Validate(config, source); !s.ok()) return s;
  return config;
}

absl::StatusOr<ModelServerConfig> ReadModelConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseModelConfig(text.str(), path, absl::EndsWith(path, ".json"));
}

}  // namespace regserve::server
