// One reusable slot for unary calls of one method on one completion queue of
// gRPC's async (completion-queue) API, the fastest server API in gRPC 1.51.
//
// Each slot always has exactly one operation pending with gRPC: waiting for a
// new call, or finishing one. Slots live in a pool per method and completion
// queue (server/slot_pool.h) that grows while calls hold slots for long.
// When a call arrives the slot runs the handler
// inline on the polling thread (a linear model costs nanoseconds, so handing
// off to another thread would cost more than it saves), sends the answer,
// and once that completes re-arms itself. Request and response live on a
// per-slot protobuf arena whose first block is part of the slot, so a
// typical call allocates nothing.
#ifndef REGSERVE_SERVER_GRPC_UNARY_CALL_H_
#define REGSERVE_SERVER_GRPC_UNARY_CALL_H_

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
#include "server/grpc/load_shedder.h"
#include "server/grpc/slot_pool.h"
#include "server/metrics/call_metrics.h"

namespace regserve::server {

// What a completion-queue tag points at.
class CallTag {
 public:
  virtual ~CallTag() = default;
  // Called by the polling thread with the completed operation's `ok`.
  virtual void Proceed(bool ok) = 0;
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

// Owned by itself: it deletes itself when its pool shrinks or the server
// shuts down.
template <typename Request, typename Response>
class UnaryCall final : public CallTag {
 public:
  // Creates a slot in `pool` and asks gRPC for a call. Both arguments
  // outlive the slot.
  static void Add(const UnaryMethod<Request, Response>* method,
                  SlotPool* pool) {
    pool->OnCreated();
    (new UnaryCall(method, pool))->Start();
  }

  void Proceed(bool ok) override {
    if (!finishing_) {
      if (!ok) {  // the server is shutting down: no call will come
        Retire(/*was_waiting=*/true);
        return;
      }
      // Keep slots waiting while this one is busy, however long it takes.
      if (pool_->OnCallArrived()) (new UnaryCall(method_, pool_))->Start();
      finishing_ = true;
      ++answered_;
      writer().Finish(*response_, HandleAndRecord(), this);
      return;
    }
    if (pool_->state()->shutting_down.load(std::memory_order_acquire)) {
      Retire(/*was_waiting=*/false);
      return;
    }
    if (pool_->OnAnswered()) {  // enough slots wait: the burst is over
      Delete();
      return;
    }
    Rearm();
  }

 private:
  static constexpr size_t kArenaBlockBytes = size_t{4} << 10;

  UnaryCall(const UnaryMethod<Request, Response>* method, SlotPool* pool)
      : method_(method), pool_(pool), arena_(ArenaOptionsFor(block_)) {}

  static google::protobuf::ArenaOptions ArenaOptionsFor(char* block) {
    google::protobuf::ArenaOptions options;
    options.initial_block = block;
    options.initial_block_size = kArenaBlockBytes;
    return options;
  }

  grpc::ServerContext& context() { return *contexts_[current_]; }
  grpc::ServerAsyncResponseWriter<Response>& writer() {
    return *writers_[current_];
  }

  // Asks gRPC for the next call of this method.
  void Start() {
    grpc::ServerContext& context = contexts_[current_].emplace();
    auto& writer = writers_[current_].emplace(&context);
    request_ = google::protobuf::Arena::CreateMessage<Request>(&arena_);
    response_ = google::protobuf::Arena::CreateMessage<Response>(&arena_);
    finishing_ = false;
    pool_->OnArmed();
    method_->request(&context, request_, &writer, pool_->cq(), this);
  }

  // Asks for the next call before releasing the answered one. gRPC cannot
  // finish shutting down while a call is alive, so this request is made
  // before the server can shut the completion queue down (a request on a
  // queue already shut down aborts the process). Hence two contexts.
  void Rearm() {
    const int answered = current_;
    current_ ^= 1;
    arena_.Reset();  // keeps the slot's own first block
    Start();
    writers_[answered].reset();
    contexts_[answered].reset();
  }

  void Retire(bool was_waiting) {
    pool_->OnRetired(was_waiting);
    Delete();
  }

  void Delete() {
    pool_->state()->answered.fetch_add(answered_, std::memory_order_relaxed);
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
    if (context().deadline() <= std::chrono::system_clock::now()) {
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                          "deadline exceeded before the call was handled");
    }
    const LoadShedder* shedder = pool_->shedder();
    if (method_->sheddable && shedder != nullptr && shedder->Overloaded()) {
      return grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat("server overloaded: work has waited over ",
                       absl::FormatDuration(shedder->target()),
                       " in its queue for 100ms and more (--max_queue_delay_ms"
                       "); retry with backoff"));
    }
    if (method_->authorize) {
      grpc::Status allowed = method_->authorize(context(), *request_);
      if (!allowed.ok()) return allowed;
    }
    return method_->handle(*request_, response_);
  }

  const UnaryMethod<Request, Response>* const method_;
  SlotPool* const pool_;
  alignas(std::max_align_t) char block_[kArenaBlockBytes];
  google::protobuf::Arena arena_;
  // The call being served is contexts_[current_]; the other one is empty
  // except during Rearm().
  std::optional<grpc::ServerContext> contexts_[2];
  std::optional<grpc::ServerAsyncResponseWriter<Response>> writers_[2];
  int current_ = 0;
  Request* request_ = nullptr;
  Response* response_ = nullptr;
  bool finishing_ = false;
  int64_t answered_ = 0;
};

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_GRPC_UNARY_CALL_H_
