#include "model/dataset.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "model/sha256.h"

namespace regserve::model {
namespace {

std::vector<absl::string_view> SplitLine(absl::string_view line) {
  return absl::StrSplit(absl::StripSuffix(line, "\r"), ',');
}

absl::StatusOr<std::vector<std::string>> ParseHeader(absl::string_view line,
                                                     const std::string& src) {
  std::vector<std::string> names;
  absl::flat_hash_set<std::string> seen;
  for (absl::string_view cell : SplitLine(line)) {
    std::string name(absl::StripAsciiWhitespace(cell));
    if (name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(src, ":1: empty column name in header (column ",
                       names.size() + 1, ")"));
    }
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(src, ":1: duplicate column name '", name, "'"));
    }
    names.push_back(std::move(name));
  }
  return names;
}

}  // namespace

std::optional<int> Dataset::ColumnIndex(absl::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

absl::StatusOr<Dataset> ParseCsv(absl::string_view text, std::string source) {
  Dataset data;
  data.sha256 = Sha256Hex(text);
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  // A trailing newline leaves one empty last element; blank lines elsewhere
  // are errors, since they usually mean a truncated or concatenated file.
  while (!lines.empty() && absl::StripSuffix(lines.back(), "\r").empty()) {
    lines.pop_back();
  }
  if (lines.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": empty file"));
  }
  ASSIGN_OR_RETURN(data.columns, ParseHeader(lines[0], source));
  const size_t cols = data.columns.size();
  const size_t rows = lines.size() - 1;
  data.values.resize(static_cast<Eigen::Index>(rows),
                     static_cast<Eigen::Index>(cols));
  std::vector<std::vector<std::string>> cells(cols);
  std::vector<bool> is_text(cols, false);
  for (size_t r = 1; r < lines.size(); ++r) {
    std::vector<absl::string_view> row = SplitLine(lines[r]);
    if (row.size() != cols) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ":", r + 1, ": expected ", cols,
                       " cells, found ", row.size()));
    }
    for (size_t c = 0; c < cols; ++c) {
      absl::string_view cell = absl::StripAsciiWhitespace(row[c]);
      double v = 0;
      const bool number = absl::SimpleAtod(cell, &v);
      if (cell.empty() || (number && !std::isfinite(v))) {
        return absl::InvalidArgumentError(absl::StrCat(
            source, ":", r + 1, ": column ", data.columns[c], ": '", cell,
            "' is ",
            cell.empty() ? "empty (missing values are not supported)"
                         : "not a finite number"));
      }
      if (!number) is_text[c] = true;
      data.values(static_cast<Eigen::Index>(r - 1),
                  static_cast<Eigen::Index>(c)) =
          number ? v : std::numeric_limits<double>::quiet_NaN();
      cells[c].emplace_back(cell);
    }
  }
  data.text.resize(cols);
  for (size_t c = 0; c < cols; ++c) {
    if (!is_text[c]) continue;
    data.text[c] = std::move(cells[c]);
    data.values.col(static_cast<Eigen::Index>(c))
        .setConstant(std::numeric_limits<double>::quiet_NaN());
  }
  data.source = std::move(source);
  return data;
}

absl::StatusOr<Dataset> ReadCsvFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return ParseCsv(buffer.str(), path);
}

}  // namespace regserve::model
