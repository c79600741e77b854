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
// Every call is either good (it should succeed) or, with --bad_fraction,
// deliberately bad (it should fail with INVALID_ARGUMENT); ok,
// errors_by_code and dropped count both kinds, the good_ and bad_ fields
// each kind.
struct BenchStats {
  // Latency of every completed good call, OK or not (drops and bad calls
  // excluded).
  LatencyHistogram latency;
  // Calls that returned OK.
  int64_t ok = 0;
  // Calls that failed, by gRPC status code number.
  std::map<int, int64_t> errors_by_code;
  // Open loop: calls not sent because max_outstanding were in flight.
  int64_t dropped = 0;
  // Good calls: returned OK; failed (any RPC error); dropped.
  int64_t good_ok = 0;
  int64_t good_failed = 0;
  int64_t good_dropped = 0;
  // Bad calls: refused with INVALID_ARGUMENT as expected; any other outcome
  // (OK included); dropped.
  int64_t bad_rejected = 0;
  int64_t bad_unexpected = 0;
  int64_t bad_dropped = 0;
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
  // Every measured good call, dropped ones included.
  int64_t GoodCalls() const { return good_ok + good_failed + good_dropped; }
  // Good calls that did not return OK: RPC errors and drops.
  int64_t FailedGood() const { return good_failed + good_dropped; }
  // Every measured bad call, dropped ones included.
  int64_t BadCalls() const {
    return bad_rejected + bad_unexpected + bad_dropped;
  }
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
  // Rows predicted per second: OK good calls * rows_per_call / duration_s
  // (a failed call predicts nothing).
  double RowsPerSecond() const;
};

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_BENCH_STATS_H_
