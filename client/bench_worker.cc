#include "client/bench_worker.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "grpc/support/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/async_unary_call.h"

namespace regserve::client {
namespace {

// How often a worker hands its recent latencies to the progress board, and
// the longest it waits for a completion before looking at the clock again.
constexpr int64_t kPublishIntervalNs = 100'000'000;
constexpr int64_t kMaxWaitNs = 100'000'000;

// A completion-queue deadline `nanos` from now.
gpr_timespec DeadlineIn(int64_t nanos) {
  return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                      gpr_time_from_nanos(nanos, GPR_TIMESPAN));
}

}  // namespace

// One call in flight; its address is the completion-queue tag.
struct BenchWorker::Call {
  grpc::ClientContext context;
  grpc::Status status;
  v1::PredictResponse predict_response;
  v1::BatchPredictResponse batch_response;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::PredictResponse>>
      predict_reader;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::BatchPredictResponse>>
      batch_reader;
  // When the call was due: its send time, or its open-loop schedule slot.
  int64_t due_ns = 0;
  // Sent the bad request: INVALID_ARGUMENT is the expected answer.
  bool bad = false;
};

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

BenchWorker::BenchWorker(int index, const RunPlan& plan, SharedCounters& shared,
                         ProgressBoard& board)
    : index_(index),
      plan_(plan),
      options_(*plan.options),
      predict_(plan.options->method == "predict"),
      open_loop_(IsOpenLoop(*plan.options)),
      shared_(shared),
      board_(board),
      next_publish_ns_(plan.start_ns + kPublishIntervalNs) {}

BenchWorker::~BenchWorker() = default;

void BenchWorker::Run() {
  std::thread pacer;
  if (open_loop_) {
    pacer = std::thread([this] { PaceOpenLoop(); });
  } else {
    StartClosedLoop();
  }
  PollCompletions();
  if (pacer.joinable()) pacer.join();
  stats_.Merge(pacer_stats_);
}

// Reaps completions until sending has stopped and no call is in flight.
void BenchWorker::PollCompletions() {
  while (true) {
    const int64_t now = SteadyNowNs();
    PublishProgress(now, /*force=*/false);
    if (stopped_.load(std::memory_order_acquire) && in_flight_.load() == 0) {
      break;
    }
    const int64_t wake = std::min(now + kMaxWaitNs, next_publish_ns_);
    void* tag = nullptr;
    bool ok = false;
    const grpc::CompletionQueue::NextStatus status =
        cq_.AsyncNext(&tag, &ok, DeadlineIn(std::max<int64_t>(wake - now, 0)));
    if (status == grpc::CompletionQueue::GOT_EVENT) {
      HandleCompletion(static_cast<Call*>(tag));
    }
  }
  PublishProgress(SteadyNowNs(), /*force=*/true);
  cq_.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq_.Next(&tag, &ok)) {
  }
}

void BenchWorker::StartClosedLoop() {
  const int64_t threads = options_.client_threads;
  const int64_t share = options_.concurrency / threads +
                        (index_ < options_.concurrency % threads ? 1 : 0);
  if (share == 0) stopped_.store(true, std::memory_order_release);
  const int64_t now = SteadyNowNs();
  for (int64_t i = 0; i < share && ClaimSend(now); ++i) {
    StartCall(now, NextIsBad());
  }
}

// False, and from then on stopped, once the run's end or --calls is reached.
bool BenchWorker::ClaimSend(int64_t due_ns) {
  if (stopped_.load(std::memory_order_relaxed)) return false;
  if (due_ns >= plan_.end_ns ||
      (plan_.stop_requested != nullptr &&
       plan_.stop_requested->load(std::memory_order_relaxed))) {
    stopped_.store(true, std::memory_order_release);
    return false;
  }
  if (due_ns >= plan_.warmup_end_ns && options_.calls > 0 &&
      shared_.measured_claimed.fetch_add(1, std::memory_order_relaxed) >=
          options_.calls) {
    stopped_.store(true, std::memory_order_release);
    return false;
  }
  return true;
}

