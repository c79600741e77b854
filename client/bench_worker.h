// One polling thread of regserve-bench: a BenchWorker owns a completion
// queue, starts its share of the calls on it (round robin over the run's
// channels) and reaps their completions into its own BenchStats.
//
// Closed loop: the polling thread keeps the worker's share of --concurrency
// calls in flight, starting a new call as each one finishes. Open loop: a
// pacing thread of the worker sends call n of worker i (of T) at
// start + (n * T + i) / rate, sleeping on the steady clock (a completion
// queue deadline has only millisecond resolution in gRPC 1.51, which would
// make every call late); latency counts from that due time, so a slow
// server cannot hide queueing (no coordinated omission).
//
// Ownership: the worker borrows the RunPlan, the shared counters and the
// progress board, which must outlive it. Run() is called once, on the
// worker's own thread, and joins the pacing thread before returning;
// stats() may be read after Run() has returned. Shared between the threads
// are only atomics; each thread has its own counts.
#ifndef REGSERVE_CLIENT_BENCH_WORKER_H_
#define REGSERVE_CLIENT_BENCH_WORKER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "client/bench_options.h"
#include "client/bench_requests.h"
#include "client/bench_stats.h"
#include "client/latency_histogram.h"
#include "client/progress_board.h"
#include "grpcpp/completion_queue.h"
#include "regserve/v1/prediction_service.grpc.pb.h"

namespace regserve::client {

// What every worker of a run reads; immutable during the run.
struct RunPlan {
  const BenchOptions* options = nullptr;
  const BenchRequests* requests = nullptr;
  // One stub per channel; stubs are thread-safe.
  std::vector<std::unique_ptr<v1::PredictionService::Stub>> stubs;
  // Steady-clock times: start, end of warmup, end of sending.
  int64_t start_ns = 0;
  int64_t warmup_end_ns = 0;
  int64_t end_ns = 0;
  // When set and true, sending stops early (SIGINT/SIGTERM).
  const std::atomic<bool>* stop_requested = nullptr;
};

// Counters every worker of a run updates.
struct SharedCounters {
  // Measured calls claimed so far (for --calls).
  std::atomic<int64_t> measured_claimed{0};
  // Calls in flight on all workers (for --max_outstanding).
  std::atomic<int64_t> outstanding{0};
};

class BenchWorker {
 public:
  BenchWorker(int index, const RunPlan& plan, SharedCounters& shared,
              ProgressBoard& board);
  ~BenchWorker();
  BenchWorker(const BenchWorker&) = delete;
  BenchWorker& operator=(const BenchWorker&) = delete;

  // Sends and reaps calls until sending stops and none is in flight.
  void Run();
  // The measured counts; valid once Run() has returned.
  const BenchStats& stats() const { return stats_; }

 private:
  struct Call;

  void StartClosedLoop();
  void PaceOpenLoop();
  void PollCompletions();
  bool ClaimSend(int64_t due_ns);
  bool NextIsBad();
  void StartCall(int64_t due_ns, bool bad);
  void HandleCompletion(Call* call);
  void PublishProgress(int64_t now_ns, bool force);
  int64_t DueTime(int64_t n) const;

  const int index_;
  const RunPlan& plan_;
  const BenchOptions& options_;
  const bool predict_;    // Predict, else BatchPredict
  const bool open_loop_;  // --rate > 0
  SharedCounters& shared_;
  ProgressBoard& board_;
  grpc::CompletionQueue cq_;
  // Polling thread: completed calls (and, after Run, everything).
  BenchStats stats_;
  LatencyHistogram recent_;  // every completion, for progress lines
  int64_t next_publish_ns_ = 0;
  // Pacing thread: dropped calls.
  BenchStats pacer_stats_;
  // Thread that sends: the polling one (closed) or the pacing one (open).
  size_t next_channel_ = 0;
  int64_t sends_ = 0;  // calls started or dropped so far, for NextIsBad
  std::atomic<int64_t> in_flight_{0};
  std::atomic<bool> stopped_{false};  // no more calls will be started
};

// Steady-clock now in nanoseconds.
int64_t SteadyNowNs();

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_BENCH_WORKER_H_
