// Bytes -> ParseCsv (the trainer's and regserve-cli's CSV reader).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "model/dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto set = regserve::model::ParseCsv(text, "fuzz.csv");
  if (!set.ok()) return 0;
  // What the header says the reader promises: unique, non-empty names, one
  // matrix column each; numeric columns all finite, text columns one cell
  // per row (and NaN in the matrix).
  FUZZ_CHECK(!set->columns.empty());
  FUZZ_CHECK(set->values.cols() == static_cast<long>(set->columns.size()));
  FUZZ_CHECK(set->sha256.size() == 64);
  absl::flat_hash_set<std::string> seen;
  for (size_t c = 0; c < set->columns.size(); ++c) {
    FUZZ_CHECK(!set->columns[c].empty());
    FUZZ_CHECK(seen.insert(set->columns[c]).second);
    FUZZ_CHECK(set->ColumnIndex(set->columns[c]) == static_cast<int>(c));
  }
  FUZZ_CHECK(set->text.size() == set->columns.size());
  for (size_t c = 0; c < set->columns.size(); ++c) {
    const auto column = set->values.col(static_cast<long>(c));
    if (set->IsText(static_cast<int>(c))) {
      FUZZ_CHECK(set->text[c].size() == static_cast<size_t>(column.size()));
      FUZZ_CHECK(column.array().isNaN().all());
    } else {
      FUZZ_CHECK(column.allFinite());
    }
  }
  return 0;
}
