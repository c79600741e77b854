#include "model/factor_design.h"

#include <algorithm>
#include <cstdlib>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace regserve::model {

std::string NumericLevel(double value) {
  return absl::StrFormat("%.15g", value);
}

std::vector<std::string> FactorLevels(const std::vector<std::string>& cells,
                                      bool numeric) {
  std::vector<std::string> levels = cells;
  if (numeric) {
    std::vector<double> values;
    values.reserve(cells.size());
    for (const std::string& cell : cells) {
      values.push_back(std::strtod(cell.c_str(), nullptr));
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    levels.clear();
    for (double v : values) levels.push_back(NumericLevel(v));
    return levels;
  }
  std::sort(levels.begin(), levels.end());  // std::string: byte order
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  return levels;
}

absl::StatusOr<Eigen::MatrixXd> TreatmentColumns(
    const std::string& name, const std::vector<std::string>& cells,
    const std::vector<std::string>& levels) {
  if (levels.size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "factor '", name, "' has ", levels.size(), " level",
        levels.size() == 1 ? absl::StrCat(" '", levels[0], "'") : "s",
        ": contrasts can be applied only to factors with 2 or more levels"));
  }
  absl::flat_hash_map<std::string, Eigen::Index> column;
  for (size_t l = 1; l < levels.size(); ++l) {
    column[levels[l]] = static_cast<Eigen::Index>(l - 1);
  }
  Eigen::MatrixXd out =
      Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(cells.size()),
                            static_cast<Eigen::Index>(levels.size() - 1));
  for (size_t r = 0; r < cells.size(); ++r) {
    if (auto it = column.find(cells[r]); it != column.end()) {
      out(static_cast<Eigen::Index>(r), it->second) = 1.0;
    }
  }
  return out;
}

namespace {

absl::Status CheckFactor(const Factor& f,
                         const std::vector<std::string>& term_names,
                         std::vector<bool>* claimed) {
  const auto bad = [&](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("categorical feature '", f.name, "': ", what));
  };
  if (f.name.empty()) return bad("empty name");
  if (f.levels.size() < 2) return bad("fewer than 2 levels");
  absl::flat_hash_map<std::string, int> seen;
  for (const std::string& level : f.levels) {
    if (!seen.emplace(level, 0).second) {
      return bad(absl::StrCat("level '", level, "' repeated"));
    }
  }
  if (f.counts.size() != f.levels.size()) return bad("one count per level");
  for (int64_t c : f.counts) {
    if (c < 0) return bad("negative level count");
  }
  if (f.term_indices.size() + 1 != f.levels.size()) {
    return bad("one term per level but the first");
  }
  for (size_t l = 0; l < f.term_indices.size(); ++l) {
    const int t = f.term_indices[l];
    if (t < 0 || static_cast<size_t>(t) >= term_names.size() ||
        (*claimed)[static_cast<size_t>(t)]) {
      return bad(absl::StrCat("term index ", t, " out of range or repeated"));
    }
    const std::string expected = f.name + f.levels[l + 1];
    if (term_names[static_cast<size_t>(t)] != expected) {
      return bad(absl::StrCat("term ", t, " is '",
                              term_names[static_cast<size_t>(t)],
                              "', expected '", expected, "'"));
    }
    (*claimed)[static_cast<size_t>(t)] = true;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateFactors(const std::vector<Factor>& factors,
                             const std::vector<std::string>& input_names,
                             const std::vector<std::string>& term_names) {
  if (factors.empty() && input_names.empty()) return absl::OkStatus();
  if (factors.empty() || input_names.empty()) {
    return absl::InvalidArgumentError(
        "input names and categorical features go together");
  }
  std::vector<bool> claimed(term_names.size(), false);
  absl::flat_hash_map<std::string, bool> factor_names;  // name -> listed
  for (const Factor& f : factors) {
    if (absl::Status s = CheckFactor(f, term_names, &claimed); !s.ok()) {
      return s;
    }
    if (!factor_names.emplace(f.name, false).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("categorical feature '", f.name, "' repeated"));
    }
  }
  for (const std::string& input : input_names) {
    if (auto it = factor_names.find(input); it != factor_names.end()) {
      if (it->second) {
        return absl::InvalidArgumentError(
            absl::StrCat("input '", input, "' repeated"));
      }
      it->second = true;
      continue;
    }
    const auto term = std::find(term_names.begin(), term_names.end(), input);
    if (term == term_names.end() ||
        claimed[static_cast<size_t>(term - term_names.begin())]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "input '", input, "' is neither a numeric term nor a factor"));
    }
    claimed[static_cast<size_t>(term - term_names.begin())] = true;
  }
  for (const auto& [name, listed] : factor_names) {
    if (!listed) {
      return absl::InvalidArgumentError(
          absl::StrCat("categorical feature '", name, "' is not an input"));
    }
  }
  for (size_t t = 0; t < claimed.size(); ++t) {
    if (!claimed[t]) {
      return absl::InvalidArgumentError(
          absl::StrCat("term '", term_names[t], "' belongs to no input"));
    }
  }
  return absl::OkStatus();
}

}  // namespace regserve::model
