// The run loop of regserve-bench: connects the channels, runs one
// BenchWorker (completion queue + polling thread) per --client_threads,
// prints a progress line to `progress` each second and merges the workers'
// counts into a BenchResult.
//
// Ownership: RunLoad borrows `options`, `requests` and `progress` for the
// duration of the call and owns everything it creates (channels, workers,
// threads), all gone when it returns. Call from one thread; the requests
// must not change while it runs.
#ifndef REGSERVE_CLIENT_LOAD_GENERATOR_H_
#define REGSERVE_CLIENT_LOAD_GENERATOR_H_

#include <atomic>
#include <ostream>

#include "absl/status/statusor.h"
#include "client/bench_options.h"
#include "client/bench_requests.h"
#include "client/bench_stats.h"

namespace regserve::client {

// How long each channel may take to connect before the run fails.
inline constexpr int kConnectTimeoutSeconds = 5;

// Runs the load described by `options` (already validated) with the
// pre-built `requests`. Progress lines go to `progress` unless it is null.
// Once `*stop` (if given) turns true, no further call is sent and the run
// ends when the calls in flight have, as at the end of --duration_s.
// UNAVAILABLE if a channel does not connect within kConnectTimeoutSeconds;
// RPC errors during the run are counted in the result, not returned.
absl::StatusOr<BenchResult> RunLoad(const BenchOptions& options,
                                    const BenchRequests& requests,
                                    std::ostream* progress,
                                    const std::atomic<bool>* stop = nullptr);

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_LOAD_GENERATOR_H_
