// The lock-free histogram (issue 16, item 15) reports exactly what
// prometheus-cpp's own Histogram reports for the same observations, and
// loses none when several threads observe at once.
#include "server/metrics/sharded_histogram.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "prometheus/histogram.h"

namespace regserve::server::metrics {
namespace {

TEST(ShardedHistogramTest, ReportsWhatPrometheusCppReports) {
  const std::vector<double> bounds = {0.5, 1, 2.5, 10};
  prometheus::Histogram reference(bounds);
  ShardedHistogram sharded(bounds);
  for (double v : {0.1, 0.5, 0.7, 1.0, 2.0, 2.5, 3.0, 9.9, 10.0, 11.0, 1e9}) {
    reference.Observe(v);
    sharded.Observe(v);
  }
  reference.ObserveMultiple({1, 0, 2, 0, 3}, 100);
  sharded.ObserveBuckets(std::vector<double>{1, 0, 2, 0, 3}, 100);
  const auto want = reference.Collect().histogram;
  const auto got = sharded.Collect().histogram;
  EXPECT_EQ(got.sample_count, want.sample_count);
  EXPECT_DOUBLE_EQ(got.sample_sum, want.sample_sum);
  ASSERT_EQ(got.bucket.size(), want.bucket.size());
  for (size_t i = 0; i < want.bucket.size(); ++i) {
    EXPECT_EQ(got.bucket[i].cumulative_count, want.bucket[i].cumulative_count)
        << i;
    EXPECT_EQ(got.bucket[i].upper_bound, want.bucket[i].upper_bound) << i;
  }
}

TEST(ShardedHistogramTest, ConcurrentObserversLoseNothing) {
  ShardedHistogram histogram({1, 2, 3});
  constexpr int kThreads = 8, kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) histogram.Observe(i % 4);  // 0..3
    });
  }
  for (auto& t : threads) t.join();
  const auto h = histogram.Collect().histogram;
  EXPECT_EQ(h.sample_count, uint64_t{kThreads} * kEach);
  EXPECT_EQ(h.bucket[0].cumulative_count, uint64_t{kThreads} * kEach / 2);
  EXPECT_DOUBLE_EQ(h.sample_sum, 1.5 * kThreads * kEach);
}

TEST(ShardedHistogramTest, FamilyRefusesUnsortedBoundsAndRemovesSeries) {
  ShardedHistogramFamily family("h", "help");
  EXPECT_EQ(family.Add({{"a", "1"}}, {2, 1}), nullptr);
  ShardedHistogram* series = family.Add({{"a", "1"}}, {1, 2});
  ASSERT_NE(series, nullptr);
  EXPECT_EQ(family.Add({{"a", "1"}}, {5}), series);  // existing: its bounds
  EXPECT_EQ(family.Collect()[0].metric.size(), 1u);
  family.Remove(series);
  EXPECT_TRUE(family.Collect()[0].metric.empty());
}

}  // namespace
}  // namespace regserve::server::metrics
