// A log-linear latency histogram for regserve-bench, a small stand-in for
// HdrHistogram (Debian 12 packages none for C/C++).
//
// Values are nanoseconds. Values below 128 are counted exactly; every range
// [2^k, 2^(k+1)) above is split into 128 equal sub-buckets, so a bucket's
// width is at most 1/128 of its lower bound: percentiles are off by < 1%.
//
// Ownership and thread-safety: a plain value type that owns its counts.
// Not synchronized: each polling thread records into its own histogram and
// the histograms are merged once the threads have finished (or, for
// progress lines, handed over under a lock).
#ifndef REGSERVE_CLIENT_LATENCY_HISTOGRAM_H_
#define REGSERVE_CLIENT_LATENCY_HISTOGRAM_H_

#include <cstdint>
#include <vector>

namespace regserve::client {

class LatencyHistogram {
 public:
  // Linear sub-buckets per power of two, and the exactly counted values.
  static constexpr int kSubBucketBits = 7;
  static constexpr int64_t kSubBuckets = int64_t{1} << kSubBucketBits;

  LatencyHistogram();

  // Counts one value; negative values count as 0.
  void Record(int64_t nanos);
  // Adds every count of `other` to this histogram.
  void Merge(const LatencyHistogram& other);
  // Forgets every value.
  void Reset();

  // The value at percentile `q` in [0, 100]: the upper value of the bucket
  // holding the ceil(q% * Count())-th smallest value (at least the first),
  // capped at Max(). 0 when empty.
  int64_t Percentile(double q) const;
  // The largest value recorded (exact); 0 when empty.
  int64_t Max() const { return max_; }
  // How many values were recorded.
  int64_t Count() const { return count_; }

  // The bucket counting `nanos` (>= 0), and the largest value it counts.
  static int BucketIndex(int64_t nanos);
  static int64_t BucketUpperValue(int index);

 private:
  std::vector<int64_t> counts_;
  int64_t count_ = 0;
  int64_t max_ = 0;
};

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_LATENCY_HISTOGRAM_H_
