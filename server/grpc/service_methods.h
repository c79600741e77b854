// The gRPC methods regserve answers, as call-slot methods: for each, how to
// ask gRPC for the next call and which transport-free handler answers it,
// plus its metrics and its authorization check. Built once at start-up by
// BindServiceMethods and read-only afterwards.
#ifndef REGSERVE_SERVER_GRPC_SERVICE_METHODS_H_
#define REGSERVE_SERVER_GRPC_SERVICE_METHODS_H_

#include <array>

#include "grpc/health/v1/health.pb.h"
#include "regserve/v1/prediction_service.grpc.pb.h"
#include "server/grpc/health_service.h"
#include "server/grpc/unary_call.h"
#include "server/metrics/server_metrics.h"
#include "server/repository/model_manager.h"
#include "server/security/call_authorizer.h"
#include "server/serving/predictor.h"

namespace regserve::server {

inline constexpr char kPredictionServiceName[] =
    "regserve.v1.PredictionService";

struct ServiceMethods {
  UnaryMethod<regserve::v1::PredictRequest, regserve::v1::PredictResponse>
      predict;
  UnaryMethod<regserve::v1::BatchPredictRequest,
              regserve::v1::BatchPredictResponse>
      batch_predict;
  UnaryMethod<regserve::v1::GetModelMetadataRequest,
              regserve::v1::GetModelMetadataResponse>
      metadata;
  UnaryMethod<regserve::v1::ListModelsRequest, regserve::v1::ListModelsResponse>
      list_models;
  UnaryMethod<grpc::health::v1::HealthCheckRequest,
              grpc::health::v1::HealthCheckResponse>
      health_check;
  // Storage for the methods' metrics handles (empty when metrics are off).
  std::array<metrics::CallMetrics, 5> call_metrics;
};

// Binds each method's request function and handler. Every pointer must
// outlive `methods`.
void BindServiceMethods(regserve::v1::PredictionService::AsyncService* service,
                        HealthService* health, const Predictor* predictor,
                        const ModelManager* manager, ServiceMethods& methods);

// Records each method's calls in `metrics` (which must outlive `methods`).
void AttachCallMetrics(metrics::ServerMetrics& metrics,
                       ServiceMethods& methods);

// Checks each call with `authorizer` (which must outlive `methods`) before
// any work: the caller's "authorization" metadata and the model its
// request names.
// With --auth_health, health Watch streams too (`health`).
void AttachAuthorization(const security::CallAuthorizer* authorizer,
                         HealthService& health, ServiceMethods& methods);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_GRPC_SERVICE_METHODS_H_
