// Issue 16, item 6: per-version metric series live as long as the version.
// Removing version 2 and publishing a different version 2 (the documented
// rollback, then a new model) used to keep the old series and its histogram
// buckets; a table batch then threw std::length_error on a serving thread.
#include "server/metrics/version_series.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/artifact.h"
#include "model/artifact_store.h"
#include "server/metrics/server_metrics.h"
#include "tests/test_util.h"

namespace regserve::server::metrics {
namespace {

// tiny version 2 with its target's training range set to [min, max].
model::LinearModel TinyWithTargetRange(double min, double max) {
  testing::TempDir repo;
  const std::string path =
      testing::PublishTinyModel(repo.path(), "tiny", 2, 10, 2, 3);
  auto artifact = model::ReadArtifactFile(path);
  EXPECT_TRUE(artifact.ok()) << artifact.status();
  auto* target = artifact->mutable_training_domain()->mutable_target();
  target->set_min(min);
  target->set_max(max);
  target->set_mean(min);
  auto loaded = model::ModelFromArtifact(*artifact);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  return *std::move(loaded);
}

// The "le" bounds of tiny version 2's prediction histogram in /metrics.
std::vector<double> ExposedBounds(ServerMetrics& metrics) {
  std::vector<double> bounds;
  for (const auto& family : metrics.Collect()) {
    if (family.name != "regserve_prediction_value") continue;
    for (const auto& m : family.metric) {
      for (const auto& b : m.histogram.bucket) bounds.push_back(b.upper_bound);
    }
  }
  return bounds;
}

void PredictTable(const ModelMetrics& handles, const model::LinearModel& m) {
  model::RowMajorMatrix x(3, 2);
  x << 1, 1, 2, 2, 3, 3;
  Eigen::VectorXd out(3);
  m.PredictBatch(x, out);
  const int columns[] = {0, 1};
  handles.RecordTable(x, columns, out);
}

TEST(VersionSeriesTest, ANewArtifactUnderAnOldNumberGetsFreshSeries) {
  ServerMetrics metrics;
  const model::LinearModel first = TinyWithTargetRange(0, 100);  // 11 bounds
  auto handles = metrics.ForModel(first);
  ASSERT_TRUE(handles.ok()) << handles.status();
  PredictTable(**handles, first);
  EXPECT_EQ(ExposedBounds(metrics).size(), 12u);  // 11 and +Inf
  handles->reset();  // version 2 unloaded and freed: its series go
  EXPECT_TRUE(ExposedBounds(metrics).empty());

  const model::LinearModel second = TinyWithTargetRange(5, 5);  // 1 bound
  auto fresh = metrics.ForModel(second);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  PredictTable(**fresh, second);  // threw std::length_error before
  EXPECT_THAT(ExposedBounds(metrics), ::testing::ElementsAre(5, INFINITY));
}

TEST(VersionSeriesTest, AReloadWhileTheOldCopyIsHeldSharesItsSeries) {
  ServerMetrics metrics;
  const model::LinearModel first = TinyWithTargetRange(0, 100);
  auto old_copy = metrics.ForModel(first);
  ASSERT_TRUE(old_copy.ok());
  const model::LinearModel second = TinyWithTargetRange(5, 5);
  auto new_copy = metrics.ForModel(second);  // the old copy still in use
  ASSERT_TRUE(new_copy.ok());
  PredictTable(**new_copy, second);  // counted with the series' own buckets
  PredictTable(**old_copy, first);
  old_copy->reset();
  EXPECT_EQ(ExposedBounds(metrics).size(), 12u);  // still held by the new
  new_copy->reset();
  EXPECT_TRUE(ExposedBounds(metrics).empty());
}

}  // namespace
}  // namespace regserve::server::metrics
