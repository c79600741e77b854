// Metrics of the HTTP/JSON gateway: regserve_http_requests_total{route,code}
// and regserve_http_request_duration_seconds{route}. (Prediction metrics such
// as rows predicted are recorded by the Predictor for both protocols.)
#ifndef REGSERVE_SERVER_METRICS_HTTP_METRICS_H_
#define REGSERVE_SERVER_METRICS_HTTP_METRICS_H_

#include <array>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "prometheus/counter.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace regserve::server::metrics {

// Every handle is created in the constructor; Record() only looks them up
// in maps that never change afterwards. Thread-safe.
class HttpMetrics {
 public:
  explicit HttpMetrics(prometheus::Registry& registry);
  // `route` is a RouteName() or "none"; unknown codes count as "other".
  void Record(const std::string& route, int status, double seconds) const;

 private:
  static constexpr std::array<int, 11> kCodes = {200, 400, 401, 403, 404, 405,
                                                 413, 429, 500, 503, 504};
  struct RouteHandles {
    std::array<prometheus::Counter*, kCodes.size() + 1> by_code{};  // + other
    prometheus::Histogram* seconds = nullptr;
  };
  absl::flat_hash_map<std::string, RouteHandles> routes_;
};

}  // namespace regserve::server::metrics

#endif  // REGSERVE_SERVER_METRICS_HTTP_METRICS_H_
