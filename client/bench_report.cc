#include "client/bench_report.h"

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace regserve::client {
namespace {

// Microseconds, for reports.
double Micros(int64_t nanos) { return static_cast<double>(nanos) / 1e3; }

// "closed loop, concurrency 16" or "open loop, rate 2000/s".
std::string ModeText(const BenchOptions& options) {
  if (IsOpenLoop(options)) {
    return absl::StrFormat("open loop, rate %g/s, max_outstanding %d",
                           options.rate, options.max_outstanding);
  }
  return absl::StrFormat("closed loop, concurrency %d", options.concurrency);
}

// "p50 1.2us  p90 ...  max ..." of the merged latencies.
std::string LatencyText(const LatencyHistogram& latency) {
  return absl::StrFormat(
      "p50 %.1fus  p90 %.1fus  p99 %.1fus  p99.9 %.1fus  max %.1fus",
      Micros(latency.Percentile(50)), Micros(latency.Percentile(90)),
      Micros(latency.Percentile(99)), Micros(latency.Percentile(99.9)),
      Micros(latency.Max()));
}

// "UNAVAILABLE 3, DROPPED 2", or "none".
std::string ErrorsText(const std::map<std::string, int64_t>& errors) {
  if (errors.empty()) return "none";
  return absl::StrJoin(errors, ", ", [](std::string* out, const auto& entry) {
    absl::StrAppend(out, entry.first, " ", entry.second);
  });
}

// {"CODE": n, ...}
std::string ErrorsJson(const std::map<std::string, int64_t>& errors) {
  return absl::StrCat("{",
                      absl::StrJoin(errors, ", ",
                                    [](std::string* out, const auto& entry) {
                                      absl::StrAppend(out, "\"", entry.first,
                                                      "\": ", entry.second);
                                    }),
                      "}");
}

}  // namespace

std::string FormatProgressLine(int64_t elapsed_s, double calls_per_s,
                               int64_t p99_ns, bool warmup) {
  return absl::StrFormat("t=%ds calls/s=%.0f p99=%.1fus%s", elapsed_s,
                         calls_per_s, Micros(p99_ns),
                         warmup ? " (warmup)" : "");
}

std::string FormatTextReport(const BenchOptions& options,
                             const BenchResult& result) {
  const BenchStats& stats = result.stats;
  const std::map<std::string, int64_t> errors = stats.ErrorsByName();
  std::string kinds;
  if (options.bad_fraction > 0) {
    kinds = absl::StrCat(
        absl::StrFormat("good calls: %d (ok %d, failed_good %d)\n",
                        stats.GoodCalls(), stats.good_ok, stats.FailedGood()),
        absl::StrFormat("bad calls:  %d (INVALID_ARGUMENT as expected %d, "
                        "unexpected %d, dropped %d)\n",
                        stats.BadCalls(), stats.bad_rejected,
                        stats.bad_unexpected, stats.bad_dropped));
  }
  return absl::StrCat(
      absl::StrFormat("regserve-bench: %s to %s, %s, %d channels, %d client "
                      "threads, %d rows per call\n",
                      options.method, options.target, ModeText(options),
                      options.channels, options.client_threads,
                      result.rows_per_call),
      absl::StrFormat("calls:      %d (ok %d, errors %d)\n", stats.Calls(),
                      stats.ok, stats.Calls() - stats.ok),
      kinds, absl::StrFormat("duration:   %.3f s\n", result.duration_s),
      absl::StrFormat("throughput: %.1f calls/s, %.1f rows/s\n",
                      result.CallsPerSecond(), result.RowsPerSecond()),
      "latency:    ", LatencyText(stats.latency), "\n",
      "errors:     ", ErrorsText(errors), "\n");
}

std::string FormatJsonReport(const BenchOptions& options,
                             const BenchResult& result) {
  const BenchStats& stats = result.stats;
  const LatencyHistogram& latency = stats.latency;
  const bool open_loop = IsOpenLoop(options);
  return absl::StrFormat(
      "{\"method\": \"%s\", \"mode\": \"%s\", \"concurrency\": %d, "
      "\"rate\": %g, \"calls\": %d, \"ok\": %d, \"errors\": %s, "
      "\"bad_fraction\": %g, \"good_calls\": %d, \"failed_good\": %d, "
      "\"bad_calls\": %d, \"bad_rejected\": %d, \"bad_unexpected\": %d, "
      "\"duration_s\": %.3f, \"calls_per_s\": %.1f, \"rows_per_s\": %.1f, "
      "\"latency_us\": {\"p50\": %.1f, \"p90\": %.1f, \"p99\": %.1f, "
      "\"p999\": %.1f, \"max\": %.1f}}\n",
      options.method, open_loop ? "open" : "closed",
      open_loop ? 0 : options.concurrency, open_loop ? options.rate : 0.0,
      stats.Calls(), stats.ok, ErrorsJson(stats.ErrorsByName()),
      options.bad_fraction, stats.GoodCalls(), stats.FailedGood(),
      stats.BadCalls(), stats.bad_rejected, stats.bad_unexpected,
      result.duration_s, result.CallsPerSecond(), result.RowsPerSecond(),
      Micros(latency.Percentile(50)), Micros(latency.Percentile(90)),
      Micros(latency.Percentile(99)), Micros(latency.Percentile(99.9)),
      Micros(latency.Max()));
}

}  // namespace regserve::client
