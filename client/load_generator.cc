#include "client/load_generator.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "client/bench_report.h"
#include "client/bench_worker.h"
#include "client/channel_credentials.h"
#include "client/progress_board.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace regserve::client {
namespace {

constexpr int64_t kSecondNs = 1'000'000'000;

// Opens options.channels channels, each its own TCP connection (a distinct
// channel arg keeps gRPC from sharing one subchannel), and waits for all
// of them to connect.
absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> ConnectChannels(
    const BenchOptions& options) {
  const auto deadline = std::chrono::system_clock::now() +
                        std::chrono::seconds(kConnectTimeoutSeconds);
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeChannelCredentials(options.tls);
  if (!credentials.ok()) return credentials.status();
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < options.channels; ++i) {
    grpc::ChannelArguments args = TlsChannelArguments(options.tls);
    args.SetInt("regserve.bench.channel", i);
    channels.push_back(
        grpc::CreateCustomChannel(options.target, *credentials, args));
  }
  for (const std::shared_ptr<grpc::Channel>& channel : channels) {
    if (!channel->WaitForConnected(deadline)) {
      return absl::UnavailableError(absl::StrCat("cannot connect to ",
                                                 options.target, " within ",
                                                 kConnectTimeoutSeconds, " s"));
    }
  }
  return channels;
}

// The stubs and clock times of a run starting now.
void PlanRun(const BenchOptions& options, const BenchRequests& requests,
             const std::vector<std::shared_ptr<grpc::Channel>>& channels,
             RunPlan& plan) {
  plan.options = &options;
  plan.requests = &requests;
  for (const std::shared_ptr<grpc::Channel>& channel : channels) {
    plan.stubs.push_back(v1::PredictionService::NewStub(channel));
  }
  plan.start_ns = SteadyNowNs();
  plan.warmup_end_ns =
      plan.start_ns + static_cast<int64_t>(options.warmup_s * kSecondNs);
  plan.end_ns =
      plan.warmup_end_ns + static_cast<int64_t>(options.duration_s * kSecondNs);
}

// Until `done`, prints once a second the calls/s and p99 of the latencies
// published on `board` since the previous line.
void PrintProgress(const RunPlan& plan, ProgressBoard& board,
                   absl::Notification& done, std::ostream* progress) {
  int64_t last_ns = plan.start_ns;
  int64_t next_ns = plan.start_ns + kSecondNs;
  while (!done.WaitForNotificationWithTimeout(
      absl::Nanoseconds(next_ns - SteadyNowNs()))) {
    const int64_t now = SteadyNowNs();
    const LatencyHistogram recent = board.Take();
    if (progress != nullptr) {
      const double seconds = static_cast<double>(now - last_ns) / kSecondNs;
      *progress << FormatProgressLine(
                       (next_ns - plan.start_ns) / kSecondNs,
                       static_cast<double>(recent.Count()) / seconds,
                       recent.Percentile(99), last_ns < plan.warmup_end_ns)
                << std::endl;
    }
    last_ns = now;
    next_ns += kSecondNs;
  }
}

// Runs one worker per client thread until all are done; merges their stats.
BenchStats RunWorkers(const RunPlan& plan, std::ostream* progress) {
  const int threads = plan.options->client_threads;
  SharedCounters shared;
  ProgressBoard board;
  absl::Notification done;
  std::atomic<int> running{threads};
  std::vector<std::unique_ptr<BenchWorker>> workers;
  std::vector<std::thread> pollers;
  for (int i = 0; i < threads; ++i) {
    workers.push_back(std::make_unique<BenchWorker>(i, plan, shared, board));
    pollers.emplace_back([&worker = *workers.back(), &running, &done] {
      worker.Run();
      if (running.fetch_sub(1) == 1) done.Notify();
    });
  }
  PrintProgress(plan, board, done, progress);
  BenchStats merged;
  for (int i = 0; i < threads; ++i) {
    pollers[i].join();
    merged.Merge(workers[i]->stats());
  }
  return merged;
}

}  // namespace

absl::StatusOr<BenchResult> RunLoad(const BenchOptions& options,
                                    const BenchRequests& requests,
                                    std::ostream* progress,
                                    const std::atomic<bool>* stop) {
  absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> channels =
      ConnectChannels(options);
  if (!channels.ok()) return channels.status();
  RunPlan plan;
  PlanRun(options, requests, *channels, plan);
  plan.stop_requested = stop;
  BenchResult result;
  result.stats = RunWorkers(plan, progress);
  result.rows_per_call = requests.rows_per_call;
  if (result.stats.last_event_ns > plan.warmup_end_ns) {
    result.duration_s =
        static_cast<double>(result.stats.last_event_ns - plan.warmup_end_ns) /
        kSecondNs;
  }
  return result;
}

}  // namespace regserve::client
