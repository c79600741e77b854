// The settings of one regserve-bench run. bench_main.cc copies its
// command-line flags into a BenchOptions; the defaults below are the flags'
// defaults. ValidateBenchOptions checks a BenchOptions before a run.
//
// Plain value type, no shared state.
#ifndef REGSERVE_CLIENT_BENCH_OPTIONS_H_
#define REGSERVE_CLIENT_BENCH_OPTIONS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "client/channel_credentials.h"

namespace regserve::client {

// Every field mirrors the flag of the same name.
struct BenchOptions {
  // gRPC target of the server, host:port.
  std::string target = "localhost:50051";
  // "predict" (one row per call) or "batch" (BatchPredict).
  std::string method = "predict";
  // batch: "table" (one dense Table) or "rows" (repeated Row messages).
  std::string batch_input = "table";
  // batch: rows per BatchPredict call (> 0).
  int64_t batch_size = 100;
  // Model name; "" selects the server's default model.
  std::string model;
  // Deadline of each call in milliseconds (> 0).
  int64_t deadline_ms = 10000;
  // gRPC channels, each its own TCP connection (> 0).
  int channels = 4;
  // Completion queues, each with one polling thread (> 0).
  int client_threads = 1;
  // Closed loop: calls outstanding at all times (> 0). Ignored when rate > 0.
  int64_t concurrency = 16;
  // > 0 switches to open loop: calls per second on a fixed schedule.
  double rate = 0;
  // Open loop: most calls outstanding; a call due beyond it is DROPPED.
  int64_t max_outstanding = 10000;
  // Measured seconds after the warmup (> 0).
  double duration_s = 10;
  // If > 0, stop after this many measured calls (or duration_s, if first).
  int64_t calls = 0;
  // Seconds of calls before measuring, excluded from the stats (>= 0).
  double warmup_s = 1;
  // Share of calls (0..1) sent deliberately bad (a request missing the
  // LSTAT feature), which the server must refuse with INVALID_ARGUMENT; they
  // are spread evenly over each sender's calls and counted apart from the
  // good ones.
  double bad_fraction = 0;
  // Print one JSON object instead of the human-readable report.
  bool json = false;
  // No progress lines on stderr.
  bool quiet = false;
  // --tls_ca, --tls_cert, --tls_key, --tls_server_name; plaintext unless
  // --tls_ca is set.
  ClientTlsOptions tls;
};

// True for open loop (rate > 0), false for closed loop.
inline bool IsOpenLoop(const BenchOptions& options) { return options.rate > 0; }

// INVALID_ARGUMENT naming the first bad field of `options`, else OK.
absl::Status ValidateBenchOptions(const BenchOptions& options);

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_BENCH_OPTIONS_H_
