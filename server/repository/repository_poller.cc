#include "server/repository/repository_poller.h"

namespace regserve::server {

void RepositoryPoller::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void RepositoryPoller::RequestPass() {
  absl::MutexLock lock(&mu_);
  wake_ = true;
}

void RepositoryPoller::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
    wake_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void RepositoryPoller::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (interval_ > absl::ZeroDuration()) {
        mu_.AwaitWithTimeout(absl::Condition(&wake_), interval_);
      } else {
        mu_.Await(absl::Condition(&wake_));
      }
      if (stop_) return;
      wake_ = false;
    }
    pass_();
  }
}

}  // namespace regserve::server
