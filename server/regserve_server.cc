#include "server/regserve_server.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "server/grpc/builder_options.h"
#include "server/security/server_credentials.h"

namespace regserve::server {
namespace {

ModelManagerOptions ManagerOptions(const ServerOptions& options) {
  ModelManagerOptions m;
  m.repository = options.model_repository;
  m.default_model = options.default_model;
  m.config_path = options.model_config;
  m.policy = options.version_policy;
  m.poll_interval = options.model_poll_interval;
  return m;
}

}  // namespace

RegserveServer::RegserveServer(const ServerOptions& options)
    : options_(options),
      metrics_(options.metrics_port == 0
                   ? nullptr
                   : std::make_unique<metrics::ServerMetrics>()),
      manager_(ManagerOptions(options), &registry_, metrics_.get(),
               [this](bool serving) { OnModelsChanged(serving); }),
      predictor_(&registry_, options.max_batch_rows, metrics_.get()),
      health_({kPredictionServiceName}),
      queues_(options.max_queue_delay, options.max_calls_per_method) {
  BindServiceMethods(&service_, &health_, &predictor_, &manager_, methods_);
  if (metrics_ != nullptr) AttachCallMetrics(*metrics_, methods_);
}

absl::StatusOr<std::unique_ptr<RegserveServer>> RegserveServer::Start(
    const ServerOptions& options) {
  const absl::Time started = absl::Now();
  RETURN_IF_ERROR(ValidateServerOptions(options));
  std::unique_ptr<RegserveServer> server(new RegserveServer(options));
  RETURN_IF_ERROR(server->manager_.Reconcile());
  if (!server->registry_.Current()->HasModel(options.default_model)) {
    return absl::NotFoundError(server->manager_.DefaultModelProblem());
  }
  RETURN_IF_ERROR(server->StartSecurity());
  RETURN_IF_ERROR(server->StartMetrics());
  RETURN_IF_ERROR(server->StartGrpc());
  RETURN_IF_ERROR(server->StartHttp());
  server->manager_.StartPolling();
  server->LogStarted(absl::Now() - started);
  return server;
}

void RegserveServer::LogStarted(absl::Duration took) const {
  LOG(INFO) << "regserve-server listening on " << options_.host << ":" << port_
            << " (" << security::DescribeTransport(options_.tls) << ", "
            << queues_.size() << " threads, reflection "
            << (options_.reflection ? "on" : "off") << ", metrics "
            << (metrics_port() ? absl::StrCat("on :", metrics_port())
                               : std::string("off"))
            << ", HTTP "
            << (http_port() ? absl::StrCat("on :", http_port())
                            : std::string("off"))
            << ", models polled every "
            << absl::FormatDuration(options_.model_poll_interval) << ", policy "
            << options_.version_policy.ToString() << "), ready in "
            << absl::ToDoubleMilliseconds(took) << " ms";
}

absl::Status RegserveServer::StartSecurity() {
  if (options_.api_keys_file.empty()) {
    LOG(WARNING) << "no --api_keys_file: every caller may call every method"
                 << (options_.tls.enabled()
                         ? ""
                         : ", over plaintext: running open (fine on a "
                           "private network, not beyond it)");
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(api_keys_,
                   security::ApiKeyStore::Open(options_.api_keys_file));
  authorizer_ = std::make_unique<security::CallAuthorizer>(
      api_keys_.get(), options_.default_model, options_.auth_health);
  AttachAuthorization(authorizer_.get(), health_, methods_);
  return absl::OkStatus();
}

void RegserveServer::Reload() {
  manager_.RequestReload();
  if (api_keys_ != nullptr) (void)api_keys_->Reload();
}

absl::Status RegserveServer::StartMetrics() {
  if (metrics_ == nullptr) return absl::OkStatus();
  const int port = options_.metrics_port == ServerOptions::kAnyPort
                       ? 0
                       : options_.metrics_port;
  ASSIGN_OR_RETURN(exposer_, metrics::MetricsExposer::Start(options_.host, port,
                                                            metrics_.get()));
  return absl::OkStatus();
}

absl::Status RegserveServer::StartHttp() {
  if (options_.http_port == 0) return absl::OkStatus();
  if (metrics_ != nullptr) {
    http_metrics_ =
        std::make_unique<metrics::HttpMetrics>(*metrics_->registry());
  }
  gateway_ = std::make_unique<http::JsonGateway>(
      &predictor_, &manager_, authorizer_.get(), [this] {
        return health_.StatusOf("") ==
               grpc::health::v1::HealthCheckResponse::SERVING;
      });
  http::HttpServerOptions http_options;
  http_options.host = options_.host;
  http_options.port =
      options_.http_port == ServerOptions::kAnyPort ? 0 : options_.http_port;
  http_options.threads = options_.http_threads;
  http_options.max_body_bytes = static_cast<size_t>(options_.max_message_bytes);
  http_options.max_connections = options_.http_max_connections;
  http_options.max_body_memory =
      static_cast<size_t>(options_.memory_quota_bytes);
  http_options.read_timeout = options_.http_read_timeout;
  http_options.idle_timeout = options_.http_idle_timeout;
  ASSIGN_OR_RETURN(http_, http::HttpServer::Start(http_options, gateway_.get(),
                                                  http_metrics_.get()));
  return absl::OkStatus();
}

absl::Status RegserveServer::StartGrpc() {
  // Our own async health service replaces gRPC's callback one (see
  // grpc/health_service.h); being generated code, reflection can describe it.
  grpc::EnableDefaultHealthCheckService(false);

  grpc::ServerBuilder builder;
  ASSIGN_OR_RETURN(auto credentials,
                   security::MakeServerCredentials(options_.tls));
  builder.AddListeningPort(absl::StrCat(options_.host, ":", options_.port),
                           credentials, &port_);
  builder.RegisterService(&service_);
  builder.RegisterService(health_.async_service());
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  ApplyConnectionLimits(options_, builder);
  // gRPC sets SO_REUSEPORT by default, so a second server on a taken port
  // would start and the kernel would split connections between the two.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetOption(std::make_unique<ReflectionOption>(options_.reflection));
  queues_.AddTo(builder, options_.threads > 0
                             ? options_.threads
                             : static_cast<int>(std::max(
                                   1u, std::thread::hardware_concurrency())));
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.host, ":", options_.port));
  }
  queues_.Arm(methods_, health_);
  queues_.StartPolling();
  OnModelsChanged(true);
  return absl::OkStatus();
}

