// The thread that runs the model manager's passes: every poll interval, and
// at once when asked (SIGHUP). Knows nothing of models: it calls `pass`.
#ifndef REGSERVE_SERVER_REPOSITORY_REPOSITORY_POLLER_H_
#define REGSERVE_SERVER_REPOSITORY_REPOSITORY_POLLER_H_

#include <functional>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace regserve::server {

// Thread-safe. `pass` runs on the poller's own thread, one at a time.
class RepositoryPoller {
 public:
  // `interval` zero: passes run only when requested.
  RepositoryPoller(absl::Duration interval, std::function<void()> pass)
      : interval_(interval), pass_(std::move(pass)) {}
  ~RepositoryPoller() { Stop(); }
  RepositoryPoller(const RepositoryPoller&) = delete;
  RepositoryPoller& operator=(const RepositoryPoller&) = delete;

  // Starts the thread. Call at most once.
  void Start();
  // Asks for a pass now; returns at once.
  void RequestPass();
  // Stops and joins the thread (a pass under way finishes first).
  // Idempotent.
  void Stop();

 private:
  void Loop();

  const absl::Duration interval_;
  const std::function<void()> pass_;
  absl::Mutex mu_;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_REPOSITORY_REPOSITORY_POLLER_H_
