// The one place where internal absl::Status becomes a gRPC status.
#ifndef REGSERVE_SERVER_GRPC_GRPC_STATUS_H_
#define REGSERVE_SERVER_GRPC_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace regserve::server {

// Same code (absl and gRPC share the canonical code numbers) and message.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_GRPC_GRPC_STATUS_H_
