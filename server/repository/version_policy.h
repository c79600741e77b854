// Which versions of a model are served: the newest N, all, or a fixed list
// (TensorFlow Serving's policies), server-wide from flags or per model from
// the model config.
#ifndef REGSERVE_SERVER_REPOSITORY_VERSION_POLICY_H_
#define REGSERVE_SERVER_REPOSITORY_VERSION_POLICY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "regserve/config/v1/model_config.pb.h"

namespace regserve::server {

// Plain value type.
struct VersionPolicy {
  enum class Kind { kLatest, kAll, kSpecific };
  Kind kind = Kind::kLatest;
  int latest = 1;                 // for kLatest, >= 1
  std::vector<int64_t> specific;  // for kSpecific, each >= 1

  // From the config proto; an unset oneof is `fallback`.
  static absl::StatusOr<VersionPolicy> FromProto(
      const regserve::config::v1::VersionPolicy& proto,
      const VersionPolicy& fallback);
  // From flags: kind "latest", "all" or "specific".
  static absl::StatusOr<VersionPolicy> FromFlags(
      absl::string_view kind, int latest, const std::vector<int64_t>& specific);

  // Whether `version` is one of the listed (kSpecific) versions.
  bool Lists(int64_t version) const;
  // How many loadable versions, newest first, the policy wants at most
  // (unbounded for kAll and kSpecific).
  int Limit() const;
  std::string ToString() const;
};

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_REPOSITORY_VERSION_POLICY_H_
