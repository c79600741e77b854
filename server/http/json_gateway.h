// The HTTP/1.1 JSON API, independent of any HTTP library: one request in,
// one response out. Bodies are exactly the protobuf JSON mapping of the gRPC
// messages, and the same Predictor (so the same validation and core) serves
// both protocols, so the two APIs cannot drift apart.
#ifndef REGSERVE_SERVER_HTTP_JSON_GATEWAY_H_
#define REGSERVE_SERVER_HTTP_JSON_GATEWAY_H_

#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "server/http/http_routes.h"
#include "server/http/http_types.h"
#include "server/repository/model_manager.h"
#include "server/security/call_authorizer.h"
#include "server/serving/predictor.h"

namespace regserve::server::http {

// Thread-safe. Owns nothing: predictor and manager must outlive it.
class JsonGateway {
 public:
  // `authorizer` (the same one gRPC calls use) may be null: no
  // authentication. `ready` answers /readyz: true while the default model
  // serves and the server is not draining.
  JsonGateway(const Predictor* predictor, const ModelManager* manager,
              const security::CallAuthorizer* authorizer,
              std::function<bool()> ready);

  // `authorization` is the Authorization header ("" if absent); /healthz
  // and /readyz never need it.
  HttpResponse Handle(absl::string_view method, absl::string_view path,
                      absl::string_view body,
                      absl::string_view authorization = "") const;

 private:
  HttpResponse Predict(const Route& route, absl::string_view body) const;
  HttpResponse BatchPredict(const Route& route, absl::string_view body) const;
  HttpResponse Metadata(const Route& route) const;

  const Predictor* predictor_;
  const ModelManager* manager_;
  const security::CallAuthorizer* authorizer_;
  std::function<bool()> ready_;
};

}  // namespace regserve::server::http

#endif  // REGSERVE_SERVER_HTTP_JSON_GATEWAY_H_
