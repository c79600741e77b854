// Shared test helpers: paths into the source tree, temporary directories and
// the Boston fit that several suites check against R.
#ifndef REGSERVE_TESTS_TEST_UTIL_H_
#define REGSERVE_TESTS_TEST_UTIL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "model/linear_fit.h"

namespace regserve::testing {

// How long a test waits for an event that should take milliseconds. It only
// bounds a hang: no verdict may depend on it, so it is generous enough for a
// machine whose cores are all busy with other work.
inline constexpr absl::Duration kEventTimeout = absl::Seconds(60);

// Polls `done` (every millisecond at first, backing off to 20 ms) until it
// holds (true) or `timeout` has passed (false). For events a test cannot be
// told of directly; never a substitute for a condition that can be awaited.
bool WaitUntil(const std::function<bool()>& done,
               absl::Duration timeout = kEventTimeout);

// Absolute path of `relative` inside the source tree.
std::string SourcePath(const std::string& relative);

// A fresh, empty directory removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Row 1 of the Boston data (the seed request), in the model's feature order.
std::vector<double> BostonRow1();
// The Boston data set's 13 feature names in file order.
std::vector<std::string> BostonFeatureNames();
// The shipped data set as a TrainingSet (MEDV on all other columns).
model::TrainingSet BostonTrainingSet();

// Fits y = intercept + slope_a * a + slope_b * b (plus small deterministic
// noise) on 50 synthetic rows and publishes it as `name`/`version` under
// `repository`. Returns the artifact path.
std::string PublishTinyModel(const std::string& repository,
                             const std::string& name, int64_t version,
                             double intercept, double slope_a, double slope_b);

}  // namespace regserve::testing

#endif  // REGSERVE_TESTS_TEST_UTIL_H_
