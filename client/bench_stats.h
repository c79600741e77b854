// What regserve-bench counts: BenchStats holds one polling thread's counts
// (latency, successes, errors by status code, drops) and, merged, the whole
// run's; BenchResult is the outcome of a run that bench_report formats.
//
// Plain value types. Not synchronized: each polling thread owns its
// BenchStats until it finishes, then the load generator merges them.
#ifndef REGSERVE_CLIENT_BENCH_STATS_H_
#define REGSERVE_CLIENT_BENCH_STATS_H_

#include <cstdint>
#include <map>
#include <string>

#include "client/latency_histogram.h"

namespace regserve::client {

// The errors key of calls dropped because too many were outstanding.
inline constexpr char kDroppedError[] = "DROPPED";

// Counts of the measured calls (those sent, or due, after the warmup).
struct BenchStats {
  // Latency of every completed call, OK or not (drops excluded).
  LatencyHistogram latency;
  // Calls that returned OK.
  int64_t ok = 0;
  // Calls that failed, by gRPC status code number.
  std::map<int, int64_t> errors_by_code;
  // Open loop: calls not sent because max_outstanding were in flight.
  int64_t dropped = 0;
  // Steady-clock time of the last measured completion or drop; 0 if none.
  int64_t last_event_ns = 0;

  // Adds `other`'s counts to these.
  void Merge(const BenchStats& other);
  // Calls that reached the server (OK or an RPC error).
  int64_t Sent() const;
  // Every measured call: Sent() + dropped.
  int64_t Calls() const { return Sent() + dropped; }
  // Errors by name ("UNAVAILABLE", ..., "DROPPED"), sorted by name.
  std::map<std::string, int64_t> ErrorsByName() const;
};

// The outcome of a run.
struct BenchResult {
  // Merged counts of every polling thread.
  BenchStats stats;
  // Seconds from the end of the warmup to the last measured event.
  double duration_s = 0;
  // Rows predicted per call: 1 for predict, batch_size for batch.
  int64_t rows_per_call = 1;

  // Sent calls per second; 0 for an empty run.
  double CallsPerSecond() const;
  // Rows predicted per second: OK calls * rows_per_call / duration_s (a
  // failed call predicts nothing).
  double RowsPerSecond() const;
};

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_BENCH_STATS_H_
