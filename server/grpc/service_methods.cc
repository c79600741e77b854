#include "server/grpc/service_methods.h"

#include <string>

#include "server/grpc/grpc_status.h"

namespace regserve::server {
namespace {

namespace v1 = ::regserve::v1;
using security::ApiMethod;

// The "authorization" metadata value, or "".
std::string AuthorizationOf(const grpc::ServerContext& context) {
  auto it = context.client_metadata().find("authorization");
  if (it == context.client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// The model a request names ("" for requests that name none, such as
// ListModels and health checks; the authorizer maps "" to the default
// model where a method is model-scoped).
template <typename Request>
std::string ModelNamedBy(const Request& request) {
  if constexpr (requires { request.model_spec(); }) {
    return request.model_spec().name();
  } else {
    return "";
  }
}

// Sets `method`'s authorize function: `api_method`'s grant, checked by
// `authorizer` before any work.
template <typename Request, typename Response>
void CheckCalls(const security::CallAuthorizer* authorizer,
                ApiMethod api_method, UnaryMethod<Request, Response>& method) {
  method.authorize = [authorizer, api_method](const grpc::ServerContext& ctx,
                                              const Request& request) {
    return ToGrpcStatus(authorizer->Authorize(api_method, AuthorizationOf(ctx),
                                              ModelNamedBy(request)));
  };
}

}  // namespace

void BindServiceMethods(v1::PredictionService::AsyncService* service,
                        HealthService* health, const Predictor* predictor,
                        const ModelManager* manager, ServiceMethods& methods) {
  methods.predict.request = [service](auto* ctx, auto* req, auto* writer,
                                      auto* cq, void* tag) {
    service->RequestPredict(ctx, req, writer, cq, cq, tag);
  };
  methods.predict.handle = [predictor](const auto& req, auto* resp) {
    return ToGrpcStatus(predictor->Predict(req, resp));
  };
  methods.batch_predict.request = [service](auto* ctx, auto* req, auto* writer,
                                            auto* cq, void* tag) {
    service->RequestBatchPredict(ctx, req, writer, cq, cq, tag);
  };
  methods.batch_predict.handle = [predictor](const auto& req, auto* resp) {
    return ToGrpcStatus(predictor->BatchPredict(req, resp));
  };
  methods.metadata.request = [service](auto* ctx, auto* req, auto* writer,
                                       auto* cq, void* tag) {
    service->RequestGetModelMetadata(ctx, req, writer, cq, cq, tag);
  };
  methods.metadata.handle = [predictor](const auto& req, auto* resp) {
    return ToGrpcStatus(predictor->GetModelMetadata(req, resp));
  };
  methods.list_models.request = [service](auto* ctx, auto* req, auto* writer,
                                          auto* cq, void* tag) {
    service->RequestListModels(ctx, req, writer, cq, cq, tag);
  };
  methods.list_models.handle = [manager](const auto&, auto* resp) {
    manager->ListModels(resp);
    return grpc::Status::OK;
  };
  methods.health_check.request = [health](auto* ctx, auto* req, auto* writer,
                                          auto* cq, void* tag) {
    health->async_service()->RequestCheck(ctx, req, writer, cq, cq, tag);
  };
  methods.health_check.handle = [health](const auto& req, auto* resp) {
    return health->Check(req, resp);
  };
  // Health checks must keep answering under overload.
  methods.health_check.sheddable = false;
}

void AttachCallMetrics(metrics::ServerMetrics& metrics,
                       ServiceMethods& methods) {
  methods.call_metrics = {
      metrics.ForMethod(kPredictionServiceName, "Predict"),
      metrics.ForMethod(kPredictionServiceName, "BatchPredict"),
      metrics.ForMethod(kPredictionServiceName, "GetModelMetadata"),
      metrics.ForMethod(kPredictionServiceName, "ListModels"),
      metrics.ForMethod("grpc.health.v1.Health", "Check")};
  methods.predict.metrics = &methods.call_metrics[0];
  methods.batch_predict.metrics = &methods.call_metrics[1];
  methods.metadata.metrics = &methods.call_metrics[2];
  methods.list_models.metrics = &methods.call_metrics[3];
  methods.health_check.metrics = &methods.call_metrics[4];
}

void AttachAuthorization(const security::CallAuthorizer* authorizer,
                         HealthService& health, ServiceMethods& methods) {
  CheckCalls(authorizer, ApiMethod::kPredict, methods.predict);
  CheckCalls(authorizer, ApiMethod::kBatchPredict, methods.batch_predict);
  CheckCalls(authorizer, ApiMethod::kGetModelMetadata, methods.metadata);
  CheckCalls(authorizer, ApiMethod::kListModels, methods.list_models);
  if (authorizer->Checks(ApiMethod::kHealth)) {
    CheckCalls(authorizer, ApiMethod::kHealth, methods.health_check);
    health.SetWatchAuthorization([authorizer](const grpc::ServerContext& ctx) {
      return ToGrpcStatus(
          authorizer->Authorize(ApiMethod::kHealth, AuthorizationOf(ctx), ""));
    });
  }
}

}  // namespace regserve::server
