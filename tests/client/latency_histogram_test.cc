#include "client/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace regserve::client {
namespace {

// Expects `actual` within 1% of `expected`.
void ExpectWithinOnePercent(int64_t actual, double expected) {
  EXPECT_NEAR(static_cast<double>(actual), expected, expected * 0.01)
      << "actual " << actual << ", expected " << expected;
}

TEST(LatencyHistogramTest, EmptyHistogramReportsZero) {
  const LatencyHistogram histogram;
  EXPECT_EQ(histogram.Count(), 0);
  EXPECT_EQ(histogram.Max(), 0);
  EXPECT_EQ(histogram.Percentile(50), 0);
  EXPECT_EQ(histogram.Percentile(99.9), 0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (int64_t v = 0; v < 100; ++v) histogram.Record(v);
  EXPECT_EQ(histogram.Percentile(50), 49);
  EXPECT_EQ(histogram.Percentile(0), 0);
  EXPECT_EQ(histogram.Percentile(100), 99);
}

TEST(LatencyHistogramTest, UniformDistributionPercentilesWithinOnePercent) {
  LatencyHistogram histogram;
  // 1 us .. 10 ms in steps of 1 us.
  constexpr int64_t kCount = 10'000;
  for (int64_t i = 1; i <= kCount; ++i) histogram.Record(i * 1000);
  EXPECT_EQ(histogram.Count(), kCount);
  ExpectWithinOnePercent(histogram.Percentile(50), 5000 * 1000.0);
  ExpectWithinOnePercent(histogram.Percentile(90), 9000 * 1000.0);
  ExpectWithinOnePercent(histogram.Percentile(99), 9900 * 1000.0);
  ExpectWithinOnePercent(histogram.Percentile(99.9), 9990 * 1000.0);
  EXPECT_EQ(histogram.Percentile(100), kCount * 1000);
}

TEST(LatencyHistogramTest, ExponentialDistributionPercentilesWithinOnePercent) {
  std::mt19937_64 rng(42);
  std::exponential_distribution<double> exponential(1.0 / 500'000);  // ns
  LatencyHistogram histogram;
  std::vector<int64_t> values;
  for (int i = 0; i < 100'000; ++i) {
    values.push_back(static_cast<int64_t>(exponential(rng)));
    histogram.Record(values.back());
  }
  std::sort(values.begin(), values.end());
  for (double q : {50.0, 90.0, 99.0, 99.9}) {
    const auto rank =
        static_cast<size_t>(std::llround(q / 100 * values.size())) - 1;
    ExpectWithinOnePercent(histogram.Percentile(q), values[rank]);
  }
}

TEST(LatencyHistogramTest, BucketsKeepRelativeErrorBelowOnePercent) {
  for (int64_t v = 1; v < (int64_t{1} << 40); v = v * 3 / 2 + 1) {
    const int index = LatencyHistogram::BucketIndex(v);
    const int64_t upper = LatencyHistogram::BucketUpperValue(index);
    EXPECT_GE(upper, v);
    EXPECT_LT(static_cast<double>(upper - v), 0.01 * static_cast<double>(v));
    if (index > 0) {
      EXPECT_LT(LatencyHistogram::BucketUpperValue(index - 1), v);
    }
  }
}

TEST(LatencyHistogramTest, MaxIsExactAndCapsPercentiles) {
  LatencyHistogram histogram;
  histogram.Record(1'000);
  histogram.Record(123'456'789);
  histogram.Record(-5);  // counts as 0
  EXPECT_EQ(histogram.Max(), 123'456'789);
  EXPECT_EQ(histogram.Percentile(100), 123'456'789);
  EXPECT_EQ(histogram.Percentile(0), 0);
  histogram.Record(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(histogram.Max(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(histogram.Percentile(100), std::numeric_limits<int64_t>::max());
}

TEST(LatencyHistogramTest, MergeAddsCountsAndKeepsLargerMax) {
  LatencyHistogram low;
  LatencyHistogram high;
  for (int i = 0; i < 900; ++i) low.Record(100'000);     // 100 us
  for (int i = 0; i < 100; ++i) high.Record(5'000'000);  // 5 ms
  low.Merge(high);
  EXPECT_EQ(low.Count(), 1000);
  EXPECT_EQ(low.Max(), 5'000'000);
  ExpectWithinOnePercent(low.Percentile(50), 100'000);
  ExpectWithinOnePercent(low.Percentile(90), 100'000);
  ExpectWithinOnePercent(low.Percentile(91), 5'000'000);
  EXPECT_EQ(high.Count(), 100);  // the source is unchanged

  LatencyHistogram empty;
  low.Merge(empty);
  EXPECT_EQ(low.Count(), 1000);
}

TEST(LatencyHistogramTest, ResetForgetsEverything) {
  LatencyHistogram histogram;
  histogram.Record(42'000);
  histogram.Reset();
  EXPECT_EQ(histogram.Count(), 0);
  EXPECT_EQ(histogram.Max(), 0);
  EXPECT_EQ(histogram.Percentile(50), 0);
}

}  // namespace
}  // namespace regserve::client
