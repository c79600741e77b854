// One reusable slot for unary calls of one method on one completion queue of
// gRPC's async (completion-queue) API, the fastest server API in gRPC 1.51.
//
// Each slot always has exactly one operation pending with gRPC: waiting for a
// new call, or finishing one. When a call arrives the slot runs the handler
// inline on the polling thread (a linear model costs nanoseconds, so handing
// off to another thread would cost more than it saves), sends the answer,
// and once that completes re-arms itself. Request and response live on a
// per-slot protobuf arena whose first block is part of the slot, so a
// typical call allocates nothing.
#ifndef REGSERVE_SERVER_UNARY_CALL_H_
#define REGSERVE_SERVER_UNARY_CALL_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/async_unary_call.h"
#include "server/load_shedder.h"
#include "server/metrics/call_metrics.h"

namespace regserve::server {

// What a completion-queue tag points at.
class CallTag {
 public:
  virtual ~CallTag() = default;
  // Called by the polling thread with the completed operation's `ok`.
  virtual void Proceed(bool ok) = 0;
};

// State shared by all slots of a server. Owned by the server.
struct SlotsState {
  // Set before the server shuts down: finishing slots delete themselves
  // instead of asking for another call.
  std::atomic<bool> shutting_down{false};
  // Calls answered by slots that have been deleted (each slot counts on its
  // own and adds its count here when it goes, so the hot path shares no
  // counter between threads).
  std::atomic<int64_t> answered{0};
};

// The per-method parts shared by all slots: how to ask gRPC for the next
// call, and the handler. Owned by the server; outlives every slot.
template <typename Request, typename Response>
struct UnaryMethod {
  using Writer = grpc::ServerAsyncResponseWriter<Response>;
  std::function<void(grpc::ServerContext*, Request*, Writer*,
                     grpc::ServerCompletionQueue*, void*)>
      request;
  std::function<grpc::Status(const Request&, Response*)> handle;
  // Whether calls are refused under overload (not for health checks, which
  // must keep answering).
  bool sheddable = true;
  // Null when the method is open; else decides whether the caller may make
  // this call (API keys) before any work is done.
  std::function<grpc::Status(const grpc::ServerContext&, const Request&)>
      authorize;
  // Null when metrics are off. Recorded here, once per call, for every
  // method: the one place gRPC metrics are kept.
  const metrics::CallMetrics* metrics = nullptr;
};

// Owned by itself: it deletes itself when the server shuts down.
template <typename Request, typename Response>
class UnaryCall final : public CallTag {
 public:
  // `shedder` belongs to the thread polling `cq`; it may be null.
  UnaryCall(const UnaryMethod<Request, Response>* method,
            grpc::ServerCompletionQueue* cq, SlotsState* state,
            const LoadShedder* shedder)
      : method_(method),
        cq_(cq),
        state_(state),
        shedder_(shedder),
        arena_(ArenaOptionsFor(block_)) {}

  // Asks gRPC for the next call of this method.
  void Start() {
    context_.emplace();
    writer_.emplace(&*context_);
    request_ = google::protobuf::Arena::CreateMessage<Request>(&arena_);
    response_ = google::protobuf::Arena::CreateMessage<Response>(&arena_);
    finishing_ = false;
    method_->request(&*context_, request_, &*writer_, cq_, this);
  }

  void Proceed(bool ok) override {
    if (!finishing_) {
      if (!ok) {  // the server is shutting down: no call will come
        Retire();
        return;
      }
      finishing_ = true;
      ++answered_;
      writer_->Finish(*response_, HandleAndRecord(), this);
      return;
    }
    if (state_->shutting_down.load(std::memory_order_acquire)) {
      Retire();
      return;
    }
    writer_.reset();
    context_.reset();
    arena_.Reset();  // keeps the slot's own first block
    Start();
  }

 private:
  static constexpr size_t kArenaBlockBytes = 16 * 1024;

  static google::protobuf::ArenaOptions ArenaOptionsFor(char* block) {
    google::protobuf::ArenaOptions options;
    options.initial_block = block;
    options.initial_block_size = kArenaBlockBytes;
    return options;
  }

  void Retire() {
    state_->answered.fetch_add(answered_, std::memory_order_relaxed);
    delete this;
  }

  grpc::Status HandleAndRecord() {
    const metrics::CallMetrics* m = method_->metrics;
    if (m == nullptr) return Handle();
    const auto start = std::chrono::steady_clock::now();
    m->OnStart();
    grpc::Status status = Handle();
    m->OnFinish(status, std::chrono::steady_clock::now() - start);
    return status;
  }

  grpc::Status Handle() {
    // A call whose deadline passed while queued does no work.
    if (context_->deadline() <= std::chrono::system_clock::now()) {
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                          "deadline exceeded before the call was handled");
    }
    if (method_->sheddable && shedder_ != nullptr && shedder_->Overloaded()) {
      return grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat("server overloaded: its queue has not drained for over ",
                       absl::FormatDuration(shedder_->max_delay()),
                       " (--max_queue_delay_ms); retry with backoff"));
    }
    if (method_->authorize) {
      grpc::Status allowed = method_->authorize(*context_, *request_);
      if (!allowed.ok()) return allowed;
    }
    return method_->handle(*request_, response_);
  }

  const UnaryMethod<Request, Response>* method_;
  grpc::ServerCompletionQueue* cq_;
  SlotsState* state_;
  const LoadShedder* shedder_;
  alignas(std::max_align_t) char block_[kArenaBlockBytes];
  google::protobuf::Arena arena_;
  std::optional<grpc::ServerContext> context_;
  std::optional<grpc::ServerAsyncResponseWriter<Response>> writer_;
  Request* request_ = nullptr;
  Response* response_ = nullptr;
  bool finishing_ = false;
  int64_t answered_ = 0;
};

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_UNARY_CALL_H_
