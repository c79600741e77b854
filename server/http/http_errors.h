// How a status travels over HTTP: the code mapping of Google's API design
// guide and a grpc-gateway style JSON body.
#ifndef REGSERVE_SERVER_HTTP_HTTP_ERRORS_H_
#define REGSERVE_SERVER_HTTP_HTTP_ERRORS_H_

#include <string>

#include "absl/status/status.h"

namespace regserve::server::http {

// INVALID_ARGUMENT 400, NOT_FOUND 404, RESOURCE_EXHAUSTED 429,
// UNAVAILABLE 503, ... (Google API design guide, "Errors").
// UNIMPLEMENTED maps to 405 here: the gateway only uses it for a known path
// called with the wrong method.
int HttpStatusFor(absl::StatusCode code);

// {"code": <gRPC code number>, "status": "<CODE_NAME>", "message": "..."}
std::string ErrorJson(const absl::Status& status);

}  // namespace regserve::server::http

#endif  // REGSERVE_SERVER_HTTP_HTTP_ERRORS_H_
