#include "server/grpc/completion_queues.h"

#include <algorithm>

namespace regserve::server {

void CompletionQueues::AddTo(grpc::ServerBuilder& builder, int count) {
  for (int i = 0; i < count; ++i) {
    queues_.push_back(builder.AddCompletionQueue());
    shedders_.push_back(std::make_unique<LoadShedder>(max_queue_delay_));
  }
}

template <typename Request, typename Response>
void CompletionQueues::ArmSlots(const UnaryMethod<Request, Response>& method) {
  SlotPoolLimits limits;
  limits.waiting =
      std::min(kWaitingSlotsPerMethod, std::max(1, max_calls_per_method_));
  limits.max_slots = std::max(limits.waiting, max_calls_per_method_);
  for (size_t q = 0; q < queues_.size(); ++q) {
    slot_pools_.push_back(std::make_unique<SlotPool>(
        queues_[q].get(), &state_, shedders_[q].get(), limits));
    SlotPool* pool = slot_pools_.back().get();
    for (int i = 0; i < limits.waiting; ++i) {
      UnaryCall<Request, Response>::Add(&method, pool);
    }
  }
}

void CompletionQueues::Arm(const ServiceMethods& methods,
                           HealthService& health) {
  ArmSlots(methods.predict);
  ArmSlots(methods.batch_predict);
  ArmSlots(methods.metadata);
  ArmSlots(methods.list_models);
  ArmSlots(methods.health_check);
  for (auto& cq : queues_) health.ArmWatch(cq.get(), &state_);
}

void CompletionQueues::StartPolling() {
  for (size_t i = 0; i < queues_.size(); ++i) {
    pollers_.emplace_back(
        [cq = queues_[i].get(), shedder = shedders_[i].get()] {
          PollCompletionQueue(cq, shedder);
        });
  }
}

void CompletionQueues::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  MarkShuttingDown();
  for (auto& cq : queues_) cq->Shutdown();
  for (std::thread& t : pollers_) t.join();
}

void PollCompletionQueue(grpc::ServerCompletionQueue* cq,
                         LoadShedder* shedder) {
  void* tag;
  bool ok;
  const gpr_timespec now = gpr_time_0(GPR_CLOCK_MONOTONIC);
  while (true) {
    // Take what is ready without blocking; only when nothing is, block, and
    // tell the load shedder the queue ran dry.
    auto status = cq->AsyncNext(&tag, &ok, now);
    if (status == grpc::CompletionQueue::TIMEOUT) {
      if (!cq->Next(&tag, &ok)) return;
      // The queue stayed empty until this event woke us: no backlog.
      shedder->MarkDrained();
    } else if (status == grpc::CompletionQueue::SHUTDOWN) {
      return;
    }
    static_cast<CallTag*>(tag)->Proceed(ok);
  }
}

}  // namespace regserve::server
