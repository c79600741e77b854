#include "server/regserve_server.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "server/grpc_status.h"
#include "server/security/server_credentials.h"

namespace regserve::server {
namespace {

namespace v1 = ::regserve::v1;

constexpr char kServiceName[] = "regserve.v1.PredictionService";
// Call slots waiting per method per completion queue when quiet; the pools
// grow up to --max_calls_per_method while calls hold slots.
constexpr int kWaitingSlotsPerMethod = 64;

// Sets reflection per builder. Linking grpc++_reflection registers its
// plugin for every server in the process through a static initializer, so
// this option first removes it and then adds it back only when enabled.
class ReflectionOption : public grpc::ServerBuilderOption {
 public:
  explicit ReflectionOption(bool enabled) : enabled_(enabled) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    std::erase_if(*plugins, [](const auto& plugin) {
      return plugin->name() == "proto_server_reflection";
    });
    if (enabled_) {
      plugins->push_back(
          std::make_unique<grpc::reflection::ProtoServerReflectionPlugin>());
    }
  }

 private:
  bool enabled_;
};

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
      health_({kServiceName}) {
  WireMethods();
}

void RegserveServer::WireMethods() {
  predict_.request = [this](auto* ctx, auto* req, auto* writer, auto* cq,
                            void* tag) {
    service_.RequestPredict(ctx, req, writer, cq, cq, tag);
  };
  predict_.handle = [this](const auto& req, auto* resp) {
    return ToGrpcStatus(predictor_.Predict(req, resp));
  };
  batch_predict_.request = [this](auto* ctx, auto* req, auto* writer, auto* cq,
                                  void* tag) {
    service_.RequestBatchPredict(ctx, req, writer, cq, cq, tag);
  };
  batch_predict_.handle = [this](const auto& req, auto* resp) {
    return ToGrpcStatus(predictor_.BatchPredict(req, resp));
  };
  metadata_.request = [this](auto* ctx, auto* req, auto* writer, auto* cq,
                             void* tag) {
    service_.RequestGetModelMetadata(ctx, req, writer, cq, cq, tag);
  };
  metadata_.handle = [this](const auto& req, auto* resp) {
    return ToGrpcStatus(predictor_.GetModelMetadata(req, resp));
  };
  list_models_.request = [this](auto* ctx, auto* req, auto* writer, auto* cq,
                                void* tag) {
    service_.RequestListModels(ctx, req, writer, cq, cq, tag);
  };
  list_models_.handle = [this](const auto&, auto* resp) {
    manager_.ListModels(resp);
    return grpc::Status::OK;
  };
  health_check_.request = [this](auto* ctx, auto* req, auto* writer, auto* cq,
                                 void* tag) {
    health_.async_service()->RequestCheck(ctx, req, writer, cq, cq, tag);
  };
  health_check_.handle = [this](const auto& req, auto* resp) {
    return health_.Check(req, resp);
  };
  if (metrics_ == nullptr) return;
  call_metrics_ = {metrics_->ForMethod(kServiceName, "Predict"),
                   metrics_->ForMethod(kServiceName, "BatchPredict"),
                   metrics_->ForMethod(kServiceName, "GetModelMetadata"),
                   metrics_->ForMethod(kServiceName, "ListModels"),
                   metrics_->ForMethod("grpc.health.v1.Health", "Check")};
  predict_.metrics = &call_metrics_[0];
  batch_predict_.metrics = &call_metrics_[1];
  metadata_.metrics = &call_metrics_[2];
  list_models_.metrics = &call_metrics_[3];
  health_check_.metrics = &call_metrics_[4];
}

absl::StatusOr<std::unique_ptr<RegserveServer>> RegserveServer::Start(
    const ServerOptions& options) {
  const absl::Time started = absl::Now();
  std::unique_ptr<RegserveServer> server(new RegserveServer(options));
  RETURN_IF_ERROR(server->manager_.Reconcile());
  if (!server->registry_.Current()->HasModel(options.default_model)) {
    return absl::NotFoundError(server->manager_.DefaultModelProblem());
  }
  RETURN_IF_ERROR(server->WireAuth());
  RETURN_IF_ERROR(server->StartMetrics());
  RETURN_IF_ERROR(server->Build());
  RETURN_IF_ERROR(server->StartHttp());
  server->manager_.StartPolling();
  LOG(INFO) << "regserve-server listening on " << options.host << ":"
            << server->port_ << " (" << security::DescribeTransport(options.tls)
            << ", " << server->queues_.size() << " threads, reflection "
            << (options.reflection ? "on" : "off") << ", metrics "
            << (server->metrics_port()
                    ? absl::StrCat("on :", server->metrics_port())
                    : std::string("off"))
            << ", HTTP "
            << (server->http_port() ? absl::StrCat("on :", server->http_port())
                                    : std::string("off"))
            << ", models polled every "
            << absl::FormatDuration(options.model_poll_interval) << ", policy "
            << options.version_policy.ToString() << "), ready in "
            << absl::ToDoubleMilliseconds(absl::Now() - started) << " ms";
  return server;
}

// The "authorization" metadata value, or "".
std::string AuthorizationOf(const grpc::ServerContext& context) {
  auto it = context.client_metadata().find("authorization");
  if (it == context.client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

absl::Status RegserveServer::WireAuth() {
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
  const security::ApiKeyStore* keys = api_keys_.get();
  const std::string default_model = options_.default_model;
  auto model_of = [default_model](const v1::ModelSpec& spec) {
    return spec.name().empty() ? default_model : spec.name();
  };
  predict_.authorize = [=](const grpc::ServerContext& ctx, const auto& req) {
    return ToGrpcStatus(keys->Authorize(AuthorizationOf(ctx), "Predict",
                                        model_of(req.model_spec())));
  };
  batch_predict_.authorize = [=](const grpc::ServerContext& ctx,
                                 const auto& req) {
    return ToGrpcStatus(keys->Authorize(AuthorizationOf(ctx), "BatchPredict",
                                        model_of(req.model_spec())));
  };
  metadata_.authorize = [=](const grpc::ServerContext& ctx, const auto& req) {
    return ToGrpcStatus(keys->Authorize(
        AuthorizationOf(ctx), "GetModelMetadata", model_of(req.model_spec())));
  };
  list_models_.authorize = [=](const grpc::ServerContext& ctx, const auto&) {
    return ToGrpcStatus(
        keys->Authorize(AuthorizationOf(ctx), "ListModels", ""));
  };
  if (options_.auth_health) {
    health_check_.authorize = [=](const grpc::ServerContext& ctx, const auto&) {
      return ToGrpcStatus(keys->Authenticate(AuthorizationOf(ctx)).status());
    };
  }
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

void RegserveServer::ApplyConnectionLimits(const ServerOptions& options,
                                           grpc::ServerBuilder& builder) {
  auto ms = [](absl::Duration d) {
    return static_cast<int>(absl::ToInt64Milliseconds(d));
  };
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             options.max_concurrent_streams);
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
      ms(options.min_client_ping_interval));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             ms(options.max_connection_idle));
  if (options.max_connection_age > absl::ZeroDuration()) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               ms(options.max_connection_age));
    // Calls in flight get this long to finish on the old connection.
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, 30 * 1000);
  }
  // Our own keepalive pings find clients that vanished without a FIN.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
}