void RegserveServer::OnModelsChanged(bool default_model_serving) {
  absl::MutexLock lock(&mu_);
  if (server_ == nullptr || draining_ || shut_down_) return;
  health_.SetServing(default_model_serving);
}

void RegserveServer::BeginDrain() {
  LOG(INFO) << "draining: health NOT_SERVING";
  absl::MutexLock lock(&mu_);
  draining_ = true;
  if (server_ != nullptr) health_.SetServing(false);
}

void RegserveServer::Shutdown() {
  // Before taking mu_: the poller's health callback takes it too.
  manager_.Stop();
  absl::MutexLock lock(&mu_);
  if (shut_down_) return;
  shut_down_ = server_ == nullptr;  // StartGrpc() failed: nothing runs
  if (shut_down_) return;
  // Ends Watch streams too, so the shutdown below need not wait for them.
  health_.Shutdown();
  // Stops accepting and closes idle connections; requests in flight are
  // answered (within the grace period).
  if (http_ != nullptr) http_->Stop(options_.shutdown_grace);
  queues_.MarkShuttingDown();
  // Refuses new calls at once; in-flight calls keep being served by the
  // pollers until they end or the grace period cancels them.
  server_->Shutdown(std::chrono::system_clock::now() +
                    absl::ToChronoMilliseconds(options_.shutdown_grace));
  queues_.Shutdown();
  shut_down_ = true;
  LOG(INFO) << "shut down after answering " << queues_.state().answered.load()
            << " calls";
}

RegserveServer::~RegserveServer() { Shutdown(); }

}  // namespace regserve::server
