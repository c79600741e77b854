#include "server/metrics/metrics_exposer.h"

#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/echo.h"
#include "prometheus/text_serializer.h"
#include "server/http/http_errors.h"

namespace regserve::server::metrics {
namespace {

constexpr char kPath[] = "/metrics";

http::HttpResponse Error(int http_status, const absl::Status& status) {
  return http::JsonResponse(http_status, http::ErrorJson(status));
}

}  // namespace

http::HttpResponse MetricsEndpoint::Handle(
    const http::HttpRequest& request) const {
  if (request.path != kPath) {
    return Error(404, absl::NotFoundError(absl::StrCat(
                          "no route for ", common::Echo(request.path),
                          " (metrics are at /metrics)")));
  }
  if (request.method != "GET") {
    return Error(405, absl::UnimplementedError(absl::StrCat(
                          common::Echo(request.method),
                          " is not allowed on /metrics; use GET")));
  }
  // prometheus-cpp throws only on allocation failure; stop it here.
  try {
    std::vector<prometheus::MetricFamily> families;
    for (const auto& weak : collectables_) {
      auto collectable = weak.lock();
      if (collectable == nullptr) continue;
      auto collected = collectable->Collect();
      std::move(collected.begin(), collected.end(),
                std::back_inserter(families));
    }
    http::HttpResponse response;
    response.body = prometheus::TextSerializer().Serialize(families);
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return response;
  } catch (const std::exception& e) {
    return Error(500, absl::InternalError(
                          absl::StrCat("collecting metrics: ", e.what())));
  }
}

std::string MetricsEndpoint::AllowedMethods(absl::string_view path) const {
  return path == kPath ? "GET" : "";
}

absl::StatusOr<std::unique_ptr<MetricsExposer>> MetricsExposer::Start(
    const std::string& host, int port, ServerMetrics* metrics) {
  std::unique_ptr<MetricsExposer> out(new MetricsExposer());
  std::vector<std::weak_ptr<prometheus::Collectable>> collectables =
      metrics->collectables();
  collectables.push_back(out->process_);
  out->endpoint_ = std::make_unique<MetricsEndpoint>(std::move(collectables));
  http::HttpListenerOptions listen;
  listen.host = host;
  listen.port = port;
  listen.threads = 1;
  listen.max_connections = 64;  // scrapers, not callers
  // Scrapes have no body: a small limit, so that no connection of this
  // port can make the server hold a large one.
  listen.session.limits.max_body_bytes = 4096;
  listen.max_body_memory = 64 * 4096;
  auto listener = http::HttpListener::Start(listen, out->endpoint_.get());
  if (!listener.ok()) {
    return absl::UnavailableError(
        absl::StrCat("metrics: ", listener.status().message()));
  }
  out->listener_ = std::move(*listener);
  return out;
}

}  // namespace regserve::server::metrics