absl::Status RegserveServer::StartHttp() {
  if (options_.http_port == 0) return absl::OkStatus();
  if (metrics_ != nullptr) {
    http_metrics_ =
        std::make_unique<metrics::HttpMetrics>(*metrics_->registry());
  }
  gateway_ = std::make_unique<http::JsonGateway>(
      &predictor_, &manager_, api_keys_.get(), [this] {
        return health_.StatusOf("") ==
               grpc::health::v1::HealthCheckResponse::SERVING;
      });
  http::HttpServerOptions http_options;
  http_options.host = options_.host;
  http_options.port =
      options_.http_port == ServerOptions::kAnyPort ? 0 : options_.http_port;
  http_options.threads = options_.http_threads;
  http_options.max_body_bytes = static_cast<size_t>(options_.max_message_bytes);
  ASSIGN_OR_RETURN(http_, http::HttpServer::Start(http_options, gateway_.get(),
                                                  http_metrics_.get()));
  return absl::OkStatus();
}

absl::Status RegserveServer::Build() {
  // Our own async health service replaces gRPC's callback one (see
  // health_service.h); being generated code, reflection can describe it.
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
  builder.SetOption(std::make_unique<ReflectionOption>(options_.reflection));
  const int threads = options_.threads > 0
                          ? options_.threads
                          : std::max(1u, std::thread::hardware_concurrency());
  for (int i = 0; i < threads; ++i) {
    queues_.push_back(builder.AddCompletionQueue());
  }
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.host, ":", options_.port));
  }
  ArmAllSlots();
  for (size_t i = 0; i < queues_.size(); ++i) {
    health_.ArmWatch(queues_[i].get(), &slots_state_);
    pollers_.emplace_back(
        [this, i] { PollLoop(queues_[i].get(), shedders_[i].get()); });
  }
  OnModelsChanged(true);
  return absl::OkStatus();
}

