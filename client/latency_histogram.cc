#include "client/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace regserve::client {
namespace {

// Exact values [0, 128) plus 128 sub-buckets for each k in [7, 63).
constexpr int kBucketCount = static_cast<int>(LatencyHistogram::kSubBuckets) *
                             (64 - LatencyHistogram::kSubBucketBits);

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kBucketCount, 0) {}

int LatencyHistogram::BucketIndex(int64_t nanos) {
  const uint64_t value = static_cast<uint64_t>(nanos);
  if (value < static_cast<uint64_t>(kSubBuckets)) {
    return static_cast<int>(value);
  }
  // value lies in [2^k, 2^(k+1)), k >= 7; its sub-bucket has width 2^shift.
  const int k = std::bit_width(value) - 1;
  const int shift = k - kSubBucketBits;
  const int sub = static_cast<int>(value >> shift) - kSubBuckets;
  return static_cast<int>(kSubBuckets) * (shift + 1) + sub;
}

int64_t LatencyHistogram::BucketUpperValue(int index) {
  if (index < kSubBuckets) {
    return index;
  }
  const int shift = index / kSubBuckets - 1;
  const int64_t sub = index % kSubBuckets;
  const uint64_t lower = static_cast<uint64_t>(kSubBuckets + sub) << shift;
  const uint64_t upper = lower + ((uint64_t{1} << shift) - 1);
  return static_cast<int64_t>(
      std::min<uint64_t>(upper, static_cast<uint64_t>(INT64_MAX)));
}

void LatencyHistogram::Record(int64_t nanos) {
  nanos = std::max<int64_t>(nanos, 0);
  ++counts_[BucketIndex(nanos)];
  ++count_;
  max_ = std::max(max_, nanos);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) {
    return;
  }
  for (int i = 0; i < kBucketCount; ++i) {
    counts_[i] += other.counts_[i];
  }
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::Reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  max_ = 0;
}

int64_t LatencyHistogram::Percentile(double q) const {
  if (count_ == 0) {
    return 0;
  }
  const double fraction = std::clamp(q, 0.0, 100.0) / 100.0;
  // The epsilon keeps e.g. 99.9% of 1000 at rank 999 despite rounding.
  const int64_t rank = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(fraction * count_ - 1e-9)));
  int64_t seen = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      return std::min(BucketUpperValue(i), max_);
    }
  }
  return max_;
}

}  // namespace regserve::client
