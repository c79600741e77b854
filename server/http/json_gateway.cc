#include "server/http/json_gateway.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/echo.h"
#include "common/status_macros.h"
#include "server/http/http_errors.h"
#include "server/http/json_categorical.h"
#include "server/http/json_mapping.h"

namespace regserve::server::http {
namespace {

namespace v1 = ::regserve::v1;

HttpResponse Error(const absl::Status& status, const char* route = "none") {
  return JsonResponse(HttpStatusFor(status.code()), ErrorJson(status), route);
}

HttpResponse Ok(std::string json, const char* route) {
  return JsonResponse(200, std::move(json), route);
}

// The path names the model (and maybe the version); a body may repeat them
// but not contradict them.
absl::Status ApplyPathSpec(const Route& route, v1::ModelSpec* spec) {
  if (!spec->name().empty() && spec->name() != route.model) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model_spec.name '", common::Echo(spec->name()),
        "' contradicts the path's model '", common::Echo(route.model), "'"));
  }
  if (route.version != 0 && spec->version() != 0 &&
      spec->version() != route.version) {
    return absl::InvalidArgumentError(
        absl::StrCat("model_spec.version ", spec->version(),
                     " contradicts the path's version ", route.version));
  }
  spec->set_name(route.model);
  if (route.version != 0) spec->set_version(route.version);
  return absl::OkStatus();
}

// Parses `body` into `request` for `route`: the path's model spec applied
// and `features` read by the kinds of the model version the request
// selects (see MoveCategoricalFeatures). A body protobuf refuses is tried
// again only if moving levels changes it.
template <typename Request>
absl::Status ParseRequest(const Route& route, absl::string_view body,
                          const Predictor& predictor, Request* request) {
  absl::Status parsed = ParseJsonBody(body, request);
  if (parsed.ok()) {
    parsed = ApplyPathSpec(route, request->mutable_model_spec());
  }
  v1::ModelSpec spec;
  if (parsed.ok()) {
    spec = request->model_spec();
  } else if (!BodyModelSpec(body, &spec) || !ApplyPathSpec(route, &spec).ok()) {
    return parsed;
  }
  const std::vector<std::string> categorical =
      predictor.CategoricalFeatureNames(spec);
  if (categorical.empty()) return parsed;
  ASSIGN_OR_RETURN(std::optional<std::string> moved,
                   MoveCategoricalFeatures(body, categorical));
  if (!moved) return parsed;
  request->Clear();
  RETURN_IF_ERROR(ParseJsonBody(*moved, request));
  return ApplyPathSpec(route, request->mutable_model_spec());
}

// A POST route: the JSON body as a Request, the path's model spec applied,
// answered by `call` (a Predictor method) and printed by `print`.
template <typename Request, typename Response>
HttpResponse CallWithBody(
    const Route& route, absl::string_view body, const Predictor& predictor,
    const std::function<absl::Status(const Request&, Response*)>& call,
    const std::function<std::string(const Request&, const Response&)>& print) {
  const char* name = RouteName(route.kind);
  Request request;
  absl::Status status = ParseRequest(route, body, predictor, &request);
  Response response;
  if (status.ok()) status = call(request, &response);
  return status.ok() ? Ok(print(request, response), name) : Error(status, name);
}

// The API method an HTTP route stands for, for API key grants; none for
// the probes, which never need a key.
std::optional<security::ApiMethod> ApiMethodOf(RouteKind kind) {
  switch (kind) {
    case RouteKind::kPredict:
      return security::ApiMethod::kPredict;
    case RouteKind::kBatchPredict:
      return security::ApiMethod::kBatchPredict;
    case RouteKind::kMetadata:
      return security::ApiMethod::kGetModelMetadata;
    case RouteKind::kListModels:
      return security::ApiMethod::kListModels;
    default:
      return std::nullopt;
  }
}

}  // namespace

JsonGateway::JsonGateway(const Predictor* predictor,
                         const ModelManager* manager,
                         const security::CallAuthorizer* authorizer,
                         std::function<bool()> ready)
    : predictor_(predictor),
      manager_(manager),
      authorizer_(authorizer),
      ready_(std::move(ready)) {}

HttpResponse JsonGateway::Handle(absl::string_view method,
                                 absl::string_view path, absl::string_view body,
                                 absl::string_view authorization) const {
  auto route = MatchRoute(method, path);
  if (!route.ok()) return Error(route.status());
  const char* name = RouteName(route->kind);
  if (const auto api_method = ApiMethodOf(route->kind);
      authorizer_ != nullptr && api_method.has_value()) {
    absl::Status allowed =
        authorizer_->Authorize(*api_method, authorization, route->model);
    if (!allowed.ok()) return Error(allowed, name);
  }
  switch (route->kind) {
    case RouteKind::kHealthz:
      return JsonResponse(200, R"({"status":"ok"})", name);
    case RouteKind::kReadyz:
      return ready_() ? JsonResponse(200, R"({"status":"SERVING"})", name)
                      : JsonResponse(503, R"({"status":"NOT_SERVING"})", name);
    case RouteKind::kListModels: {
      v1::ListModelsResponse list;
      manager_->ListModels(&list);
      return Ok(PrintAllFields(list), name);
    }
    case RouteKind::kMetadata:
      return Metadata(*route);
    case RouteKind::kPredict:
      return Predict(*route, body);
    case RouteKind::kBatchPredict:
      return BatchPredict(*route, body);
  }
  return Error(absl::InternalError("unhandled route"));
}

HttpResponse JsonGateway::Predict(const Route& route,
                                  absl::string_view body) const {
  return CallWithBody<v1::PredictRequest, v1::PredictResponse>(
      route, body, *predictor_,
      [this](const auto& request, auto* response) {
        return predictor_->Predict(request, response);
      },
      [](const auto& request, const auto& response) {
        return PrintPredictResponse(response, request.explain());
      });
}

HttpResponse JsonGateway::BatchPredict(const Route& route,
                                       absl::string_view body) const {
  return CallWithBody<v1::BatchPredictRequest, v1::BatchPredictResponse>(
      route, body, *predictor_,
      [this](const auto& request, auto* response) {
        return predictor_->BatchPredict(request, response);
      },
      [](const auto&, const auto& response) {
        return PrintBatchPredictResponse(response);
      });
}

HttpResponse JsonGateway::Metadata(const Route& route) const {
  const char* name = RouteName(route.kind);
  v1::GetModelMetadataRequest request;
  request.mutable_model_spec()->set_name(route.model);
  request.mutable_model_spec()->set_version(route.version);
  v1::GetModelMetadataResponse response;
  absl::Status status = predictor_->GetModelMetadata(request, &response);
  return status.ok() ? Ok(PrintAllFields(response), name) : Error(status, name);
}

}  // namespace regserve::server::http