void RegserveServer::OnModelsChanged(bool default_model_serving) {
  absl::MutexLock lock(&mu_);
  if (server_ == nullptr || draining_ || shut_down_) return;
  SetServing(default_model_serving);
}

void RegserveServer::ArmAllSlots() {
  for (size_t i = 0; i < queues_.size(); ++i) {
    shedders_.push_back(
        std::make_unique<LoadShedder>(options_.max_queue_delay));
  }
  health_check_.sheddable = false;
  ArmSlots(&predict_);
  ArmSlots(&batch_predict_);
  ArmSlots(&metadata_);
  ArmSlots(&list_models_);
  ArmSlots(&health_check_);
}

template <typename Request, typename Response>
void RegserveServer::ArmSlots(const UnaryMethod<Request, Response>* method) {
  SlotPoolLimits limits;
  limits.waiting = std::min(kWaitingSlotsPerMethod,
                            std::max(1, options_.max_calls_per_method));
  limits.max_slots = std::max(limits.waiting, options_.max_calls_per_method);
  for (size_t q = 0; q < queues_.size(); ++q) {
    slot_pools_.push_back(std::make_unique<SlotPool>(
        queues_[q].get(), &slots_state_, shedders_[q].get(), limits));
    SlotPool* pool = slot_pools_.back().get();
    for (int i = 0; i < limits.waiting; ++i) {
      UnaryCall<Request, Response>::Add(method, pool);
    }
  }
}

void RegserveServer::PollLoop(grpc::ServerCompletionQueue* cq,
                              LoadShedder* shedder) {
  void* tag;
  bool ok;
  const gpr_timespec now = gpr_time_0(GPR_CLOCK_MONOTONIC);
  while (true) {
    // Take what is ready without blocking; only when nothing is, block, and
    // tell the load shedder the queue ran dry.
    auto status = cq->AsyncNext(&tag, &ok, now);
    if (status == grpc::CompletionQueue::TIMEOUT) {
      if (!cq->Next(&tag, &ok)) return;
      // The queue stayed empty until this event woke us: no backlog.
      shedder->MarkDrained();
    } else if (status == grpc::CompletionQueue::SHUTDOWN) {
      return;
    }
    static_cast<CallTag*>(tag)->Proceed(ok);
  }
}

void RegserveServer::SetServing(bool serving) { health_.SetServing(serving); }

void RegserveServer::BeginDrain() {
  LOG(INFO) << "draining: health NOT_SERVING";
  absl::MutexLock lock(&mu_);
  draining_ = true;
  if (server_ != nullptr) SetServing(false);
}

void RegserveServer::Shutdown() {
  // Before taking mu_: the poller's health callback takes it too.
  manager_.Stop();
  absl::MutexLock lock(&mu_);
  if (shut_down_) return;
  shut_down_ = server_ == nullptr;  // Build() failed: nothing runs
  if (shut_down_) return;
  // Ends Watch streams too, so the shutdown below need not wait for them.
  health_.Shutdown();
  http_.reset();  // stops accepting; waits for HTTP requests in flight
  slots_state_.shutting_down.store(true, std::memory_order_release);
  // Refuses new calls at once; in-flight calls keep being served by the
  // pollers until they end or the grace period cancels them.
  server_->Shutdown(std::chrono::system_clock::now() +
                    absl::ToChronoMilliseconds(options_.shutdown_grace));
  for (auto& cq : queues_) cq->Shutdown();
  for (std::thread& t : pollers_) t.join();
  shut_down_ = true;
  LOG(INFO) << "shut down after answering " << slots_state_.answered.load()
            << " calls";
}

RegserveServer::~RegserveServer() { Shutdown(); }

}  // namespace regserve::server
