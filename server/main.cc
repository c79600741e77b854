// regserve-server: serves the linear regression models of a model repository
// over gRPC.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/build_info.h"
#include "common/logging.h"
#include "common/program_usage.h"
#include "common/server_process.h"
#include "server/regserve_server.h"
#include "server/server_options.h"
#include "server/serving/protobuf_log_filter.h"

ABSL_FLAG(int, port, 50051,
          "gRPC port, on all interfaces; 0 picks a free "
          "port (see --port_file).");
ABSL_FLAG(int, http_port, 8080,
          "HTTP/1.1 JSON gateway port; 0 = off, -1 = a free port (written to "
          "--port_file).");
ABSL_FLAG(int, http_threads, 4,
          "Event loop threads of the HTTP/JSON gateway (idle and slow "
          "connections hold none).");
ABSL_FLAG(int, http_max_connections, 1024,
          "Open HTTP connections past which new ones get 503 and are closed.");
ABSL_FLAG(int, http_read_timeout_seconds, 10,
          "Seconds a client has to send a request's head once it began, and "
          "again its body; then the connection is closed.");
ABSL_FLAG(
    int, http_idle_timeout_seconds, 60,
    "Seconds a kept-alive HTTP connection may wait for its next request.");
ABSL_FLAG(int, metrics_port, 9090,
          "Prometheus /metrics port; 0 = off, -1 = a free port (written to "
          "--port_file).");
ABSL_FLAG(std::string, model_repository, "models",
          "Model repository: <name>/<version>/model.json.");
ABSL_FLAG(std::string, default_model, "boston_housing",
          "Model that answers requests with an empty model name.");
ABSL_FLAG(std::string, model_config, "",
          "Optional model config: per-model version policies and labels "
          "(protobuf text, or JSON if it ends in .json; schema in "
          "proto/regserve/config/v1/model_config.proto).");
ABSL_FLAG(double, model_poll_seconds, 5,
          "Rescan the repository and config this often; 0 = only on SIGHUP.");
ABSL_FLAG(std::string, version_policy, "latest",
          "Which versions to serve: latest (the newest --latest_versions), "
          "all, or specific (--specific_versions).");
ABSL_FLAG(int, latest_versions, 1, "N for --version_policy=latest.");
ABSL_FLAG(std::vector<std::string>, specific_versions, {},
          "Comma-separated versions for --version_policy=specific.");
ABSL_FLAG(int, threads, 0,
          "Completion queues, each with one polling "
          "thread; 0 = the machine's hardware threads.");
ABSL_FLAG(int64_t, max_batch_rows, 100000,
          "Most rows in one BatchPredict (INVALID_ARGUMENT past it).");
ABSL_FLAG(int, max_message_bytes, 64 * 1024 * 1024,
          "Largest request or response in bytes (RESOURCE_EXHAUSTED past it).");
ABSL_FLAG(int64_t, memory_quota_bytes, int64_t{256} << 20,
          "Memory requests being received may hold: gRPC's ResourceQuota, and "
          "separately the HTTP bodies being read at once (more: 503). About a "
          "quarter of the container's memory limit; at least "
          "--max_message_bytes.");
ABSL_FLAG(double, shutdown_grace_seconds, 10,
          "On SIGTERM/SIGINT, how long in-flight calls may take to finish.");
ABSL_FLAG(double, drain_seconds, 0,
          "On SIGTERM/SIGINT, how long to report "
          "NOT_SERVING while still serving before refusing new calls.");
ABSL_FLAG(std::string, tls_cert, "",
          "Server certificate chain (PEM); with --tls_key turns on TLS.");
ABSL_FLAG(std::string, tls_key, "", "Server private key (PEM).");
ABSL_FLAG(std::string, tls_client_ca, "",
          "CA bundle (PEM) that verifies client certificates (mutual TLS).");
ABSL_FLAG(bool, tls_require_client_cert, false,
          "Refuse clients without a certificate from --tls_client_ca.");
