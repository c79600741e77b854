// regserve-bench: load generator for regserve's PredictionService, on gRPC's
// asynchronous client API, in closed loop (--concurrency) or open loop
// (--rate).
#include <atomic>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "client/bench_options.h"
#include "client/bench_report.h"
#include "client/bench_requests.h"
#include "client/channel_credentials.h"
#include "client/load_generator.h"
#include "client/tls_flags.h"
#include "common/program_usage.h"

using regserve::client::BenchOptions;

ABSL_FLAG(std::string, target, BenchOptions().target,
          "gRPC target of the server, host:port.");
ABSL_FLAG(std::string, method, BenchOptions().method,
          "predict (one row per call) or batch (BatchPredict).");
ABSL_FLAG(std::string, batch_input, BenchOptions().batch_input,
          "batch: rows sent as one dense table or as repeated rows.");
ABSL_FLAG(int64_t, batch_size, BenchOptions().batch_size,
          "batch: rows per call (> 0).");
ABSL_FLAG(std::string, model, BenchOptions().model,
          "Model name; empty = the server's default model.");
ABSL_FLAG(int64_t, deadline_ms, BenchOptions().deadline_ms,
          "Deadline of each call in milliseconds (> 0).");
ABSL_FLAG(int, channels, BenchOptions().channels,
          "gRPC channels, each its own TCP connection.");
ABSL_FLAG(int, client_threads, BenchOptions().client_threads,
          "Completion queues, each with one polling thread.");
ABSL_FLAG(int64_t, concurrency, BenchOptions().concurrency,
          "Closed loop: calls outstanding at all times.");
ABSL_FLAG(double, rate, BenchOptions().rate,
          "Calls per second; > 0 switches to open loop, where latency counts "
          "from each call's scheduled send time.");
ABSL_FLAG(int64_t, max_outstanding, BenchOptions().max_outstanding,
          "Open loop: most calls in flight; calls due beyond it are counted "
          "as DROPPED errors.");
ABSL_FLAG(double, duration_s, BenchOptions().duration_s,
          "Measured seconds, after the warmup.");
ABSL_FLAG(int64_t, calls, BenchOptions().calls,
          "If > 0, stop after this many measured calls (or --duration_s, "
          "whichever comes first).");
ABSL_FLAG(double, warmup_s, BenchOptions().warmup_s,
          "Seconds of load before measuring, excluded from the stats.");
ABSL_FLAG(double, bad_fraction, BenchOptions().bad_fraction,
          "Share of calls (0..1) sent deliberately bad (missing the LSTAT "
          "feature) and expected to fail with INVALID_ARGUMENT; good and bad "
          "calls are reported apart, and a good call that fails counts as "
          "failed_good.");
ABSL_FLAG(bool, json, BenchOptions().json,
          "Print the report as one JSON object.");
ABSL_FLAG(bool, quiet, BenchOptions().quiet, "No progress lines on stderr.");
ABSL_FLAG(std::string, tls_ca, "", regserve::client::kTlsCaHelp);
ABSL_FLAG(std::string, tls_cert, "", regserve::client::kTlsCertHelp);
ABSL_FLAG(std::string, tls_key, "", regserve::client::kTlsKeyHelp);
ABSL_FLAG(std::string, tls_server_name, "",
          regserve::client::kTlsServerNameHelp);

namespace {

// Set by SIGINT or SIGTERM: the run ends early and is still reported.
std::atomic<bool> stop_requested{false};

void RequestStop(int /*signal*/) { stop_requested.store(true); }

constexpr int kExitOk = 0;
constexpr int kExitUnreachable = 1;
constexpr int kExitUsageError = 2;

constexpr char kUsage[] =
    "Load generator for a regserve server: sends Predict or BatchPredict "
    "calls with Boston row 1 and reports calls/s, rows/s, latency "
    "percentiles and errors by status code.\n"
    "usage: regserve-bench [flags]\n"
    "  regserve-bench --target=localhost:50051 --concurrency=16\n"
    "  regserve-bench --method=batch --batch_size=10000 --json\n"
    "  regserve-bench --rate=2000 --duration_s=30\n"
    "  regserve-bench --rate=2000 --bad_fraction=0.1 --json\n"
    "SIGINT or SIGTERM ends the run early; what it measured is still "
    "reported.\n"
    "Exit codes: 0 run completed (RPC errors are reported), 1 target "
    "unreachable, 2 usage error.";

// The parsed flags as BenchOptions.
BenchOptions OptionsFromFlags() {
  BenchOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  options.method = absl::GetFlag(FLAGS_method);
  options.batch_input = absl::GetFlag(FLAGS_batch_input);
  options.batch_size = absl::GetFlag(FLAGS_batch_size);
  options.model = absl::GetFlag(FLAGS_model);
  options.deadline_ms = absl::GetFlag(FLAGS_deadline_ms);
  options.channels = absl::GetFlag(FLAGS_channels);
  options.client_threads = absl::GetFlag(FLAGS_client_threads);
  options.concurrency = absl::GetFlag(FLAGS_concurrency);
  options.rate = absl::GetFlag(FLAGS_rate);
  options.max_outstanding = absl::GetFlag(FLAGS_max_outstanding);
  options.duration_s = absl::GetFlag(FLAGS_duration_s);
  options.calls = absl::GetFlag(FLAGS_calls);
  options.warmup_s = absl::GetFlag(FLAGS_warmup_s);
  options.bad_fraction = absl::GetFlag(FLAGS_bad_fraction);
  options.json = absl::GetFlag(FLAGS_json);
  options.quiet = absl::GetFlag(FLAGS_quiet);
  options.tls = regserve::client::TlsOptionsFromFlags(
      FLAGS_tls_ca, FLAGS_tls_cert, FLAGS_tls_key, FLAGS_tls_server_name);
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  regserve::common::InitProgramUsage(kUsage, __FILE__);
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() != 1) {
    std::cerr << "error: unexpected argument '" << positional[1]
              << "'; regserve-bench takes only flags (see --help)\n";
    return kExitUsageError;
  }
  const BenchOptions options = OptionsFromFlags();
  if (const absl::Status tls =
          regserve::client::MakeChannelCredentials(options.tls).status();
      !tls.ok()) {
    std::cerr << "error: " << tls.message() << "\n";
    return kExitUsageError;
  }
  const absl::StatusOr<regserve::client::BenchRequests> requests =
      regserve::client::BuildBenchRequests(options);
  if (!requests.ok()) {
    std::cerr << "error: " << requests.status().message() << "\n";
    return kExitUsageError;
  }
  std::signal(SIGINT, RequestStop);
  std::signal(SIGTERM, RequestStop);
  const absl::StatusOr<regserve::client::BenchResult> result =
      regserve::client::RunLoad(options, *requests,
                                options.quiet ? nullptr : &std::cerr,
                                &stop_requested);
  if (!result.ok()) {
    std::cerr << "error: " << result.status().message() << "\n";
    return kExitUnreachable;
  }
  std::cout << (options.json
                    ? regserve::client::FormatJsonReport(options, *result)
                    : regserve::client::FormatTextReport(options, *result));
  return kExitOk;
}
