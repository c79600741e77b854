// Fails calls fast when the server is overloaded, so that the calls it does
// accept keep their latency.
//
// On the async API a polling thread runs handlers itself, so an overload
// shows up as a completion queue that never runs dry: calls wait in gRPC's
// queue, out of the server's sight. Each polling thread notes when it last
// found its queue empty; once it has been busy without a break for longer
// than the target delay, every call it picks up is refused with
// RESOURCE_EXHAUSTED before any work, until the backlog clears. (The same
// idea as CoDel: act on how long the queue has stood, not on its length.)
#ifndef REGSERVE_SERVER_GRPC_LOAD_SHEDDER_H_
#define REGSERVE_SERVER_GRPC_LOAD_SHEDDER_H_

#include <chrono>

#include "absl/time/time.h"

namespace regserve::server {

// One per polling thread, used only by that thread: not synchronized.
class LoadShedder {
 public:
  using Clock = std::chrono::steady_clock;
  using NowFunction = Clock::time_point (*)();

  // `max_delay` zero turns shedding off. `now` reads the clock (tests pass
  // a fake one).
  explicit LoadShedder(absl::Duration max_delay, NowFunction now = &Clock::now)
      : max_delay_(absl::ToChronoNanoseconds(max_delay)),
        now_(now),
        drained_at_(now()) {}

  // The thread found its queue empty.
  void MarkDrained() { drained_at_ = now_(); }

  // Whether calls picked up now should be refused.
  bool Overloaded() const {
    return max_delay_.count() > 0 && now_() - drained_at_ > max_delay_;
  }

  absl::Duration max_delay() const { return absl::FromChrono(max_delay_); }

 private:
  const std::chrono::nanoseconds max_delay_;
  const NowFunction now_;
  Clock::time_point drained_at_;
};

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_GRPC_LOAD_SHEDDER_H_