ABSL_FLAG(double, tls_reload_seconds, 60,
          "Re-read the certificate files this often, so rotation needs no "
          "restart.");
ABSL_FLAG(std::string, api_keys_file, "",
          "API keys and their grants (SHA-256 hashes only; schema in "
          "proto/regserve/config/v1/api_keys.proto); re-read on SIGHUP. "
          "Empty = no authentication.");
ABSL_FLAG(bool, auth_health, false,
          "With --api_keys_file, require a key for health checks (Check and "
          "Watch) too.");
ABSL_FLAG(bool, allow_plaintext_api_keys, false,
          "Let --api_keys_file work over plaintext (gRPC without --tls_cert, "
          "or the HTTP gateway): only where TLS ends in front of regserve "
          "or the network is trusted. Without it the server refuses to "
          "start with keys that would travel in clear.");
ABSL_FLAG(int, max_concurrent_streams, 100,
          "Concurrent calls one connection may have open.");
ABSL_FLAG(int, max_calls_per_method, 1024,
          "Calls of one method each polling thread holds at once (arrived, "
          "answer not yet sent); more wait in gRPC until one ends.");
ABSL_FLAG(double, min_client_ping_interval_seconds, 10,
          "Clients pinging more often (without calls) get GOAWAY.");
ABSL_FLAG(double, max_connection_idle_seconds, 300,
          "Close connections idle this long.");
ABSL_FLAG(double, max_connection_age_seconds, 1800,
          "Ask clients to reconnect after this long, so round_robin clients "
          "find new replicas; 0 = never.");
ABSL_FLAG(double, max_queue_delay_ms, 100,
          "Refuse calls with RESOURCE_EXHAUSTED while the server has been busy "
          "without emptying its queue for longer than this; 0 = never.");
ABSL_FLAG(bool, reflection, true, "Serve gRPC server reflection (grpcurl).");
ABSL_FLAG(std::string, port_file, "",
          "If set, write the bound gRPC, metrics and HTTP ports (0 if off), "
          "one per line, here once serving (for scripts using "
          "--port=0).");

namespace {

absl::StatusOr<regserve::server::VersionPolicy> PolicyFromFlags() {
  std::vector<int64_t> specific;
  for (const std::string& v : absl::GetFlag(FLAGS_specific_versions)) {
    int64_t version = 0;
    if (!absl::SimpleAtoi(v, &version)) {
      return absl::InvalidArgumentError("--specific_versions: '" + v +
                                        "' is not a number");
    }
    specific.push_back(version);
  }
  return regserve::server::VersionPolicy::FromFlags(
      absl::GetFlag(FLAGS_version_policy), absl::GetFlag(FLAGS_latest_versions),
      specific);
}

absl::StatusOr<regserve::server::ServerOptions> OptionsFromFlags() {
  regserve::server::ServerOptions options;
  auto policy = PolicyFromFlags();
  if (!policy.ok()) return policy.status();
  options.version_policy = *policy;
  options.model_config = absl::GetFlag(FLAGS_model_config);
  options.model_poll_interval =
      absl::Seconds(absl::GetFlag(FLAGS_model_poll_seconds));
  options.port = absl::GetFlag(FLAGS_port);
  options.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  options.http_port = absl::GetFlag(FLAGS_http_port);
  options.http_threads = absl::GetFlag(FLAGS_http_threads);
  options.http_max_connections = absl::GetFlag(FLAGS_http_max_connections);
  options.http_read_timeout =
      absl::Seconds(absl::GetFlag(FLAGS_http_read_timeout_seconds));
  options.http_idle_timeout =
      absl::Seconds(absl::GetFlag(FLAGS_http_idle_timeout_seconds));
  options.model_repository = absl::GetFlag(FLAGS_model_repository);
  options.default_model = absl::GetFlag(FLAGS_default_model);
  options.threads = absl::GetFlag(FLAGS_threads);
  options.max_batch_rows = absl::GetFlag(FLAGS_max_batch_rows);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.memory_quota_bytes = absl::GetFlag(FLAGS_memory_quota_bytes);
  options.shutdown_grace =
      absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds));
  options.reflection = absl::GetFlag(FLAGS_reflection);
  options.api_keys_file = absl::GetFlag(FLAGS_api_keys_file);
  options.tls.cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.tls.key_file = absl::GetFlag(FLAGS_tls_key);
  options.tls.client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  options.tls.require_client_cert =
      absl::GetFlag(FLAGS_tls_require_client_cert);
  options.tls.reload_interval =
      absl::Seconds(absl::GetFlag(FLAGS_tls_reload_seconds));
  options.auth_health = absl::GetFlag(FLAGS_auth_health);
  options.allow_plaintext_api_keys =
      absl::GetFlag(FLAGS_allow_plaintext_api_keys);
  options.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  options.max_calls_per_method = absl::GetFlag(FLAGS_max_calls_per_method);
  options.min_client_ping_interval =
      absl::Seconds(absl::GetFlag(FLAGS_min_client_ping_interval_seconds));
  options.max_connection_idle =
      absl::Seconds(absl::GetFlag(FLAGS_max_connection_idle_seconds));
  options.max_queue_delay =
      absl::Milliseconds(absl::GetFlag(FLAGS_max_queue_delay_ms));
  options.max_connection_age =
      absl::Seconds(absl::GetFlag(FLAGS_max_connection_age_seconds));
  return options;
}

