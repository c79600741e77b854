// regserve-server's gRPC server: the PredictionService on the async API with
// one completion queue and polling thread per configured thread, the
// standard health service, optional server reflection, Prometheus metrics,
// and the model manager that keeps models in step with the repository.
#ifndef REGSERVE_SERVER_REGSERVE_SERVER_H_
#define REGSERVE_SERVER_REGSERVE_SERVER_H_

#include <array>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "regserve/v1/prediction_service.grpc.pb.h"
#include "server/health_service.h"
#include "server/http/http_server.h"
#include "server/http/json_gateway.h"
#include "server/load_shedder.h"
#include "server/metrics/http_metrics.h"
#include "server/metrics/metrics_exposer.h"
#include "server/metrics/server_metrics.h"
#include "server/model_manager.h"
#include "server/model_registry.h"
#include "server/predictor.h"
#include "server/security/api_keys.h"
#include "server/server_options.h"
#include "server/slot_pool.h"
#include "server/unary_call.h"

namespace regserve::server {

// Lifecycle: Start() loads the repository and serves; BeginDrain() flips
// health to NOT_SERVING; Shutdown() stops reloading, refuses new calls, lets
// in-flight calls finish within options.shutdown_grace, and joins the
// threads. Methods are thread-safe; the destructor shuts down if needed.
class RegserveServer {
 public:
  static absl::StatusOr<std::unique_ptr<RegserveServer>> Start(
      const ServerOptions& options);
  ~RegserveServer();
  RegserveServer(const RegserveServer&) = delete;
  RegserveServer& operator=(const RegserveServer&) = delete;

  // The port actually bound (useful with options.port = 0).
  int port() const { return port_; }
  // The metrics port actually bound; 0 when metrics are off.
  int metrics_port() const { return exposer_ ? exposer_->port() : 0; }
  // The HTTP/JSON port actually bound; 0 when the gateway is off.
  int http_port() const { return http_ ? http_->port() : 0; }
  // Rescans the model repository and config, and re-reads the API keys
  // (SIGHUP).
  void Reload();
  // Health NOT_SERVING for "" and the service; calls are still answered.
  void BeginDrain();
  // Idempotent; blocks until in-flight calls end and threads are joined.
  void Shutdown();

  ModelRegistry& registry() { return registry_; }
  ModelManager& manager() { return manager_; }

 private:
  explicit RegserveServer(const ServerOptions& options);
  void WireMethods();
  absl::Status WireAuth();
  absl::Status StartMetrics();
  absl::Status StartHttp();
  static void ApplyConnectionLimits(const ServerOptions& options,
                                    grpc::ServerBuilder& builder);
  absl::Status Build();
  void OnModelsChanged(bool default_model_serving);
  void SetServing(bool serving);
  void PollLoop(grpc::ServerCompletionQueue* cq, LoadShedder* shedder);
  template <typename Request, typename Response>
  void ArmSlots(const UnaryMethod<Request, Response>* method);
  void ArmAllSlots();

  const ServerOptions options_;
  // Null when metrics are off. Declared before everything that holds its
  // handles, so it is destroyed after them.
  std::unique_ptr<metrics::ServerMetrics> metrics_;
  std::unique_ptr<metrics::MetricsExposer> exposer_;
  std::array<metrics::CallMetrics, 5> call_metrics_;
  ModelRegistry registry_;
  ModelManager manager_;
  Predictor predictor_;
  regserve::v1::PredictionService::AsyncService service_;
  HealthService health_;
  UnaryMethod<grpc::health::v1::HealthCheckRequest,
              grpc::health::v1::HealthCheckResponse>
      health_check_;
  UnaryMethod<regserve::v1::PredictRequest, regserve::v1::PredictResponse>
      predict_;
  UnaryMethod<regserve::v1::BatchPredictRequest,
              regserve::v1::BatchPredictResponse>
      batch_predict_;
  UnaryMethod<regserve::v1::GetModelMetadataRequest,
              regserve::v1::GetModelMetadataResponse>
      metadata_;
  UnaryMethod<regserve::v1::ListModelsRequest, regserve::v1::ListModelsResponse>
      list_models_;
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::thread> pollers_;
  std::vector<std::unique_ptr<LoadShedder>> shedders_;  // one per queue
  std::vector<std::unique_ptr<SlotPool>> slot_pools_;   // per method and queue
  SlotsState slots_state_;
  std::unique_ptr<security::ApiKeyStore> api_keys_;  // null: open
  std::unique_ptr<metrics::HttpMetrics> http_metrics_;
  std::unique_ptr<http::JsonGateway> gateway_;
  // Declared last: destroyed first, before what its handlers use.
  std::unique_ptr<http::HttpServer> http_;
  int port_ = 0;

  absl::Mutex mu_;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_REGSERVE_SERVER_H_
