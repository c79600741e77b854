#include "server/grpc/completion_queues.h"

#include <algorithm>

namespace regserve::server {

void CompletionQueues::AddTo(grpc::ServerBuilder& builder, int count) {
  for (int i = 0; i < count; ++i) {
    queues_.push_back(builder.AddCompletionQueue());
    shedders_.push_back(std::make_unique<LoadShedder>(max_queue_delay_));
    if (shedders_.back()->enabled()) {
      probes_.push_back(std::make_unique<QueueDelayProbe>(
          queues_.back().get(), shedders_.back().get(), &state_.shutting_down));
    }
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
  for (auto& probe : probes_) probe->Start();
  for (auto& cq : queues_) {
    pollers_.emplace_back([cq = cq.get()] { PollCompletionQueue(cq); });
  }
}

void CompletionQueues::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  MarkShuttingDown();
  for (auto& cq : queues_) cq->Shutdown();
  for (std::thread& t : pollers_) t.join();
}

void PollCompletionQueue(grpc::ServerCompletionQueue* cq) {
  void* tag;
  bool ok;
  while (cq->Next(&tag, &ok)) static_cast<CallTag*>(tag)->Proceed(ok);
}

}  // namespace regserve::server
