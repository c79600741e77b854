// Samples how long events wait in one completion queue, for that queue's
// LoadShedder: every LoadShedder::kProbePeriod an alarm is set to fire at
// once on the queue, and how late its event is picked up is the delay.
#ifndef REGSERVE_SERVER_GRPC_QUEUE_DELAY_PROBE_H_
#define REGSERVE_SERVER_GRPC_QUEUE_DELAY_PROBE_H_

#include <atomic>
#include <chrono>

#include "grpcpp/alarm.h"
#include "grpcpp/completion_queue.h"
#include "server/grpc/load_shedder.h"
#include "server/grpc/unary_call.h"

namespace regserve::server {

// Touched by its queue's polling thread only. Once `stopping` is set the
// pending sample (at most one period away) is the last: the queue's
// shutdown waits for it rather than racing a cancel. `cq`, `shedder` and
// `stopping` outlive it.
class QueueDelayProbe final : public CallTag {
 public:
  QueueDelayProbe(grpc::ServerCompletionQueue* cq, LoadShedder* shedder,
                  const std::atomic<bool>* stopping)
      : cq_(cq), shedder_(shedder), stopping_(stopping) {}

  // Schedules the first sample. Call once, before polling starts.
  void Start() { Schedule(); }

  void Proceed(bool ok) override {
    if (!ok) return;
    shedder_->RecordDelay(LoadShedder::Clock::now() - due_);
    if (!stopping_->load(std::memory_order_acquire)) Schedule();
  }

 private:
  void Schedule() {
    // Sampling is spread over time, one alarm in flight at a time: the
    // event is due after the period, and its lateness is the delay.
    due_ = LoadShedder::Clock::now() + LoadShedder::kProbePeriod;
    alarm_.Set(cq_,
               std::chrono::system_clock::now() + LoadShedder::kProbePeriod,
               this);
  }

  grpc::ServerCompletionQueue* const cq_;
  LoadShedder* const shedder_;
  const std::atomic<bool>* const stopping_;
  grpc::Alarm alarm_;
  LoadShedder::Clock::time_point due_;
};

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_GRPC_QUEUE_DELAY_PROBE_H_