// Blocks until SIGTERM or SIGINT; SIGHUP rescans the models. Signals are
// blocked in every thread (the mask is inherited), so only this sigwait
// sees them.
int WaitForTerminationSignal(const sigset_t& signals,
                             regserve::server::RegserveServer& server) {
  while (true) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      LOG(INFO) << "SIGHUP: rescanning the model repository and config";
      server.Reload();
      continue;
    }
    return sig;
  }
}

}  // namespace

int main(int argc, char** argv) {
  regserve::common::InitProgramUsage(
      "Serves linear regression models over gRPC.\n"
      "  regserve-server --model_repository=models --port=50051",
      __FILE__);
  absl::ParseCommandLine(argc, argv);
  regserve::common::DisableMutexDeadlockDetection();
  regserve::server::FilterProtobufLogs();
  const sigset_t signals =
      regserve::common::BlockSignals({SIGTERM, SIGINT, SIGHUP});

  LOG(INFO) << "regserve " << regserve::common::kVersion << " ("
            << regserve::common::kGitCommit << ")";
  // Every flag whose value cannot work is a start-up error: exit 1.
  auto options = OptionsFromFlags();
  if (!options.ok()) {
    LOG(ERROR) << "cannot start: " << options.status().message();
    return 1;
  }
  const double drain_seconds = absl::GetFlag(FLAGS_drain_seconds);
  if (!(drain_seconds >= 0 && drain_seconds < 86400)) {
    LOG(ERROR) << "cannot start: --drain_seconds must be from 0 to 86400, is "
               << drain_seconds;
    return 1;
  }
  auto server = regserve::server::RegserveServer::Start(*options);
  if (!server.ok()) {
    LOG(ERROR) << "cannot start: " << server.status();
    return 1;
  }
  if (const std::string path = absl::GetFlag(FLAGS_port_file);
      !path.empty() &&
      !regserve::common::WriteFileAtomically(
          path, absl::StrCat((*server)->port(), "\n", (*server)->metrics_port(),
                             "\n", (*server)->http_port(), "\n"))) {
    LOG(ERROR) << "cannot start: cannot write --port_file " << path;
    (*server)->Shutdown();
    return 1;
  }
  const int sig = WaitForTerminationSignal(signals, **server);
  LOG(INFO) << "received signal " << sig << ", shutting down";
  (*server)->BeginDrain();
  absl::SleepFor(absl::Seconds(drain_seconds));
  (*server)->Shutdown();
  return 0;
}
