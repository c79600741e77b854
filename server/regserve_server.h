// regserve-server's wiring: builds the pieces (model repository, serving
// core, gRPC transport, HTTP gateway, security, metrics) and starts and
// stops them in order. Each piece lives in its own folder; this class only
// connects them.
#ifndef REGSERVE_SERVER_REGSERVE_SERVER_H_
#define REGSERVE_SERVER_REGSERVE_SERVER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server.h"
#include "regserve/v1/prediction_service.grpc.pb.h"
#include "server/grpc/completion_queues.h"
#include "server/grpc/health_service.h"
#include "server/grpc/service_methods.h"
#include "server/http/http_server.h"
#include "server/http/json_gateway.h"
#include "server/metrics/http_metrics.h"
#include "server/metrics/metrics_exposer.h"
#include "server/metrics/server_metrics.h"
#include "server/repository/model_manager.h"
#include "server/repository/model_registry.h"
#include "server/security/api_keys.h"
#include "server/security/call_authorizer.h"
#include "server/server_options.h"
#include "server/serving/predictor.h"

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
  // Open connections of the JSON gateway (for tests and logs).
  int http_connections() const { return http_ ? http_->connections() : 0; }
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
  absl::Status StartSecurity();
  absl::Status StartMetrics();
  absl::Status StartGrpc();
  absl::Status StartHttp();
  void LogStarted(absl::Duration took) const;
  void OnModelsChanged(bool default_model_serving);

  const ServerOptions options_;
  // Null when metrics are off. Declared before everything that holds its
  // handles, so it is destroyed after them.
  std::unique_ptr<metrics::ServerMetrics> metrics_;
  std::unique_ptr<metrics::MetricsExposer> exposer_;
  ModelRegistry registry_;
  ModelManager manager_;
  Predictor predictor_;
  std::unique_ptr<security::ApiKeyStore> api_keys_;  // null: open
  std::unique_ptr<security::CallAuthorizer> authorizer_;
  regserve::v1::PredictionService::AsyncService service_;
  HealthService health_;
  ServiceMethods methods_;
  CompletionQueues queues_;
  std::unique_ptr<grpc::Server> server_;
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
