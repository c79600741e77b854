#include "client/bench_stats.h"

#include <algorithm>

#include "absl/status/status.h"

namespace regserve::client {

void BenchStats::Merge(const BenchStats& other) {
  latency.Merge(other.latency);
  ok += other.ok;
  for (const auto& [code, count] : other.errors_by_code) {
    errors_by_code[code] += count;
  }
  dropped += other.dropped;
  good_ok += other.good_ok;
  good_failed += other.good_failed;
  good_dropped += other.good_dropped;
  bad_rejected += other.bad_rejected;
  bad_unexpected += other.bad_unexpected;
  bad_dropped += other.bad_dropped;
  last_event_ns = std::max(last_event_ns, other.last_event_ns);
}

int64_t BenchStats::Sent() const {
  int64_t sent = ok;
  for (const auto& [code, count] : errors_by_code) {
    sent += count;
  }
  return sent;
}

std::map<std::string, int64_t> BenchStats::ErrorsByName() const {
  std::map<std::string, int64_t> errors;
  for (const auto& [code, count] : errors_by_code) {
    // gRPC and Abseil share the canonical code numbers and names.
    errors[absl::StatusCodeToString(static_cast<absl::StatusCode>(code))] +=
        count;
  }
  if (dropped > 0) {
    errors[kDroppedError] = dropped;
  }
  return errors;
}

double BenchResult::CallsPerSecond() const {
  if (duration_s <= 0) return 0;
  return static_cast<double>(stats.Sent()) / duration_s;
}

double BenchResult::RowsPerSecond() const {
  if (duration_s <= 0) return 0;
  return static_cast<double>(stats.good_ok) *
         static_cast<double>(rows_per_call) / duration_s;
}

}  // namespace regserve::client
