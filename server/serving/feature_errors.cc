#include "server/serving/feature_errors.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/echo.h"

namespace regserve::server {

std::string Prefix(absl::string_view where) {
  return where.empty() ? "" : absl::StrCat(where, ": ");
}

absl::Status NameError(absl::string_view where,
                       const std::vector<std::string>& missing,
                       std::vector<std::string> unknown) {
  std::sort(unknown.begin(), unknown.end());
  std::vector<std::string> parts;
  if (!missing.empty()) {
    parts.push_back(
        absl::StrCat("missing features [", common::EchoList(missing), "]"));
  }
  if (!unknown.empty()) {
    parts.push_back(
        absl::StrCat("unknown features [", common::EchoList(unknown), "]"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(Prefix(where), absl::StrJoin(parts, "; ")));
}

absl::Status NotFinite(absl::string_view where, absl::string_view feature,
                       double value) {
  return absl::InvalidArgumentError(
      absl::StrCat(Prefix(where), "feature ", common::Echo(feature),
                   " is not a finite number (", value, ")"));
}

absl::Status WrongKind(absl::string_view where, absl::string_view field,
                       absl::string_view name, bool is_categorical,
                       absl::string_view right_field) {
  return absl::InvalidArgumentError(absl::StrCat(
      Prefix(where), field, ": feature ", common::Echo(name), " is ",
      is_categorical ? "categorical: send its level as a string in "
                     : "numeric: send it as a number in ",
      right_field));
}

absl::Status UnknownLevel(const model::LinearModel& model, int f,
                          absl::string_view where, absl::string_view level,
                          const metrics::ModelMetrics* metrics) {
  if (metrics != nullptr) metrics->RecordUnknownLevel(f);
  const model::Factor& factor = model.inputs().factors()[f];
  return absl::InvalidArgumentError(absl::StrCat(
      Prefix(where), "categorical feature ", common::Echo(factor.name),
      " has unknown level ", common::Echo(level), "; known levels [",
      common::EchoList(factor.levels), "]"));
}

}  // namespace regserve::server
