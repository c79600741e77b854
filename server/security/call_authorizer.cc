#include "server/security/call_authorizer.h"

namespace regserve::server::security {

absl::string_view GrantName(ApiMethod method) {
  switch (method) {
    case ApiMethod::kPredict:
      return "Predict";
    case ApiMethod::kBatchPredict:
      return "BatchPredict";
    case ApiMethod::kGetModelMetadata:
      return "GetModelMetadata";
    case ApiMethod::kListModels:
      return "ListModels";
    case ApiMethod::kHealth:
      return "";
  }
  return "";
}

absl::Status CallAuthorizer::Authorize(ApiMethod method,
                                       absl::string_view authorization,
                                       absl::string_view model) const {
  if (!Checks(method)) return absl::OkStatus();
  switch (method) {
    case ApiMethod::kHealth:
      return keys_->Authenticate(authorization).status();
    case ApiMethod::kListModels:
      return keys_->Authorize(authorization, GrantName(method), "");
    default:
      return keys_->Authorize(authorization, GrantName(method),
                              model.empty() ? default_model_ : model);
  }
}

}  // namespace regserve::server::security
