// Error reporting for regserve-cli: gRPC status code names, conversion of
// gRPC errors to absl::Status (marked as RPC errors), the one-line error
// message and the process exit code.
#ifndef REGSERVE_CLIENT_STATUS_TEXT_H_
#define REGSERVE_CLIENT_STATUS_TEXT_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace regserve::client {

// Exit codes of regserve-cli.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRpcError = 1;    // the server or the call failed
inline constexpr int kExitUsageError = 2;  // bad flags, arguments or files

// The canonical name of `code`, e.g. "INVALID_ARGUMENT", "NOT_FOUND";
// "CODE_<n>" for a number that is no known code.
std::string StatusCodeName(grpc::StatusCode code);

// `status` as an absl::Status with the same code and message, marked as an
// RPC error (see IsRpcError). OK stays OK.
absl::Status FromGrpcStatus(const grpc::Status& status);

// `status` marked as an RPC error: a failure reported by the server.
absl::Status MarkAsRpcError(absl::Status status);

// True if `status` came from FromGrpcStatus or MarkAsRpcError.
bool IsRpcError(const absl::Status& status);

// "error: <CODE_NAME>: <message>" for a non-OK `status`.
std::string ErrorLine(const absl::Status& status);

// kExitOk for OK, kExitRpcError for RPC errors, else kExitUsageError.
int ExitCode(const absl::Status& status);

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_STATUS_TEXT_H_
