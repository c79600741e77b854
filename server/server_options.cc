#include "server/server_options.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace regserve::server {
namespace {

absl::Status Invalid(absl::string_view flag, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, " ", problem));
}

// A listening port: 0..65535, and kAnyPort where `any_allowed`.
absl::Status CheckPort(absl::string_view flag, int port, bool any_allowed) {
  if (port >= 0 && port <= 65535) return absl::OkStatus();
  if (any_allowed && port == ServerOptions::kAnyPort) return absl::OkStatus();
  return Invalid(
      flag, absl::StrCat("must be a port from 0 to 65535",
                         any_allowed ? " (or -1: any free port)" : "", ", is ",
                         port));
}

absl::Status CheckAtLeast(absl::string_view flag, int64_t value,
                          int64_t least) {
  if (value >= least) return absl::OkStatus();
  return Invalid(flag,
                 absl::StrCat("must be at least ", least, ", is ", value));
}

absl::Status CheckPositive(absl::string_view flag, absl::Duration value) {
  if (value > absl::ZeroDuration() && value != absl::InfiniteDuration()) {
    return absl::OkStatus();
  }
  return Invalid(flag, absl::StrCat("must be a finite duration > 0, is ",
                                    absl::FormatDuration(value)));
}

absl::Status CheckNotNegative(absl::string_view flag, absl::Duration value) {
  if (value >= absl::ZeroDuration() && value != absl::InfiniteDuration()) {
    return absl::OkStatus();
  }
  return Invalid(flag, absl::StrCat("must be a finite duration >= 0, is ",
                                    absl::FormatDuration(value)));
}

absl::Status CheckTransportSecurity(const ServerOptions& o) {
  const security::TlsOptions& tls = o.tls;
  if (!tls.enabled() && (!tls.key_file.empty() || !tls.client_ca_file.empty() ||
                         tls.require_client_cert)) {
    return Invalid("tls_cert",
                   "is missing: --tls_key, --tls_client_ca or "
                   "--tls_require_client_cert ask for TLS, which needs "
                   "--tls_cert; without it the server would run plaintext");
  }
  if (tls.enabled() && tls.reload_interval <= absl::ZeroDuration()) {
    return Invalid("tls_reload_seconds", "must be > 0");
  }
  if (o.api_keys_file.empty() || o.allow_plaintext_api_keys) {
    return absl::OkStatus();
  }
  if (!tls.enabled()) {
    return Invalid("api_keys_file",
                   "needs --tls_cert: without TLS callers' keys travel in "
                   "clear. Add --tls_cert/--tls_key, or set "
                   "--allow_plaintext_api_keys where TLS ends in front of "
                   "regserve or the network is trusted");
  }
  if (o.http_port != 0) {
    return Invalid("api_keys_file",
                   "with the HTTP gateway on: it serves plaintext HTTP, so "
                   "callers' keys would travel in clear. Turn it off with "
                   "--http_port=0, or set --allow_plaintext_api_keys where "
                   "TLS ends in front of regserve");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateServerOptions(const ServerOptions& o) {
  for (absl::Status s : {
           CheckPort("port", o.port, /*any_allowed=*/false),
           CheckPort("metrics_port", o.metrics_port, /*any_allowed=*/true),
           CheckPort("http_port", o.http_port, /*any_allowed=*/true),
           CheckAtLeast("http_threads", o.http_threads, 1),
           CheckAtLeast("http_max_connections", o.http_max_connections, 1),
           CheckPositive("http_read_timeout_seconds", o.http_read_timeout),
           CheckPositive("http_idle_timeout_seconds", o.http_idle_timeout),
           CheckAtLeast("threads", o.threads, 0),
           CheckAtLeast("max_batch_rows", o.max_batch_rows, 1),
           CheckAtLeast("max_message_bytes", o.max_message_bytes, 1024),
           CheckAtLeast("max_concurrent_streams", o.max_concurrent_streams, 1),
           CheckAtLeast("max_calls_per_method", o.max_calls_per_method, 1),
           CheckNotNegative("min_client_ping_interval_seconds",
                            o.min_client_ping_interval),
           CheckNotNegative("max_queue_delay_ms", o.max_queue_delay),
           CheckNotNegative("max_connection_idle_seconds",
                            o.max_connection_idle),
           CheckNotNegative("max_connection_age_seconds", o.max_connection_age),
           CheckNotNegative("model_poll_seconds", o.model_poll_interval),
           CheckNotNegative("shutdown_grace_seconds", o.shutdown_grace),
       }) {
    if (!s.ok()) return s;
  }
  if (o.memory_quota_bytes < o.max_message_bytes) {
    return Invalid(
        "memory_quota_bytes",
        absl::StrCat("must be at least --max_message_bytes (",
                     o.max_message_bytes, "), is ", o.memory_quota_bytes,
                     ": no request of the largest size could be "
                     "received"));
  }
  if (o.model_repository.empty()) {
    return Invalid("model_repository", "must name a directory");
  }
  if (o.default_model.empty()) {
    return Invalid("default_model", "must name a model");
  }
  return CheckTransportSecurity(o);
}

}  // namespace regserve::server