bool BenchWorker::NextIsBad() {
  const double f = options_.bad_fraction;
  if (f <= 0) return false;
  const int64_t k = sends_++;
  return std::floor(static_cast<double>(k + 1) * f) >
         std::floor(static_cast<double>(k) * f);
}

void BenchWorker::StartCall(int64_t due_ns, bool bad) {
  // Counted before the call can complete, so in_flight_ never dips below 0.
  in_flight_.fetch_add(1);
  shared_.outstanding.fetch_add(1, std::memory_order_relaxed);
  auto* call = new Call;
  call->due_ns = due_ns;
  call->bad = bad;
  call->context.set_deadline(std::chrono::system_clock::now() +
                             std::chrono::milliseconds(options_.deadline_ms));
  v1::PredictionService::Stub& stub =
      *plan_.stubs[(index_ + next_channel_++) % plan_.stubs.size()];
  if (predict_) {
    call->predict_reader = stub.PrepareAsyncPredict(
        &call->context,
        bad ? plan_.requests->bad_predict : plan_.requests->predict, &cq_);
    call->predict_reader->StartCall();
    call->predict_reader->Finish(&call->predict_response, &call->status, call);
  } else {
    call->batch_reader = stub.PrepareAsyncBatchPredict(
        &call->context, bad ? plan_.requests->bad_batch : plan_.requests->batch,
        &cq_);
    call->batch_reader->StartCall();
    call->batch_reader->Finish(&call->batch_response, &call->status, call);
  }
}

void BenchWorker::HandleCompletion(Call* call) {
  const std::unique_ptr<Call> owned(call);
  in_flight_.fetch_sub(1);
  shared_.outstanding.fetch_sub(1, std::memory_order_relaxed);
  const int64_t now = SteadyNowNs();
  const int64_t latency = now - call->due_ns;
  recent_.Record(latency);
  if (call->due_ns >= plan_.warmup_end_ns) {
    const bool ok = call->status.ok();
    if (ok) {
      ++stats_.ok;
    } else {
      ++stats_.errors_by_code[call->status.error_code()];
    }
    if (call->bad) {
      ++(call->status.error_code() == grpc::StatusCode::INVALID_ARGUMENT
             ? stats_.bad_rejected
             : stats_.bad_unexpected);
    } else {
      stats_.latency.Record(latency);
      ++(ok ? stats_.good_ok : stats_.good_failed);
    }
    stats_.last_event_ns = now;
  }
  if (!open_loop_ && ClaimSend(now)) StartCall(now, NextIsBad());
}

// Open loop, on the pacing thread: sends each call at its due time (late
// ones at once), dropping those due while max_outstanding are in flight.
void BenchWorker::PaceOpenLoop() {
  for (int64_t n = 0;; ++n) {
    const int64_t due = DueTime(n);
    std::this_thread::sleep_until(
        std::chrono::steady_clock::time_point(std::chrono::nanoseconds(due)));
    if (!ClaimSend(due)) return;
    const bool bad = NextIsBad();
    if (shared_.outstanding.load(std::memory_order_relaxed) >=
        options_.max_outstanding) {
      if (due >= plan_.warmup_end_ns) {
        ++pacer_stats_.dropped;
        ++(bad ? pacer_stats_.bad_dropped : pacer_stats_.good_dropped);
        pacer_stats_.last_event_ns = SteadyNowNs();
      }
      continue;
    }
    StartCall(due, bad);
  }
}

void BenchWorker::PublishProgress(int64_t now_ns, bool force) {
  if (!force && now_ns < next_publish_ns_) return;
  board_.Publish(recent_);
  next_publish_ns_ = now_ns + kPublishIntervalNs;
}

// Open loop: call n of this worker is slot n * threads + index.
int64_t BenchWorker::DueTime(int64_t n) const {
  const double slot = static_cast<double>(n) * options_.client_threads +
                      static_cast<double>(index_);
  return plan_.start_ns + std::llround(slot * 1e9 / options_.rate);
}

}  // namespace regserve::client
