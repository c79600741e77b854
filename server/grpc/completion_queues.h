// The server's completion queues and what drives them: one polling thread
// per queue, a load shedder per queue, and per method and queue a pool of
// call slots waiting for calls. Transport only: what a call does is in the
// methods it is given (server/grpc/service_methods.h).
#ifndef REGSERVE_SERVER_GRPC_COMPLETION_QUEUES_H_
#define REGSERVE_SERVER_GRPC_COMPLETION_QUEUES_H_

#include <memory>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/server_builder.h"
#include "server/grpc/health_service.h"
#include "server/grpc/load_shedder.h"
#include "server/grpc/queue_delay_probe.h"
#include "server/grpc/service_methods.h"
#include "server/grpc/slot_pool.h"

namespace regserve::server {

// Lifecycle: AddTo() before the server is built, Arm() and StartPolling()
// after; at shutdown MarkShuttingDown() before grpc::Server::Shutdown() and
// Shutdown() after it (the owner must call it before destroying the queues).
// Not thread-safe itself: call from the thread that owns the server.
class CompletionQueues {
 public:
  // Call slots waiting per method per queue when quiet; the pools grow up
  // to `max_calls_per_method` while calls hold slots.
  static constexpr int kWaitingSlotsPerMethod = 64;

  CompletionQueues(absl::Duration max_queue_delay, int max_calls_per_method)
      : max_queue_delay_(max_queue_delay),
        max_calls_per_method_(max_calls_per_method) {}
  CompletionQueues(const CompletionQueues&) = delete;
  CompletionQueues& operator=(const CompletionQueues&) = delete;

  // Adds `count` queues to `builder`.
  void AddTo(grpc::ServerBuilder& builder, int count);
  // Arms every method's slots, and health Watch, on every queue. `methods`
  // and `health` must outlive the queues.
  void Arm(const ServiceMethods& methods, HealthService& health);
  // Starts one polling thread per queue.
  void StartPolling();
  // From now on finishing slots delete themselves instead of asking for
  // another call.
  void MarkShuttingDown() {
    state_.shutting_down.store(true, std::memory_order_release);
  }
  // Shuts the queues down and joins the threads. Idempotent.
  void Shutdown();

  // Set once shutdown begins; calls answered so far (see SlotsState).
  SlotsState& state() { return state_; }
  size_t size() const { return queues_.size(); }

 private:
  template <typename Request, typename Response>
  void ArmSlots(const UnaryMethod<Request, Response>& method);

  const absl::Duration max_queue_delay_;
  const int max_calls_per_method_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::unique_ptr<LoadShedder>> shedders_;    // one per queue
  std::vector<std::unique_ptr<QueueDelayProbe>> probes_;  // when shedding
  std::vector<std::unique_ptr<SlotPool>> slot_pools_;  // per method and queue
  std::vector<std::thread> pollers_;
  SlotsState state_;
  bool shut_down_ = false;
};

// Drives `cq` until it is shut down and drained.
void PollCompletionQueue(grpc::ServerCompletionQueue* cq);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_GRPC_COMPLETION_QUEUES_H_
