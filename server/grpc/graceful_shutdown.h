// Ends a grpc::Server the way a deployment needs: new calls are refused at
// once, calls in flight are answered (within a grace period), and idle
// connections never hold the process up.
#ifndef REGSERVE_SERVER_GRPC_GRACEFUL_SHUTDOWN_H_
#define REGSERVE_SERVER_GRPC_GRACEFUL_SHUTDOWN_H_

#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "server/grpc/completion_queues.h"
#include "server/grpc/health_service.h"

namespace regserve::server {

// How long the answers of the last calls get to reach their sockets before
// the connections left are closed (see ShutdownGracefully).
inline constexpr absl::Duration kAnswerFlushTime = absl::Seconds(1);

// grpc::Server::Shutdown refuses new calls and lets calls in flight run,
// but it also waits for every client to close its connection after GOAWAY,
// idle ones included; a C++ client with no call polls its socket only
// every few seconds, so that took 10 s. So Shutdown runs on a thread of its
// own while this one waits for the calls in flight (`queues`) and the
// Watch streams (`health`, already told to finish) only; then, after
// `flush_time` for the last answers' bytes to be written (a call's Finish
// completes when gRPC has taken its answer, not when the socket has), the
// connections left are closed (grpc_server_cancel_all_calls). Past `grace`
// calls still running are cancelled. Blocks until the server has shut
// down; the queues must still be polled meanwhile.
void ShutdownGracefully(grpc::Server* server, const CompletionQueues& queues,
                        HealthService* health, absl::Duration grace,
                        absl::Duration flush_time = kAnswerFlushTime);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_GRPC_GRACEFUL_SHUTDOWN_H_
