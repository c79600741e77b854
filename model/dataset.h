// A numeric table read from CSV: named columns over a dense matrix.
#ifndef REGSERVE_MODEL_DATASET_H_
#define REGSERVE_MODEL_DATASET_H_

#include <optional>
#include <string>
#include <vector>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace regserve::model {

// A whole data set in memory. Plain value type; not synchronized.
struct Dataset {
  std::vector<std::string> columns;  // header names, unique, in file order
  // rows x columns.size(): the numbers of numeric columns, all finite; NaN
  // in text columns.
  Eigen::MatrixXd values;
  // Per column: the cells of a text column (one with a cell that is not a
  // number, as R's read.csv makes it character), empty for numeric ones.
  std::vector<std::vector<std::string>> text;
  std::string source;  // where it came from (a path or label)
  std::string sha256;  // hex SHA-256 of the raw bytes

  // Index of the column called `name`, if any.
  std::optional<int> ColumnIndex(absl::string_view name) const;
  // Whether column `column` holds text.
  bool IsText(int column) const {
    return !text[static_cast<size_t>(column)].empty();
  }
};

// Parses CSV text with a header row. A column with any cell that is not a
// number is a text column; in the others every cell must be a finite
// number. An empty cell, a non-finite number ("nan", "inf") or a ragged row
// is an error naming `source`, the 1-based line and the column.
absl::StatusOr<Dataset> ParseCsv(absl::string_view text, std::string source);

// Reads and parses a CSV file (see ParseCsv).
absl::StatusOr<Dataset> ReadCsvFile(const std::string& path);

}  // namespace regserve::model

#endif  // REGSERVE_MODEL_DATASET_H_
