#include "server/serving/finite_result.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/echo.h"

namespace regserve::server {

absl::Status CheckFiniteResult(const model::LinearModel& model,
                               absl::Span<const double> row,
                               absl::string_view where, absl::string_view what,
                               double value) {
  if (std::isfinite(value)) return absl::OkStatus();
  // How far outside its training range each feature is, in range widths.
  std::vector<std::pair<double, int>> outside;
  const auto& domains = model.params().feature_domains;
  for (size_t j = 0; j < row.size() && j < domains.size(); ++j) {
    const double lo = domains[j].min, hi = domains[j].max;
    if (row[j] >= lo && row[j] <= hi) continue;
    const double width = std::max(hi - lo, 1e-300);
    const double beyond = row[j] < lo ? lo - row[j] : row[j] - hi;
    outside.push_back({beyond / width, static_cast<int>(j)});
  }
  std::sort(outside.begin(), outside.end(), std::greater<>());
  std::vector<std::string> named;
  for (const auto& [distance, j] : outside) {
    named.push_back(absl::StrCat(model.feature_names()[j], " = ", row[j],
                                 " (trained on ", domains[j].min, " to ",
                                 domains[j].max, ")"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      where.empty() ? "" : absl::StrCat(where, ": "), what, " is not finite (",
      value, "): ",
      named.empty()
          ? std::string("the model cannot answer for these inputs")
          : absl::StrCat("the inputs are too far outside the training "
                         "domain: ",
                         common::EchoList(named))));
}

}  // namespace regserve::server
