#include "server/grpc/graceful_shutdown.h"

#include <algorithm>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "grpc/grpc.h"

namespace regserve::server {

void ShutdownGracefully(grpc::Server* server, const CompletionQueues& queues,
                        HealthService* health, absl::Duration grace,
                        absl::Duration flush_time) {
  const absl::Time deadline = absl::Now() + grace;
  absl::Notification shut_down;
  std::thread stopper([server, deadline, &shut_down] {
    server->Shutdown(absl::ToChronoTime(deadline));
    shut_down.Notify();
  });
  if (queues.AwaitShutdownWithNoCallsInFlight(deadline) &&
      health->AwaitNoWatchers(deadline) &&
      !shut_down.WaitForNotificationWithDeadline(
          std::min(deadline, absl::Now() + flush_time))) {
    // Only idle connections (or clients that do not read) are left.
    grpc_server_cancel_all_calls(server->c_server());
  }
  stopper.join();
}

}  // namespace regserve::server
