#include "client/status_text.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace regserve::client {
namespace {

// Payload URL that marks an absl::Status as coming from an RPC.
constexpr char kRpcErrorPayload[] = "type.regserve.io/regserve.client.RpcError";

}  // namespace

std::string StatusCodeName(grpc::StatusCode code) {
  // gRPC and Abseil share the canonical code numbers and names.
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) {
    return absl::OkStatus();
  }
  // gRPC and Abseil share the canonical code numbers.
  return MarkAsRpcError(
      absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                   status.error_message()));
}

absl::Status MarkAsRpcError(absl::Status status) {
  if (!status.ok()) {
    status.SetPayload(kRpcErrorPayload, absl::Cord("1"));
  }
  return status;
}

bool IsRpcError(const absl::Status& status) {
  return status.GetPayload(kRpcErrorPayload).has_value();
}

std::string ErrorLine(const absl::Status& status) {
  return absl::StrCat(
      "error: ", StatusCodeName(static_cast<grpc::StatusCode>(status.code())),
      ": ", status.message());
}

int ExitCode(const absl::Status& status) {
  if (status.ok()) {
    return kExitOk;
  }
  return IsRpcError(status) ? kExitRpcError : kExitUsageError;
}

}  // namespace regserve::client
