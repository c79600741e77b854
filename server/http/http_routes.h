// The JSON gateway's URL space (Google API style custom methods):
//   POST /v1/models/{name}:predict
//   POST /v1/models/{name}/versions/{version}:predict
//   POST /v1/models/{name}:batchPredict
//   POST /v1/models/{name}/versions/{version}:batchPredict
//   GET  /v1/models/{name}            GET /v1/models/{name}/versions/{version}
//   GET  /v1/models                   (ListModels)
//   GET  /healthz                     GET /readyz
#ifndef REGSERVE_SERVER_HTTP_HTTP_ROUTES_H_
#define REGSERVE_SERVER_HTTP_HTTP_ROUTES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace regserve::server::http {

enum class RouteKind {
  kPredict,
  kBatchPredict,
  kMetadata,
  kListModels,
  kHealthz,
  kReadyz,
};

// Label value for metrics ("predict", "batchPredict", ...).
const char* RouteName(RouteKind kind);

struct Route {
  RouteKind kind;
  std::string model;    // empty for routes without a model
  int64_t version = 0;  // 0 = latest
};

// NOT_FOUND for an unknown path, UNIMPLEMENTED (HTTP 405) for a known path
// with the wrong method, INVALID_ARGUMENT for a malformed version.
absl::StatusOr<Route> MatchRoute(absl::string_view method,
                                 absl::string_view path);

// The methods `path` answers to: "GET", "POST", or "" for no route (for
// OPTIONS and the Allow header of 405).
std::string AllowedMethods(absl::string_view path);

}  // namespace regserve::server::http

#endif  // REGSERVE_SERVER_HTTP_HTTP_ROUTES_H_
