// The reload path under concurrent readers: one thread keeps publishing new
// versions to disk and running ModelManager passes (load, validate, warm up,
// publish, unload the old version), while readers predict through the
// Predictor, as gRPC handlers do. Every answer must come from one complete
// version, and unloaded versions must be freed safely under readers that
// still hold them. Built into the normal suite and, in scripts/sanitize.sh,
// under ThreadSanitizer. The manager's absl::Mutex is taken by the writer
// thread only (Debian's Abseil is not instrumented, so TSan could not see
// its synchronization); everything shared between threads goes through the
// registry's std::atomic<shared_ptr> and the models' reference counts.
#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/repository/model_manager.h"
#include "server/repository/model_registry.h"
#include "server/serving/predictor.h"
#include "tests/test_util.h"

namespace regserve::server {
namespace {

namespace v1 = ::regserve::v1;

// Version v predicts about 10 * v + 2 * a + 3 * b; versions are 10 apart,
// so an answer mixing two versions cannot pass for either.
bool MatchesItsVersion(double prediction, int64_t version, double a, double b) {
  return std::abs(prediction - (10.0 * version + 2 * a + 3 * b)) < 0.1;
}

TEST(ReloadStressTest, ReadersSeeCompleteVersionsWhileTheManagerReloads) {
  testing::TempDir repo;
  testing::PublishTinyModel(repo.path(), "tiny", 1, 10, 2, 3);
  ModelRegistry registry;
  ModelManagerOptions options;
  options.repository = repo.path();
  options.default_model = "tiny";
  options.poll_interval = absl::ZeroDuration();
  ModelManager manager(options, &registry, nullptr);
  ASSERT_TRUE(manager.Reconcile().ok());
  const Predictor predictor(&registry, 1000, nullptr);

  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0}, failed{0}, reads{0}, ready{0};
  std::atomic<int64_t> newest_seen{0};
  constexpr int kReaders = 3;
  std::vector<std::thread> readers;
  readers.reserve(kReaders);
  for (int t = 0; t < kReaders; ++t) {
    readers.emplace_back([&, t] {
      v1::PredictRequest one;
      (*one.mutable_features())["a"] = t;
      (*one.mutable_features())["b"] = 1;
      v1::BatchPredictRequest batch;
      batch.mutable_table()->add_columns("a");
      batch.mutable_table()->add_columns("b");
      for (int r = 0; r < 64; ++r) {
        batch.mutable_table()->add_values(r);
        batch.mutable_table()->add_values(2);
      }
      int64_t reads_done = 0;
      while (!stop.load()) {
        v1::PredictResponse answer;
        v1::BatchPredictResponse answers;
        if (!predictor.Predict(one, &answer).ok() ||
            !predictor.BatchPredict(batch, &answers).ok()) {
          ++failed;
          continue;
        }
        const int64_t v = answer.model_spec().version();
        if (!MatchesItsVersion(answer.prediction(), v, t, 1)) ++wrong;
        const int64_t bv = answers.model_spec().version();
        for (int r = 0; r < answers.predictions_size(); ++r) {
          if (!MatchesItsVersion(answers.predictions(r), bv, r, 2)) ++wrong;
        }
        ++reads;
        if (reads_done == 0) ++ready;
        ++reads_done;
        // Published last: once the writer sees version v here, this read
        // of it is already counted.
        int64_t seen = newest_seen.load();
        while (v > seen && !newest_seen.compare_exchange_weak(seen, v)) {
        }
      }
    });
  }
  // Every reader has read version 1 before the first reload, and some
  // reader has read each version before it is replaced: the interleaving
  // does not depend on how the threads happen to be scheduled.
  ASSERT_TRUE(testing::WaitUntil(
      [&] { return ready.load() == kReaders || failed.load() > 0; }));
  constexpr int kVersions = 40;
  for (int v = 2; v <= kVersions; ++v) {
    testing::PublishTinyModel(repo.path(), "tiny", v, 10.0 * v, 2, 3);
    ASSERT_TRUE(manager.Reconcile().ok());
    ASSERT_TRUE(testing::WaitUntil([&] {
      return newest_seen.load() >= v || failed.load() > 0;
    })) << "no reader took version "
        << v;
  }
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(newest_seen.load(), kVersions);
  EXPECT_EQ(registry.Current()->Versions("tiny"),
            std::vector<int64_t>{kVersions});
  // kReaders reads of version 1, then at least one of each later version.
  EXPECT_GE(reads.load(), kReaders + kVersions - 1);
}

}  // namespace
}  // namespace regserve::server
