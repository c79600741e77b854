// Formatting of regserve-bench output: the once-a-second progress line and
// the final report, human-readable or as one flat JSON object.
//
// Pure functions of their arguments; safe to call from any thread.
#ifndef REGSERVE_CLIENT_BENCH_REPORT_H_
#define REGSERVE_CLIENT_BENCH_REPORT_H_

#include <cstdint>
#include <string>

#include "client/bench_options.h"
#include "client/bench_stats.h"

namespace regserve::client {

// "t=3s calls/s=4120 p99=812.3us", with " (warmup)" during the warmup.
std::string FormatProgressLine(int64_t elapsed_s, double calls_per_s,
                               int64_t p99_ns, bool warmup);

// The multi-line human-readable report, ending in a newline.
std::string FormatTextReport(const BenchOptions& options,
                             const BenchResult& result);

// One JSON object with keys method, mode ("closed" or "open"), concurrency
// (0 in open loop), rate (0 in closed loop), calls, ok, errors {CODE: n},
// bad_fraction, good_calls, failed_good, bad_calls, bad_rejected,
// bad_unexpected, duration_s, calls_per_s, rows_per_s and latency_us {p50,
// p90, p99, p999, max}; ends in a newline. calls counts drops, calls_per_s
// counts the calls sent (OK or not), rows_per_s only the rows of OK good
// calls; ok and errors count good and bad calls alike, failed_good the good
// calls that failed or were dropped, bad_rejected the bad calls refused with
// INVALID_ARGUMENT and bad_unexpected those answered any other way. The
// latencies are those of the good calls.
std::string FormatJsonReport(const BenchOptions& options,
                             const BenchResult& result);

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_BENCH_REPORT_H_
