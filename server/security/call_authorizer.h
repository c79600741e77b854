// The per-call authorization rule, in one place for every transport: which
// grant each API method needs, which model a call names (an empty model spec
// means the default model), and whether health checks need a key. gRPC call
// slots and the HTTP gateway both ask this; neither spells a grant itself.
#ifndef REGSERVE_SERVER_SECURITY_CALL_AUTHORIZER_H_
#define REGSERVE_SERVER_SECURITY_CALL_AUTHORIZER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/security/api_keys.h"

namespace regserve::server::security {

// The API methods a key can be granted (the names in an API keys file).
enum class ApiMethod {
  kPredict,
  kBatchPredict,
  kGetModelMetadata,
  kListModels,
  kHealth,  // grpc.health.v1.Health, and the HTTP probes
};

// The grant name of `method` ("Predict", ...; "" for kHealth, which needs
// a valid key only, never a grant).
absl::string_view GrantName(ApiMethod method);

// Immutable after construction; thread-safe. `keys` may be null (no
// --api_keys_file: every call is allowed) and must outlive the authorizer.
class CallAuthorizer {
 public:
  CallAuthorizer(const ApiKeyStore* keys, std::string default_model,
                 bool auth_health)
      : keys_(keys),
        default_model_(std::move(default_model)),
        auth_health_(auth_health) {}

  // OK, UNAUTHENTICATED or PERMISSION_DENIED for a call of `method` with
  // the caller's "authorization" value, naming `model` ("" = the default
  // model for model-scoped methods; ignored for kListModels and kHealth).
  absl::Status Authorize(ApiMethod method, absl::string_view authorization,
                         absl::string_view model) const;

  // Whether calls of `method` are checked at all.
  bool Checks(ApiMethod method) const {
    return keys_ != nullptr && (method != ApiMethod::kHealth || auth_health_);
  }

 private:
  const ApiKeyStore* const keys_;
  const std::string default_model_;
  const bool auth_health_;
};

}  // namespace regserve::server::security

#endif  // REGSERVE_SERVER_SECURITY_CALL_AUTHORIZER_H_
