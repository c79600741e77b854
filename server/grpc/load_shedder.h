// Fails calls fast when the server is overloaded, so that the calls it does
// accept keep their latency.
//
// The rule is CoDel's (Nichols and Jacobson, "Controlling Queue Delay",
// ACM Queue 10(5), 2012): act on how long work waits in the queue, and
// only when that delay has stayed above the target for a whole interval,
// never on one spike. One slow but legal call delays the calls behind it
// once; that is not overload, and nothing is refused for it.
//
// What "the delay" measures on gRPC's async API: calls that wait inside
// gRPC (not yet matched to a call slot) cannot be seen or timed. What can be
// timed is the completion queue a polling thread serves: every
// kProbePeriod the thread's QueueDelayProbe (server/grpc/completion_queues.h)
// puts an alarm event on its queue, and how late that event is picked up is
// how long an event waits behind others there: a sample of the queueing
// delay. Calls are refused (RESOURCE_EXHAUSTED, before any work) while the
// smallest sample of the last full interval and the latest sample are both
// above the target; the first sample below it ends the refusals.
#ifndef REGSERVE_SERVER_GRPC_LOAD_SHEDDER_H_
#define REGSERVE_SERVER_GRPC_LOAD_SHEDDER_H_

#include <algorithm>
#include <chrono>

#include "absl/time/time.h"

namespace regserve::server {

// One per polling thread, used only by that thread: not synchronized.
class LoadShedder {
 public:
  using Clock = std::chrono::steady_clock;
  using NowFunction = Clock::time_point (*)();

  // How often the queue delay is sampled.
  static constexpr std::chrono::milliseconds kProbePeriod{10};
  // CoDel's interval: the delay must stay above the target this long.
  static constexpr std::chrono::milliseconds kInterval{100};

  // `target` zero turns shedding off. `now` reads the clock (tests pass a
  // fake one).
  explicit LoadShedder(absl::Duration target, NowFunction now = &Clock::now)
      : target_(absl::ToChronoNanoseconds(target)),
        now_(now),
        window_start_(now()) {}

  // One queueing-delay sample.
  void RecordDelay(Clock::duration delay) {
    const Clock::time_point t = now_();
    if (t - window_start_ >= kInterval) {
      last_window_min_ = window_min_;
      window_min_ = delay;
      window_start_ = t;
    } else {
      window_min_ = std::min(window_min_, delay);
    }
    last_delay_ = delay;
    // Below the target once: refusals end, and only a new whole interval
    // above the target starts them again.
    if (delay <= target_) last_window_min_ = Clock::duration::zero();
  }

  // Whether calls picked up now should be refused.
  bool Overloaded() const {
    return target_.count() > 0 && last_window_min_ > target_ &&
           last_delay_ > target_;
  }

  bool enabled() const { return target_.count() > 0; }
  absl::Duration target() const { return absl::FromChrono(target_); }

 private:
  const std::chrono::nanoseconds target_;
  const NowFunction now_;
  Clock::time_point window_start_;
  Clock::duration window_min_ = Clock::duration::max();
  Clock::duration last_window_min_ = Clock::duration::zero();
  Clock::duration last_delay_ = Clock::duration::zero();
};

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_GRPC_LOAD_SHEDDER_H_
