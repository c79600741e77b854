// Hand-over of recent latencies from the polling threads to the progress
// printer of regserve-bench. Each polling thread records into its own
// LatencyHistogram lock-free and, about every 100 ms, publishes it here;
// the printer takes the published total once a second.
//
// Thread-safe: Publish and Take may be called from any thread.
#ifndef REGSERVE_CLIENT_PROGRESS_BOARD_H_
#define REGSERVE_CLIENT_PROGRESS_BOARD_H_

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "client/latency_histogram.h"

namespace regserve::client {

class ProgressBoard {
 public:
  // Adds `recent` to the published total and empties `recent`.
  void Publish(LatencyHistogram& recent) {
    absl::MutexLock lock(&mu_);
    published_.Merge(recent);
    recent.Reset();
  }

  // Everything published since the previous Take.
  LatencyHistogram Take() {
    LatencyHistogram taken;
    absl::MutexLock lock(&mu_);
    std::swap(taken, published_);
    return taken;
  }

 private:
  absl::Mutex mu_;
  LatencyHistogram published_ ABSL_GUARDED_BY(mu_);
};

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_PROGRESS_BOARD_H_
