// Many readers predict through the registry while a writer keeps swapping
// snapshots: every answer comes from a complete version, never a mix. Built
// into the normal suite and, in scripts/sanitize.sh, under ThreadSanitizer,
// where it checks the lock-free snapshot swap (std::atomic<shared_ptr>) for
// data races. It uses no gRPC and no absl::Mutex: Debian's builds of those
// are not instrumented, so TSan cannot judge code that runs inside them.
#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/repository/model_registry.h"
#include "server/repository/version_loader.h"
#include "tests/test_util.h"

namespace regserve::server {
namespace {

std::shared_ptr<const RegistrySnapshot> SnapshotOf(
    std::shared_ptr<const ServedModel> served) {
  absl::flat_hash_map<std::string, ModelVersions> models;
  models["tiny"][served->model.version()] = std::move(served);
  return std::make_shared<const RegistrySnapshot>(std::move(models), "tiny");
}

TEST(RegistryStressTest, ReadersAlwaysSeeACompleteVersion) {
  testing::TempDir repo;
  testing::PublishTinyModel(repo.path(), "tiny", 1, 10, 2, 3);
  testing::PublishTinyModel(repo.path(), "tiny", 2, 20, 2, 3);
  std::shared_ptr<const ServedModel> versions[2] = {
      *LoadVersion(repo.path(), "tiny", 1, nullptr),
      *LoadVersion(repo.path(), "tiny", 2, nullptr)};
  const double expected[2] = {versions[0]->model.Predict({1.0, 1.0}),
                              versions[1]->model.Predict({1.0, 1.0})};
  ModelRegistry registry;
  registry.Publish(SnapshotOf(versions[0]));

  // The writer starts only once every reader is reading, and between
  // rounds of swaps it waits until the readers have read again: however the
  // threads are scheduled, reads and swaps interleave. (The waits are on
  // the event itself; their deadline only bounds a hang.)
  constexpr int kReaders = 4, kRounds = 20, kSwapsPerRound = 100;
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0}, reads{0}, ready{0};
  std::vector<std::thread> readers;
  readers.reserve(kReaders);
  for (int t = 0; t < kReaders; ++t) {
    readers.emplace_back([&] {
      bool counted = false;
      while (!stop.load()) {
        auto snapshot = registry.Current();
        auto found = snapshot->Find("", 0);
        if (!found.ok()) {
          ++wrong;
          continue;
        }
        const int64_t v = (*found)->model.version();
        if ((*found)->model.Predict({1.0, 1.0}) != expected[v - 1]) ++wrong;
        ++reads;
        if (!counted) {
          counted = true;
          ++ready;
        }
      }
    });
  }
  ASSERT_TRUE(testing::WaitUntil([&] { return ready.load() == kReaders; }));
  for (int round = 0; round < kRounds; ++round) {
    const int reads_before = reads.load();
    for (int i = 0; i < kSwapsPerRound; ++i) {
      registry.Publish(SnapshotOf(versions[i % 2]));
    }
    ASSERT_TRUE(testing::WaitUntil([&] { return reads.load() > reads_before; }))
        << "readers made no progress in round " << round;
  }
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GE(reads.load(), kReaders + kRounds);
}

}  // namespace
}  // namespace regserve::server
