#include "server/metrics/http_metrics.h"

#include <vector>

namespace regserve::server::metrics {

HttpMetrics::HttpMetrics(prometheus::Registry& registry) {
  auto& requests = prometheus::BuildCounter()
                       .Name("regserve_http_requests_total")
                       .Help("HTTP/JSON gateway requests, by route and status.")
                       .Register(registry);
  auto& seconds = prometheus::BuildHistogram()
                      .Name("regserve_http_request_duration_seconds")
                      .Help("HTTP/JSON gateway request handling time.")
                      .Register(registry);
  std::vector<double> buckets;
  for (double b = 25e-6; b < 8; b *= 2) buckets.push_back(b);
  for (const char* route : {"predict", "batchPredict", "metadata", "listModels",
                            "healthz", "readyz", "none"}) {
    RouteHandles& h = routes_[route];
    for (size_t i = 0; i < kCodes.size(); ++i) {
      h.by_code[i] = &requests.Add(
          {{"route", route}, {"code", std::to_string(kCodes[i])}});
    }
    h.by_code[kCodes.size()] =
        &requests.Add({{"route", route}, {"code", "other"}});
    h.seconds = &seconds.Add({{"route", route}}, buckets);
  }
}

void HttpMetrics::Record(const std::string& route, int status,
                         double seconds) const {
  auto it = routes_.find(route);
  if (it == routes_.end()) it = routes_.find("none");
  size_t slot = kCodes.size();
  for (size_t i = 0; i < kCodes.size(); ++i) {
    if (kCodes[i] == status) slot = i;
  }
  it->second.by_code[slot]->Increment();
  it->second.seconds->Observe(seconds);
}

}  // namespace regserve::server::metrics
