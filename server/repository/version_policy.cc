#include "server/repository/version_policy.h"

#include <algorithm>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace regserve::server {
namespace {

absl::Status CheckSpecific(const std::vector<int64_t>& versions) {
  if (versions.empty()) {
    return absl::InvalidArgumentError("specific policy lists no versions");
  }
  for (int64_t v : versions) {
    if (v < 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "specific policy lists version ", v, "; versions are >= 1"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<VersionPolicy> VersionPolicy::FromProto(
    const regserve::config::v1::VersionPolicy& proto,
    const VersionPolicy& fallback) {
  using Proto = regserve::config::v1::VersionPolicy;
  VersionPolicy policy;
  switch (proto.policy_case()) {
    case Proto::kLatest:
      return FromFlags("latest",
                       static_cast<int>(proto.latest().num_versions()), {});
    case Proto::kAll:
      policy.kind = Kind::kAll;
      return policy;
    case Proto::kSpecific:
      return FromFlags("specific", 0,
                       {proto.specific().versions().begin(),
                        proto.specific().versions().end()});
    case Proto::POLICY_NOT_SET:
      return fallback;
  }
  return fallback;
}

absl::StatusOr<VersionPolicy> VersionPolicy::FromFlags(
    absl::string_view kind, int latest, const std::vector<int64_t>& specific) {
  VersionPolicy policy;
  if (kind == "latest") {
    if (latest < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("latest policy needs at least 1 version, got ", latest));
    }
    policy.latest = latest;
  } else if (kind == "all") {
    policy.kind = Kind::kAll;
  } else if (kind == "specific") {
    if (absl::Status s = CheckSpecific(specific); !s.ok()) return s;
    policy.kind = Kind::kSpecific;
    policy.specific = specific;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "version policy must be latest, all or specific, is '", kind, "'"));
  }
  return policy;
}

bool VersionPolicy::Lists(int64_t version) const {
  return std::find(specific.begin(), specific.end(), version) != specific.end();
}

int VersionPolicy::Limit() const {
  return kind == Kind::kLatest ? latest : std::numeric_limits<int>::max();
}

std::string VersionPolicy::ToString() const {
  switch (kind) {
    case Kind::kLatest:
      return absl::StrCat("latest ", latest);
    case Kind::kAll:
      return "all";
    case Kind::kSpecific:
      return absl::StrCat("specific [", absl::StrJoin(specific, ", "), "]");
  }
  return "";
}

}  // namespace regserve::server
